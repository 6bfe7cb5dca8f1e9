//! The frame preview in the detail pane: the picture at the selected finding's timecode,
//! stepped by frame or second, decoded by ffmpeg on a worker thread ([`PreviewWorker`]) and drawn
//! with `ratatui-image` (half blocks where the terminal has no graphics protocol).
//!
//! The model holds what the preview should show ([`Spot`]) and what it shows ([`Shown`]);
//! [`actions`] move the spot and answer with a decode [`Request`] unless the frame is cached.

pub(crate) mod actions;
mod cache;
mod worker;

pub use worker::PreviewWorker;

use crate::analyze::frame;
use crate::position::Clock;
use cache::FrameCache;
use image::DynamicImage;
use ratatui::layout::Size;
use ratatui_image::picker::Picker;
use ratatui_image::protocol::Protocol;
use ratatui_image::{FilterType, Resize};
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::sync::Arc;

/// The largest frame decoded, whatever the pane: a 4K pane of sixels would be slow to send.
const MAX_PIXELS: (u32, u32) = (1920, 1080);

/// The image area assumed before the first draw has measured the pane.
const FIRST_CELLS: (u16, u16) = (40, 12);

/// Which frame, at which size: what a decode makes and the cache keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FrameKey {
    pub path: PathBuf,
    pub frame: i64,
    pub width: u32,
    pub height: u32,
}

/// A frame to decode for the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Increases with every request; only the newest one's frame is shown.
    pub generation: u64,
    pub key: FrameKey,
    pub seek_s: f64,
}

/// What came of a [`Request`].
#[derive(Debug, Clone)]
pub struct Decoded {
    pub generation: u64,
    pub key: FrameKey,
    pub result: Result<Arc<DynamicImage>, String>,
}

/// Runs ffmpeg for `request`; `None` when it was superseded while decoding.
pub fn decode(request: Request, still_wanted: &dyn Fn() -> bool) -> Option<Decoded> {
    let key = &request.key;
    let png = frame::grab(
        &key.path,
        request.seek_s,
        (key.width, key.height),
        frame::Still::Png,
        still_wanted,
    );
    let result = match png {
        Ok(None) => return None,
        Ok(Some(png)) => image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .map(Arc::new)
            .map_err(|e| format!("ffmpeg's frame could not be read: {e}")),
        Err(e) => Err(e),
    };
    Some(Decoded {
        generation: request.generation,
        key: request.key,
        result,
    })
}

/// Where the preview looks: the finding it follows, and the frame it has been stepped to.
#[derive(Debug, Clone, PartialEq)]
pub struct Spot {
    /// Index into the model's entries, and of the finding in that entry.
    pub entry: usize,
    pub finding: usize,
    pub path: PathBuf,
    pub clock: Clock,
    pub frame: i64,
    /// The loudness landmark `g` moved to last.
    pub landmark: Option<usize>,
}

/// The frame on screen.
pub struct Shown {
    pub key: FrameKey,
    pub image: Arc<DynamicImage>,
}

/// The preview's part of the model.
pub struct Preview {
    pub on: bool,
    pub spot: Option<Spot>,
    pub shown: Option<Shown>,
    /// Why the wanted frame could not be decoded.
    pub problem: Option<String>,
    /// The frame asked for last (shown at once when it was cached).
    requested: Option<FrameKey>,
    generation: u64,
    cache: FrameCache,
    /// How images reach the terminal: half blocks unless the terminal said otherwise.
    pub picker: Picker,
    /// Cells the image has (or would have, while hidden) at the last draw: the size the next
    /// frame is decoded for.
    pub cells: Cell<(u16, u16)>,
    /// The shown frame encoded for the terminal at the size last drawn.
    encoded: RefCell<Option<(Size, FrameKey, Protocol)>>,
}

impl Default for Preview {
    fn default() -> Preview {
        Preview {
            on: false,
            spot: None,
            shown: None,
            problem: None,
            requested: None,
            generation: 0,
            cache: FrameCache::default(),
            picker: Picker::halfblocks(),
            cells: Cell::new(FIRST_CELLS),
            encoded: RefCell::new(None),
        }
    }
}

impl Preview {
    /// The frame the spot needs, at the size of the image area.
    fn wanted(&self) -> Option<FrameKey> {
        let spot = self.spot.as_ref()?;
        let (cols, rows) = self.cells.get();
        let font = self.picker.font_size();
        Some(FrameKey {
            path: spot.path.clone(),
            frame: spot.frame,
            width: (u32::from(cols) * u32::from(font.width)).clamp(2, MAX_PIXELS.0),
            height: (u32::from(rows) * u32::from(font.height)).clamp(2, MAX_PIXELS.1),
        })
    }

    /// Whether the frame asked for last is still being decoded.
    pub fn is_decoding(&self) -> bool {
        self.problem.is_none()
            && self.requested.is_some()
            && self.shown.as_ref().map(|s| &s.key) != self.requested.as_ref()
    }

    /// Shows the wanted frame from the cache, or returns the request that will decode it.
    fn fetch(&mut self) -> Option<Request> {
        let key = self.wanted()?;
        self.problem = None;
        self.requested = Some(key.clone());
        if let Some(image) = self.cache.get(&key) {
            self.shown = Some(Shown { key, image });
            return None;
        }
        self.generation += 1;
        let seek_s = self.spot.as_ref()?.clock.seek_seconds(key.frame);
        Some(Request {
            generation: self.generation,
            key,
            seek_s,
        })
    }

    /// A decoded frame arrives: kept, and shown when it is the newest request's.
    pub fn on_decoded(&mut self, decoded: Decoded) {
        let newest = decoded.generation == self.generation;
        match decoded.result {
            Ok(image) => {
                self.cache.put(decoded.key.clone(), image.clone());
                if newest {
                    self.shown = Some(Shown {
                        key: decoded.key,
                        image,
                    });
                }
            }
            Err(why) if newest => self.problem = Some(why),
            Err(_) => {}
        }
    }

    /// Draws the shown frame into `area` of `buf`, encoding it for the terminal when the frame
    /// or the area changed since the last draw.
    pub fn render(&self, area: ratatui::layout::Rect, buf: &mut ratatui::buffer::Buffer) {
        let Some(shown) = &self.shown else {
            return;
        };
        let size = area.as_size();
        let mut encoded = self.encoded.borrow_mut();
        let stale = encoded
            .as_ref()
            .is_none_or(|(s, key, _)| *s != size || *key != shown.key);
        if stale {
            *encoded = self
                .picker
                .new_protocol(
                    (*shown.image).clone(),
                    size,
                    Resize::Fit(Some(FilterType::Triangle)),
                )
                .ok()
                .map(|protocol| (size, shown.key.clone(), protocol));
        }
        if let Some((_, _, protocol)) = encoded.as_ref() {
            ratatui::widgets::Widget::render(ratatui_image::Image::new(protocol), area, buf);
        }
    }
}

/// How this terminal draws images. Terminals known for a graphics protocol (kitty, WezTerm,
/// iTerm2, foot, Ghostty, Windows Terminal…) are asked which one they speak; every other
/// terminal, and any terminal inside tmux or screen, gets half blocks without being asked: a
/// terminal that never answers would leave the query reading stdin, eating key presses.
/// Must run before anything else reads stdin.
pub fn pick_protocol() -> Picker {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let term = var("TERM");
    let multiplexed =
        !var("TMUX").is_empty() || term.starts_with("tmux") || term.starts_with("screen");
    let graphics = GRAPHICS_ENV.iter().any(|name| !var(name).is_empty())
        || GRAPHICS_TERMS.iter().any(|t| term.contains(t))
        || GRAPHICS_PROGRAMS.contains(&var("TERM_PROGRAM").as_str());
    if multiplexed || !graphics {
        return Picker::halfblocks();
    }
    Picker::from_query_stdio().unwrap_or_else(|_| Picker::halfblocks())
}

/// Variables set by terminals that draw images.
const GRAPHICS_ENV: &[&str] = &[
    "KITTY_WINDOW_ID",
    "WEZTERM_EXECUTABLE",
    "ITERM_SESSION_ID",
    "GHOSTTY_RESOURCES_DIR",
    "KONSOLE_VERSION",
    "WT_SESSION",
];
/// `TERM` values (or parts) of terminals that draw images.
const GRAPHICS_TERMS: &[&str] = &["kitty", "foot", "mlterm", "ghostty", "contour", "wezterm"];
/// `TERM_PROGRAM` values of terminals that draw images.
const GRAPHICS_PROGRAMS: &[&str] = &["WezTerm", "iTerm.app", "ghostty", "rio"];
