//! Renders the real review screens into `screenshots/` as text and SVG.
//!
//! Makes the demo dailies (`dailies-qc demo`) in a temporary folder, checks them with the real
//! engine, then replays the results and a short review session through the real model and views
//! on ratatui's TestBackend. Results are replayed in file order and reviews use a fixed clock,
//! so the output only changes when the screen does.
//!
//!     cargo run --example screenshots [-- OUTPUT_DIR]

use dailies_qc::tui::model::{Model, Progress};
use dailies_qc::tui::update::{Effect, Msg, key, keys, update};
use dailies_qc::tui::{sample, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "screenshots".into()),
    );
    std::fs::create_dir_all(&out)?;
    let work = tempfile::tempdir()?;
    let demo = work.path().join("ep101");
    eprintln!("making the demo dailies…");
    dailies_qc::demo::generate(&demo, &mut std::io::sink())?;
    let spec = dailies_qc::spec::load(&demo.join(dailies_qc::demo::SPEC_FILE))?;

    eprintln!("checking them…");
    let (tx, rx) = dailies_qc::tui::event::channel();
    dailies_qc::tui::jobs::spawn(spec.clone(), vec![demo.clone()], Default::default(), tx)?;
    let mut planned = None;
    let mut checked: Vec<Box<dailies_qc::report::FileReport>> = Vec::new();
    for msg in rx {
        match msg {
            Msg::Planned { .. } => planned = Some(msg),
            // The cross-file passes send a file again once the whole run is in: the last wins.
            Msg::Checked(report) => {
                checked.retain(|r| r.path != report.path);
                checked.push(report);
            }
            _ => {}
        }
    }
    checked.sort_by(|a, b| natord::compare(&a.path, &b.path));
    let frame_rate_failure = checked
        .iter()
        .find(|r| r.path.ends_with("A001_C003_v001.mov"))
        .ok_or("the demo lacks its wrong-frame-rate clip")?
        .clone();

    let mut model = Model::new(
        dailies_qc::engine::spec_info(&spec),
        "alice".into(),
        None,
        sample::fixed_clock,
    );
    model.progress = Progress::Scanning;
    shoot(&model, &out, "01-scanning", 80, 24)?;
    update(&mut model, planned.ok_or("the scan sent no plan")?);
    let total = checked.len();
    let mut checked = checked.into_iter();
    for report in checked.by_ref().take(3) {
        update(&mut model, Msg::Checked(report));
    }
    shoot(&model, &out, "02-checking", 80, 24)?;
    for report in checked {
        update(&mut model, Msg::Checked(report));
    }
    update(&mut model, Msg::ChecksDone);
    assert_eq!(model.counts().files, total);
    shoot(&model, &out, "03-results", 80, 24)?;

    press(&mut model, keys("n"));
    shoot(&model, &out, "04-detail", 80, 24)?;
    press(&mut model, keys("xnw"));
    press(&mut model, keys("720p is fine for the offline edit"));
    shoot(&model, &out, "05-waive-reason", 80, 24)?;
    press(&mut model, vec![key(KeyCode::Enter)]);
    press(&mut model, keys("n"));
    shoot(&model, &out, "06-after-reviews", 80, 24)?;
    press(&mut model, keys("ff"));
    shoot(&model, &out, "07-filter-open", 80, 24)?;
    press(&mut model, keys("f?"));
    shoot(&model, &out, "08-help", 80, 24)?;
    press(&mut model, keys("?"));
    press(&mut model, vec![key(KeyCode::Tab)]);
    press(&mut model, vec![key(KeyCode::Home)]);
    press(&mut model, keys("jjj"));
    shoot(&model, &out, "09-wide", 132, 36)?;

    // The frame preview of a finding (decoded by ffmpeg, drawn in half blocks), then the
    // loudness curve of a longer clip with a loud passage.
    let mut model = Model::new(
        dailies_qc::engine::spec_info(&spec),
        "alice".into(),
        None,
        sample::fixed_clock,
    );
    update(&mut model, Msg::Checked(frame_rate_failure.clone()));
    shoot(&model, &out, "10-preview", 100, 32)?; // lays the panes out
    press_decoding(&mut model, keys("np"));
    shoot(&model, &out, "10-preview", 100, 32)?;
    let loud = work.path().join("A002_C001_v001.mov");
    make_loud_passage(&loud)?;
    let mut model = Model::new(
        dailies_qc::engine::spec_info(&spec),
        "alice".into(),
        None,
        sample::fixed_clock,
    );
    let report = dailies_qc::engine::inspect(&spec, &loud, &Default::default());
    update(&mut model, Msg::Checked(Box::new(report)));
    press(&mut model, keys("n"));
    while model
        .selected_finding()
        .is_some_and(|f| f.check != "audio.loudness.integrated")
    {
        press(&mut model, vec![key(KeyCode::Down)]);
    }
    shoot(&model, &out, "11-loudness-chart", 100, 32)?;
    eprintln!("screens written to {}", out.display());
    Ok(())
}

fn press(model: &mut Model, msgs: Vec<Msg>) {
    for msg in msgs {
        update(model, msg);
    }
}

/// Like [`press`], decoding the preview frames the keys ask for (the screen's worker thread,
/// done in line).
fn press_decoding(model: &mut Model, msgs: Vec<Msg>) {
    for msg in msgs {
        for effect in update(model, msg) {
            if let Effect::Preview(request) = effect
                && let Some(frame) = dailies_qc::tui::preview::decode(request, &|| true)
            {
                update(model, Msg::PreviewFrame(Box::new(frame)));
            }
        }
    }
}

/// 20 s of 1080p25 ProRes with a −23 LUFS tone, 10 LU louder from 8 s to 12 s.
fn make_loud_passage(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = [
        "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
        "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=25:d=20",
        "-f", "lavfi", "-i",
        "aevalsrc=exprs='if(between(t,8,12),0.2239,0.07079)*sin(2*PI*1000*t)':s=48000:c=stereo:d=20",
        "-c:v", "prores_ks", "-profile:v", "3", "-c:a", "pcm_s24le",
        "-timecode", "10:00:00:00",
    ]
    .iter()
    .map(|a| a.to_string())
    .chain([path.display().to_string()])
    .collect();
    dailies_qc::synth::ffmpeg(&args)?;
    Ok(())
}

fn shoot(
    model: &Model,
    dir: &Path,
    name: &str,
    width: u16,
    height: u16,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut terminal = Terminal::new(TestBackend::new(width, height))?;
    terminal.draw(|f| views::draw(f, model))?;
    let buffer = terminal.backend().buffer();
    std::fs::write(dir.join(format!("{name}.txt")), text(buffer))?;
    std::fs::write(dir.join(format!("{name}.svg")), svg(buffer))?;
    Ok(())
}

fn text(buffer: &Buffer) -> String {
    let width = buffer.area.width as usize;
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let line: String = row.iter().map(|c| c.symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

const CELL_W: f64 = 8.4;
const CELL_H: f64 = 17.0;
const FG: &str = "#d0d0d0";
const BG: &str = "#1c1c1c";

fn rgb(color: Color) -> Option<&'static str> {
    Some(match color {
        Color::Red => "#e05a4f",
        Color::Green => "#6cc24a",
        Color::Yellow => "#d7b94a",
        Color::Magenta => "#c678dd",
        Color::Cyan => "#56b6c2",
        Color::DarkGray => "#7a7a7a",
        _ => return None,
    })
}

fn svg(buffer: &Buffer) -> String {
    let (w, h) = (buffer.area.width as usize, buffer.area.height as usize);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14px">"#,
        w as f64 * CELL_W + 16.0,
        h as f64 * CELL_H + 16.0
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="{BG}"/>"#);
    for (y, row) in buffer.content.chunks(w).enumerate() {
        let base = 8.0 + y as f64 * CELL_H;
        for (x, cell) in row.iter().enumerate() {
            let px = 8.0 + x as f64 * CELL_W;
            if let Some(drawn) = half_block(cell, px, base) {
                s.push_str(&drawn);
                continue;
            }
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let fg = rgb(cell.fg).unwrap_or(FG);
            let (fg, bg) = if reversed { (BG, Some(fg)) } else { (fg, None) };
            if let Some(bg) = bg {
                let _ = writeln!(
                    s,
                    r#"<rect x="{px:.1}" y="{base:.1}" width="{CELL_W}" height="{CELL_H}" fill="{bg}"/>"#
                );
            }
            let symbol = cell.symbol();
            if symbol.trim().is_empty() {
                continue;
            }
            let weight = if cell.modifier.contains(Modifier::BOLD) {
                r#" font-weight="bold""#
            } else {
                ""
            };
            let _ = writeln!(
                s,
                r#"<text x="{px:.1}" y="{:.1}" fill="{fg}"{weight}>{}</text>"#,
                base + CELL_H * 0.75,
                xml_escape(symbol)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// A cell of the preview (true-colour background, `▀`/`▄` in a true-colour foreground) as two
/// rectangles: fonts draw the block glyphs with gaps.
fn half_block(cell: &ratatui::buffer::Cell, px: f64, top: f64) -> Option<String> {
    let Color::Rgb(r, g, b) = cell.bg else {
        return None;
    };
    let fg = match cell.fg {
        Color::Rgb(r, g, b) => (r, g, b),
        _ => (r, g, b),
    };
    let (upper, lower) = match cell.symbol() {
        "▀" => (fg, (r, g, b)),
        "▄" => ((r, g, b), fg),
        _ => ((r, g, b), (r, g, b)),
    };
    let half = CELL_H / 2.0;
    let rect = |y: f64, (r, g, b): (u8, u8, u8)| {
        format!(
            "<rect x=\"{px:.1}\" y=\"{y:.1}\" width=\"{CELL_W}\" height=\"{half}\" fill=\"#{r:02x}{g:02x}{b:02x}\"/>\n"
        )
    };
    Some(rect(top, upper) + &rect(top + half, lower))
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
