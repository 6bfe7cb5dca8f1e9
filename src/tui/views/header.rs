//! Two lines: spec name and progress; counts, filter and search. With clips, the counts are
//! those of `check`'s text output: a clip once (its track files under it), each other file.

use super::Theme;
use super::theme::glyph;
use crate::escape::escape_control;
use crate::report::Status;
use crate::tui::model::{Counts, Model, Progress};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let [top, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let progress = if model.watching {
        // Files keep landing: a fraction done would mislead.
        let checked = model.entries.iter().filter(|e| e.has_result()).count();
        format!("watching · {checked} checked ")
    } else {
        progress_text(model.progress)
    };
    let progress_width = (progress.chars().count() as u16 + 1).min(top.width / 2);
    let [title_area, progress_area] =
        Layout::horizontal([Constraint::Min(10), Constraint::Length(progress_width)]).areas(top);
    let title = Line::from(vec![
        Span::styled(" dailies-qc ", theme.title()),
        Span::raw("│ "),
        Span::raw(escape_control(&model.spec.name).into_owned()),
    ]);
    frame.render_widget(Paragraph::new(title), title_area);
    frame.render_widget(
        Paragraph::new(progress).alignment(Alignment::Right),
        progress_area,
    );

    let c = model.counts();
    let mut spans = vec![
        Span::raw(what_is_counted(&c)),
        Span::styled(
            format!("{} {} pass  ", glyph(Some(Status::Pass)), c.pass),
            theme.status(Some(Status::Pass)),
        ),
        Span::styled(
            format!("{} {} fail  ", glyph(Some(Status::Fail)), c.fail),
            theme.status(Some(Status::Fail)),
        ),
        Span::styled(
            format!("{} {} error  ", glyph(Some(Status::Error)), c.error),
            theme.status(Some(Status::Error)),
        ),
    ];
    if c.pending > 0 {
        spans.push(Span::styled(
            format!("{} {} pending  ", glyph(None), c.pending),
            theme.status(None),
        ));
    }
    spans.push(Span::styled(format!("│ {} open ", c.open), theme.title()));
    spans.push(Span::raw(format!("│ filter: {}", model.filter.as_str())));
    if !model.search.is_empty() {
        spans.push(Span::raw(format!(" │ /{}", escape_control(&model.search))));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), bottom);
}

/// ` 5 files  ` (` 1 file  `), or with clips ` 2 clips · 1 file  `.
fn what_is_counted(c: &Counts) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    if c.clips == 0 {
        return format!(" {}  ", plural(c.files, "file"));
    }
    let mut text = format!(" {}", plural(c.clips, "clip"));
    if c.unclipped_files > 0 {
        text.push_str(&format!(" · {}", plural(c.unclipped_files, "file")));
    }
    text + "  "
}

fn progress_text(progress: Progress) -> String {
    match progress {
        Progress::Idle => String::new(),
        Progress::Scanning => "scanning… ".to_owned(),
        Progress::Checking { done, total } => {
            let width = 10;
            let filled = (done * width).checked_div(total).unwrap_or(width);
            format!(
                "checking {done}/{total} [{}{}] ",
                "#".repeat(filled),
                "-".repeat(width - filled)
            )
        }
        Progress::Done { total } => format!("checked {total} ✓ "),
    }
}
