//! The note / waiver-reason editor: a one-line box over the bottom of the body.

use super::Theme;
use super::footer::width_of_chars;
use crate::escape::escape_control;
use crate::tui::editor::LineEditor;
use crate::tui::model::NotePurpose;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub fn draw(
    frame: &mut Frame,
    body: Rect,
    purpose: NotePurpose,
    editor: &LineEditor,
    theme: &Theme,
) {
    let width = body.width.saturating_sub(4).max(10).min(body.width);
    let area = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.bottom().saturating_sub(4).max(body.y),
        width,
        height: 3.min(body.height),
    };
    let title = match purpose {
        NotePurpose::Note => " Note ",
        NotePurpose::WaiveReason => " Waive: reason ",
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.focus())
        .title(title);
    let inner = block.inner(area);
    // Scroll horizontally so the cursor stays inside the box.
    let cursor = width_of_chars(editor.text(), editor.cursor());
    let visible = inner.width.saturating_sub(1);
    let scroll_x = cursor.saturating_sub(visible);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(escape_control(editor.text()).into_owned())
            .block(block)
            .scroll((0, scroll_x)),
        area,
    );
    frame.set_cursor_position(Position::new(inner.x + cursor - scroll_x, inner.y));
}
