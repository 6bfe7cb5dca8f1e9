//! Loudness of the `audio.layout` programmes. A programme's channels may lie in several streams
//! of one file or in several files (an Avid OP-Atom clip keeps each mono track in its own MXF):
//! one ffmpeg puts the channels side by side (`join`) into one interleaved f32 pipe under the
//! process supervisor, and the loudness meter measures them together with the
//! BS.1770 weight of each channel's role. The same decode tells which channels hold only
//! digital silence, for the `audio.layout` check, so a layout never costs a second decode.

use super::decode::{AudioFormat, Decoded, F32Frames, ended_early, failure_of};
use super::loudness::StreamMeter;
use crate::measurements::{LayoutScan, Loudness, ProgrammeLoudness};
use crate::probe::Probe;
use crate::process::{Limits, media_url, run_streaming};
use crate::spec::{Layout, MAX_PROGRAMME_CHANNELS, Programme, Role};
use ebur128::Channel;
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

/// One channel of a programme: where it lies and what it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelSource<'a> {
    pub path: &'a Path,
    /// Position among the file's audio streams, from 0 (ffmpeg's `a:N`).
    pub audio_index: usize,
    /// Channel within the stream, from 0.
    pub channel: u32,
    pub role: Role,
}

/// A programme to decode: its channels in order, and what the probes say about them.
#[derive(Debug, Clone)]
pub struct ProgrammeRequest<'a> {
    pub sources: Vec<ChannelSource<'a>>,
    /// The sample rate of every source: the caller makes sure they agree, as `amerge` would
    /// otherwise resample without a word.
    pub rate: u32,
    /// The longest source, for the deadline and to notice audio that ends early.
    pub duration_s: Option<f64>,
    /// A decode that delivers nothing for this long is killed.
    pub stall_timeout: Duration,
}

/// What one decode of a programme gave.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeReading {
    /// The programme's figures; `None` when no meter was asked for.
    pub loudness: Option<Loudness>,
    /// For each source, in order: every sample decoded was exactly zero.
    pub silent: Vec<bool>,
    pub decoded: Decoded,
    /// What the sound analyses heard, when asked to listen.
    pub heard: Listened,
}

/// The sound analyses a programme decode also runs (`audio.phase`, `audio.stereo`,
/// `audio.lfe`): its pairs and channels are named by the layout's roles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Listen {
    /// Correlation threshold and the shortest stretch below it, for each L/R, Ls/Rs pair.
    pub pairs: Option<(f64, f64)>,
    /// LFE and dialogue-band energies.
    pub bands: bool,
}

/// What they heard, over every programme of a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listened {
    pub phase: Vec<crate::measurements::sound::PairPhase>,
    pub bands: Option<crate::measurements::sound::ChannelBands>,
}

/// Decodes a programme once; with `meter`, measures its loudness on the way. `locate` turns
/// seconds into the programme into the timecode a finding shows. `Err` when nothing of it
/// could be decoded.
pub fn measure_programme(
    request: &ProgrammeRequest,
    meter: bool,
    listen: Option<Listen>,
    name: &str,
    locate: &dyn Fn(f64) -> String,
) -> Result<ProgrammeReading, String> {
    let channels = request.sources.len();
    if channels == 0 || request.rate == 0 {
        return Err("a programme needs channels and a sample rate".to_owned());
    }
    if channels > MAX_PROGRAMME_CHANNELS {
        return Err(format!(
            "{channels} channels: a programme holds at most {MAX_PROGRAMME_CHANNELS}"
        ));
    }
    let format = AudioFormat {
        // At most MAX_PROGRAMME_CHANNELS: no truncation.
        channels: channels as u32,
        rate: request.rate,
    };
    let weights = request.sources.iter().map(|s| weight(s.role)).collect();
    let mut meter = meter.then(|| StreamMeter::weighted(weights));
    let mut ears = listen.map(|listen| ears(request, listen, name));
    let mut heard = vec![false; channels];
    let mut frames_of = F32Frames::new(format.channels);
    let mut frames = 0u64;
    let limits = Limits {
        deadline: super::ffmpeg::timeout_for(request.duration_s.unwrap_or(UNKNOWN_LENGTH_S)),
        stall: Some(request.stall_timeout),
    };
    let outcome = run_streaming(
        "ffmpeg",
        &args(&request.sources),
        limits,
        &mut |bytes| {
            frames += frames_of.push(bytes, &mut |block| {
                // Sound shows up within the first samples of a real channel: once every
                // channel has been heard, the rest is not looked at.
                if heard.contains(&false) {
                    for frame in block.chunks_exact(channels) {
                        for (heard, sample) in heard.iter_mut().zip(frame) {
                            *heard |= *sample != 0.0;
                        }
                    }
                }
                if let Some(ears) = ears.as_mut() {
                    ears.push(block);
                }
                match meter.as_mut() {
                    Some(meter) => meter.add(format, block),
                    None => Ok(()),
                }
            })?;
            Ok(())
        },
        &mut |_| {},
    );
    let failure = failure_of(outcome)?;
    if frames == 0 {
        return Err(failure.unwrap_or_else(|| "the programme holds no samples".to_owned()));
    }
    let decoded = Decoded {
        format,
        frames,
        stopped_early: None,
    };
    let decoded = Decoded {
        stopped_early: failure.or_else(|| ended_early(decoded.seconds(), request.duration_s)),
        ..decoded
    };
    let loudness = meter.map(|m| m.finish(&decoded, locate)).transpose()?;
    let heard_by_ears = ears
        .map(|ears| {
            let analyses = ears.finish();
            Listened {
                phase: analyses
                    .pairs
                    .map(super::sound::pairs::Pairs::finish)
                    .unwrap_or_default(),
                bands: analyses.bands.map(super::sound::bands::Bands::finish),
            }
        })
        .unwrap_or_default();
    Ok(ProgrammeReading {
        loudness,
        silent: heard.iter().map(|heard| !heard).collect(),
        decoded,
        heard: heard_by_ears,
    })
}

/// The sound analyses over a programme's channels, placed by their roles.
fn ears(request: &ProgrammeRequest, listen: Listen, name: &str) -> super::sound::SoundTap {
    use super::sound::{Analyses, Positions, SoundTap, bands::Bands, pairs::Pairs};
    let roles: Vec<Role> = request.sources.iter().map(|s| s.role).collect();
    let positions = Positions::of_roles(name, &roles);
    let analyses = Analyses {
        pairs: listen
            .pairs
            .map(|(threshold, min_s)| Pairs::new(0.0, &positions.pairs, threshold, min_s)),
        tone: None,
        bands: if listen.bands {
            Bands::new(&positions, request.rate)
        } else {
            None
        },
        classes: None,
    };
    let channels = request.sources.len() as u32;
    SoundTap::new(channels, request.rate, 1000.0, analyses)
}

/// Where `item` is in `items`, added at the end if it is not there yet.
fn position_or_push<T: PartialEq>(items: &mut Vec<T>, item: T) -> usize {
    items.iter().position(|i| *i == item).unwrap_or_else(|| {
        items.push(item);
        items.len() - 1
    })
}

/// A source of unknown length is given the deadline of a twelve-hour one, as a stream is.
const UNKNOWN_LENGTH_S: f64 = 12.0 * 3600.0;

/// BS.1770-4 channel weights: 1.0 for the front channels and mono, 1.41 for every surround,
/// and the LFE left out.
fn weight(role: Role) -> Channel {
    match role {
        Role::Left => Channel::Left,
        Role::Right => Channel::Right,
        Role::Centre | Role::Mono => Channel::Center,
        Role::LowFrequency => Channel::Unused,
        Role::LeftSurround | Role::LeftSideSurround | Role::LeftRearSurround => {
            Channel::LeftSurround
        }
        Role::RightSurround | Role::RightSideSurround | Role::RightRearSurround => {
            Channel::RightSurround
        }
    }
}

/// Output channel names for `join`, in ffmpeg's native order so that they come out of the pipe
/// in the order given: they only place channels, nothing is mixed or weighted by them.
const JOIN_NAMES: [&str; MAX_PROGRAMME_CHANNELS] = [
    "FL", "FR", "FC", "LFE", "BL", "BR", "FLC", "FRC", "BC", "SL", "SR", "TC", "TFL", "TFC", "TFR",
    "TBL", "TBC", "TBR", "DL", "DR", "WL", "WR", "SDL", "SDR", "LFE2",
];

/// `ffmpeg -i A [-i B …] -filter_complex "[0:a:2][1:a:0]join=inputs=2:channel_layout=FL+FR+FC:map=1.0-FL|0.1-FR|0.0-FC[out]"`:
/// each file is one input and each stream one input of `join`, however many channels come from
/// it. `join` copies channels where `map` says, nothing else: `pan` + `amerge` cost twice the
/// CPU for a 5.1, and `amerge` reorders inputs whose layouts do not overlap (a mono track after
/// a stereo one came first), and `pan` into a named layout dropped an LFE it was asked to move.
fn args(sources: &[ChannelSource]) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["-nostdin", "-v", "error"].map(OsString::from).to_vec();
    let mut inputs: Vec<&Path> = Vec::new();
    let mut streams: Vec<(usize, usize)> = Vec::new();
    let mut map = Vec::new();
    for (source, name) in sources.iter().zip(JOIN_NAMES) {
        let input = position_or_push(&mut inputs, source.path);
        let stream = position_or_push(&mut streams, (input, source.audio_index));
        map.push(format!("{stream}.{}-{name}", source.channel));
    }
    let labels: String = (streams.iter())
        .map(|(input, audio_index)| format!("[{input}:a:{audio_index}]"))
        .collect();
    let layout = JOIN_NAMES[..map.len()].join("+");
    let graph = format!(
        "{labels}join=inputs={}:channel_layout={layout}:map={}[out]",
        streams.len(),
        map.join("|")
    );
    for path in inputs {
        args.push("-i".into());
        args.push(media_url(path));
    }
    args.extend(
        [
            "-filter_complex",
            &graph,
            "-map",
            "[out]",
            "-f",
            "f32le",
            "-acodec",
            "pcm_f32le",
            "-",
        ]
        .map(OsString::from),
    );
    args
}

/// The programmes of one probed file: their loudness (with `meter`) for
/// `measurements.loudness`, and what their decode found about the channels for
/// `measurements.layout`. A programme naming a channel the file lacks is not decoded: the
/// `audio.layout` check reports it from the probe.
pub fn measure_file(
    path: &Path,
    probe: &Probe,
    layout: &Layout,
    meter: bool,
    listen: Option<Listen>,
    stall_timeout: Duration,
) -> (Option<Loudness>, LayoutScan, Listened) {
    let tracks: Vec<(&Path, usize)> = (0..probe.audio.len()).map(|i| (path, i)).collect();
    measure_tracks(&tracks, probe, layout, meter, listen, stall_timeout)
}

/// The programmes of a clip whose audio streams lie in several files, an Avid OP-Atom clip's
/// mono track files say: `probe.audio` lists the clip's audio streams in track order, and
/// `tracks[i]` is where stream `i` lies (file, and position among that file's audio streams).
/// Figures and silence as [`measure_file`] gives them for one file.
pub fn measure_tracks(
    tracks: &[(&Path, usize)],
    probe: &Probe,
    layout: &Layout,
    meter: bool,
    listen: Option<Listen>,
    stall_timeout: Duration,
) -> (Option<Loudness>, LayoutScan, Listened) {
    use rayon::prelude::*;
    let readings: Vec<(&Programme, Result<ProgrammeReading, String>)> = layout
        .0
        .par_iter()
        .filter_map(|programme| {
            let request = request_in(tracks, probe, programme, stall_timeout)?;
            let reading = request.and_then(|request| {
                let first = programme.channels.first().and_then(|c| c.audio_index());
                let locate = locator(probe, first.unwrap_or(0));
                measure_programme(&request, meter, listen, &programme.name, &locate)
            });
            Some((programme, reading))
        })
        .collect();
    let mut scan = LayoutScan::default();
    let mut programmes = Vec::new();
    let mut listened = Listened::default();
    for (programme, reading) in readings {
        let loudness = match reading {
            Ok(reading) => {
                listened.phase.extend(reading.heard.phase.iter().cloned());
                if listened.bands.is_none() {
                    listened.bands.clone_from(&reading.heard.bands);
                }
                match &reading.decoded.stopped_early {
                    Some(why) => {
                        scan.unread.insert(programme.name.clone(), why.clone());
                    }
                    None => {
                        let silent = programme.channels.iter().zip(&reading.silent);
                        for (channel, _) in silent.filter(|(_, silent)| **silent) {
                            if !scan.silent.contains(&channel.reference()) {
                                scan.silent.push(channel.reference());
                            }
                        }
                    }
                }
                reading.loudness
            }
            Err(why) => {
                scan.unread.insert(programme.name.clone(), why.clone());
                meter.then(|| Loudness {
                    partial_reason: Some(why),
                    ..Loudness::default()
                })
            }
        };
        programmes.extend(loudness.map(|loudness| ProgrammeLoudness {
            name: programme.name.clone(),
            loudness,
        }));
    }
    let loudness = programmes.first().map(|first| Loudness {
        programmes: programmes.clone(),
        ..first.loudness.clone()
    });
    (loudness, scan, listened)
}

/// The decode request for `programme` over `tracks` (see [`measure_tracks`]): `None` when it
/// names a channel they lack, `Err` when its channels cannot be decoded together.
fn request_in<'a>(
    tracks: &[(&'a Path, usize)],
    probe: &Probe,
    programme: &Programme,
    stall_timeout: Duration,
) -> Option<Result<ProgrammeRequest<'a>, String>> {
    let mut sources = Vec::new();
    let mut rates = Vec::new();
    let mut duration_s: Option<f64> = None;
    for channel in &programme.channels {
        let audio_index = channel.audio_index()?;
        let stream = probe.audio.get(audio_index)?;
        let &(path, index_in_file) = tracks.get(audio_index)?;
        let in_stream = channel.channel.checked_sub(1)?;
        if channel.channel > stream.channels.unwrap_or(0) {
            return None;
        }
        if !rates.contains(&stream.sample_rate) {
            rates.push(stream.sample_rate);
        }
        if let Some(d) = stream.duration_s {
            duration_s = Some(duration_s.map_or(d, |longest| longest.max(d)));
        }
        sources.push(ChannelSource {
            path,
            audio_index: index_in_file,
            channel: in_stream,
            role: channel.role,
        });
    }
    let rate = match rates.as_slice() {
        [Some(rate)] => Ok(*rate),
        [None] => Err("the probe gives no sample rate".to_owned()),
        _ => Err(format!(
            "its channels run at different sample rates ({})",
            rates
                .iter()
                .map(|r| r.map_or("unknown".to_owned(), |r| format!("{r} Hz")))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    Some(rate.map(|rate| ProgrammeRequest {
        sources,
        rate,
        duration_s,
        stall_timeout,
    }))
}

/// Seconds into a programme → position in the file, as timecode when it has one; the
/// programme starts where its first channel's stream does.
fn locator(probe: &Probe, audio_index: usize) -> impl Fn(f64) -> String + use<> {
    let start_tc = probe.start_timecode();
    let frame_rate = probe.place_rate();
    let video_start = probe.video.as_ref().and_then(|v| v.start_time_s);
    let stream_start = probe.audio.get(audio_index).and_then(|a| a.start_time_s);
    let offset = stream_start.unwrap_or(0.0) - video_start.unwrap_or(0.0);
    move |seconds| crate::timecode::locate(seconds + offset, start_tc.as_ref(), frame_rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrounds_weigh_more_and_lfe_not_at_all() {
        assert_eq!(weight(Role::LeftSideSurround), Channel::LeftSurround);
        assert_eq!(weight(Role::RightRearSurround), Channel::RightSurround);
        assert_eq!(weight(Role::LowFrequency), Channel::Unused);
        assert_eq!(weight(Role::Mono), Channel::Center);
    }

    #[test]
    fn one_input_per_file_and_one_join_input_per_stream() {
        let (a, b) = (Path::new("/media/a.mxf"), Path::new("/media/b.mxf"));
        let source = |path, audio_index, channel, role| ChannelSource {
            path,
            audio_index,
            channel,
            role,
        };
        let args = args(&[
            source(a, 1, 0, Role::Left),
            source(b, 0, 0, Role::Right),
            source(a, 0, 3, Role::LowFrequency),
            source(a, 1, 1, Role::LeftSurround),
        ]);
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args.iter().filter(|a| *a == "-i").count(), 2);
        let graph = &args[args
            .iter()
            .position(|a| a == "-filter_complex")
            .expect("graph")
            + 1];
        assert_eq!(
            graph,
            "[0:a:1][1:a:0][0:a:0]join=inputs=3:channel_layout=FL+FR+FC+LFE:\
             map=0.0-FL|1.0-FR|2.3-FC|0.1-LFE[out]"
        );
        let single = args_of_one(a);
        assert!(
            single.contains(&"[0:a:0]join=inputs=1:channel_layout=FL:map=0.0-FL[out]".to_owned()),
            "{single:?}"
        );
    }

    fn args_of_one(path: &Path) -> Vec<String> {
        args(&[ChannelSource {
            path,
            audio_index: 0,
            channel: 0,
            role: Role::Mono,
        }])
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
    }
}
