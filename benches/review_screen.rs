//! Review screen with 10,000 files: startup, frame rendering and key handling, each printed
//! against a named baseline measured in the same process, and against the budgets
//! (a frame under 10 ms, a key under 1 ms).
//!
//!     cargo bench --bench review_screen

use dailies_qc::tui::model::Model;
use dailies_qc::tui::update::{Msg, key, keys, update};
use dailies_qc::tui::{persist, sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use std::hint::black_box;
use std::time::{Duration, Instant};

const FILES: usize = 10_000;

/// Mean time of `f` over enough runs to fill about `budget`.
fn time(budget: Duration, mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < budget || runs < 3 {
        f();
        runs += 1;
    }
    start.elapsed() / runs
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn row(what: &str, value: Duration, baseline_name: &str, baseline: Duration, budget: Option<f64>) {
    let budget_text = budget
        .map(|b| format!("  budget {b} ms: {:.3}x", ms(value) / b))
        .unwrap_or_default();
    println!(
        "{what:<38} {:>9.3} ms   vs {baseline_name} {:>8.3} ms: {:>7.2}x{budget_text}",
        ms(value),
        ms(baseline),
        value.as_secs_f64() / baseline.as_secs_f64()
    );
}

fn ten_thousand() -> Model {
    Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(sample::report(FILES)),
        sample::fixed_clock,
    )
}

// The measurements read best in order, each printing its ratio as it finishes.
#[allow(clippy::too_many_lines)]
fn main() {
    let budget = Duration::from_secs(3);
    let report = sample::report(FILES);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("night.json");
    dailies_qc::report::save(&report, &path).expect("save");
    let bytes = std::fs::read(&path).expect("read");
    println!(
        "review screen, {FILES} files ({:.1} MB report), mean per operation",
        bytes.len() as f64 / 1e6
    );

    // Startup: read + parse + build the model, vs only parsing the JSON.
    let parse = time(budget, || {
        black_box(serde_json::from_slice::<dailies_qc::report::Report>(&bytes).expect("parse"));
    });
    let startup = time(budget, || {
        let previous = persist::load_previous(&path)
            .expect("load")
            .expect("exists");
        black_box(Model::new(
            sample::spec_info(),
            "alice".into(),
            Some(previous),
            sample::fixed_clock,
        ));
    });
    row(
        "startup (load report + model)",
        startup,
        "JSON parse only",
        parse,
        None,
    );

    // Frames: the whole screen vs a plain paragraph filling the same terminal.
    let mut model = ten_thousand();
    update(&mut model, keys("n").remove(0));
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let lines: Vec<String> = (0..h)
            .map(|i| format!("{i:>4} {}", "x".repeat(w as usize)))
            .collect();
        let plain = time(budget, || {
            terminal
                .draw(|f| {
                    let text: Vec<Line> = lines.iter().map(|l| Line::raw(l.as_str())).collect();
                    f.render_widget(Paragraph::new(text), f.area());
                })
                .expect("draw");
        });
        let frame = time(budget, || {
            terminal.draw(|f| views::draw(f, &model)).expect("draw");
        });
        row(
            &format!("frame {w}x{h}"),
            frame,
            "plain paragraph",
            plain,
            Some(10.0),
        );
    }

    // Keys: each vs one full pass over the model (counting statuses for the header).
    let pass = time(budget, || {
        black_box(model.counts());
    });
    let mut cases: Vec<(&str, Vec<Msg>)> = vec![
        ("key j (move down)", keys("j")),
        ("key n (next open failure)", keys("n")),
        ("key f (cycle filter)", keys("f")),
        ("key Tab (switch pane)", vec![key(KeyCode::Tab)]),
    ];
    for (name, msgs) in cases.drain(..) {
        let mut m = ten_thousand();
        let t = time(budget, || {
            for msg in msgs.iter().cloned() {
                black_box(update(&mut m, msg));
            }
        });
        row(name, t, "one pass over files", pass, Some(1.0));
    }
    // Search: typing one character refilters 10k names.
    let mut m = ten_thousand();
    update(&mut m, keys("/").remove(0));
    let t = time(budget, || {
        update(&mut m, keys("7").remove(0));
        update(&mut m, key(KeyCode::Backspace));
    });
    row(
        "key in search (type + erase)",
        t / 2,
        "one pass over files",
        pass,
        Some(1.0),
    );
    // x: the review itself on an open failure (the save is the runtime's, measured next).
    let mut m = ten_thousand();
    update(&mut m, keys("n").remove(0));
    let t = time(budget, || {
        update(&mut m, keys("x").remove(0));
    });
    row(
        "key x (review, without save)",
        t,
        "one pass over files",
        pass,
        Some(1.0),
    );

    // Saving after a review: the atomic save vs serialising the same report in memory; and
    // the snapshot (a clone of every file) a background saver would need.
    let snapshot = time(budget, || {
        black_box(model.to_report());
    });
    row(
        "snapshot of the report (clone)",
        snapshot,
        "one pass over files",
        pass,
        None,
    );
    let serialise = time(budget, || {
        black_box(serde_json::to_vec_pretty(&model.to_report()).expect("json"));
    });
    let save = time(budget, || {
        persist::save(&model, &path).expect("save");
    });
    row(
        "save after a review (fsync+rename)",
        save,
        "serialise only",
        serialise,
        None,
    );
}
