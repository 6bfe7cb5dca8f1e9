//! `dailies-qc demo [DIR]`: a small folder of 1080p25 ProRes dailies, most with one real defect,
//! plus a copy of the EBU R128 HD spec, and the commands to try on them.

use crate::synth::{Clip, FfmpegError, truncate_file};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const SPEC_FILE: &str = "ebu-r128-hd-broadcast.yaml";
pub const SPEC_YAML: &str = include_str!("../specs/ebu-r128-hd-broadcast.yaml");

/// The demo clips: file name, what is wrong with it, and how to make it.
pub fn clips() -> Vec<(&'static str, &'static str, Clip)> {
    let clean = Clip::broadcast_master(2.0);
    let mut wrong_rate = clean.clone();
    wrong_rate.rate = "24".into();
    let mut wrong_size = clean.clone();
    (wrong_size.width, wrong_size.height) = (1280, 720);
    let mut loud = clean.clone();
    loud.audio.as_mut().expect("audio").level_dbfs = -14.0;
    let mut late = clean.clone();
    late.audio.as_mut().expect("audio").delay_s = 0.2;
    let mut no_tc = clean.clone();
    no_tc.timecode = None;
    vec![
        ("A001_C001_v001.mov", "clean", clean.clone()),
        ("A001_C002_v001.mov", "clean", clean.clone()),
        (
            "A001_C003_v001.mov",
            "wrong frame rate (24 instead of 25)",
            wrong_rate,
        ),
        (
            "A001_C004_v001.mov",
            "wrong resolution (1280x720)",
            wrong_size,
        ),
        (
            "A001_C005_v001.mov",
            "loud audio (tone at -14 dBFS, about -14 LUFS)",
            loud,
        ),
        ("A001_C006_v001.mov", "audio starts 200 ms late", late),
        ("A001_C007_v001.mov", "no timecode", no_tc),
        (
            "A001_C008_v001.mov",
            "truncated (transfer stopped at 60%)",
            clean,
        ),
    ]
}

/// Why the demo folder could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot {action} {}: {error}", .path.display())]
    File {
        /// What was being done to `path`: "create", "truncate", "write".
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },
    #[error(transparent)]
    Clip(#[from] FfmpegError),
    #[error("ffmpeg thread panicked")]
    Panicked,
}

/// Writes the demo folder; returns the text telling the user what to run next.
pub fn generate(dir: &Path, log: &mut dyn Write) -> Result<String, DemoError> {
    let file_error = |action, path: &Path| {
        let path = path.to_path_buf();
        move |error| DemoError::File {
            action,
            path,
            error,
        }
    };
    std::fs::create_dir_all(dir).map_err(file_error("create", dir))?;
    let clips = clips();
    let made: Vec<Result<(), DemoError>> = std::thread::scope(|scope| {
        // Two at a time: each ffmpeg encode is already multithreaded.
        clips
            .chunks(2)
            .flat_map(|pair| {
                let handles: Vec<_> = pair
                    .iter()
                    .map(|(name, _, clip)| scope.spawn(move || clip.write(&dir.join(name))))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| match h.join() {
                        Ok(written) => written.map_err(DemoError::from),
                        Err(_) => Err(DemoError::Panicked),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    for ((name, defect, _), result) in clips.iter().zip(made) {
        result?;
        let _ = writeln!(log, "  {name:<20} {defect}");
    }
    let truncated = dir.join("A001_C008_v001.mov");
    truncate_file(&truncated, 0.6).map_err(file_error("truncate", &truncated))?;
    let spec = dir.join(SPEC_FILE);
    std::fs::write(&spec, SPEC_YAML).map_err(file_error("write", &spec))?;
    let d = dir.display();
    let s = spec.display();
    Ok(format!(
        "Sample dailies written to {d}/ ({} clips).\n\nCheck them headlessly:\n  dailies-qc check --spec {s} {d}\n\nReview them:\n  dailies-qc review --spec {s} --report {d}-report.json {d}",
        clips.len()
    ))
}
