//! The integration tests, one binary: each module was a test binary of its own, and linking
//! forty copies of the crate was most of the suite's build time on two cores.

mod common;
mod mhl_common;
mod tmux;

mod audio_layout;
mod cache;
mod check_cli;
mod clips;
mod conform;
mod content;
mod damage;
mod demo;
mod double_system;
mod errors;
mod export;
mod frame_rate_aliases;
mod html_media;
mod kinds;
mod loudness;
mod loudness_curve;
mod matroska_durations;
mod messages;
mod mhl;
mod mhl_seal;
mod non_utf8_names;
mod one_verdict;
mod probe_worker;
mod properties;
mod review_basis;
mod review_clips;
mod review_hangup;
mod review_preview;
mod review_preview_tmux;
mod review_screen;
mod review_tmux;
mod review_watch;
mod scan_special_files;
mod shard;
mod slurm;
mod specs;
mod sync_marker;
mod timecode_sources;
mod unpadded_sound_roll;
mod watch;
mod write_safety;
