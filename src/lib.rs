//! dailies-qc: quality control of dailies and deliverables against a YAML delivery spec.
//!
//! The engine (scan → probe → measure → check → report) knows nothing about terminals; the
//! `check` command prints its report, the `review` screen lets an operator annotate it.

pub mod analyze;
pub mod check;
pub mod cli;
pub mod commands;
pub mod demo;
pub mod engine;
pub mod escape;
pub mod measurements;
pub mod output;
pub mod probe;
pub mod process;
pub mod rational;
pub mod report;
pub mod scan;
pub mod spec;
pub mod synth;
pub mod timecode;
pub mod tui;
pub mod write_target;
