//! The short-term loudness curve the loudness pass keeps: generated EBU reference tone (1 kHz
//! at −23 dBFS on both channels reads −23 LUFS) with a louder stretch, checked by the real
//! binary; the report holds one value per second at most.

#[test]
fn report_holds_the_short_term_curve_one_value_per_second() {
    crate::common::require_ffmpeg();
    let dir = crate::common::temp_dir();
    let wav = dir.path().join("tone.wav");
    // 12 s: −23 dBFS, but −13 dBFS from 6 s to 9 s.
    crate::common::ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "aevalsrc=exprs='if(between(t,6,9),0.2239,0.07079)*sin(2*PI*1000*t)':s=48000:c=stereo:d=12",
        "-c:a",
        "pcm_s24le",
        wav.to_str().expect("UTF-8 temp path"),
    ]);
    let spec = crate::common::write_spec(
        dir.path(),
        "name: r128\naudio:\n  loudness: {integrated: -23, tolerance: 0.5}\n",
    );
    let report = crate::common::check_json(&spec, &[&wav]).json();
    let curve = &report["files"][0]["measurements"]["loudness"]["short_term"];
    assert!(
        curve.is_object(),
        "no short_term in {:#}",
        report["files"][0]
    );
    let start = curve["start_s"].as_f64().unwrap();
    let step = curve["step_s"].as_f64().unwrap();
    let lufs: Vec<f64> = curve["lufs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!((start - 3.0).abs() < 1e-9, "{curve}");
    assert!((1.0..1.01).contains(&step), "{curve}");
    // Windows ending at 3 … 12 s: one value per second.
    assert_eq!(lufs.len(), 10, "{curve}");
    // The first window (0–3 s) is all reference tone; a window inside the loud stretch reads
    // 10 LU more.
    assert!((lufs[0] - -23.0).abs() < 0.2, "{lufs:?}");
    let at = |s: f64| lufs[((s - start) / step) as usize];
    assert!((at(9.0) - -13.0).abs() < 0.2, "{lufs:?}");
    assert!(lufs.iter().all(|&l| l < -12.8), "{lufs:?}");
}
