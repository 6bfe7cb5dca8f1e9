//! Matroska keeps stream lengths in a `DURATION` tag (ffprobe's stream `duration` is N/A): the
//! sync checks read it instead of calling every MKV's length unknown.

use crate::common::*;
use std::path::{Path, PathBuf};

fn mkv(dir: &Path, name: &str, audio_s: u32) -> PathBuf {
    let path = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x180:rate=25:duration=3",
        "-f",
        "lavfi",
        "-i",
        &format!("sine=d={audio_s}"),
        "-c:v",
        "libx264",
        "-c:a",
        "flac",
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

#[test]
fn mkv_stream_lengths_come_from_duration_tags() {
    let dir = temp_dir();
    let same = mkv(dir.path(), "same.mkv", 3);
    let short = mkv(dir.path(), "short.mkv", 2);
    let spec = write_spec(dir.path(), "name: t\nsync: {max_duration_delta_ms: 80}\n");
    let outcome = check_json(&spec, &[&same, &short]);
    let report = outcome.json();
    let same = index_of(&report, "same.mkv");
    assert_eq!(report["files"][same]["status"], "pass", "{report:#}");
    assert_eq!(report["files"][same]["probe"]["video"]["duration_s"], 3.0);
    let short = index_of(&report, "short.mkv");
    let f = finding(&report, short, "sync.duration");
    assert_eq!(f["actual"], "1000.0 ms shorter", "{f:#}");
}
