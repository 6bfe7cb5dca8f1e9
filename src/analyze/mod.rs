//! Analyses that read the media itself (not just the probe), through symphonia or an ffmpeg
//! pipe (never a shell): each submodule measures one thing and returns plain data for the pure
//! checks in `crate::check`.

pub mod content;
pub mod decode;
pub mod decoders;
pub mod ffmpeg;
pub mod frame;
pub mod full_decode;
pub mod guarded_file;
pub mod integrity;
pub mod loudness;
pub mod marker;
pub mod marker_pop;
pub mod picture;
pub mod programme;
pub mod sound;
pub mod timeline;
