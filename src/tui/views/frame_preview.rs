//! The frame preview above the detail text: the picture with its timecode in the title, or a
//! line saying why there is none (no colour, no picture, still decoding, ffmpeg's error).

use super::{Theme, pane};
use crate::escape::escape_control;
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// Draws the preview at the top of `area` when it is on; returns the area left below it.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) -> Rect {
    let preview = &model.preview;
    if area.height < 6 {
        return area;
    }
    let [top, rest] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Min(3)]).areas(area);
    // Measured even while hidden, so that `p` decodes the frame at the size it is drawn.
    let inner = Block::bordered().inner(top);
    preview.cells.set((inner.width, inner.height));
    if !preview.on {
        return area;
    }
    let spot = preview.spot.as_ref();
    let shown_frame = preview.shown.as_ref().map(|s| s.key.frame);
    let mut title = String::from(" Preview ");
    if let (Some(spot), Some(shown)) = (spot, shown_frame) {
        title.push_str(&format!("{} ", spot.clock.timecode(shown)));
    }
    if let Some(spot) = spot.filter(|_| preview.is_decoding()) {
        title.push_str(&format!("(decoding {}…) ", spot.clock.timecode(spot.frame)));
    }
    frame.render_widget(pane(title, false, theme), top);
    let message = if !model.color {
        Some("preview needs colour".to_owned())
    } else if spot.is_none() {
        Some("no picture to preview in this file".to_owned())
    } else {
        preview
            .problem
            .as_ref()
            .map(|problem| format!("no preview: {}", escape_control(problem)))
    };
    match message {
        Some(text) => frame.render_widget(
            Paragraph::new(text)
                .style(theme.dim())
                .wrap(Wrap { trim: true }),
            inner,
        ),
        None => preview.render(inner, frame.buffer_mut()),
    }
    rest
}
