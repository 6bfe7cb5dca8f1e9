//! Sound analyses on the content pass's audio (the first audio stream, as f32 samples): every
//! sample is read once, in 400 ms blocks.
//! - `pairs`: correlation, side/mid energy and balance of each L/R, Ls/Rs pair (`audio.phase`,
//!   `audio.stereo`)
//! - `tone`: a sine line-up at one frequency, by Goertzel filter (`audio.tone`)
//! - `bands`: energy above 120 Hz on the LFE, and the dialogue band per channel (`audio.layout`)
//! - each block's class (silence, tone, programme) for the timeline

pub mod bands;
pub mod pairs;
pub mod tone;

use crate::spec::Role;

/// The block the analyses measure over, seconds (what `aphasemeter` and BS.1770 use).
pub const BLOCK_S: f64 = 0.4;
/// A block is silent when no channel's peak reaches this, dBFS (silencedetect's default).
const SILENT_DBFS: f64 = -60.0;

/// What a block of sound is, for the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockClass {
    Silence,
    Tone,
    Programme,
}

/// The channels of a stream by position, from its layout name and count.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// (name, left, right) of each pair.
    pub pairs: Vec<(String, usize, usize)>,
    pub centre: Option<usize>,
    pub lfe: Option<usize>,
    pub surrounds: Option<(usize, usize)>,
}

impl Positions {
    /// SMPTE/ffmpeg channel order: L R C LFE Ls Rs (5.1), L R C LFE Lb Rb Ls Rs (7.1).
    pub fn of(layout: Option<&str>, channels: u32) -> Positions {
        let layout = layout.unwrap_or("");
        match channels {
            2 => Positions {
                pairs: vec![("L/R".into(), 0, 1)],
                ..Positions::default()
            },
            6 if !layout.contains("hexagonal") => Positions {
                pairs: vec![("L/R".into(), 0, 1), ("Ls/Rs".into(), 4, 5)],
                centre: Some(2),
                lfe: Some(3),
                surrounds: Some((4, 5)),
            },
            8 if layout.starts_with("7.1") || layout.is_empty() => Positions {
                pairs: vec![
                    ("L/R".into(), 0, 1),
                    ("Lb/Rb".into(), 4, 5),
                    ("Ls/Rs".into(), 6, 7),
                ],
                centre: Some(2),
                lfe: Some(3),
                surrounds: Some((6, 7)),
            },
            n if n >= 2 => Positions {
                pairs: vec![("L/R".into(), 0, 1)],
                ..Positions::default()
            },
            _ => Positions::default(),
        }
    }
}

impl Positions {
    /// The channels of an `audio.layout` programme by their roles; pairs are named after the
    /// programme ("stereo L/R").
    pub fn of_roles(programme: &str, roles: &[Role]) -> Positions {
        let find = |role: Role| roles.iter().position(|r| *r == role);
        let mut positions = Positions {
            centre: find(Role::Centre),
            lfe: find(Role::LowFrequency),
            ..Positions::default()
        };
        let sides = [
            ("L/R", Role::Left, Role::Right),
            ("Ls/Rs", Role::LeftSurround, Role::RightSurround),
            ("Lss/Rss", Role::LeftSideSurround, Role::RightSideSurround),
            ("Lrs/Rrs", Role::LeftRearSurround, Role::RightRearSurround),
        ];
        for (name, left, right) in sides {
            if let (Some(l), Some(r)) = (find(left), find(right)) {
                positions.pairs.push((format!("{programme} {name}"), l, r));
                if left != Role::Left && positions.surrounds.is_none() {
                    positions.surrounds = Some((l, r));
                }
            }
        }
        positions
    }
}

/// Which sound analyses run, with their settings.
pub struct Analyses {
    pub pairs: Option<pairs::Pairs>,
    pub tone: Option<tone::Tone>,
    pub bands: Option<bands::Bands>,
    /// Each block's class is kept (the timeline needs it).
    pub classes: Option<Vec<BlockClass>>,
}

/// Cuts interleaved samples into blocks and hands each to the analyses.
pub struct SoundTap {
    channels: usize,
    block_frames: usize,
    block: Vec<f32>,
    blocks: u64,
    /// The tone detector's frequency, for the block classes.
    tone_hz: f64,
    rate: f64,
    pub analyses: Analyses,
}

impl SoundTap {
    pub fn new(channels: u32, rate: u32, tone_hz: f64, analyses: Analyses) -> SoundTap {
        let channels = channels.max(1) as usize;
        let block_frames = ((f64::from(rate) * BLOCK_S).round() as usize).max(1);
        SoundTap {
            channels,
            block_frames,
            block: Vec::with_capacity(block_frames * channels),
            blocks: 0,
            tone_hz,
            rate: f64::from(rate.max(1)),
            analyses,
        }
    }

    /// Interleaved samples as they come (whole frames).
    pub fn push(&mut self, mut samples: &[f32]) {
        let block_len = self.block_frames * self.channels;
        while !samples.is_empty() {
            let take = (block_len - self.block.len()).min(samples.len());
            self.block.extend_from_slice(&samples[..take]);
            samples = &samples[take..];
            if self.block.len() == block_len {
                self.analyse_block();
                self.block.clear();
            }
        }
    }

    /// The last, partial block counts too.
    pub fn finish(mut self) -> Analyses {
        if self.block.len() >= self.channels * (self.block_frames / 4).max(1) {
            self.analyse_block();
        }
        self.analyses
    }

    fn analyse_block(&mut self) {
        let index = self.blocks;
        self.blocks += 1;
        let (channels, block) = (self.channels, &self.block[..]);
        let a = &mut self.analyses;
        if let Some(pairs) = a.pairs.as_mut() {
            pairs.add(block, channels, index);
        }
        let is_tone = match a.tone.as_mut() {
            Some(tone) => tone.add(block, channels, index),
            None => tone::is_tone(block, channels, self.tone_hz, self.rate).is_some(),
        };
        if let Some(bands) = a.bands.as_mut() {
            bands.add(block, channels);
        }
        if let Some(classes) = a.classes.as_mut() {
            let peak = block.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            let silent = 20.0 * f64::from(peak.max(1e-12)).log10() < SILENT_DBFS;
            classes.push(if silent {
                BlockClass::Silence
            } else if is_tone {
                BlockClass::Tone
            } else {
                BlockClass::Programme
            });
        }
    }
}
