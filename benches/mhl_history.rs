//! Reading an MHL history of an image-sequence card: 200,000 entries (ARRIRAW, DPX and EXR cards
//! list one file per frame) must parse in ≤ 2 s, and reading must stay linear in the entries:
//! the 200,000-entry list against a 20,000-entry one in the same process should cost about 10×
//! (a parser that counts each element's line from the start of the file costs 100×).
//!
//! The lists are MHL v1 files beside no media: reading the history is all that is timed, not
//! hashing (see `mhl_hash`).

use dailies_qc::mhl::history::discover;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

const SMALL: usize = 20_000;
const BIG: usize = 200_000;
const TARGET: Duration = Duration::from_secs(2);

fn main() {
    let dir = tempfile::Builder::new()
        .prefix("mhl-history-bench-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir");
    let small = card(dir.path(), "small", SMALL);
    let big = card(dir.path(), "big", BIG);
    let (small_s, big_s) = (best_of(3, &small, SMALL), best_of(3, &big, BIG));
    println!(
        "MHL history of {BIG} entries: read in {:.2} s (target ≤ {:.1} s) {}",
        big_s.as_secs_f64(),
        TARGET.as_secs_f64(),
        if big_s <= TARGET { "met" } else { "MISSED" }
    );
    println!(
        "{BIG} entries / {SMALL} entries: {:.1}× the time (linear: 10×, quadratic: 100×)",
        big_s.as_secs_f64() / small_s.as_secs_f64()
    );
}

/// A folder holding one MHL v1 list of `entries` frames of an image sequence.
fn card(dir: &Path, name: &str, entries: usize) -> std::path::PathBuf {
    let card = dir.join(name);
    std::fs::create_dir_all(&card).expect("mkdir");
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hashlist version=\"1.1\">\n");
    for frame in 0..entries {
        write!(
            xml,
            "  <hash>\n    <file>A001C001/A001C001.{frame:07}.ari</file>\n    <size>12345678</size>\n    \
             <xxhash64be>{frame:016x}</xxhash64be>\n    <hashdate>2026-12-01T12:00:00Z</hashdate>\n  </hash>\n"
        )
        .expect("write");
    }
    xml.push_str("</hashlist>\n");
    std::fs::write(card.join("A001.mhl"), xml).expect("write MHL");
    card
}

fn best_of(rounds: usize, card: &Path, entries: usize) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let histories = discover(&[card.to_path_buf()]);
            let elapsed = start.elapsed();
            let listed: usize = histories.iter().map(|h| h.listed.len()).sum();
            assert_eq!(listed, entries, "every entry read");
            assert!(histories.iter().all(|h| h.problems.is_empty()));
            elapsed
        })
        .min()
        .expect("a round")
}
