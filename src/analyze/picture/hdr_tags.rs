//! The HDR static metadata a stream declares: SMPTE ST 2086 mastering display and CTA-861.3
//! content light level, from the container (stream side data: MP4 `mdcv`/`clli`, Matroska
//! colour elements) or the first frame (HEVC SEI). One ffprobe run that reads one frame.

use crate::measurements::picture::DeclaredHdr;
use crate::process::{self, media_url};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// What `path` declares; `Err` when ffprobe could not say.
pub fn declared(path: &Path, timeout: Duration) -> Result<DeclaredHdr, String> {
    let mut args: Vec<std::ffi::OsString> = [
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-read_intervals",
        "%+#1",
        "-show_streams",
        "-show_frames",
        "-of",
        "json",
    ]
    .map(Into::into)
    .to_vec();
    args.push(media_url(path));
    let output = process::run_with_timeout("ffprobe", &args, timeout).map_err(|e| e.to_string())?;
    if !output.success {
        return Err(format!("ffprobe: {}", output.stderr.trim()));
    }
    let json: Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    Ok(from_json(&json))
}

fn from_json(json: &Value) -> DeclaredHdr {
    let side_data = ["streams", "frames"].into_iter().flat_map(|section| {
        json[section]
            .as_array()
            .into_iter()
            .flatten()
            .take(1)
            .flat_map(|entry| entry["side_data_list"].as_array().into_iter().flatten())
    });
    let mut declared = DeclaredHdr::default();
    for item in side_data {
        match item["side_data_type"].as_str() {
            Some("Content light level metadata") => {
                let number = |key: &str| item[key].as_u64().and_then(|n| u32::try_from(n).ok());
                declared.max_cll = declared.max_cll.or(number("max_content"));
                declared.max_fall = declared.max_fall.or(number("max_average"));
            }
            Some("Mastering display metadata") if declared.mastering_display.is_none() => {
                let cd = |key: &str| item[key].as_str().and_then(ratio);
                if let (Some(max), Some(min)) = (cd("max_luminance"), cd("min_luminance")) {
                    declared.mastering_display = Some(format!("max {max} cd/m², min {min} cd/m²"));
                }
            }
            _ => {}
        }
    }
    declared
}

/// "10000000/10000" → 1000.
fn ratio(text: &str) -> Option<f64> {
    let (n, d) = text.split_once('/')?;
    let (n, d): (f64, f64) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
    (d != 0.0).then(|| n / d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sei_and_container_side_data_are_read() {
        let json: Value = serde_json::from_str(
            r#"{"frames":[{"side_data_list":[
                {"side_data_type":"Mastering display metadata","min_luminance":"1/10000","max_luminance":"10000000/10000"},
                {"side_data_type":"Content light level metadata","max_content":4000,"max_average":400}]}],
               "streams":[{"index":0}]}"#,
        )
        .expect("json");
        let d = from_json(&json);
        assert_eq!((d.max_cll, d.max_fall), (Some(4000), Some(400)));
        assert_eq!(
            d.mastering_display.as_deref(),
            Some("max 1000 cd/m², min 0.0001 cd/m²")
        );
        assert_eq!(from_json(&serde_json::json!({})), DeclaredHdr::default());
    }
}
