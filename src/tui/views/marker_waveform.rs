//! The sync pop of a `sync.marker` finding: the audio's peak level around the marker, with the
//! flash frame's time and the beep marked, and the offset in ms and frames in the title.

use super::{Theme, pane};
use crate::check::ids;
use crate::measurements::{AvSync, Waveform};
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType};

/// Rows the waveform takes from the detail pane.
const HEIGHT: u16 = 8;

/// Draws the pop at the top of `area` for a `sync.marker` finding whose marker was found;
/// returns the area left below it.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) -> Rect {
    let (Some(entry), Some(finding)) = (model.selected_entry(), model.selected_finding()) else {
        return area;
    };
    if finding.check != ids::SYNC_MARKER || area.height < HEIGHT + 3 {
        return area;
    }
    let Some(sync) = &entry.report.measurements.sync else {
        return area;
    };
    let rate = entry
        .report
        .probe
        .as_ref()
        .and_then(|p| p.frame_rate())
        .map(|r| r.as_f64());
    let Some(pop) = Pop::of(sync, finding.message.starts_with("tail"), rate) else {
        return area;
    };
    let [top, rest] =
        Layout::vertical([Constraint::Length(HEIGHT), Constraint::Min(3)]).areas(area);
    let lines = pop.lines();
    frame.render_widget(pop.chart(&lines, theme), top);
    rest
}

/// One marker's waveform, flash and beep.
struct Pop<'a> {
    waveform: &'a Waveform,
    flash_s: f64,
    offset_ms: f64,
    frame_rate: Option<f64>,
}

/// The chart's data, owned here so the chart can borrow it.
struct PopLines {
    bars: Vec<(f64, f64)>,
    flash: [(f64, f64); 2],
    beep: [(f64, f64); 2],
    end_s: f64,
}

impl<'a> Pop<'a> {
    fn of(sync: &'a AvSync, tail: bool, frame_rate: Option<f64>) -> Option<Pop<'a>> {
        let (waveform, flash_s, offset_ms) = if tail {
            (
                &sync.tail_marker_pop,
                sync.tail_marker_flash_s,
                sync.tail_marker_offset_ms,
            )
        } else {
            (&sync.marker_pop, sync.marker_flash_s, sync.marker_offset_ms)
        };
        Some(Pop {
            waveform: waveform.as_ref().filter(|w| !w.peak.is_empty())?,
            flash_s: flash_s?,
            offset_ms: offset_ms?,
            frame_rate,
        })
    }

    fn lines(&self) -> PopLines {
        let w = self.waveform;
        let bars = w
            .peak
            .iter()
            .enumerate()
            .map(|(i, p)| (w.start_s + (i as f64 + 0.5) * w.step_s, f64::from(*p)))
            .collect();
        let beep_s = self.flash_s + self.offset_ms / 1000.0;
        PopLines {
            bars,
            flash: [(self.flash_s, 0.0), (self.flash_s, 1.0)],
            beep: [(beep_s, 0.0), (beep_s, 1.0)],
            end_s: w.start_s + w.peak.len() as f64 * w.step_s,
        }
    }

    /// "52.1 ms late (1.3 frames)".
    fn offset_text(&self) -> String {
        let ms = self.offset_ms;
        let side = if ms > 0.05 {
            "late"
        } else if ms < -0.05 {
            "early"
        } else {
            "in sync"
        };
        let frames = self
            .frame_rate
            .map(|r| format!(" ({:.1} frames)", ms.abs() * r / 1000.0))
            .unwrap_or_default();
        format!("audio {:.1} ms {side}{frames}", ms.abs())
    }

    fn chart<'l>(&self, lines: &'l PopLines, theme: &Theme) -> Chart<'l> {
        let dataset = |color: Color, graph: GraphType, data: &'l [(f64, f64)]| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(graph)
                .style(theme.line(color))
                .data(data)
        };
        let key = Line::from(vec![
            Span::raw(" "),
            Span::styled(
                format!("│ flash {:.3} s ", self.flash_s),
                theme.line(Color::Yellow),
            ),
            Span::styled("│ beep ", theme.line(Color::Red)),
        ]);
        Chart::new(vec![
            dataset(Color::Cyan, GraphType::Bar, &lines.bars),
            dataset(Color::Yellow, GraphType::Line, &lines.flash),
            dataset(Color::Red, GraphType::Line, &lines.beep),
        ])
        .block(pane(format!(" Sync pop · {} ", self.offset_text()), false, theme).title_bottom(key))
        .x_axis(Axis::default().bounds([self.waveform.start_s, lines.end_s]))
        .y_axis(Axis::default().bounds([0.0, 1.0]))
        .legend_position(None)
    }
}
