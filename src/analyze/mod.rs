//! Analyses that decode media (through ffmpeg, never a shell): each submodule measures one
//! thing and returns plain data for the pure checks in `crate::check`.

pub mod content;
pub mod ffmpeg;
pub mod marker;
