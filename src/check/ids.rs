//! Check ids: the names findings carry, spec `severity:` keys use, and outside tests rely on.

pub const FILE_READABLE: &str = "file.readable";
pub const FILE_NAME: &str = "file.name";
pub const FILE_TRUNCATED: &str = "file.truncated";
pub const FILE_DECODE: &str = "file.decode";
pub const FILE_KIND: &str = "file.kind";
pub const CONTAINER_FORMAT: &str = "container.format";
pub const VIDEO_CODEC: &str = "video.codec";
pub const VIDEO_PROFILE: &str = "video.profile";
pub const VIDEO_RESOLUTION: &str = "video.resolution";
pub const VIDEO_FRAME_RATE: &str = "video.frame_rate";
pub const VIDEO_SCAN: &str = "video.scan";
pub const VIDEO_PIX_FMT: &str = "video.pix_fmt";
pub const VIDEO_BIT_DEPTH: &str = "video.bit_depth";
pub const VIDEO_COLOR_PRIMARIES: &str = "video.color_primaries";
pub const VIDEO_COLOR_TRANSFER: &str = "video.color_transfer";
pub const VIDEO_COLOR_SPACE: &str = "video.color_space";
pub const AUDIO_CODEC: &str = "audio.codec";
pub const AUDIO_SAMPLE_RATE: &str = "audio.sample_rate";
pub const AUDIO_CHANNELS: &str = "audio.channels";
pub const AUDIO_BIT_DEPTH: &str = "audio.bit_depth";
pub const AUDIO_LAYOUT: &str = "audio.layout";
pub const LOUDNESS_INTEGRATED: &str = "audio.loudness.integrated";
pub const LOUDNESS_TRUE_PEAK: &str = "audio.loudness.true_peak";
pub const LOUDNESS_LRA: &str = "audio.loudness.lra";
pub const SYNC_START_OFFSET: &str = "sync.start_offset";
pub const SYNC_DURATION: &str = "sync.duration";
pub const SYNC_MARKER: &str = "sync.marker";
pub const TIMECODE_START: &str = "timecode.start";
pub const DURATION: &str = "duration";
pub const CONTENT_BLACK: &str = "content.black";
pub const CONTENT_FREEZE: &str = "content.freeze";
pub const CONTENT_SILENCE: &str = "content.silence";
pub const CONTENT_CLIPPING: &str = "content.clipping";
pub const CONTENT_LEVELS: &str = "content.levels";
pub const CONTENT_FLASHES: &str = "content.flashes";
pub const CONTENT_CADENCE: &str = "content.cadence";
pub const CONTENT_ACTIVE_PICTURE: &str = "content.active_picture";
pub const VIDEO_HDR: &str = "video.hdr";
pub const AUDIO_PHASE: &str = "audio.phase";
pub const AUDIO_STEREO: &str = "audio.stereo";
pub const AUDIO_TONE: &str = "audio.tone";
pub const TIMELINE_SEGMENT: &str = "timeline.segment";
pub const TIMELINE_FORBIDDEN: &str = "timeline.forbidden";
pub const CLIP_TRACKS: &str = "clip.tracks";
pub const CLIP_SYNC: &str = "clip.sync";
pub const INTEGRITY_MISMATCH: &str = "integrity.mismatch";
pub const INTEGRITY_MISSING: &str = "integrity.missing";
pub const INTEGRITY_UNLISTED: &str = "integrity.unlisted";
pub const INTEGRITY_CHAIN: &str = "integrity.chain";
pub const INTEGRITY_NO_MHL: &str = "integrity.no_mhl";
pub const SYNC_SOUND_MISSING: &str = "sync.sound_missing";
pub const SYNC_SOUND_PARTIAL: &str = "sync.sound_partial";
pub const SYNC_SOUND_ORPHAN: &str = "sync.sound_orphan";
pub const SYNC_SOUND_RATE: &str = "sync.sound_rate";
pub const CONFORM_MISSING: &str = "conform.missing";
pub const CONFORM_TIMECODE: &str = "conform.timecode";
pub const CONFORM_LENGTH: &str = "conform.length";
pub const CONFORM_FRAME_RATE: &str = "conform.frame_rate";
pub const CONFORM_AUDIO: &str = "conform.audio";

pub const ALL: &[&str] = &[
    FILE_READABLE,
    FILE_NAME,
    FILE_TRUNCATED,
    FILE_DECODE,
    FILE_KIND,
    CONTAINER_FORMAT,
    VIDEO_CODEC,
    VIDEO_PROFILE,
    VIDEO_RESOLUTION,
    VIDEO_FRAME_RATE,
    VIDEO_SCAN,
    VIDEO_PIX_FMT,
    VIDEO_BIT_DEPTH,
    VIDEO_COLOR_PRIMARIES,
    VIDEO_COLOR_TRANSFER,
    VIDEO_COLOR_SPACE,
    AUDIO_CODEC,
    AUDIO_SAMPLE_RATE,
    AUDIO_CHANNELS,
    AUDIO_BIT_DEPTH,
    AUDIO_LAYOUT,
    LOUDNESS_INTEGRATED,
    LOUDNESS_TRUE_PEAK,
    LOUDNESS_LRA,
    SYNC_START_OFFSET,
    SYNC_DURATION,
    SYNC_MARKER,
    TIMECODE_START,
    DURATION,
    CONTENT_BLACK,
    CONTENT_FREEZE,
    CONTENT_SILENCE,
    CONTENT_CLIPPING,
    CLIP_TRACKS,
    CLIP_SYNC,
    INTEGRITY_MISMATCH,
    INTEGRITY_MISSING,
    INTEGRITY_UNLISTED,
    INTEGRITY_CHAIN,
    INTEGRITY_NO_MHL,
    SYNC_SOUND_MISSING,
    SYNC_SOUND_PARTIAL,
    SYNC_SOUND_ORPHAN,
    SYNC_SOUND_RATE,
    CONFORM_MISSING,
    CONFORM_TIMECODE,
    CONFORM_LENGTH,
    CONFORM_FRAME_RATE,
    CONFORM_AUDIO,
    CONTENT_LEVELS,
    CONTENT_FLASHES,
    CONTENT_CADENCE,
    CONTENT_ACTIVE_PICTURE,
    VIDEO_HDR,
    AUDIO_PHASE,
    AUDIO_STEREO,
    AUDIO_TONE,
    TIMELINE_SEGMENT,
    TIMELINE_FORBIDDEN,
];
