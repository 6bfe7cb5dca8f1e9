//! When a file that is landing is ready to be judged: once its size and modification time have
//! not changed for the settle time. A copy in progress keeps changing both, so it is never
//! judged half written; a file judged and then replaced is judged again.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

/// What a file looks like from outside: enough to tell that a writer is still at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub mtime: Option<SystemTime>,
    /// What the cache keys a file by besides size and mtime: a file renamed over another
    /// (a new inode) or rewritten with its old mtime put back (`touch -r`, a new ctime) is
    /// another file, whatever its size and mtime say.
    pub device: u64,
    pub inode: u64,
    pub ctime_ns: i128,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            size: meta.len(),
            mtime: meta.modified().ok(),
            device: meta.dev(),
            inode: meta.ino(),
            ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
        }
    }
}

#[derive(Debug)]
pub struct Settler {
    settle: Duration,
    /// Files not judged in their current state: how they look, and since when.
    landing: HashMap<PathBuf, (Stamp, Instant)>,
    /// Files judged, as they were when judged.
    judged: HashMap<PathBuf, Stamp>,
}

impl Settler {
    pub fn new(settle: Duration) -> Settler {
        Settler {
            settle,
            landing: HashMap::new(),
            judged: HashMap::new(),
        }
    }

    /// Takes the files present `now` and returns, in the order given, those whose stamp has
    /// held for the settle time and that were not judged as they are; they count as judged.
    pub fn ready(&mut self, now: Instant, present: Vec<(PathBuf, Stamp)>) -> Vec<PathBuf> {
        let mut ready = Vec::new();
        let mut landing = HashMap::new();
        for (path, stamp) in present {
            if self.judged.get(&path) == Some(&stamp) {
                continue;
            }
            let since = match self.landing.get(&path) {
                Some((seen, since)) if *seen == stamp => *since,
                _ => now,
            };
            if now.duration_since(since) >= self.settle {
                self.judged.insert(path.clone(), stamp);
                ready.push(path);
            } else {
                landing.insert(path, (stamp, since));
            }
        }
        // Files gone from disk are forgotten: one that comes back is new.
        self.landing = landing;
        ready
    }

    /// The earliest a file now landing can be ready, for sleeping no longer than needed.
    pub fn next_due(&self, now: Instant) -> Option<Duration> {
        self.landing
            .values()
            .map(|(_, since)| (*since + self.settle).saturating_duration_since(now))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(size: u64) -> Stamp {
        Stamp {
            size,
            mtime: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(size)),
            device: 1,
            inode: 10,
            ctime_ns: 0,
        }
    }

    #[test]
    fn a_file_renamed_over_a_judged_one_with_its_size_and_mtime_is_judged_again() {
        let mut settler = Settler::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let a = PathBuf::from("/in/a.mov");
        assert!(
            settler
                .ready(at(0), vec![(a.clone(), stamp(100))])
                .is_empty()
        );
        assert_eq!(
            settler.ready(at(10), vec![(a.clone(), stamp(100))]),
            vec![a.clone()]
        );
        // `mv other.mov a.mov` after `touch -r a.mov other.mov`: same size and mtime.
        let renamed_over = Stamp {
            inode: 11,
            ctime_ns: 5,
            ..stamp(100)
        };
        assert!(
            settler
                .ready(at(20), vec![(a.clone(), renamed_over)])
                .is_empty()
        );
        assert_eq!(
            settler.ready(at(30), vec![(a.clone(), renamed_over)]),
            vec![a]
        );
    }

    #[test]
    fn a_growing_file_waits_until_it_holds_still_then_is_judged_once() {
        let settle = Duration::from_secs(10);
        let mut settler = Settler::new(settle);
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let a = PathBuf::from("/in/a.mov");
        let seen = |size| vec![(a.clone(), stamp(size))];
        assert!(settler.ready(at(0), seen(100)).is_empty());
        assert!(settler.ready(at(8), seen(200)).is_empty(), "still growing");
        assert!(settler.ready(at(17), seen(200)).is_empty(), "9 s still");
        assert_eq!(settler.next_due(at(17)), Some(Duration::from_secs(1)));
        assert_eq!(settler.ready(at(18), seen(200)), vec![a.clone()]);
        assert!(settler.ready(at(40), seen(200)).is_empty(), "judged once");
        assert_eq!(settler.next_due(at(40)), None);
        // Replaced by another take: judged again once it settles.
        assert!(settler.ready(at(41), seen(300)).is_empty());
        assert_eq!(settler.ready(at(51), seen(300)), vec![a]);
    }

    #[test]
    fn a_file_that_vanishes_while_landing_starts_over() {
        let mut settler = Settler::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let a = PathBuf::from("/in/a.mov");
        assert!(settler.ready(t0, vec![(a.clone(), stamp(1))]).is_empty());
        assert!(
            settler
                .ready(t0 + Duration::from_secs(5), vec![])
                .is_empty()
        );
        let back = t0 + Duration::from_secs(11);
        assert!(settler.ready(back, vec![(a.clone(), stamp(1))]).is_empty());
    }
}
