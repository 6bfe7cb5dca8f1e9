//! The last few decoded frames, so stepping back and forth or returning to a finding shows its
//! frame at once instead of running ffmpeg again.

use super::FrameKey;
use image::DynamicImage;
use std::collections::VecDeque;
use std::sync::Arc;

/// Frames kept: a few steps either way around the one shown. A frame scaled to a pane is at
/// most a few MB.
const CAPACITY: usize = 8;

#[derive(Default)]
pub struct FrameCache {
    /// Most recently used last.
    frames: VecDeque<(FrameKey, Arc<DynamicImage>)>,
}

impl FrameCache {
    /// The frame for `key`, now the most recently used.
    pub fn get(&mut self, key: &FrameKey) -> Option<Arc<DynamicImage>> {
        let at = self.frames.iter().position(|(k, _)| k == key)?;
        let hit = self.frames.remove(at)?;
        let image = hit.1.clone();
        self.frames.push_back(hit);
        Some(image)
    }

    /// Keeps `image`, dropping the least recently used frame when full.
    pub fn put(&mut self, key: FrameKey, image: Arc<DynamicImage>) {
        self.frames.retain(|(k, _)| *k != key);
        if self.frames.len() == CAPACITY {
            self.frames.pop_front();
        }
        self.frames.push_back((key, image));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn key(frame: i64) -> FrameKey {
        FrameKey {
            path: PathBuf::from("a.mov"),
            frame,
            width: 10,
            height: 10,
        }
    }

    #[test]
    fn keeps_the_most_recently_used() {
        let mut cache = FrameCache::default();
        let image = Arc::new(DynamicImage::new_rgb8(1, 1));
        for frame in 0..CAPACITY as i64 {
            cache.put(key(frame), image.clone());
        }
        assert!(cache.get(&key(0)).is_some()); // 0 is now the newest
        cache.put(key(100), image.clone()); // drops 1, the oldest
        assert!(cache.get(&key(1)).is_none());
        assert!(cache.get(&key(0)).is_some());
        assert!(cache.get(&key(100)).is_some());
    }
}
