//! `dailies-qc demo` makes the README's playground: `check` on it must show exactly the planted
//! defects (loudness is measured by its own analysis and reported separately).

use crate::common::*;

#[test]
fn demo_folder_shows_the_planted_defects_and_nothing_else() {
    require_ffmpeg();
    let dir = temp_dir();
    let demo = dir.path().join("dailies");
    let made = run(&["demo".as_ref(), demo.as_os_str()]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(
        made.stdout.contains("dailies-qc check --spec"),
        "{}",
        made.stdout
    );
    let spec = demo.join("ebu-r128-hd-broadcast.yaml");
    let outcome = check_json(&spec, &[&demo]);
    assert_eq!(outcome.code, 1);
    let report = outcome.json();
    let failing = |name: &str| -> Vec<String> {
        let i = index_of(&report, name);
        report["files"][i]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(|f| f["check"].as_str().expect("check").to_owned())
            .collect()
    };
    let none: Vec<String> = Vec::new();
    assert_eq!(failing("A001_C001_v001.mov"), none);
    assert_eq!(failing("A001_C002_v001.mov"), none);
    assert_eq!(failing("A001_C003_v001.mov"), ["video.frame_rate"]);
    assert_eq!(failing("A001_C004_v001.mov"), ["video.resolution"]);
    let loud = failing("A001_C005_v001.mov");
    assert!(
        loud.iter().all(|id| id.starts_with("audio.loudness.")),
        "{loud:?}"
    );
    assert!(failing("A001_C006_v001.mov").contains(&"sync.start_offset".to_owned()));
    assert!(
        failing("A001_C006_v001.mov")
            .iter()
            .all(|id| id.starts_with("sync."))
    );
    assert_eq!(failing("A001_C007_v001.mov"), ["timecode.start"]);
    assert_eq!(failing("A001_C008_v001.mov"), ["file.readable"]);
}
