//! The content pass's taps: the picture analyses fed from ffmpeg's `pipe:3` and the sound
//! analyses fed from the piped audio, built from the plan, and what they measured.

use super::{DEFAULT_TONE_HZ, Plan, audio_origin_s};
use crate::analyze::decode::AudioFormat;
use crate::analyze::picture::{
    self,
    logs::{CropLog, IdetLog},
};
use crate::analyze::sound::{self, SoundTap};
use crate::measurements::picture as picture_m;
use crate::measurements::sound as sound_m;
use crate::probe::Probe;

/// What the picture and sound taps (and idet, cropdetect) measured in one pass; `None` where
/// not asked for.
#[derive(Default)]
pub struct TapMeasurements {
    pub levels: Option<picture_m::Levels>,
    pub flashes: Option<picture_m::Flashes>,
    pub cadence: Option<picture_m::Cadence>,
    pub active_picture: Option<picture_m::ActivePicture>,
    /// Measured (MaxCLL, MaxFALL), cd/m².
    pub light_level: Option<(f64, f64)>,
    pub phase: Option<Vec<sound_m::PairPhase>>,
    pub tone: Option<Vec<sound_m::ToneStretch>>,
    pub channels: Option<sound_m::ChannelBands>,
    pub timeline: Option<Vec<sound_m::Segment>>,
}

impl Plan {
    /// The tap's analyses, when a rule reads the pictures.
    pub(super) fn picture_tap(&self, probe: &Probe) -> Option<picture::Tap> {
        let video = probe.video.as_ref().filter(|_| self.uses_tap())?;
        let frame_s = video
            .frame_rate()
            .map(|r| 1.0 / r.as_f64())
            .filter(|f| f.is_finite() && *f > 0.0)
            .unwrap_or(0.04);
        let clock = picture::levels::Clock {
            // The tap is a constant-rate output (rawvideo): ffmpeg fills a picture that starts
            // after the earliest stream with copies of its first frame, so frame n is at
            // n × frame_s on ffmpeg's timeline whatever the stream's own start.
            origin_s: 0.0,
            frame_s,
        };
        let scale = picture::signal::Scale::new(
            video.bit_depth().unwrap_or(8),
            picture::signal::is_full_range(video),
        );
        let analyses = picture::Analyses {
            levels: self.levels.map(|(limits, area, box3)| {
                picture::levels::Levels::new(clock, limits, area, box3, self.matrix.1.clone())
            }),
            flashes: self
                .flashes
                .map(|(area, max, red)| picture::flashes::Screening::new(clock, area, max, red)),
            light_level: self
                .light_level
                .then(picture::light_level::LightLevel::default),
            duplicates: self
                .cadence
                .then(|| picture::duplicates::Duplicates::new(clock)),
            classes: self
                .timeline_pictures
                .then(picture::classes::Classes::default),
        };
        Some(picture::Tap::new(scale, self.matrix.0, analyses))
    }

    /// The sound analyses, when a rule listens to the samples.
    pub(super) fn sound_tap(&self, probe: &Probe, format: AudioFormat) -> Option<SoundTap> {
        if !self.listens() {
            return None;
        }
        let audio = probe.audio.first()?;
        let origin = audio_origin_s(probe);
        let positions = sound::Positions::of(audio.channel_layout.as_deref(), format.channels);
        let analyses = sound::Analyses {
            pairs: self.pairs.map(|(threshold, min_s)| {
                sound::pairs::Pairs::new(origin, &positions.pairs, threshold, min_s)
            }),
            tone: self
                .tone
                .map(|hz| sound::tone::Tone::new(origin, hz, format.rate)),
            bands: if self.bands {
                sound::bands::Bands::new(&positions, format.rate)
            } else {
                None
            },
            classes: self.timeline.then(Vec::new),
        };
        let tone_hz = self.tone.unwrap_or(DEFAULT_TONE_HZ);
        Some(SoundTap::new(
            format.channels,
            format.rate,
            tone_hz,
            analyses,
        ))
    }

    pub(super) fn tap_measurements(
        &self,
        tap: Option<picture::Tap>,
        idet: IdetLog,
        crops: CropLog,
        sound: Option<SoundTap>,
        probe: &Probe,
    ) -> TapMeasurements {
        let sar = probe
            .video
            .as_ref()
            .and_then(|v| v.sar.as_deref())
            .and_then(|s| s.split_once(':'))
            .and_then(|(n, d)| Some(n.parse::<f64>().ok()? / d.parse::<f64>().ok()?))
            .filter(|r| r.is_finite() && *r > 0.0)
            .unwrap_or(1.0);
        let mut results = TapMeasurements {
            active_picture: if self.active_picture {
                crops.finish(sar)
            } else {
                None
            },
            ..TapMeasurements::default()
        };
        let sound = sound.map(SoundTap::finish);
        let classes = sound.as_ref().and_then(|s| s.classes.clone());
        if let Some(sound) = sound {
            results.phase = sound.pairs.map(sound::pairs::Pairs::finish);
            results.tone = sound.tone.map(sound::tone::Tone::finish);
            results.channels = sound.bands.map(sound::bands::Bands::finish);
        }
        let frame_s = probe
            .frame_rate()
            .map(|r| 1.0 / r.as_f64())
            .filter(|f| f.is_finite() && *f > 0.0)
            .unwrap_or(0.04);
        let Some(tap) = tap else {
            if self.timeline {
                let sounds = classes.unwrap_or_default();
                results.timeline = Some(crate::analyze::timeline::segments(
                    &[],
                    frame_s,
                    0.0,
                    &sounds,
                    audio_origin_s(probe),
                ));
            }
            return results;
        };
        let analyses = tap.analyses;
        if self.timeline {
            let pictures = analyses.classes.map(|c| c.frames).unwrap_or_default();
            let sounds = classes.unwrap_or_default();
            results.timeline = Some(crate::analyze::timeline::segments(
                &pictures,
                frame_s,
                0.0,
                &sounds,
                audio_origin_s(probe),
            ));
        }
        results.levels = analyses.levels.map(picture::levels::Levels::finish);
        results.flashes = analyses.flashes.map(picture::flashes::Screening::finish);
        results.light_level = analyses.light_level.and_then(|l| l.finish());
        if self.cadence {
            let mut cadence = idet.finish().unwrap_or_default();
            cadence.duplicates = analyses.duplicates.map(|d| d.finish()).unwrap_or_default();
            results.cadence = Some(cadence);
        }
        results
    }
}
