//! The file list: selection marker, status glyph, name (with the folders that tell apart files
//! of one name; tail kept), open-failure count. A clip is one row (`▸ clip A001_C002 (2)`), its
//! track files indented under it once unfolded.

use super::theme::glyph;
use super::{Theme, fit_tail, is_focused, pane, scroll};
use crate::escape::escape_control;
use crate::tui::model::{Model, Pane, Row};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let focused = is_focused(model, Pane::Files);
    let title = if model.visible.is_empty() {
        " Files ".to_owned()
    } else {
        format!(" Files {}/{} ", model.cursor + 1, model.visible.len())
    };
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if model.visible.is_empty() {
        let why = if model.entries.is_empty() {
            "no files yet"
        } else {
            "no file matches the filter (f) or search (/)"
        };
        frame.render_widget(Paragraph::new(why).style(theme.dim()), inner);
        return;
    }
    let height = inner.height as usize;
    let offset = scroll(
        model.files_offset.get(),
        model.cursor,
        height,
        model.visible.len(),
    );
    model.files_offset.set(offset);
    let width = inner.width as usize;
    let lines: Vec<Line> = model.visible[offset..]
        .iter()
        .take(height)
        .enumerate()
        .map(|(n, &row)| {
            let selected = offset + n == model.cursor;
            row_line(model, row, selected, width, theme)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row_line<'a>(model: &Model, row: Row, selected: bool, width: usize, theme: &Theme) -> Line<'a> {
    let status = (!model.is_pending(row)).then(|| model.status(row));
    let open = model.open_failures(row);
    let prefix = prefix(model, row);
    let count = if open > 0 {
        format!(" {open:>2}")
    } else {
        String::new()
    };
    let name_width = width.saturating_sub(3 + count.width() + prefix.width());
    let name = name(model, row, name_width);
    let name = fit_tail(&name, name_width);
    let pad = name_width.saturating_sub(name.width());
    let marker = if selected { "▶" } else { " " };
    let name_style = if selected {
        theme.selected()
    } else {
        theme.plain()
    };
    Line::from(vec![
        Span::raw(marker),
        Span::styled(glyph(status), theme.status(status)),
        Span::raw(" "),
        Span::styled(format!("{prefix}{name}{}", " ".repeat(pad)), name_style),
        Span::styled(count, theme.alert()),
    ])
}

/// What a row shows before its name: `▸ ` before a folded clip (`▾ ` unfolded), an indent
/// before a track file of a clip, nothing before any other file. Kept apart from the name so
/// that a long name cut to fit never loses it.
fn prefix(model: &Model, row: Row) -> &'static str {
    match row {
        Row::Clip(c) if model.unfolded.contains(&model.clips[c].id) => "▾ ",
        Row::Clip(_) => "▸ ",
        Row::File(i) if model.clip_of(i).is_some() => "  ",
        Row::File(_) => "",
    }
}

/// The name a row shows in `width` columns: a file's name; a clip's title and its number of
/// track files (`clip A001_C002 (3)`), without the word `clip` when the title would not fit
/// whole (the `▸` before it tells a clip).
fn name(model: &Model, row: Row, width: usize) -> Cow<'_, str> {
    let Row::Clip(c) = row else {
        return model.title(row);
    };
    let tracks = model.clips[c].members.len();
    let title = format!("{} ({tracks})", model.title(row));
    if title.width() <= width {
        return title.into();
    }
    format!("{} ({tracks})", escape_control(&model.clips[c].id)).into()
}
