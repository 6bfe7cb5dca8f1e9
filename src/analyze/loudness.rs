//! EBU R128 / ITU-R BS.1770-4 loudness of one audio stream: integrated loudness, loudness range,
//! true peak and sample peak, with where the peaks are. The `ebur128` crate (a port of
//! libebur128) does the K-weighting, channel weights and sample peak; the gating (`gating`) and
//! the true peak (`true_peak`) are ours, each module saying why.

use super::decode::{AudioFormat, Decoded, StreamRequest, decoder_for, ffmpeg_decoder};
use crate::measurements::{Decoder, Loudness};
use ebur128::{Channel, EbuR128, Mode};
use gating::GatedBlocks;
use short_term::ShortTermSeries;
use true_peak::TruePeakMeter;

mod gating;
mod short_term;
mod true_peak;

/// One measured stream: its figures and the decoder that fed the meter.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamLoudness {
    pub decoder: Decoder,
    pub loudness: Loudness,
}

/// Decodes and meters one stream. `layout` is ffprobe's channel_layout ("stereo", "5.1(side)" …);
/// `locate` turns seconds into the stream into the timecode a finding shows.
/// `Err` when not even part of the stream could be measured.
pub fn measure_stream(
    request: StreamRequest,
    layout: Option<&str>,
    locate: &dyn Fn(f64) -> String,
) -> Result<StreamLoudness, String> {
    let fallback = request.clone();
    let decoder = decoder_for(request);
    let mut meter = StreamMeter::new(layout);
    let mut decoded = decoder.decode(&mut |format, block| meter.add(format, block));
    let mut decoded_by = decoder_named(decoder.name());
    // symphonia could not read the stream (RF64, a mislabelled file, HE-AAC, an element it
    // lacks): ffmpeg reads more, and its reading counts when it gets further. A stalled mount
    // is not retried: ffmpeg would only stall on it too.
    if decoded_by != Decoder::Ffmpeg && gave_up(&decoded) {
        let mut second = StreamMeter::new(layout);
        let again = ffmpeg_decoder(fallback).decode(&mut |format, block| second.add(format, block));
        if got_further(&again, &decoded) {
            (meter, decoded, decoded_by) = (second, again, Decoder::Ffmpeg);
        }
    }
    let decoded = decoded?;
    Ok(StreamLoudness {
        decoder: decoded_by,
        loudness: meter.finish(&decoded, locate)?,
    })
}

/// `decode` names its decoders "symphonia" and "ffmpeg"; the report records which as a `Decoder`.
fn decoder_named(name: &str) -> Decoder {
    match name {
        "ffmpeg" => Decoder::Ffmpeg,
        _ => Decoder::Symphonia,
    }
}

/// A decode that failed or stopped on something other than storage that stopped answering.
fn gave_up(decoded: &Result<Decoded, String>) -> bool {
    let why = match decoded {
        Err(e) => Some(e.as_str()),
        Ok(d) => d.stopped_early.as_deref(),
    };
    why.is_some_and(|why| !super::guarded_file::is_stall(why))
}

fn got_further(retry: &Result<Decoded, String>, first: &Result<Decoded, String>) -> bool {
    match (retry, first) {
        (Err(_), _) => false,
        (Ok(_), Err(_)) => true,
        (Ok(r), Ok(f)) => r.stopped_early.is_none() || r.frames > f.frames,
    }
}

/// The first audio stream, already metered by another pass over the file (the content pass
/// decodes it anyway): the meter and how that decode ended.
pub struct SharedFirstStream {
    pub meter: StreamMeter,
    pub decoded: Decoded,
}

/// Measures every audio stream of a probed file (streams in parallel). Each stream's figures
/// and decoder go into `probe.audio[i]`; the first stream's figures are returned for
/// `measurements.loudness`. `None` when the file has no audio. `shared` is the first stream
/// metered during another pass; when that pass stopped early the stream is decoded again on
/// its own, so sharing never costs a reading.
pub fn measure_file(
    path: &std::path::Path,
    probe: &mut crate::probe::Probe,
    stall_timeout: std::time::Duration,
    shared: Option<SharedFirstStream>,
) -> Option<Loudness> {
    use rayon::prelude::*;
    let shared = std::sync::Mutex::new(shared.filter(|s| s.decoded.stopped_early.is_none()));
    let start_tc = probe.start_timecode();
    let frame_rate = probe.place_rate();
    let video_start = probe
        .video
        .as_ref()
        .and_then(|v| v.start_time_s)
        .unwrap_or(0.0);
    let audio_streams = probe.audio.len();
    let results: Vec<(Option<Decoder>, Loudness)> = probe
        .audio
        .par_iter()
        .enumerate()
        .map(|(audio_index, stream)| {
            // Seconds into the stream → position in the file, as timecode when it has one.
            let offset = stream.start_time_s.unwrap_or(0.0) - video_start;
            let locate = |seconds: f64| {
                crate::timecode::locate(seconds + offset, start_tc.as_ref(), frame_rate)
            };
            let request = StreamRequest {
                path,
                audio_index,
                audio_streams,
                channels: stream.channels,
                rate: stream.sample_rate,
                duration_s: stream.duration_s,
                stall_timeout,
            };
            let already = match audio_index {
                0 => shared.lock().ok().and_then(|mut s| s.take()),
                _ => None,
            };
            let measured =
                match already {
                    Some(SharedFirstStream { meter, decoded }) => meter
                        .finish(&decoded, &locate)
                        .map(|loudness| StreamLoudness {
                            decoder: Decoder::Ffmpeg,
                            loudness,
                        }),
                    None => measure_stream(request, stream.channel_layout.as_deref(), &locate),
                };
            match measured {
                Ok(measured) => (Some(measured.decoder), measured.loudness),
                Err(why) => (
                    None,
                    Loudness {
                        partial_reason: Some(why),
                        ..Loudness::default()
                    },
                ),
            }
        })
        .collect();
    for (stream, (decoder, loudness)) in probe.audio.iter_mut().zip(results) {
        stream.decoder = decoder;
        stream.loudness = Some(loudness);
    }
    probe.audio.first().and_then(|a| a.loudness.clone())
}

/// The BS.1770-4 weighting for each channel of a layout, in ffmpeg's channel order (which both
/// decoders deliver): LFE left out; surrounds between ±60° and ±120° (side, back, wide and
/// surround-direct left/right, as ffmpeg's ebur128 filter weights the back pair of a 5.1) +1.5 dB;
/// every other position, height channels included (ITU-R BS.2051), at unit weight. The layout
/// is ffmpeg's name (`5.1(side)`, `7.1.4`) or its list (`6 channels (FL+FR+FC+LFE+FLC+FRC)`);
/// a layout that names no positions is guessed from the channel count ([`layout_is_known`]
/// tells). A mono stream is measured as mono (one channel at unit weight), not as dual mono.
pub fn channel_map(layout: Option<&str>, channels: u32) -> Vec<Channel> {
    let names = positions(layout, channels)
        .or_else(|| positions(Some(layout_by_count(channels)?), channels));
    match names {
        Some(names) => names.iter().map(|n| weight_of(n)).collect(),
        // An unknown layout: every channel counts at unit weight.
        None => vec![Channel::Left; channels as usize],
    }
}

/// The layout a stream whose layout names no positions is weighted as, by its channel count
/// (ffmpeg's default layouts); `None` past 8 channels (unit weight on every channel).
pub fn layout_by_count(channels: u32) -> Option<&'static str> {
    Some(match channels {
        1 => "mono",
        2 => "stereo",
        3 => "3.0",
        4 => "quad",
        5 => "5.0",
        6 => "5.1",
        7 => "6.1",
        8 => "7.1",
        _ => return None,
    })
}

/// Whether `layout` names the position of each of `channels` channels (else the weights are a
/// guess from the count).
pub fn layout_is_known(layout: Option<&str>, channels: u32) -> bool {
    positions(layout, channels).is_some()
}

/// The channel positions `layout` names, when it names one for each of `channels`.
fn positions(layout: Option<&str>, channels: u32) -> Option<Vec<String>> {
    let layout = layout?.trim();
    let names: Vec<String> = match listed_positions(layout) {
        Some(listed) => listed,
        None => layout_channels(&layout.to_ascii_lowercase())?
            .iter()
            .map(|&n| n.to_owned())
            .collect(),
    };
    (names.len() == channels as usize).then_some(names)
}

/// `6 channels (FL+FR+FC+LFE+FLC+FRC)` or `FL+FR+LFE`: ffmpeg's spelling of a layout it has no
/// name for.
fn listed_positions(layout: &str) -> Option<Vec<String>> {
    let list = match layout.split_once('(') {
        Some((count, rest)) if count.trim_end().ends_with("channels") => rest.strip_suffix(')')?,
        _ => layout,
    };
    let names: Vec<String> = list
        .split('+')
        .map(|n| n.trim().to_ascii_uppercase())
        .collect();
    let all_positions = names.len() > 1
        && names
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric()));
    all_positions.then_some(names)
}

/// ffmpeg's channel order for its named layouts.
fn layout_channels(layout: &str) -> Option<&'static [&'static str]> {
    Some(match layout {
        "mono" => &["FC"],
        "stereo" => &["FL", "FR"],
        "2.1" => &["FL", "FR", "LFE"],
        "3.0" => &["FL", "FR", "FC"],
        "3.0(back)" => &["FL", "FR", "BC"],
        "4.0" => &["FL", "FR", "FC", "BC"],
        "quad" => &["FL", "FR", "BL", "BR"],
        "quad(side)" => &["FL", "FR", "SL", "SR"],
        "3.1" => &["FL", "FR", "FC", "LFE"],
        "5.0" => &["FL", "FR", "FC", "BL", "BR"],
        "5.0(side)" => &["FL", "FR", "FC", "SL", "SR"],
        "4.1" => &["FL", "FR", "FC", "LFE", "BC"],
        "5.1" => &["FL", "FR", "FC", "LFE", "BL", "BR"],
        "5.1(side)" => &["FL", "FR", "FC", "LFE", "SL", "SR"],
        "6.0" => &["FL", "FR", "FC", "BC", "SL", "SR"],
        "6.0(front)" => &["FL", "FR", "FLC", "FRC", "SL", "SR"],
        "hexagonal" => &["FL", "FR", "FC", "BL", "BR", "BC"],
        "6.1" => &["FL", "FR", "FC", "LFE", "BC", "SL", "SR"],
        "6.1(back)" => &["FL", "FR", "FC", "LFE", "BL", "BR", "BC"],
        "6.1(front)" => &["FL", "FR", "LFE", "FLC", "FRC", "SL", "SR"],
        "7.0" => &["FL", "FR", "FC", "BL", "BR", "SL", "SR"],
        "7.0(front)" => &["FL", "FR", "FC", "FLC", "FRC", "SL", "SR"],
        "7.1" => &["FL", "FR", "FC", "LFE", "BL", "BR", "SL", "SR"],
        "7.1(wide)" => &["FL", "FR", "FC", "LFE", "BL", "BR", "FLC", "FRC"],
        "7.1(wide-side)" => &["FL", "FR", "FC", "LFE", "FLC", "FRC", "SL", "SR"],
        "7.1(top)" => &["FL", "FR", "FC", "LFE", "BL", "BR", "TFL", "TFR"],
        "5.1.2" => &["FL", "FR", "FC", "LFE", "BL", "BR", "TFL", "TFR"],
        "octagonal" => &["FL", "FR", "FC", "BL", "BR", "BC", "SL", "SR"],
        "cube" => &["FL", "FR", "BL", "BR", "TFL", "TFR", "TBL", "TBR"],
        "5.1.4" => &[
            "FL", "FR", "FC", "LFE", "BL", "BR", "TFL", "TFR", "TBL", "TBR",
        ],
        "7.1.2" => &[
            "FL", "FR", "FC", "LFE", "BL", "BR", "SL", "SR", "TFL", "TFR",
        ],
        "7.1.4" => &[
            "FL", "FR", "FC", "LFE", "BL", "BR", "SL", "SR", "TFL", "TFR", "TBL", "TBR",
        ],
        _ => return None,
    })
}

fn weight_of(name: &str) -> Channel {
    match name {
        "FL" => Channel::Left,
        "FR" => Channel::Right,
        // Mono is a single channel at unit weight; libebur128 weights Center that way too.
        "FC" => Channel::Center,
        "LFE" | "LFE2" => Channel::Unused,
        // Between ±60° and ±120°: +1.5 dB (BS.1770-4 table 3).
        "BL" | "SL" | "SDL" | "WL" => Channel::LeftSurround,
        "BR" | "SR" | "SDR" | "WR" => Channel::RightSurround,
        "BC" => Channel::Mp180,
        "FLC" => Channel::MpSC,
        "FRC" => Channel::MmSC,
        // Height, bottom and any other position: unit weight.
        _ => Channel::Left,
    }
}

/// The meter of one stream. Feeds the `ebur128` meter in 100 ms steps so the loudest
/// short-term window and the highest true peak can be located (EBU Tech 3341 asks for
/// short-term updates at least every 100 ms).
pub struct StreamMeter {
    layout: Option<String>,
    /// Weights given channel by channel (an `audio.layout` programme); else from `layout`.
    weights: Option<Vec<Channel>>,
    ebu: Option<EbuR128>,
    format: Option<AudioFormat>,
    step_frames: usize,
    /// Frames fed so far.
    frames: u64,
    /// Frames into the current 100 ms step.
    in_step: usize,
    /// True peak runs on its own thread: its 4× oversampling costs as much as the rest of the
    /// meter, so two cores halve the wall time. It is ours, not the crate's (see `true_peak`).
    peaks: Option<PeakWorker>,
    /// Mean-square energy of the last 30 steps (3 s), for the short-term loudness: summing 30
    /// step energies is ~30× cheaper than asking the meter for its 3 s window every step.
    step_energies: std::collections::VecDeque<f64>,
    max_short_term: f64,
    max_short_term_end_frame: u64,
    /// Every 400 ms block, for the integrated loudness.
    momentary: GatedBlocks,
    /// Every short-term reading, for the loudness range.
    short_term: GatedBlocks,
    /// The same readings as loudness, for the curve over time.
    short_term_series: ShortTermSeries,
}

impl StreamMeter {
    /// `layout` is ffprobe's channel_layout of the stream, for the BS.1770 channel weights.
    pub fn new(layout: Option<&str>) -> StreamMeter {
        StreamMeter {
            layout: layout.map(str::to_owned),
            weights: None,
            ebu: None,
            format: None,
            step_frames: 4800,
            frames: 0,
            in_step: 0,
            peaks: None,
            step_energies: std::collections::VecDeque::with_capacity(31),
            max_short_term: f64::NEG_INFINITY,
            max_short_term_end_frame: 0,
            momentary: GatedBlocks::new(),
            short_term: GatedBlocks::new(),
            short_term_series: ShortTermSeries::default(),
        }
    }

    /// A meter with the BS.1770 weight of each channel given, in the order channels arrive.
    pub fn weighted(weights: Vec<Channel>) -> StreamMeter {
        StreamMeter {
            weights: Some(weights),
            ..StreamMeter::new(None)
        }
    }

    fn start(&mut self, format: AudioFormat) -> Result<(), String> {
        // The meter gives 100 ms energies; the blocks and their gating are ours (see `gating`).
        let mode = Mode::M | Mode::SAMPLE_PEAK;
        let mut ebu = EbuR128::new(format.channels, format.rate, mode)
            .map_err(|e| format!("loudness meter cannot take {format:?}: {e:?}"))?;
        let weights = (self.weights.clone())
            .unwrap_or_else(|| channel_map(self.layout.as_deref(), format.channels));
        ebu.set_channel_map(&weights)
            .map_err(|e| format!("channel map: {e:?}"))?;
        self.step_frames = (format.rate / 10).max(1) as usize;
        self.peaks = Some(PeakWorker::start(format));
        self.ebu = Some(ebu);
        self.format = Some(format);
        Ok(())
    }

    /// Adds a block of whole interleaved frames.
    pub fn add(&mut self, format: AudioFormat, block: &[f32]) -> Result<(), String> {
        if self.format.is_none() {
            self.start(format)?;
        }
        if self.format != Some(format) {
            return Err("the audio format changes mid-stream".to_owned());
        }
        let channels = format.channels as usize;
        let mut rest = block;
        while !rest.is_empty() {
            let take = (self.step_frames - self.in_step).min(rest.len() / channels);
            let (now, later) = rest.split_at(take * channels);
            self.feed(now, channels)?;
            rest = later;
            if take == 0 {
                break;
            }
        }
        Ok(())
    }

    fn feed(&mut self, samples: &[f32], channels: usize) -> Result<(), String> {
        let Some(ebu) = self.ebu.as_mut() else {
            return Err("meter not started".to_owned());
        };
        ebu.add_frames_f32(samples)
            .map_err(|e| format!("loudness meter: {e:?}"))?;
        let frames = samples.len() / channels;
        let step_start = self.frames - self.in_step as u64;
        self.frames += frames as u64;
        self.in_step += frames;
        if let Some(peaks) = self.peaks.as_ref() {
            peaks.send(step_start, samples)?;
        }
        if self.in_step >= self.step_frames {
            self.in_step = 0;
            // BS.1770 loudness is −0.691 + 10·log10(weighted energy): undo it to get energy.
            let energy = ebu
                .loudness_window(100)
                .ok()
                .filter(|l| l.is_finite())
                .map_or(0.0, |l| 10f64.powf((l + 0.691) / 10.0));
            if self.step_energies.len() == 30 {
                self.step_energies.pop_front();
            }
            self.step_energies.push_back(energy);
            // 400 ms gating blocks every 100 ms, and 3 s short-term windows once there are 3 s.
            let steps = self.step_energies.len();
            if steps >= 4 {
                let block = self.step_energies.range(steps - 4..).sum::<f64>() / 4.0;
                self.momentary.add(block);
            }
            if steps == 30 {
                let mean = self.step_energies.iter().sum::<f64>() / 30.0;
                self.short_term.add(mean);
                let short_term = gating::loudness(mean);
                self.short_term_series.push(short_term);
                if short_term > self.max_short_term {
                    self.max_short_term = short_term;
                    self.max_short_term_end_frame = self.frames;
                }
            }
        }
        Ok(())
    }

    /// The stream's figures; `locate` turns seconds into the stream into a timecode.
    pub fn finish(
        self,
        decoded: &Decoded,
        locate: &dyn Fn(f64) -> String,
    ) -> Result<Loudness, String> {
        let (Some(ebu), Some(format), Some(peaks)) = (self.ebu, self.format, self.peaks) else {
            return Err("no audio reached the loudness meter".to_owned());
        };
        let (true_peak, true_peak_at_frame) = peaks.finish()?;
        let rate = f64::from(format.rate);
        let db = |linear: f64| finite(20.0 * linear.log10());
        let sample_peak = (0..format.channels)
            .filter_map(|c| ebu.sample_peak(c).ok())
            .fold(0.0_f64, f64::max);
        let max_short_term = finite(self.max_short_term).filter(|l| *l > -70.0);
        Ok(Loudness {
            // Silence sits below the −70 LUFS absolute gate: the meter says −∞; we say None.
            integrated_lufs: self.momentary.integrated(),
            true_peak_dbtp: db(true_peak),
            lra_lu: self.short_term.range(),
            sample_peak_dbfs: db(sample_peak),
            true_peak_at: db(true_peak).map(|_| locate(true_peak_at_frame as f64 / rate)),
            max_short_term_at: max_short_term
                .map(|_| locate((self.max_short_term_end_frame as f64 / rate - 3.0).max(0.0))),
            max_short_term_lufs: max_short_term,
            partial: decoded
                .stopped_early
                .as_ref()
                .map(|_| locate(decoded.seconds())),
            partial_reason: decoded.stopped_early.clone(),
            programmes: Vec::new(),
            // The first reading ends the first whole 3 s window (30 steps).
            short_term: self.short_term_series.to_report(
                30.0 * self.step_frames as f64 / rate,
                self.step_frames as f64 / rate,
            ),
        })
    }
}

/// A true-peak meter on its own thread, fed 100 ms steps through a bounded queue (constant
/// memory); it remembers the step holding the highest peak.
struct PeakWorker {
    queue: std::sync::mpsc::SyncSender<(u64, Vec<f32>)>,
    thread: std::thread::JoinHandle<(f64, u64)>,
}

impl PeakWorker {
    fn start(format: AudioFormat) -> PeakWorker {
        let mut meter = TruePeakMeter::new(format.channels, format.rate);
        // 3.2 s of audio (1.2 MiB of stereo): when the peak thread falls behind (a loaded
        // machine, an unoptimised build), decoding goes on rather than waiting on it. The
        // ffmpeg pipe is read only this fast, and once ffmpeg has exited what it left in the
        // pipe must be read within `process`'s one-second grace.
        let (queue, steps) = std::sync::mpsc::sync_channel::<(u64, Vec<f32>)>(32);
        let thread = std::thread::spawn(move || {
            let (mut peak, mut at, mut last_start) = (0.0_f32, 0_u64, 0_u64);
            for (start, samples) in steps {
                let step_peak = meter.add(&samples);
                if step_peak > peak {
                    (peak, at) = (step_peak, start);
                }
                last_start = start;
            }
            // What the interpolator still holds belongs to the last step.
            let tail = meter.finish();
            if tail > peak {
                (peak, at) = (tail, last_start);
            }
            (f64::from(peak), at)
        });
        PeakWorker { queue, thread }
    }

    fn send(&self, start: u64, samples: &[f32]) -> Result<(), String> {
        self.queue
            .send((start, samples.to_vec()))
            .map_err(|_| "the true-peak meter stopped".to_owned())
    }

    /// The highest true peak (linear) and the first frame of the step that holds it.
    fn finish(self) -> Result<(f64, u64), String> {
        drop(self.queue);
        self.thread
            .join()
            .map_err(|_| "the true-peak meter failed".to_owned())
    }
}

/// JSON has no NaN or infinity: such readings become `None`.
fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_one_leaves_out_lfe_and_weights_surrounds() {
        let map = channel_map(Some("5.1(side)"), 6);
        assert_eq!(
            map,
            vec![
                Channel::Left,
                Channel::Right,
                Channel::Center,
                Channel::Unused,
                Channel::LeftSurround,
                Channel::RightSurround
            ]
        );
    }

    #[test]
    fn seven_one_maps_all_eight_channels() {
        let map = channel_map(Some("7.1"), 8);
        assert_eq!(map.len(), 8);
        assert_eq!(map[3], Channel::Unused);
        assert_eq!(map[6], Channel::LeftSurround);
        assert_eq!(map[7], Channel::RightSurround);
    }

    #[test]
    fn a_listed_layout_is_weighted_by_its_positions() {
        // An HE-AAC 5.1 whose decoder reports front-of-centre pairs, not surrounds.
        let layout = Some("6 channels (FL+FR+FC+LFE+FLC+FRC)");
        assert!(layout_is_known(layout, 6));
        assert_eq!(
            channel_map(layout, 6),
            vec![
                Channel::Left,
                Channel::Right,
                Channel::Center,
                Channel::Unused,
                Channel::MpSC,
                Channel::MmSC
            ]
        );
        // A 7.1.4 bed: LFE out, the four surrounds +1.5 dB, the four heights at unit weight.
        let bed = channel_map(Some("7.1.4"), 12);
        assert_eq!(bed[3], Channel::Unused);
        assert_eq!(
            &bed[4..8],
            &[
                Channel::LeftSurround,
                Channel::RightSurround,
                Channel::LeftSurround,
                Channel::RightSurround
            ]
        );
        assert_eq!(&bed[8..], &[Channel::Left; 4]);
        assert!(!layout_is_known(Some("6 channels"), 6));
        assert!(!layout_is_known(Some("stereo"), 6));
    }

    #[test]
    fn layout_that_disagrees_with_the_count_falls_back_to_the_count() {
        assert_eq!(channel_map(Some("stereo"), 6)[3], Channel::Unused);
        assert_eq!(channel_map(None, 1), vec![Channel::Center]);
        assert_eq!(channel_map(Some("unknown"), 12), vec![Channel::Left; 12]);
    }
}
