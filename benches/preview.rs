//! The review's frame preview on a 10-minute 1080p ProRes file: time from `p` to the drawn
//! preview of a frame 9 minutes in (target ≤ 0.3 s), and key latency while a preview decodes
//! (target < 5 ms). Baseline, in the same process: ffmpeg alone seeking to the same frame and
//! decoding it (`-ss 540 -i … -frames:v 1 -f null`), the floor any preview stands on.
//!
//!     cargo bench --bench preview

use dailies_qc::check::{At, Finding};
use dailies_qc::report::{FileReport, Report};
use dailies_qc::tui::model::Model;
use dailies_qc::tui::runtime::Session;
use dailies_qc::tui::update::{Msg, keys};
use dailies_qc::tui::{sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;
const TARGET_PREVIEW_S: f64 = 0.3;
const TARGET_KEY_MS: f64 = 5.0;

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let media = make_programme(dir.path());
    let probe = dailies_qc::probe::probe_file(&media, Duration::from_secs(30)).expect("probe");

    println!("round   ffmpeg seek+decode   p → drawn preview   ratio");
    let mut previews = Vec::new();
    let mut ratios = Vec::new();
    for round in 0..ROUNDS {
        // A different second each round: nothing comes from the frame cache.
        let second = 540 + round;
        let baseline = ffmpeg_seek(&media, second as f64);
        let (mut session, rx) = session(&media, probe.clone(), second);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        draw(&mut terminal, &session);
        let started = Instant::now();
        handle(&mut session, keys("p"));
        draw(&mut terminal, &session);
        wait_for_frame(&mut session, &rx);
        draw(&mut terminal, &session);
        let shown = started.elapsed();
        assert!(session.model.preview.shown.is_some(), "no frame shown");
        let ratio = shown.as_secs_f64() / baseline.as_secs_f64();
        println!(
            "{:>5} {:>18.3} s {:>17.3} s {ratio:>7.2}",
            round + 1,
            baseline.as_secs_f64(),
            shown.as_secs_f64()
        );
        previews.push(shown.as_secs_f64());
        ratios.push(ratio);
    }
    previews.sort_by(f64::total_cmp);
    ratios.sort_by(f64::total_cmp);
    let median = previews[ROUNDS / 2];
    println!(
        "median p → preview {median:.3} s = {:.2} × the {TARGET_PREVIEW_S} s target ({}), {:.2} × ffmpeg alone",
        median / TARGET_PREVIEW_S,
        if median <= TARGET_PREVIEW_S {
            "met"
        } else {
            "MISSED"
        },
        ratios[ROUNDS / 2]
    );

    // Key latency while decodes run: every `]` asks for the next frame, superseding the one
    // being decoded; each key is handled and the screen drawn before the next.
    let (mut session, rx) = session(&media, probe, 560);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    draw(&mut terminal, &session);
    handle(&mut session, keys("p"));
    let mut latencies = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        handle(&mut session, keys("]"));
        while let Ok(msg) = rx.try_recv() {
            session.handle(msg);
        }
        draw(&mut terminal, &session);
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(20));
    }
    latencies.sort_by(f64::total_cmp);
    let (median, worst) = (
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
    );
    println!(
        "key latency while decoding: median {median:.2} ms, worst {worst:.2} ms = {:.2} × the {TARGET_KEY_MS} ms target ({})",
        worst / TARGET_KEY_MS,
        if worst < TARGET_KEY_MS {
            "met"
        } else {
            "MISSED"
        }
    );
}

/// 10 minutes of 1080p25 ProRes Proxy: 10 s encoded, then looped by stream copy (ProRes is
/// intra-only, so the copy is a valid file) to keep the set-up short.
fn make_programme(dir: &Path) -> std::path::PathBuf {
    let short = dir.join("ten_seconds.mov");
    let long = dir.join("programme.mov");
    run(Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("testsrc2=s=1920x1080:r=25:d=10")
        .args(["-c:v", "prores_ks", "-profile:v", "0"])
        .arg(&short));
    run(Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-stream_loop", "59", "-i"])
        .arg(&short)
        .args(["-c", "copy", "-t", "600"])
        .arg(&long));
    long
}

fn run(command: &mut Command) {
    let status = command.status().expect("run ffmpeg");
    assert!(status.success(), "ffmpeg failed: {command:?}");
}

fn ffmpeg_seek(media: &Path, seconds: f64) -> Duration {
    let started = Instant::now();
    run(Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-ss"])
        .arg(format!("{seconds}"))
        .arg("-i")
        .arg(media)
        .args(["-frames:v", "1", "-f", "null", "-"]));
    started.elapsed()
}

/// A review session on the programme with one finding at `second`, previews decoded on the
/// worker thread; the receiver gets its frames.
fn session(
    media: &Path,
    probe: dailies_qc::probe::Probe,
    second: usize,
) -> (Session, Receiver<Msg>) {
    let mut file = FileReport::unchecked(media);
    file.probe = Some(probe);
    let at = format!("00:{:02}:{:02}:00", second / 60, second % 60);
    file.findings = vec![
        Finding::fail("content.black", "black", "no black", "black").with_at(Some(At {
            start: at,
            end: None,
        })),
    ];
    file.refresh_status();
    let report = Report::new(sample::spec_info(), "alice".into(), vec![file]);
    let model = Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(report),
        sample::fixed_clock,
    );
    let dir = media.parent().expect("folder");
    let mut session = Session::new(model, dir.join(format!("review-{second}.json")));
    let (tx, rx) = dailies_qc::tui::event::channel();
    session.preview_in_background(tx).expect("preview worker");
    handle(&mut session, keys("n"));
    (session, rx)
}

fn handle(session: &mut Session, msgs: Vec<Msg>) {
    for msg in msgs {
        session.handle(msg);
    }
}

fn draw(terminal: &mut Terminal<TestBackend>, session: &Session) {
    terminal
        .draw(|f| views::draw(f, &session.model))
        .expect("draw");
}

fn wait_for_frame(session: &mut Session, rx: &Receiver<Msg>) {
    while session.model.preview.is_decoding() {
        let msg = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a frame in 30 s");
        session.handle(msg);
    }
}
