//! Analyses that read the media itself (not just the probe): streaming decode and meters.

pub mod decode;
pub mod loudness;
