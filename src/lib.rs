//! dailies-qc: quality control of dailies and deliverables against a YAML delivery spec.
//!
//! The engine (scan → probe → measure → check → report) knows nothing about terminals; the
//! `review` screen lets an operator annotate its report. The command line (`cli`, `commands`)
//! belongs to the binary (`src/main.rs`), out of the library's reach.

pub mod analyze;
pub mod bwf;
pub mod cache;
pub mod check;
pub mod clips;
pub mod demo;
pub mod engine;
pub mod escape;
pub mod measurements;
pub mod mhl;
pub mod output;
pub mod pairing;
pub mod plain_file;
pub mod position;
pub mod probe;
pub mod process;
pub mod rational;
pub mod report;
pub mod scan;
pub mod shard;
pub mod spec;
pub mod synth;
pub mod timecode;
pub mod tui;
pub mod watch;
pub mod write_target;
