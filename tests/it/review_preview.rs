//! The frame preview of the review screen: whole-app runs on TestBackend with frames decoded by
//! the real ffmpeg from generated colour bars, asserting the colours drawn where each bar is.

use dailies_qc::report;
use dailies_qc::tui::model::Model;
use dailies_qc::tui::runtime::Session;
use dailies_qc::tui::update::{Msg, keys};
use dailies_qc::tui::{sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use std::path::Path;

/// SMPTE bars (the 75 % row is the top two thirds: grey, yellow, cyan, green, magenta, red,
/// blue), 2 s at 24 fps, timecode 01:00:00:00, checked against a spec that wants 25 fps; returns
/// a session on the report with the screen's frame-rate finding selected.
fn bars_session(dir: &Path) -> Session {
    let media = dir.join("bars.mov");
    crate::common::ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "smptebars=size=640x360:rate=24:duration=2",
        "-c:v",
        "prores_ks",
        "-profile:v",
        "0",
        "-timecode",
        "01:00:00:00",
        media.to_str().expect("UTF-8 temp path"),
    ]);
    let spec = crate::common::write_spec(dir, "name: bars\nvideo:\n  frame_rate: 25\n");
    let report_path = dir.join("bars.json");
    let outcome = crate::common::check_to_json_file(&report_path, &spec, &media);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let report = report::load(&report_path).expect("the check wrote its report");
    let model = Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(report),
        sample::fixed_clock,
    );
    Session::new(model, dir.join("review.json"))
}

fn handle_all(session: &mut Session, msgs: Vec<Msg>) {
    for msg in msgs {
        assert!(session.handle(msg), "the session quit early");
    }
}

fn draw(session: &Session, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| views::draw(f, &session.model)).unwrap();
    terminal
}

/// The cells drawn with a true-colour background: the preview's half blocks.
fn image_cells(buffer: &Buffer) -> Vec<(u16, u16, (u8, u8, u8))> {
    let area = buffer.area;
    let mut cells = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Color::Rgb(r, g, b) = buffer[(x, y)].bg {
                cells.push((x, y, (r, g, b)));
            }
        }
    }
    cells
}

/// Each channel as on (> 128) or off (< 64); `None` for anything in between.
fn channels((r, g, b): (u8, u8, u8)) -> Option<(bool, bool, bool)> {
    let level = |v: u8| match v {
        129.. => Some(true),
        ..64 => Some(false),
        _ => None,
    };
    Some((level(r)?, level(g)?, level(b)?))
}

#[test]
fn preview_draws_the_colour_bars_in_half_blocks() {
    crate::common::require_ffmpeg();
    let dir = crate::common::temp_dir();
    let mut session = bars_session(dir.path());
    // Lay the screen out once (the preview measures its pane), then open the preview.
    draw(&session, 100, 40);
    handle_all(&mut session, keys("np"));
    assert!(!session.model.preview.is_decoding());
    let terminal = draw(&session, 100, 40);
    let buffer = terminal.backend().buffer().clone();
    let text = terminal.backend().to_string();
    assert!(text.contains("Preview 01:00:00:00"), "{text}");
    insta::assert_snapshot!(text);

    let cells = image_cells(&buffer);
    assert!(!cells.is_empty(), "no image drawn:\n{text}");
    let left = cells.iter().map(|c| c.0).min().unwrap();
    let right = cells.iter().map(|c| c.0).max().unwrap();
    let top = cells.iter().map(|c| c.1).min().unwrap();
    let width = f64::from(right - left + 1);
    // The middle of each of the seven 75 % bars, one row into the picture.
    let expected = [
        (true, true, true),   // grey
        (true, true, false),  // yellow
        (false, true, true),  // cyan
        (false, true, false), // green
        (true, false, true),  // magenta
        (true, false, false), // red
        (false, false, true), // blue
    ];
    for (bar, want) in expected.iter().enumerate() {
        let x = left + (width * (bar as f64 + 0.5) / 7.0) as u16;
        let cell = &buffer[(x, top + 1)];
        let Color::Rgb(r, g, b) = cell.bg else {
            panic!("bar {bar} at ({x}, {}) has no colour: {cell:?}", top + 1);
        };
        assert_eq!(
            channels((r, g, b)),
            Some(*want),
            "bar {bar} at ({x}, {}) is ({r}, {g}, {b})",
            top + 1
        );
        // A flat bar fills both halves of the cell alike.
        assert_eq!(cell.fg, cell.bg, "bar {bar}: {cell:?}");
    }
}

#[test]
fn moving_on_supersedes_the_pending_frame() {
    use dailies_qc::tui::preview::Decoded;
    use dailies_qc::tui::update::{Effect, update};
    use std::sync::Arc;

    let mut model = Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(sample::report(30)),
        sample::fixed_clock,
    );
    let mut requests = Vec::new();
    for msg in keys("npNn]}") {
        for effect in update(&mut model, msg) {
            if let Effect::Preview(request) = effect {
                requests.push(request);
            }
        }
    }
    // p, then each move to another finding, then a frame and a second on: each a new request.
    assert!(requests.len() >= 4, "{requests:?}");
    let generations: Vec<u64> = requests.iter().map(|r| r.generation).collect();
    assert!(
        generations.windows(2).all(|w| w[0] < w[1]),
        "{generations:?}"
    );
    let last = requests.last().unwrap();
    let before = &requests[requests.len() - 2];
    assert_eq!(
        last.key.frame,
        before.key.frame + 24,
        "a second at the file's 24 fps"
    );
    let frame = |request: &dailies_qc::tui::preview::Request| Decoded {
        generation: request.generation,
        key: request.key.clone(),
        result: Ok(Arc::new(image::DynamicImage::new_rgb8(4, 4))),
    };
    // The overtaken frame arrives late: kept, not shown.
    update(&mut model, Msg::PreviewFrame(Box::new(frame(&requests[0]))));
    assert!(model.preview.shown.is_none());
    assert!(model.preview.is_decoding());
    update(&mut model, Msg::PreviewFrame(Box::new(frame(last))));
    assert_eq!(model.preview.shown.as_ref().unwrap().key, last.key);
    assert!(!model.preview.is_decoding());
    // A second back is the overtaken `]` frame, which arrived late: shown from the cache,
    // without decoding it again.
    update(&mut model, Msg::PreviewFrame(Box::new(frame(before))));
    assert_eq!(model.preview.shown.as_ref().unwrap().key, last.key);
    let mut again = Vec::new();
    for msg in keys("{") {
        again.extend(update(&mut model, msg));
    }
    assert!(again.is_empty(), "decoded again: {again:?}");
    assert_eq!(model.preview.shown.as_ref().unwrap().key, before.key);
}

#[test]
fn loudness_chart_of_an_integrated_loudness_finding() {
    use dailies_qc::check::ids;
    use dailies_qc::measurements::ShortTerm;

    let mut report = sample::report(30);
    let file = report
        .files
        .iter_mut()
        .find(|f| {
            f.findings
                .iter()
                .any(|x| x.check == ids::LOUDNESS_INTEGRATED)
        })
        .expect("the sample has a loudness failure");
    // 60 s of programme at −24 LUFS, with a loud passage around 30 s.
    let lufs = (0..58)
        .map(|i| Some(if (28..33).contains(&i) { -12.0 } else { -24.0 }))
        .collect();
    let loudness = file.measurements.loudness.as_mut().unwrap();
    loudness.short_term = Some(ShortTerm {
        start_s: 3.0,
        step_s: 1.0,
        lufs,
    });
    loudness.true_peak_at = Some("10:00:31:00".into());
    loudness.max_short_term_at = Some("10:00:29:00".into());
    loudness.max_short_term_lufs = Some(-12.0);
    let mut model = Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(report),
        sample::fixed_clock,
    );
    step_onto(&mut model, ids::LOUDNESS_INTEGRATED);
    let mut terminal = Terminal::new(TestBackend::new(100, 36)).unwrap();
    terminal.draw(|f| views::draw(f, &model)).unwrap();
    let text = terminal.backend().to_string();
    assert!(text.contains("Loudness (short-term, 3 s)"), "{text}");
    for legend in [
        "target -23.5…-22.5",
        "true peak 31.0 s",
        "loudest 3 s 29.0 s",
    ] {
        assert!(text.contains(legend), "no {legend:?}:\n{text}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn sync_pop_waveform_marks_the_flash_and_the_offset() {
    use dailies_qc::check::ids;
    use dailies_qc::synth::MarkerClip;
    use dailies_qc::tui::update::update;

    crate::common::require_ffmpeg();
    let dir = crate::common::temp_dir();
    // Audio 80 ms late at 25 fps (2 frames); the spec allows 40 ms.
    let clip = MarkerClip::new((25, 1), 30, 0.080, false);
    let media = dir.path().join("pop.mov");
    clip.write(&media).expect("marker clip");
    let spec = crate::common::write_spec(
        dir.path(),
        "name: pop\nsync:\n  marker: {audio_early_ms: 40, audio_late_ms: 40, search_s: 3}\n",
    );
    let report_path = dir.path().join("pop.json");
    let outcome = crate::common::check_to_json_file(&report_path, &spec, &media);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let report = report::load(&report_path).unwrap();
    let pop = report.files[0].measurements.sync.as_ref().unwrap();
    let waveform = pop.marker_pop.as_ref().expect("the pop's waveform is kept");
    // The loudest step is the beep, 80 ms after the flash.
    let loudest = waveform
        .peak
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    let first_loud = waveform
        .peak
        .iter()
        .position(|p| *p > waveform.peak[loudest] / 2.0)
        .unwrap();
    let beep_s = waveform.start_s + first_loud as f64 * waveform.step_s;
    assert!(
        (beep_s - (clip.flash_s() + 0.080)).abs() <= waveform.step_s,
        "beep drawn at {beep_s}, flash at {}",
        clip.flash_s()
    );

    let mut model = Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(report),
        sample::fixed_clock,
    );
    for msg in keys("n") {
        update(&mut model, msg);
    }
    assert_eq!(model.selected_finding().unwrap().check, ids::SYNC_MARKER);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| views::draw(f, &model)).unwrap();
    let text = terminal.backend().to_string();
    // The measured offset is within a sample or two of the 80 ms made.
    assert!(text.contains("Sync pop · audio 80."), "{text}");
    assert!(text.contains(" ms late (2.0 frames)"), "{text}");
    assert!(text.contains("flash 1.200 s"), "{text}");
}

#[test]
fn no_color_says_the_preview_needs_colour_and_decodes_nothing() {
    use dailies_qc::tui::update::{Effect, update};

    let mut model = Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(sample::report(30)),
        sample::fixed_clock,
    );
    model.color = false;
    let mut effects = Vec::new();
    for msg in keys("np]") {
        effects.extend(update(&mut model, msg));
    }
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Preview(_))),
        "{effects:?}"
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 36)).unwrap();
    terminal.draw(|f| views::draw(f, &model)).unwrap();
    let text = terminal.backend().to_string();
    assert!(text.contains("preview needs colour"), "{text}");
}

#[test]
fn correlation_strip_of_a_phase_finding() {
    use dailies_qc::check::{At, Finding, ids};
    use dailies_qc::measurements::sound::PairPhase;

    let mut report = sample::report(3);
    let file = &mut report.files[0];
    // 20 s of a pair in phase, out of phase from 8 s to 12 s.
    let curve = (0..50)
        .map(|i| Some(if (20..30).contains(&i) { -0.95 } else { 0.8 }))
        .collect();
    file.measurements.phase = Some(vec![PairPhase {
        pair: "L/R".into(),
        min_correlation: -0.95,
        correlation: 0.4,
        curve,
        ..PairPhase::default()
    }]);
    file.findings.insert(
        0,
        Finding::fail(
            ids::AUDIO_PHASE,
            "phase of L/R",
            "correlation above -0.3",
            "out of phase for 4.0 s",
        )
        .with_at(Some(At {
            start: "10:00:08:00".into(),
            end: Some("10:00:12:00".into()),
        })),
    );
    let mut model = Model::new(
        sample::spec_info(),
        "alice".into(),
        Some(report),
        sample::fixed_clock,
    );
    step_onto(&mut model, ids::AUDIO_PHASE);
    assert!(
        model
            .selected_finding()
            .is_some_and(|f| f.check == ids::AUDIO_PHASE)
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 36)).unwrap();
    terminal.draw(|f| views::draw(f, &model)).unwrap();
    let text = terminal.backend().to_string();
    assert!(text.contains("Correlation (L/R, 400 ms)"), "{text}");
    insta::assert_snapshot!(text);
}

/// Presses `n` until the selected finding is a `check` one (at most 30 times).
fn step_onto(model: &mut Model, check: &str) {
    for _ in 0..30 {
        if model.selected_finding().is_some_and(|f| f.check == check) {
            return;
        }
        for msg in keys("n") {
            dailies_qc::tui::update::update(model, msg);
        }
    }
}
