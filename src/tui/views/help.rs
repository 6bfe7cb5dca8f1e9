//! `?`: every key, and what the glyphs mean.

use super::{Theme, centered};
use crate::tui::keys;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, body: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = keys::help_rows()
        .map(|(named, what)| Line::raw(format!(" {named:<9} {what}")))
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::raw(" ✓ pass  ✗ fail  ! error  · pending"));
    lines.push(Line::raw(" Every change is saved at once."));
    let area = centered(body, 56, lines.len() as u16 + 2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.focus())
        .title(" Keys ");
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
