//! Apple/Final Cut QuickTime stores 23.976 as 2997/125 and 29.97 as 2997/100: the same rates as
//! a spec's 23.976 and 29.97, made here by ffmpeg with a 2997 track timescale.

use crate::common::*;
use std::path::{Path, PathBuf};

fn apple_rate_clip(dir: &Path, rate: &str) -> PathBuf {
    let path = dir.join(format!("apple_{}.mov", rate.replace('/', "_")));
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("testsrc2=size=320x180:rate={rate}:duration=1"),
        "-c:v",
        "prores_ks",
        "-r",
        rate,
        "-video_track_timescale",
        "2997",
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

fn check(spec: &Path, media: &Path) -> (Outcome, serde_json::Value) {
    let outcome = check_json(spec, &[media]);
    let report = outcome.json();
    (outcome, report)
}

#[test]
fn apple_timescale_rates_pass_as_their_ntsc_rates() {
    let dir = temp_dir();
    for (written, spec_rate) in [("2997/125", "23.976"), ("2997/100", "29.97")] {
        let media = apple_rate_clip(dir.path(), written);
        let spec = write_spec(
            dir.path(),
            &format!("name: t\nvideo: {{frame_rate: {spec_rate}}}\n"),
        );
        let (outcome, report) = check(&spec, &media);
        assert_eq!(
            outcome.code, 0,
            "{written} against {spec_rate}: {:#}",
            report["files"][0]["findings"]
        );
        assert_eq!(
            report["files"][0]["probe"]["video"]["r_frame_rate"],
            written
        );
    }
}

#[test]
fn a_true_mismatch_reads_differently_on_each_side() {
    let dir = temp_dir();
    let media = apple_rate_clip(dir.path(), "2997/125");
    let spec = write_spec(dir.path(), "name: t\nvideo: {frame_rate: 24}\n");
    let (outcome, report) = check(&spec, &media);
    assert_eq!(outcome.code, 1);
    let f = finding(&report, 0, "video.frame_rate");
    assert_eq!(f["expected"], "24");
    assert_eq!(f["actual"], "23.976 (2997/125)");
    assert_ne!(f["expected"], f["actual"]);
}
