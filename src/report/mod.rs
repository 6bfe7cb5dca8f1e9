//! The report: model, atomic persistence, and carrying reviews across runs.

mod merge;
mod model;
mod store;

pub use merge::{carry_reviews, resume};
pub use model::*;
pub use store::{LoadError, load, save, write_atomic};
