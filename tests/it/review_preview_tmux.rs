//! The frame preview in a real terminal: the real binary in a private tmux server, where the
//! terminal answers no graphics query, so the preview falls back to half blocks.

use crate::tmux::Tmux;

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn p_on_a_black_frame_finding_draws_half_blocks() {
    crate::common::require_ffmpeg();
    let dir = crate::common::temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).unwrap();
    // 4 s at 25 fps, black from 1 s to 3.5 s but for a small white corner (1 % of the picture,
    // still black to `blackdetect`), so the preview has an edge to draw in half blocks.
    let clip = media.join("A001_C002_v001.mov");
    crate::common::ffmpeg(&[
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
    let spec = crate::common::write_spec(
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

/// A preview whose ffmpeg hangs (a stale mount) does not outlive the review: quitting kills
/// its process group.
#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn quitting_the_review_ends_a_hung_preview() {
    crate::common::require_ffmpeg();
    let dir = crate::common::temp_dir();
    let media = dir.path().join("media");
    std::fs::create_dir(&media).unwrap();
    let clip = media.join("A001_C003_v001.mov");
    crate::common::ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=4,drawbox=color=black:t=fill:enable='between(t,1,3.5)'",
        "-c:v",
        "mpeg4",
        clip.to_str().unwrap(),
    ]);
    let spec = crate::common::write_spec(
        dir.path(),
        "name: black\ncontent:\n  black: {max_s: 2.0, luma_max: 0.10}\n",
    );
    // An ffmpeg that hangs when asked for a picture, and is the real one otherwise.
    let marker = format!("{}", 3000 + std::process::id() % 997);
    let script = format!(
        "case \"$*\" in *image2pipe*) exec sleep {marker};; esac\nexec '{}' \"$@\"",
        crate::common::on_path("ffmpeg").display()
    );
    let path = crate::common::path_with_stand_in(dir.path(), "ffmpeg", &script);
    let report = dir.path().join("night.json");
    let tmux = Tmux::new("hung-preview");
    tmux.start(&format!(
        "PATH='{}' {} review --spec {} --report {} --operator alice {}; echo EXIT=$?; sleep 60",
        path.to_string_lossy(),
        env!("CARGO_BIN_EXE_dailies-qc"),
        spec.display(),
        report.display(),
        media.display()
    ));
    tmux.wait_for("checked 1");
    tmux.keys(&["n"]);
    tmux.wait_for("content.black");
    tmux.keys(&["p"]);
    // A process whose command line is `sleep MARKER`, read from /proc (as pgrep would).
    let hung = || {
        let wanted = format!("sleep\0{marker}\0");
        std::fs::read_dir("/proc")
            .expect("/proc")
            .flatten()
            .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
            .any(|cmdline| cmdline == wanted.as_bytes())
    };
    let started = std::time::Instant::now();
    while !hung() {
        assert!(
            started.elapsed().as_secs() < 20,
            "the preview never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!hung(), "the preview's ffmpeg outlived the review");
}
