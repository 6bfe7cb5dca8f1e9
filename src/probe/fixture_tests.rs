//! ffprobe JSON parsing, on output stored from real files (tests/fixtures/ffprobe_*.json).

use crate::probe::parse_json;
use crate::rational::Rational;

fn fixture(name: &str) -> crate::probe::Probe {
    let path = format!(
        "{}/tests/fixtures/ffprobe_{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_json(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn h264_aac_mp4_ntsc_rate_is_exact() {
    let p = fixture("h264_aac");
    assert_eq!(p.container.as_deref(), Some("mov,mp4,m4a,3gp,3g2,mj2"));
    let v = p.video.as_ref().expect("video stream");
    assert_eq!(v.codec.as_deref(), Some("h264"));
    assert_eq!(v.profile.as_deref(), Some("High"));
    assert_eq!((v.width, v.height), (Some(320), Some(180)));
    assert_eq!(v.r_frame_rate, Rational::new(30000, 1001));
    assert_eq!(v.field_order.as_deref(), Some("progressive"));
    assert_eq!(v.pix_fmt.as_deref(), Some("yuv420p"));
    assert_eq!(v.nb_frames, Some(30));
    assert!((v.duration_s.unwrap() - 1.001).abs() < 1e-9);
    assert_eq!(p.audio.len(), 1);
    let a = &p.audio[0];
    assert_eq!(a.codec.as_deref(), Some("aac"));
    assert_eq!(a.sample_rate, Some(44100));
    assert_eq!(a.channels, Some(2));
    assert_eq!(a.channel_layout.as_deref(), Some("stereo"));
    assert_eq!(p.timecode, None);
}

#[test]
fn prores_interlaced_with_in24_audio_and_timecode() {
    let p = fixture("prores_interlaced_in24");
    let v = p.video.as_ref().expect("video stream");
    assert_eq!(v.codec.as_deref(), Some("prores"));
    assert_eq!(v.profile.as_deref(), Some("HQ"));
    assert_eq!(v.field_order.as_deref(), Some("tb"));
    assert_eq!(v.bit_depth(), Some(10));
    assert_eq!(v.color_primaries.as_deref(), Some("bt709"));
    assert_eq!(v.color_transfer.as_deref(), Some("bt709"));
    assert_eq!(v.color_space.as_deref(), Some("bt709"));
    assert_eq!(p.audio[0].codec.as_deref(), Some("pcm_s24be"));
    assert_eq!(p.audio[0].bit_depth(), Some(24));
    assert_eq!(p.timecode.as_deref(), Some("10:00:00:00"));
    assert_eq!(p.timecode_end.as_deref(), Some("10:00:00:24"));
}

#[test]
fn dnxhd_mxf_timecode_from_format_tags() {
    let p = fixture("dnxhd36");
    assert_eq!(p.container.as_deref(), Some("mxf"));
    let v = p.video.as_ref().expect("video stream");
    assert_eq!(v.codec.as_deref(), Some("dnxhd"));
    assert_eq!(v.r_frame_rate, Rational::new(24000, 1001));
    assert_eq!((v.width, v.height), (Some(1920), Some(1080)));
    assert_eq!(p.timecode.as_deref(), Some("01:00:00:00"));
    assert_eq!(p.audio[0].bit_depth(), Some(24));
}

#[test]
fn bwf_5_1_has_no_video() {
    let p = fixture("bwf_51");
    assert_eq!(p.container.as_deref(), Some("wav"));
    assert!(p.video.is_none());
    assert_eq!(p.audio[0].channels, Some(6));
    assert_eq!(p.audio[0].channel_layout.as_deref(), Some("5.1"));
    assert_eq!(p.audio[0].bit_depth(), Some(24));
}

#[test]
fn unknown_values_parse_as_absent_not_as_errors() {
    let json = br#"{"streams":[{"index":0,"codec_type":"video","codec_name":"rawvideo",
        "r_frame_rate":"0/0","avg_frame_rate":"0/0","width":0,"duration":"N/A","nb_frames":"N/A"}],
        "format":{"format_name":"avi","duration":"N/A","size":"N/A","bit_rate":"N/A"}}"#;
    let p = parse_json(json).expect("parses");
    let v = p.video.expect("video");
    assert_eq!(v.r_frame_rate, None);
    assert_eq!(v.duration_s, None);
    assert_eq!(v.nb_frames, None);
    assert_eq!(p.duration_s, None);
    assert_eq!(p.size, None);
}
