//! `?`: every key, and what the glyphs mean.

use super::{Theme, centered};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub const KEYS: &[(&str, &str)] = &[
    ("j/k ↓/↑", "move in the pane (PgUp/PgDn, g/G: jump)"),
    ("Tab", "switch pane: files / findings"),
    ("n / N", "next / previous open failure, all files"),
    ("x", "reject: confirm the failure"),
    ("w", "waive: accept it, with a reason"),
    ("a", "add or edit the note"),
    ("u", "reset the verdict to open"),
    ("f", "filter: all → failing → open"),
    ("/", "search file names (Esc clears)"),
    ("e", "export HTML + CSV beside the report"),
    ("?", "this help (any key closes it)"),
    ("q", "save and quit"),
];

pub fn draw(frame: &mut Frame, body: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(key, what)| Line::raw(format!(" {key:<9} {what}")))
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
