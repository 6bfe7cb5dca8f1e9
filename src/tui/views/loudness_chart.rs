//! The loudness curve of a loudness finding: short-term (3 s) loudness over the file, with the
//! target band (the integrated target ± tolerance the finding was judged against), the highest
//! true peak and the loudest 3 s marked.

use super::{Theme, pane};
use crate::check::Finding;
use crate::measurements::{Loudness, ShortTerm};
use crate::position::seconds_at;
use crate::probe::Probe;
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType};

/// Rows the chart takes from the detail pane (when the pane has them to spare).
const HEIGHT: u16 = 12;

/// Draws the curve at the top of `area` when the selected finding is about loudness and the
/// file has one; returns the area left below it.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) -> Rect {
    let (Some(entry), Some(finding)) = (model.selected_entry(), model.selected_finding()) else {
        return area;
    };
    let loudness = entry.report.measurements.loudness.as_ref();
    let Some((loudness, curve)) =
        loudness.and_then(|l| Some((l, l.short_term.as_ref().filter(|c| !c.lufs.is_empty())?)))
    else {
        return area;
    };
    if !finding.check.starts_with("audio.loudness") || area.height < HEIGHT + 3 {
        return area;
    }
    let [top, rest] =
        Layout::vertical([Constraint::Length(HEIGHT), Constraint::Min(3)]).areas(area);
    let marks = Marks::of(
        entry.report.probe.as_ref(),
        loudness,
        finding,
        &entry.report.findings,
    );
    let lines = Lines::of(curve, &marks);
    frame.render_widget(lines.chart(theme), top);
    rest
}

/// What the chart marks besides the curve, in seconds and LUFS.
struct Marks {
    /// Target ± tolerance, from the integrated-loudness finding's expectation.
    band: Option<(f64, f64)>,
    true_peak_s: Option<f64>,
    /// Where the loudest 3 s start, and how loud they are.
    loudest: Option<(f64, f64)>,
}

impl Marks {
    fn of(probe: Option<&Probe>, l: &Loudness, selected: &Finding, all: &[Finding]) -> Marks {
        let at = |text: Option<&String>| seconds_at(probe?, text?);
        let integrated = std::iter::once(selected)
            .chain(all)
            .find(|f| f.check == crate::check::ids::LOUDNESS_INTEGRATED);
        Marks {
            band: integrated.and_then(|f| target_band(&f.expected)),
            true_peak_s: at(l.true_peak_at.as_ref()),
            loudest: at(l.max_short_term_at.as_ref()).zip(l.max_short_term_lufs),
        }
    }
}

/// "-23.0 LUFS ±0.5 LU" → (−23.5, −22.5).
fn target_band(expected: &str) -> Option<(f64, f64)> {
    let (target, rest) = expected.split_once(" LUFS ±")?;
    let tolerance: f64 = rest.strip_suffix(" LU")?.parse().ok()?;
    let target: f64 = target.parse().ok()?;
    Some((target - tolerance, target + tolerance))
}

/// The chart's lines, owned here so the chart can borrow them for one draw.
struct Lines {
    curve: Vec<(f64, f64)>,
    band: Vec<[(f64, f64); 2]>,
    true_peak: Option<[(f64, f64); 2]>,
    loudest: Option<[(f64, f64); 2]>,
    x_max: f64,
    y_bounds: (f64, f64),
}

impl Lines {
    fn of(short_term: &ShortTerm, marks: &Marks) -> Lines {
        let curve: Vec<(f64, f64)> = short_term
            .lufs
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((short_term.start_s + i as f64 * short_term.step_s, (*v)?)))
            .collect();
        let last = short_term.lufs.len().saturating_sub(1) as f64;
        let x_max = (short_term.start_s + last * short_term.step_s).max(1.0);
        let levels = curve
            .iter()
            .map(|p| p.1)
            .chain(marks.band.iter().flat_map(|b| [b.0, b.1]));
        let (low, high) = levels.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let y_bounds = if low.is_finite() {
            ((low - 2.0).floor(), (high + 2.0).ceil())
        } else {
            (-40.0, 0.0)
        };
        Lines {
            band: marks
                .band
                .iter()
                .flat_map(|&(lo, hi)| [lo, hi])
                .map(|level| [(0.0, level), (x_max, level)])
                .collect(),
            true_peak: marks
                .true_peak_s
                .map(|t| [(t, y_bounds.0), (t, y_bounds.1)]),
            loudest: marks
                .loudest
                .map(|(start, lufs)| [(start, lufs), (start + 3.0, lufs)]),
            curve,
            x_max,
            y_bounds,
        }
    }

    /// What each mark means, in the marks' colours, with the places in seconds.
    fn key(&self, theme: &Theme) -> Line<'static> {
        let mut spans = vec![Span::raw(" ")];
        if let [low, high] = self.band.as_slice() {
            spans.push(Span::styled(
                format!("═ target {:.1}…{:.1} ", low[0].1, high[0].1),
                theme.line(Color::Green),
            ));
        }
        if let Some([(t, _), _]) = self.true_peak {
            spans.push(Span::styled(
                format!("│ true peak {t:.1} s "),
                theme.line(Color::Red),
            ));
        }
        if let Some([(start, _), _]) = self.loudest {
            spans.push(Span::styled(
                format!("█ loudest 3 s {start:.1} s "),
                theme.line(Color::Yellow),
            ));
        }
        Line::from(spans)
    }

    fn chart(&self, theme: &Theme) -> Chart<'_> {
        let line = |name, color, marker, data| line(name, theme.line(color), marker, data);
        let mut datasets: Vec<Dataset<'_>> = Vec::new();
        for (i, level) in self.band.iter().enumerate() {
            let name = if i == 0 { "target band" } else { "" };
            datasets.push(line(name, Color::Green, Marker::Braille, level));
        }
        if let Some(t) = &self.true_peak {
            datasets.push(line("true peak", Color::Red, Marker::Braille, t));
        }
        if let Some(l) = &self.loudest {
            datasets.push(line("loudest 3 s", Color::Yellow, Marker::Block, l));
        }
        datasets.push(line(
            "short-term",
            Color::Cyan,
            Marker::Braille,
            &self.curve,
        ));
        let (y_min, y_max) = self.y_bounds;
        Chart::new(datasets)
            .block(
                pane(" Loudness (short-term, 3 s) ".into(), false, theme)
                    .title_bottom(self.key(theme)),
            )
            .x_axis(
                Axis::default()
                    .bounds([0.0, self.x_max])
                    .labels([Span::raw("0 s"), Span::raw(format!("{:.0} s", self.x_max))])
                    .style(theme.dim()),
            )
            .y_axis(
                Axis::default()
                    .bounds([y_min, y_max])
                    .labels([
                        Span::raw(format!("{y_min:.0}")),
                        Span::raw(format!("{y_max:.0} LUFS")),
                    ])
                    .style(theme.dim()),
            )
            // The key is the block's bottom line: a legend box would hide the curve.
            .legend_position(None)
    }
}

fn line<'a>(
    name: &'static str,
    style: Style,
    marker: Marker,
    data: &'a [(f64, f64)],
) -> Dataset<'a> {
    Dataset::default()
        .name(name)
        .marker(marker)
        .graph_type(GraphType::Line)
        .style(style)
        .data(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_comes_from_the_findings_expectation() {
        assert_eq!(target_band("-23.0 LUFS ±0.5 LU"), Some((-23.5, -22.5)));
        assert_eq!(target_band("≤ -1.0 dBTP"), None);
    }
}
