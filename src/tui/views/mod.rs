//! Drawing: each view borrows the model and draws one region. Everything from the report is
//! passed through `escape_control` before it reaches the terminal.

mod correlation_strip;
mod detail;
mod files;
mod findings;
mod footer;
mod frame_preview;
mod header;
mod help;
mod loudness_chart;
mod marker_waveform;
mod note;
mod pairs;
mod theme;

pub use theme::Theme;

use super::model::{Mode, Model, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, BorderType, Borders};

pub fn draw(frame: &mut Frame, model: &Model) {
    let theme = Theme::new(model.color);
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    header::draw(frame, header_area, model, &theme);
    footer::draw(frame, footer_area, model, &theme);

    let files_width = (body.width / 3).clamp(26, 60).min(body.width);
    let [files_area, right] =
        Layout::horizontal([Constraint::Length(files_width), Constraint::Min(10)]).areas(body);
    files::draw(frame, files_area, model, &theme);
    let findings_height = findings::height_for(model, right.height);
    let [findings_area, detail_area] =
        Layout::vertical([Constraint::Length(findings_height), Constraint::Min(3)]).areas(right);
    findings::draw(frame, findings_area, model, &theme);
    detail::draw(frame, detail_area, model, &theme);

    match &model.mode {
        Mode::Help => help::draw(frame, body, &theme),
        Mode::Note { purpose, editor } => note::draw(frame, body, *purpose, editor, &theme),
        Mode::Normal | Mode::Search { .. } => {}
    }
}

/// A bordered pane; the focused one has a thick border (visible without colour).
fn pane<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused {
            theme.focus()
        } else {
            theme.plain()
        })
        .title(title)
}

fn is_focused(model: &Model, pane: Pane) -> bool {
    model.focus == pane && matches!(model.mode, Mode::Normal | Mode::Search { .. })
}

/// The first row to show so that `selected` is visible, moving as little as possible from the
/// previous `offset`.
fn scroll(offset: usize, selected: usize, height: usize, len: usize) -> usize {
    if height == 0 {
        return 0;
    }
    let max_offset = len.saturating_sub(height);
    let offset = if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    };
    offset.min(max_offset)
}

/// Cuts `text` to `width` columns, keeping its end (`…` + tail): versions and takes are at the
/// end of media names.
fn fit_tail(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 1; // the ellipsis
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        tail.push(c);
    }
    let mut out = String::from("…");
    out.extend(tail.into_iter().rev());
    out
}

/// A rectangle of `width` x `height` centred in `area` (clamped to it).
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scroll_keeps_selection_visible() {
        assert_eq!(scroll(0, 5, 10, 100), 0);
        assert_eq!(scroll(0, 10, 10, 100), 1);
        assert_eq!(scroll(20, 5, 10, 100), 5);
        assert_eq!(scroll(95, 99, 10, 100), 90);
    }

    #[test]
    fn fit_tail_keeps_the_end() {
        assert_eq!(fit_tail("A001_C003_v001.mov", 10), "…_v001.mov");
        assert_eq!(fit_tail("short.mov", 10), "short.mov");
        assert_eq!(fit_tail("日本語日本語.mov", 8), "…語.mov");
    }
}
