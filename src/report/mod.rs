//! The report: model, atomic persistence, and carrying reviews across runs.

pub mod basis;
mod clip;
mod merge;
mod model;
mod signoff;
mod store;

pub use clip::{ClipReport, carry_clip_reviews, combine_clips, refresh_statuses};
pub use merge::{MergeError, SpecMismatch, carry_reviews, combine, one_entry_per_file, resume};
pub use model::*;
pub use signoff::SignOff;
pub use store::{LoadError, load, save};
