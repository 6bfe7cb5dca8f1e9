//! The correlation strip of a phase finding: each pair's correlation (400 ms blocks, −1..+1)
//! over the file, with the spec's threshold and the finding's stretch marked — what a phase
//! meter would have shown while the programme played.

use super::{Theme, pane};
use crate::measurements::sound::PairPhase;
use crate::position::seconds_at;
use crate::tui::model::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType};

/// Rows the strip takes from the detail pane.
const HEIGHT: u16 = 8;
/// Seconds a block spans (the sound analyses' block).
const BLOCK_S: f64 = crate::analyze::sound::BLOCK_S;

/// Draws the strip at the top of `area` when the selected finding is `audio.phase` and the file
/// has correlation curves; returns the area left below it.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) -> Rect {
    let (Some(entry), Some(finding)) = (model.selected_entry(), model.selected_finding()) else {
        return area;
    };
    let Some(pairs) = entry.report.measurements.phase.as_ref() else {
        return area;
    };
    if finding.check != crate::check::ids::AUDIO_PHASE
        || area.height < HEIGHT + 3
        || pairs.iter().all(|p| p.curve.is_empty())
    {
        return area;
    }
    let probe = entry.report.probe.as_ref();
    let stretch = finding.at.as_ref().and_then(|at| {
        let start = seconds_at(probe?, &at.start)?;
        let end = at.end.as_ref().and_then(|e| seconds_at(probe?, e))?;
        Some((start, end))
    });
    let [top, rest] =
        Layout::vertical([Constraint::Length(HEIGHT), Constraint::Min(3)]).areas(area);
    let curves: Vec<(String, Vec<(f64, f64)>)> = pairs.iter().map(points).collect();
    let x_max = curves
        .iter()
        .flat_map(|(_, c)| c.last().map(|p| p.0))
        .fold(1.0f64, f64::max);
    let zero = [(0.0, 0.0), (x_max, 0.0)];
    let marked: Vec<(f64, f64)> = stretch
        .map(|(s, e)| vec![(s, -1.0), (s, 1.0), (e, 1.0), (e, -1.0)])
        .unwrap_or_default();
    let colours = [Color::Cyan, Color::Magenta, Color::Yellow];
    let mut datasets = vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.dim())
            .data(&zero),
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.line(Color::Red))
            .data(&marked),
    ];
    for (i, (name, curve)) in curves.iter().enumerate() {
        datasets.push(
            Dataset::default()
                .name(name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.line(colours[i % colours.len()]))
                .data(curve),
        );
    }
    let names: Vec<&str> = curves.iter().map(|(n, _)| n.as_str()).collect();
    let chart = Chart::new(datasets)
        .block(pane(
            format!(" Correlation ({}, 400 ms) ", names.join(", ")),
            false,
            theme,
        ))
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels([Span::raw("0 s"), Span::raw(format!("{x_max:.0} s"))])
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([-1.0, 1.0])
                .labels([Span::raw("-1"), Span::raw("+1")])
                .style(theme.dim()),
        )
        .legend_position(None);
    frame.render_widget(chart, top);
    rest
}

/// A pair's curve as (seconds, correlation) points, silent blocks left out.
fn points(pair: &PairPhase) -> (String, Vec<(f64, f64)>) {
    let curve = pair
        .curve
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((pair.curve_start_s + (i as f64 + 0.5) * BLOCK_S, (*c)?)))
        .collect();
    (pair.pair.clone(), curve)
}
