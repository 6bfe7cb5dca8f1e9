//! From the tap's 16-bit Y'CbCr samples to normalised signals: Y' 0..1 from black to white,
//! Cb and Cr −0.5..0.5, and R'G'B' by the stream's own matrix — never clamped, so excursions
//! outside the range stay visible.

use crate::probe::VideoStream;

/// One Y'CbCr → R'G'B' matrix, from its luma weights Kr and Kb (ITU-R BT.601/709/2020).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix {
    pub name: &'static str,
    /// R' = Y' + r_cr·Cr; G' = Y' − g_cb·Cb − g_cr·Cr; B' = Y' + b_cb·Cb.
    r_cr: f32,
    g_cb: f32,
    g_cr: f32,
    b_cb: f32,
}

impl Matrix {
    const fn from_weights(name: &'static str, kr: f32, kb: f32) -> Matrix {
        let kg = 1.0 - kr - kb;
        Matrix {
            name,
            r_cr: 2.0 * (1.0 - kr),
            g_cb: 2.0 * kb * (1.0 - kb) / kg,
            g_cr: 2.0 * kr * (1.0 - kr) / kg,
            b_cb: 2.0 * (1.0 - kb),
        }
    }

    /// The matrix named by ffprobe's `color_space` (`bt709`, `smpte170m`, `bt2020nc`, …).
    pub fn named(tag: &str) -> Option<Matrix> {
        match tag {
            "bt709" => Some(BT709),
            "smpte170m" | "bt470bg" | "bt601" => Some(BT601),
            "bt2020nc" | "bt2020c" | "bt2020" => Some(BT2020),
            _ => None,
        }
    }

    /// R', G', B' of one Y'CbCr sample (normalised, unclamped).
    #[inline]
    pub fn rgb(&self, y: f32, cb: f32, cr: f32) -> [f32; 3] {
        [
            y + self.r_cr * cr,
            y - self.g_cb * cb - self.g_cr * cr,
            y + self.b_cb * cb,
        ]
    }
}

pub const BT601: Matrix = Matrix::from_weights("bt601", 0.299, 0.114);
pub const BT709: Matrix = Matrix::from_weights("bt709", 0.2126, 0.0722);
pub const BT2020: Matrix = Matrix::from_weights("bt2020", 0.2627, 0.0593);

/// The stream's matrix, and how it was chosen: its tag, else the spec's `color_space`, else
/// by picture size (SD bt601, UHD and larger bt2020, the rest bt709), said in the name.
pub fn matrix_for(video: &VideoStream, spec_space: Option<&str>) -> (Matrix, String) {
    if let Some(m) = video.color_space.as_deref().and_then(Matrix::named) {
        return (m, m.name.to_owned());
    }
    if let Some(m) = spec_space.and_then(Matrix::named) {
        return (m, format!("{} (untagged: the spec's)", m.name));
    }
    let m = match video.height.unwrap_or(1080) {
        h if h < 720 => BT601,
        h if h >= 2160 => BT2020,
        _ => BT709,
    };
    (
        m,
        format!("{} (untagged: assumed from the picture size)", m.name),
    )
}

/// How the tap's 16-bit samples map back to signal levels.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Code value of black and of the colour-difference zero, as a share of 65535.
    black: f32,
    zero: f32,
    /// Code values from black to white (Y') and across the colour range (Cb, Cr), as shares.
    luma_span: f32,
    chroma_span: f32,
}

impl Scale {
    /// For a stream of `bits` per component in video (`full == false`) or full range. ffmpeg
    /// widens n-bit samples to 16 bits by replicating the top bits, so a code value `v` of an
    /// n-bit stream arrives as `v / (2^n − 1)` of 65535.
    pub fn new(bits: u32, full: bool) -> Scale {
        let bits = bits.clamp(8, 16);
        let max = f32::from(u16::MAX >> (16 - bits));
        let step = f32::from(1u16 << (bits - 8));
        if full {
            Scale {
                black: 0.0,
                zero: 128.0 * step / max,
                luma_span: 1.0,
                chroma_span: 1.0,
            }
        } else {
            Scale {
                black: 16.0 * step / max,
                zero: 128.0 * step / max,
                luma_span: 219.0 * step / max,
                chroma_span: 224.0 * step / max,
            }
        }
    }

    /// Y' of a 16-bit sample `s` is `s × gain − offset`: 0 at black, 1 at white.
    pub fn luma_line(&self) -> (f32, f32) {
        (
            1.0 / (65535.0 * self.luma_span),
            self.black / self.luma_span,
        )
    }

    /// Cb or Cr of a 16-bit sample `s` is `s × gain − offset`: −0.5..0.5.
    pub fn chroma_line(&self) -> (f32, f32) {
        (
            1.0 / (65535.0 * self.chroma_span),
            self.zero / self.chroma_span,
        )
    }

    #[cfg(test)]
    fn luma(&self, sample: u16) -> f32 {
        let (gain, offset) = self.luma_line();
        f32::from(sample) * gain - offset
    }

    #[cfg(test)]
    fn chroma(&self, sample: u16) -> f32 {
        let (gain, offset) = self.chroma_line();
        f32::from(sample) * gain - offset
    }
}

/// Whether ffprobe's `color_range` says full range.
pub fn is_full_range(video: &VideoStream) -> bool {
    matches!(video.color_range.as_deref(), Some("pc" | "jpeg" | "full"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_range_code_values_land_on_black_and_white() {
        let ten = Scale::new(10, false);
        // 10-bit 64 and 940, widened to 16 bits by ffmpeg (v << 6 | v >> 4).
        let widen = |v: u16| (v << 6) | (v >> 4);
        assert!(ten.luma(widen(64)).abs() < 1e-3);
        assert!((ten.luma(widen(940)) - 1.0).abs() < 1e-3);
        assert!(ten.chroma(widen(512)).abs() < 1e-3);
        let eight = Scale::new(8, false);
        assert!((eight.luma(235 * 257) - 1.0).abs() < 1e-4);
        assert!((eight.luma(5 * 257) - (5.0 - 16.0) / 219.0).abs() < 1e-4);
    }

    #[test]
    fn bt709_white_and_red_convert_to_their_rgb() {
        let [r, g, b] = BT709.rgb(1.0, 0.0, 0.0);
        assert!((r - 1.0).abs() < 1e-6 && (g - 1.0).abs() < 1e-6 && (b - 1.0).abs() < 1e-6);
        // Pure red in BT.709: Y' = 0.2126, Cb = −0.1146, Cr = 0.5.
        let [r, g, b] = BT709.rgb(0.2126, -0.114_572, 0.5);
        assert!(
            (r - 1.0).abs() < 1e-3 && g.abs() < 1e-3 && b.abs() < 1e-3,
            "{r} {g} {b}"
        );
    }
}
