//! Styles. With `NO_COLOR` only modifiers (bold, reverse) remain; glyphs and words carry every
//! status, so nothing depends on colour.

use crate::check::{Severity, Verdict};
use crate::report::Status;
use ratatui::style::{Color, Modifier, Style};

pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    /// A line of a chart.
    pub fn line(&self, color: Color) -> Style {
        self.fg(color)
    }

    pub fn plain(&self) -> Style {
        Style::default()
    }

    pub fn focus(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn alert(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn status(&self, status: Option<Status>) -> Style {
        match status {
            None => self.dim(),
            Some(Status::Pass) => self.fg(Color::Green),
            Some(Status::Fail) => self.fg(Color::Red),
            Some(Status::Error) => self.fg(Color::Magenta),
        }
    }

    pub fn severity(&self, severity: Severity) -> Style {
        match severity {
            Severity::Error => self.fg(Color::Red),
            Severity::Warning => self.fg(Color::Yellow),
            Severity::Info => self.dim(),
        }
    }

    pub fn verdict(&self, verdict: Verdict) -> Style {
        match verdict {
            Verdict::Open => self.plain(),
            Verdict::Rejected => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Verdict::Waived => self.fg(Color::Yellow),
        }
    }
}

/// Status glyphs: distinct shapes, so they read without colour.
pub fn glyph(status: Option<Status>) -> &'static str {
    match status {
        None => "·",
        Some(Status::Pass) => "✓",
        Some(Status::Fail) => "✗",
        Some(Status::Error) => "!",
    }
}
