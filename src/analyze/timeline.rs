//! The programme layout as the decode saw it: each 400 ms block of the timeline labelled from
//! what its frames showed (black, bars, a still, moving pictures) and what its sound was
//! (silence, a line-up tone, programme), consecutive labels joined into segments.

use super::picture::classes::PictureClass;
use super::sound::{BLOCK_S, BlockClass};
use crate::measurements::sound::Segment;

/// Segments from per-frame picture classes (frames of `frame_s` from `video_origin_s`) and
/// per-block sound classes (from `audio_origin_s`); either may be empty (no such stream).
pub fn segments(
    pictures: &[PictureClass],
    frame_s: f64,
    video_origin_s: f64,
    sounds: &[BlockClass],
    audio_origin_s: f64,
) -> Vec<Segment> {
    let video_end = video_origin_s + pictures.len() as f64 * frame_s;
    let audio_end = audio_origin_s + sounds.len() as f64 * BLOCK_S;
    let end = video_end.max(audio_end);
    let blocks = (end / BLOCK_S).ceil() as usize;
    let mut out: Vec<Segment> = Vec::new();
    for b in 0..blocks {
        let (start, stop) = (b as f64 * BLOCK_S, ((b + 1) as f64 * BLOCK_S).min(end));
        let picture = majority(pictures, frame_s, video_origin_s, start, stop);
        let sound = sounds
            .get(
                ((start + BLOCK_S / 2.0 - audio_origin_s) / BLOCK_S)
                    .floor()
                    .max(0.0) as usize,
            )
            .copied()
            .filter(|_| start + BLOCK_S / 2.0 >= audio_origin_s && start < audio_end);
        let what = label(picture, sound);
        match out.last_mut() {
            Some(last) if last.what == what => last.end_s = stop,
            _ => out.push(Segment {
                what: what.to_owned(),
                start_s: start,
                end_s: stop,
            }),
        }
    }
    without_blips(out)
}

/// A single block between two other segments is the seam where one ends and the next begins
/// (half bars, half black): it joins the segment before it.
fn without_blips(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    let count = segments.len();
    for (i, segment) in segments.into_iter().enumerate() {
        let blip = segment.end_s - segment.start_s <= BLOCK_S + 1e-9 && i + 1 < count;
        match out.last_mut() {
            Some(last) if blip => last.end_s = segment.end_s,
            Some(last) if last.what == segment.what => last.end_s = segment.end_s,
            _ => out.push(segment),
        }
    }
    out
}

/// The class most frames in [start, stop) have.
fn majority(
    pictures: &[PictureClass],
    frame_s: f64,
    origin_s: f64,
    start: f64,
    stop: f64,
) -> Option<PictureClass> {
    if pictures.is_empty() || frame_s <= 0.0 {
        return None;
    }
    let first = ((start - origin_s) / frame_s).ceil().max(0.0) as usize;
    let last = (((stop - origin_s) / frame_s).ceil().max(0.0) as usize).min(pictures.len());
    let mut counts = [0usize; 4];
    for class in pictures.get(first..last)? {
        counts[*class as usize] += 1;
    }
    let (best, n) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
    (*n > 0).then(|| {
        [
            PictureClass::Black,
            PictureClass::Bars,
            PictureClass::Still,
            PictureClass::Moving,
        ][best]
    })
}

fn label(picture: Option<PictureClass>, sound: Option<BlockClass>) -> &'static str {
    let silent = matches!(sound, None | Some(BlockClass::Silence));
    match (picture, sound) {
        (Some(PictureClass::Bars), Some(BlockClass::Tone)) => "bars_tone",
        (Some(PictureClass::Bars), _) => "bars",
        (_, Some(BlockClass::Tone)) => "tone",
        (Some(PictureClass::Black) | None, _) if silent => "black_silence",
        (Some(PictureClass::Still), _) if silent => "slate",
        _ => "programme",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_tone_then_black_then_programme() {
        use BlockClass::*;
        use PictureClass::*;
        // 25 fps: 2 s of bars, 1 s of black, 2 s of pictures; sound: tone, silence, programme.
        let pictures: Vec<PictureClass> = [(Bars, 50), (Black, 25), (Moving, 50)]
            .iter()
            .flat_map(|&(c, n)| std::iter::repeat_n(c, n))
            .collect();
        let sounds: Vec<BlockClass> = [(Tone, 5), (Silence, 3), (Programme, 5)]
            .iter()
            .flat_map(|&(c, n)| std::iter::repeat_n(c, n))
            .collect();
        let segments = segments(&pictures, 0.04, 0.0, &sounds, 0.0);
        let names: Vec<&str> = segments.iter().map(|s| s.what.as_str()).collect();
        assert_eq!(
            names,
            ["bars_tone", "black_silence", "programme"],
            "{segments:?}"
        );
        assert!((segments[1].start_s - 2.0).abs() < 1e-9);
        // Blocks are 400 ms: a change lands within one.
        assert!((segments[2].start_s - 3.0).abs() <= 0.4, "{segments:?}");
    }
}
