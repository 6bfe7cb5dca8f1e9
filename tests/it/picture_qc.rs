//! The picture checks broadcasters reject on, on media made with known answers: EBU R 103
//! levels (`content.levels`), BT.1702 flash screening (`content.flashes`), measured cadence
//! (`content.cadence`), the active picture (`content.active_picture`) and HDR light levels
//! (`video.hdr`).

use crate::common::{check_json, ffmpeg, findings, require_ffmpeg, temp_dir, write_spec};
use std::path::{Path, PathBuf};

/// Lossless 8-bit 4:4:4 (FFV1), tagged BT.709 video range: the pixels the checks read are
/// exactly the ones written.
fn lossless(dir: &Path, name: &str, source: &str, filters: &str, seconds: &str) -> PathBuf {
    let path = dir.join(name);
    let graph = format!(
        "{filters},setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"
    );
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        source,
        "-t",
        seconds,
        "-vf",
        &graph,
        "-c:v",
        "ffv1",
        "-pix_fmt",
        "yuv444p",
        path.to_str().expect("UTF-8 temp path"),
    ]);
    path
}

/// Findings of one check on one file, with their messages.
fn messages(spec: &Path, media: &Path, check: &str) -> Vec<String> {
    let outcome = check_json(spec, &[media]);
    let report = outcome.json();
    assert!(
        findings(&report, 0)
            .iter()
            .all(|(id, _)| id != "file.readable"),
        "{}",
        outcome.stdout
    );
    report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == check)
        .map(|f| {
            let at = &f["at"];
            format!(
                "{} @ {}–{}",
                f["message"].as_str().unwrap_or(""),
                at["start"],
                at["end"]
            )
        })
        .collect()
}

/// A grey picture with a full-width block of Y'CbCr (8-bit code values) over its top `rows`
/// of 360.
fn block(dir: &Path, name: &str, rows: u32, (y, cb, cr): (u32, u32, u32)) -> PathBuf {
    let inside = |value: u32, plane: &str| format!("if(lt(Y,{rows}),{value},{plane}(X,Y))");
    let filters = format!(
        "format=yuv444p,geq=lum='{}':cb='{}':cr='{}'",
        inside(y, "lum"),
        inside(cb, "cb"),
        inside(cr, "cr")
    );
    lossless(dir, name, "color=c=0x7E7E7E:s=640x360:r=25", &filters, "1")
}

#[test]
fn levels_fail_on_two_percent_out_of_range_and_pass_on_half_a_percent_per_signal() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: r103\ncontent:\n  levels: {}\n");
    // BT.709 Y'CbCr code values that put one signal past the preferred range: R' 124 %,
    // B' 139 %, G' −9 %, Y' −7 %.
    let cases = [
        ("R high", (100, 90, 250)),
        ("B high", (100, 250, 110)),
        ("G low", (60, 229, 229)),
        ("Y low", (1, 128, 128)),
    ];
    for (signal, values) in cases {
        let name = signal.replace(' ', "_");
        // 8 rows of 360 = 2.2 % of the area; 2 rows = 0.56 %.
        let out = block(dir.path(), &format!("{name}_2pct.mkv"), 8, values);
        let found = messages(&spec, &out, "content.levels");
        assert_eq!(found.len(), 1, "{signal}: {found:?}");
        assert!(found[0].contains(signal), "{signal}: {found:?}");
        assert!(
            found[0].contains("00:00:00:00") && found[0].contains("00:00:01:00"),
            "{found:?}"
        );
        let inside = block(dir.path(), &format!("{name}_half.mkv"), 2, values);
        let found = messages(&spec, &inside, "content.levels");
        assert!(found.is_empty(), "{signal} on 0.5 %: {found:?}");
    }
}

#[test]
fn the_nominal_range_is_stricter_than_r103s_preferred_one() {
    require_ffmpeg();
    let dir = temp_dir();
    // Y' 240: above 235 (nominal) but below 246 (preferred).
    let media = block(dir.path(), "super_white.mkv", 60, (240, 128, 128));
    let preferred = write_spec(dir.path(), "name: p\ncontent:\n  levels: {}\n");
    assert!(messages(&preferred, &media, "content.levels").is_empty());
    let narrow = dir.path().join("narrow.yaml");
    std::fs::write(&narrow, "name: n\ncontent:\n  levels: {range: narrow}\n").expect("spec");
    let found = messages(&narrow, &media, "content.levels");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("Y high"), "{found:?}");
}

/// Black with a white band over the top `share` of the picture, lit for half of each period.
fn flashing(dir: &Path, hz: f64, share: f64) -> PathBuf {
    let period = 1.0 / hz;
    let filters = format!(
        "format=yuv444p,geq=lum='if(lt(Y,H*{share})*lt(mod(T,{period}),{half}),235,16)':cb=128:cr=128",
        half = period / 2.0
    );
    let name = format!("flash_{hz}hz_{}pct.mkv", (share * 100.0).round());
    lossless(dir, &name, "color=c=black:s=320x180:r=25", &filters, "3")
}

#[test]
fn flashes_fail_above_three_a_second_over_a_quarter_of_the_screen() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: pse\ncontent:\n  flashes: {}\n");
    for (hz, share, fails) in [
        (2.0, 0.3, false),
        (3.0, 0.3, false),
        (4.0, 0.3, true),
        (4.0, 0.2, false),
    ] {
        let media = flashing(dir.path(), hz, share);
        let found = messages(&spec, &media, "content.flashes");
        assert_eq!(!found.is_empty(), fails, "{hz} Hz over {share}: {found:?}");
        if fails {
            assert!(found[0].contains("4 flashes in one second"), "{found:?}");
            assert!(found[0].contains("screening, BT.1702"), "{found:?}");
        }
    }
}

/// A pan across thin stripes keeps the picture's luminance steady, whatever each pixel does:
/// not a flash. (Pixels sampled 3 apart, as a point-sampling downscale would, all turn white
/// together every third frame: 8 flashes a second.)
#[test]
fn thin_stripes_in_motion_are_not_flashes() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: pse\ncontent:\n  flashes: {}\n");
    // One white column in three, moving a column a frame, on a 960×540 picture (3×3 pixels
    // to a grid point).
    let filters = "format=yuv444p,geq=lum='if(eq(mod(X+N,3),0),235,16)':cb=128:cr=128";
    let media = lossless(
        dir.path(),
        "stripes.mkv",
        "color=c=black:s=960x540:r=25",
        filters,
        "2",
    );
    let found = messages(&spec, &media, "content.flashes");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_saturated_red_flash_fails_where_luminance_alone_would_pass() {
    require_ffmpeg();
    let dir = temp_dir();
    // BT.709 red (Y' 63, Cb 102, Cr 240) against a grey of the same luminance (Y' 131), 5 Hz.
    let swap = |red: u32, grey: u32| format!("if(lt(mod(T,0.2),0.1),{red},{grey})");
    let filters = format!(
        "format=yuv444p,geq=lum='{}':cb='{}':cr='{}'",
        swap(63, 131),
        swap(102, 128),
        swap(240, 128)
    );
    let media = lossless(
        dir.path(),
        "red.mkv",
        "color=c=black:s=320x180:r=25",
        &filters,
        "2",
    );
    let with_red = write_spec(dir.path(), "name: red\ncontent:\n  flashes: {}\n");
    let found = messages(&with_red, &media, "content.flashes");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("saturated red flashes"), "{found:?}");
    let no_red = dir.path().join("no_red.yaml");
    std::fs::write(&no_red, "name: nr\ncontent:\n  flashes: {red: false}\n").expect("spec");
    assert!(messages(&no_red, &media, "content.flashes").is_empty());
}

#[test]
fn pulldown_left_in_a_progressive_stream_is_found() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: c\ncontent:\n  cadence: {}\n");
    let path = dir.path().join("telecined.mkv");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=720x480:r=24000/1001",
        "-t",
        "4",
        "-vf",
        "telecine=pattern=23,setfield=prog",
        "-field_order",
        "progressive",
        "-c:v",
        "ffv1",
        path.to_str().expect("UTF-8"),
    ]);
    let found = messages(&spec, &path, "content.cadence");
    assert!(
        found
            .iter()
            .any(|f| f.contains("pulldown left in the stream")),
        "{found:?}"
    );
}

#[test]
fn tff_pictures_tagged_bff_are_found_and_progressive_ones_pass() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: c\ncontent:\n  cadence: {}\n");
    let path = dir.path().join("tff_tagged_bff.mkv");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=720x576:r=50",
        "-t",
        "3",
        "-vf",
        "tinterlace=mode=interleave_top,setfield=bff",
        "-field_order",
        "bb",
        "-c:v",
        "ffv1",
        path.to_str().expect("UTF-8"),
    ]);
    let found = messages(&spec, &path, "content.cadence");
    assert!(
        found
            .iter()
            .any(|f| f.contains("expected bff, as the stream declares, got measured tff")),
        "{found:?}"
    );
    let progressive = dir.path().join("progressive.mkv");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=1280x720:r=25",
        "-t",
        "3",
        "-field_order",
        "progressive",
        "-c:v",
        "ffv1",
        progressive.to_str().expect("UTF-8"),
    ]);
    let found = messages(&spec, &progressive, "content.cadence");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn frames_repeated_by_a_rate_conversion_are_duplicates() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: c\ncontent:\n  cadence: {}\n");
    let path = dir.path().join("24_to_30.mkv");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=1280x720:r=24",
        "-t",
        "2",
        "-vf",
        "fps=30",
        "-field_order",
        "progressive",
        "-c:v",
        "ffv1",
        path.to_str().expect("UTF-8"),
    ]);
    let found: Vec<String> = messages(&spec, &path, "content.cadence")
        .into_iter()
        .filter(|f| f.contains("identical to the one before"))
        .collect();
    // 24 → 30 repeats one frame in five: 12 in 2 s, less the edges the check cannot judge.
    assert!((9..=12).contains(&found.len()), "{found:?}");
}

#[test]
fn a_letterbox_the_spec_does_not_expect_is_found() {
    require_ffmpeg();
    let dir = temp_dir();
    let path = dir.path().join("scope_in_hd.mkv");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=1280x536:r=25",
        "-t",
        "2",
        "-vf",
        "pad=1280:720:0:92",
        "-c:v",
        "ffv1",
        path.to_str().expect("UTF-8"),
    ]);
    let full = write_spec(
        dir.path(),
        "name: a\ncontent:\n  active_picture: {aspect: 1.78}\n",
    );
    let found = messages(&full, &path, "content.active_picture");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("2.39:1, letterboxed") && found[0].contains("1280:536:0:92"),
        "{found:?}"
    );
    let scope = dir.path().join("scope.yaml");
    std::fs::write(
        &scope,
        "name: s\ncontent:\n  active_picture: {aspect: 2.39}\n",
    )
    .expect("spec");
    assert!(messages(&scope, &path, "content.active_picture").is_empty());
}

/// A PQ (BT.2100) HEVC stream of a flat ~1000 cd/m² grey, with the static metadata given.
fn pq(dir: &Path, name: &str, metadata: &str) -> PathBuf {
    let path = dir.join(name);
    let params = format!(
        "colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc{metadata}:log-level=error"
    );
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=gray:s=640x360:r=25",
        "-t",
        "1",
        // 10-bit code 723 is PQ 0.7518 in video range: 1000 cd/m².
        "-vf",
        "format=yuv420p10le,geq=lum=723:cb=512:cr=512",
        "-c:v",
        "libx265",
        "-x265-params",
        &params,
        "-pix_fmt",
        "yuv420p10le",
        path.to_str().expect("UTF-8"),
    ]);
    path
}

#[test]
fn hdr_metadata_that_lies_about_the_pictures_is_found() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(
        dir.path(),
        "name: hdr\nvideo:\n  hdr: {require: [mastering_display, content_light_level], measure: true}\n",
    );
    let lying = pq(
        dir.path(),
        "lying.mp4",
        ":master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=4000,400",
    );
    let outcome = check_json(&spec, &[&lying]);
    let report = outcome.json();
    let hdr = &report["files"][0]["measurements"]["hdr"];
    let measured = hdr["max_cll"].as_f64().expect("MaxCLL measured");
    assert!((measured - 1000.0).abs() < 40.0, "{hdr}");
    assert_eq!(hdr["declared"]["max_cll"], 4000, "{hdr}");
    let found = messages(&spec, &lying, "video.hdr");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].contains("declared 4000 cd/m², measured 10"),
        "{found:?}"
    );
    assert!(
        found[1].contains("MaxFALL") && found[1].contains("declared 400"),
        "{found:?}"
    );
    let bare = pq(dir.path(), "bare.mp4", "");
    let found = messages(&spec, &bare, "video.hdr");
    assert!(
        found
            .iter()
            .any(|f| f.contains("mastering display metadata")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.contains("content light level metadata")),
        "{found:?}"
    );
}

/// EA IRIS's own test videos (tests/fixtures/iris, BSD-3) with the per-frame results IRIS
/// expects: the most luminance transitions in any second, and whether a frame fails, agree.
#[test]
fn flash_screening_agrees_with_ea_iris_on_its_test_videos() {
    require_ffmpeg();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iris");
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: pse\ncontent:\n  flashes: {}\n");
    for name in ["2Hz_6s", "3Hz_6s", "extendedFLONG", "intermitentEF", "gray"] {
        let expected = std::fs::read_to_string(fixtures.join(format!("{name}.csv"))).expect("csv");
        let mut lines = expected.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let column = |title: &str| header.iter().position(|h| *h == title).expect(title);
        let (transitions, failed, time) = (
            column("LuminanceTransitions"),
            column("FlashLuminanceFailedFrame"),
            column("TimeStamp"),
        );
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let most: u32 = rows
            .iter()
            .map(|r| r[transitions].parse::<u32>().expect("count"))
            .max()
            .expect("rows");
        // FlashResult::FlashFail is 3 in IRIS's log.
        let failing: Vec<&str> = rows
            .iter()
            .filter(|r| r[failed] == "3")
            .map(|r| r[time])
            .collect();

        let media = fixtures.join(format!("{name}.mp4"));
        let report = check_json(&spec, &[&media]).json();
        let measured = &report["files"][0]["measurements"]["flashes"];
        let ours = measured["max_per_s"].as_f64().expect("measured") * 2.0;
        assert_eq!(
            ours,
            f64::from(most),
            "{name}: transitions in a second, IRIS {most}: {measured}"
        );
        let found = findings(&report, 0);
        let fails = found.iter().any(|(id, _)| id == "content.flashes");
        assert_eq!(
            fails,
            !failing.is_empty(),
            "{name}: IRIS fails at {failing:?}; {found:?}"
        );
    }
}

/// A picture that starts a second after its sound: the stretch is placed on the file's
/// timeline, where the other content events are, not a second late.
#[test]
fn a_late_picture_keeps_its_findings_in_place() {
    require_ffmpeg();
    let dir = temp_dir();
    let spec = write_spec(dir.path(), "name: r103\ncontent:\n  levels: {}\n");
    // Out of range from 2 s to 3 s of the picture: 3 s to 4 s of the file.
    let inside =
        |value: u32, plane: &str| format!("if(between(T,2,2.99)*lt(Y,40),{value},{plane}(X,Y))");
    let filters = format!(
        "format=yuv444p,geq=lum='{}':cb='{}':cr='{}'",
        inside(100, "lum"),
        inside(90, "cb"),
        inside(250, "cr")
    );
    let picture = lossless(
        dir.path(),
        "picture.mkv",
        "color=c=0x7E7E7E:s=640x360:r=25",
        &filters,
        "4",
    );
    let late = dir.path().join("late.mkv");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=d=5",
        "-itsoffset",
        "1",
        "-i",
        picture.to_str().expect("UTF-8"),
        "-map",
        "1:v",
        "-map",
        "0:a",
        "-c:v",
        "copy",
        "-c:a",
        "pcm_s16le",
        late.to_str().expect("UTF-8"),
    ]);
    let found = messages(&spec, &late, "content.levels");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("matrix bt709)"), "{found:?}");
    assert!(
        found[0].contains("00:00:03:00") && found[0].contains("00:00:04:00"),
        "{found:?}"
    );
}
