//! The HTML report's pictures on generated media: a JPEG thumbnail of each event's frame and
//! an SVG loudness curve, inline in the one file (no scripts, nothing fetched).

use base64::Engine;

#[test]
fn html_inlines_event_thumbnails_and_the_loudness_curve() {
    crate::common::require_ffmpeg();
    let dir = crate::common::temp_dir();
    let media = dir.path().join("events.mov");
    // 8 s at 25 fps, black from 2 s to 5 s; a −23 LUFS tone, louder from 4 s to 6 s.
    crate::common::ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=8,drawbox=color=black:t=fill:enable='between(t,2,5)'",
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=exprs='if(between(t,4,6),0.2239,0.07079)*sin(2*PI*1000*t)':s=48000:c=stereo:d=8",
        "-c:v",
        "prores_ks",
        "-profile:v",
        "0",
        "-c:a",
        "pcm_s24le",
        "-timecode",
        "01:00:00:00",
        media.to_str().expect("UTF-8 temp path"),
    ]);
    let spec = crate::common::write_spec(
        dir.path(),
        "name: events\ncontent:\n  black: {max_s: 1.0}\naudio:\n  loudness: {integrated: -23, tolerance: 0.5}\n",
    );
    let report = dir.path().join("events.json");
    let outcome = crate::common::check_to_json_file(&report, &spec, &media);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let outcome = crate::common::run(&[
        "export".as_ref(),
        report.as_os_str(),
        "--format".as_ref(),
        "html".as_ref(),
    ]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let html = outcome.stdout;

    // The black event's thumbnail: a real JPEG of a black frame, inline.
    let prefix = "<img src=\"data:image&#x2f;jpeg;base64,";
    let start = html
        .find(prefix)
        .unwrap_or_else(|| panic!("no thumbnail in\n{html}"))
        + prefix.len();
    let end = start + html[start..].find('"').unwrap();
    let b64 = html[start..end]
        .replace("&#x2f;", "/")
        .replace("&#x3d;", "=")
        .replace("&#x2b;", "+");
    let jpeg = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
    let picture = image_of(&jpeg);
    let mean = picture.iter().map(|&v| f64::from(v)).sum::<f64>() / picture.len() as f64;
    assert!(mean < 20.0, "the black frame is black: mean {mean}");
    assert!(html.contains("alt=\"frame at 01:00:02:00 – "), "{html}");

    // The loudness curve: an inline SVG polyline, and still nothing fetched or run.
    assert!(
        html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{html}"
    );
    assert!(html.contains("<polyline points=\""), "{html}");
    // The loudest 3 s hold the whole 2 s at −13 and 1 s at −23: −14.5 LUFS.
    assert!(html.contains("loudest 3 s: -14.5 LUFS"), "{html}");
    for external in ["src=\"http", "href=\"http", "<link", "@import", "<script"] {
        assert!(!html.contains(external), "found {external}");
    }
}

/// The pixels of a JPEG, as ffmpeg decodes it to gray.
fn image_of(jpeg: &[u8]) -> Vec<u8> {
    let dir = crate::common::temp_dir();
    let path = dir.path().join("thumb.jpg");
    std::fs::write(&path, jpeg).expect("write thumbnail");
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-i"])
        .arg(&path)
        .args(["-f", "rawvideo", "-pix_fmt", "gray", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success());
    out.stdout
}
