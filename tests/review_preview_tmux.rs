//! The frame preview in a real terminal: the real binary in a private tmux server, where the
//! terminal answers no graphics query, so the preview falls back to half blocks.

mod common;
mod tmux;

use tmux::Tmux;

#[test]
fn p_on_a_black_frame_finding_draws_half_blocks() {
    common::require_ffmpeg();
    let dir = common::temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).unwrap();
    // 4 s at 25 fps, black from 1 s to 3.5 s but for a small white corner (1 % of the picture,
    // still black to `blackdetect`), so the preview has an edge to draw in half blocks.
    let clip = media.join("A001_C002_v001.mov");
    common::ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=4,\
         drawbox=color=black:t=fill:enable='between(t,1,3.5)',\
         drawbox=x=0:y=0:w=32:h=17:color=white:t=fill",
        "-c:v",
        "prores_ks",
        "-profile:v",
        "0",
        "-timecode",
        "01:00:00:00",
        clip.to_str().unwrap(),
    ]);
    let spec = common::write_spec(
        dir.path(),
        "name: black\ncontent:\n  black: {max_s: 2.0, luma_max: 0.10}\n",
    );
    let report = dir.path().join("night.json");
    let tmux = Tmux::new("preview");
    tmux.start(&format!(
        "{} review --spec {} --report {} --operator alice {}; echo EXIT=$?; sleep 60",
        env!("CARGO_BIN_EXE_dailies-qc"),
        spec.display(),
        report.display(),
        media.display()
    ));
    tmux.wait_for("checked 1");
    tmux.keys(&["n"]);
    tmux.wait_for("content.black");
    tmux.keys(&["p"]);
    let screen = tmux.wait_for("Preview 01:00:01:00");
    let preview: String = screen
        .lines()
        .skip_while(|l| !l.contains("Preview 01:00:01:00"))
        .take_while(|l| !l.contains("Detail"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        preview.contains('▀') || preview.contains('▄'),
        "no half blocks in the preview:\n{screen}"
    );
    tmux.keys(&["]"]);
    tmux.wait_for("Preview 01:00:01:01");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
}
