//! The bottom line: a save problem beats everything, then the search prompt, the last status
//! message, and otherwise the key hints.

use super::Theme;
use crate::escape::escape_control;
use crate::tui::keys;
use crate::tui::model::{Mode, Model};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let line = if let Some(why) = &model.save_error {
        Line::styled(
            format!(" NOT SAVED: {} (retrying)", escape_control(why)),
            theme.alert(),
        )
    } else if let Mode::Search { editor, .. } = &model.mode {
        let text = escape_control(editor.text()).into_owned();
        let cursor_x = area.x + 2 + width_of_chars(editor.text(), editor.cursor());
        if cursor_x < area.right() {
            frame.set_cursor_position(Position::new(cursor_x, area.y));
        }
        Line::from(vec![
            Span::styled(" /", theme.title()),
            Span::raw(text),
            Span::styled("   Enter keeps · Esc clears", theme.dim()),
        ])
    } else if let Mode::Note { .. } = &model.mode {
        Line::styled(
            " Enter saves · Esc cancels · ←/→ Home/End move · Ctrl-U clears",
            theme.dim(),
        )
    } else if let Some(status) = &model.status {
        Line::raw(format!(" {status}"))
    } else {
        Line::styled(hints(), theme.dim())
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The keymap's hints: ` n next  x reject …`.
fn hints() -> String {
    keys::hints()
        .map(|(key, word)| format!(" {key} {word}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Display width of the first `chars` characters (escaped as they will be drawn).
pub fn width_of_chars(text: &str, chars: usize) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let prefix: String = text.chars().take(chars).collect();
    escape_control(&prefix).width() as u16
}
