//! Picture analyses on the content pass's picture tap: ffmpeg averages each picture down to
//! `GRID_W`×`GRID_H` (an area filter: each point is the mean of a block of the original) and
//! writes it as 16-bit Y'CbCr 4:4:4 on a pipe of its own; these analysers read every frame once.
//! - `levels`: EBU R 103 gamut and levels (`content.levels`)
//! - `flashes`: ITU-R BT.1702 flash screening (`content.flashes`)
//! - `light_level`: MaxCLL / MaxFALL of PQ pictures (`video.hdr`)
//! - `duplicates`: frames identical to the one before (`content.cadence`)
//!
//! ffmpeg's own `idet` and `cropdetect` report on its log (`logs`); the stream's declared HDR
//! metadata comes from ffprobe (`hdr_tags`).

pub mod classes;
pub mod duplicates;
pub mod flashes;
pub mod hdr_tags;
pub mod levels;
pub mod light_level;
pub mod logs;
pub mod signal;
mod wide;

use signal::{Matrix, Scale};

/// The measurement grid: 6×6 blocks of a 1080p picture. Shares of the area (R 103's 1 %, the
/// 25 % of a flash) keep on it, at a cost per frame that does not grow with the picture.
pub const GRID_W: usize = 320;
pub const GRID_H: usize = 180;
const SAMPLES: usize = GRID_W * GRID_H;
/// One frame on the tap: three 16-bit little-endian planes.
pub const FRAME_BYTES: usize = SAMPLES * 3 * 2;

/// ffmpeg's filters from a decoded picture to the tap's frames (video range kept as it is:
/// `scale` converts no range without being asked). Two steps: the area average first, in the
/// stream's own sampling, then 4:4:4 16-bit on the small picture — converting while scaling
/// costs swscale twice as much CPU. An area average, not point samples, though point samples
/// cost half as much: fine detail in motion (a pan across thin stripes) turns point samples
/// light and dark together, which reads as flashes where the picture's luminance is steady.
pub fn tap_filter() -> String {
    format!("scale={GRID_W}:{GRID_H}:flags=area,scale=flags=neighbor,format=yuv444p16le")
}

/// One frame, normalised: Y' 0..1 black to white, Cb and Cr −0.5..0.5.
pub struct Frame {
    pub index: u64,
    pub y: Vec<f32>,
    pub cb: Vec<f32>,
    pub cr: Vec<f32>,
}

/// Which analyses read the tap, with their settings.
pub struct Analyses {
    pub levels: Option<levels::Levels>,
    pub flashes: Option<flashes::Screening>,
    pub light_level: Option<light_level::LightLevel>,
    pub duplicates: Option<duplicates::Duplicates>,
    /// What each frame shows, for the timeline.
    pub classes: Option<classes::Classes>,
}

/// Cuts the tap's byte stream into frames and hands each to the analyses.
pub struct Tap {
    scale: Scale,
    matrix: Matrix,
    pending: Vec<u8>,
    frames: u64,
    /// The frame being analysed, its planes reused for the next.
    frame: Frame,
    pub analyses: Analyses,
}

impl Tap {
    pub fn new(scale: Scale, matrix: Matrix, analyses: Analyses) -> Tap {
        Tap {
            scale,
            matrix,
            pending: Vec::with_capacity(FRAME_BYTES),
            frames: 0,
            frame: Frame {
                index: 0,
                y: vec![0.0; SAMPLES],
                cb: vec![0.0; SAMPLES],
                cr: vec![0.0; SAMPLES],
            },
            analyses,
        }
    }

    /// Bytes as they come off the pipe.
    pub fn push(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            // Whole frames straight from the pipe's bytes; only a frame cut between two reads
            // is gathered first.
            if self.pending.is_empty() && bytes.len() >= FRAME_BYTES {
                let (frame, rest) = bytes.split_at(FRAME_BYTES);
                self.take_frame(frame);
                bytes = rest;
                continue;
            }
            let take = (FRAME_BYTES - self.pending.len()).min(bytes.len());
            self.pending.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.pending.len() == FRAME_BYTES {
                let pending = std::mem::take(&mut self.pending);
                self.take_frame(&pending);
                self.pending = pending;
                self.pending.clear();
            }
        }
    }

    fn take_frame(&mut self, bytes: &[u8]) {
        self.fill_frame(bytes);
        self.analyse();
    }

    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// One frame's bytes as the next frame, in `self.frame`'s planes (kept from frame to
    /// frame).
    fn fill_frame(&mut self, frame: &[u8]) {
        let plane_bytes = SAMPLES * 2;
        let lines = [
            self.scale.luma_line(),
            self.scale.chroma_line(),
            self.scale.chroma_line(),
        ];
        let planes = [&mut self.frame.y, &mut self.frame.cb, &mut self.frame.cr];
        for (p, (plane, (gain, offset))) in planes.into_iter().zip(lines).enumerate() {
            let bytes = &frame[p * plane_bytes..(p + 1) * plane_bytes];
            for (v, b) in plane.iter_mut().zip(bytes.chunks_exact(2)) {
                *v = f32::from(u16::from_le_bytes([b[0], b[1]])) * gain - offset;
            }
        }
        self.frame.index = self.frames;
        self.frames += 1;
    }

    fn analyse(&mut self) {
        let frame = &self.frame;
        let a = &mut self.analyses;
        if let Some(levels) = a.levels.as_mut() {
            levels.add(frame, &self.matrix);
        }
        if let Some(flashes) = a.flashes.as_mut() {
            flashes.add(frame, &self.matrix);
        }
        if let Some(light) = a.light_level.as_mut() {
            light.add(frame, &self.matrix);
        }
        if let Some(duplicates) = a.duplicates.as_mut() {
            duplicates.add(frame);
        }
        if let Some(classes) = a.classes.as_mut() {
            classes.add(frame);
        }
    }
}
