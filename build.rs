//! Builds the probe worker (src/probe/worker.c) against the system's libavformat, found with
//! pkg-config, and links it into the `dailies-qc-probe` binary alone: loading libav* and the
//! hundred-odd libraries they pull in costs ~30 ms of CPU per process, which every `dailies-qc`
//! run (a cached rescan, each shard, `merge`) would otherwise pay. Without libavformat the crate
//! still builds, ffprobe-only: the `probe_worker` cfg stays unset and the probe runs ffprobe for
//! every file. The same happens, with one warning, for an FFmpeg older than 4.4.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(probe_worker)");
    let profile = std::env::var("PROFILE").unwrap_or_default();
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo::rustc-env=DAILIES_QC_BUILD={profile} build for {target}");
    // Until the worker is built below, `--version` says files are probed by ffprobe.
    println!(
        "cargo::rustc-env=DAILIES_QC_PROBE_BUILD=ffprobe for every file (no probe worker in this build)"
    );
    println!("cargo::rerun-if-changed=src/probe/worker.c");
    println!("cargo::rerun-if-env-changed=PKG_CONFIG");
    println!("cargo::rerun-if-env-changed=PKG_CONFIG_PATH");
    let mut libraries = Vec::new();
    for (name, oldest) in OLDEST_SUPPORTED {
        match pkg_config::Config::new().cargo_metadata(false).probe(name) {
            Ok(library) if !at_least(&library.version, oldest) => {
                println!(
                    "cargo::warning={name} {} is older than FFmpeg 4.4 ({name} {}.{}.{}), the oldest the probe worker builds against; building without it: every file is probed by ffprobe",
                    library.version, oldest[0], oldest[1], oldest[2]
                );
                return;
            }
            Ok(library) => libraries.push(library),
            Err(e) => {
                // A cargo warning is one line; pkg-config's error runs to several.
                let why = e.to_string();
                let why = why
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or_default();
                println!(
                    "cargo::warning=pkg-config found no {name} ({}); building without the probe worker: every file is probed by ffprobe (install libavformat-dev and pkg-config for the worker)",
                    why.trim()
                );
                return;
            }
        }
    }
    let mut build = cc::Build::new();
    build.file("src/probe/worker.c").cargo_metadata(false);
    for path in libraries.iter().flat_map(|l| &l.include_paths) {
        build.include(path);
    }
    build.compile("dailies_qc_probe_worker");
    // Only the worker binary links these. The static worker library first, the libraries it
    // calls after it: the linker resolves symbols left to right.
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    let link = |arg: String| println!("cargo::rustc-link-arg-bin={WORKER_BIN}={arg}");
    link(format!("{out_dir}/libdailies_qc_probe_worker.a"));
    for library in &libraries {
        for path in &library.link_paths {
            link(format!("-L{}", path.display()));
        }
        for lib in &library.libs {
            link(format!("-l{lib}"));
        }
    }
    println!("cargo::rustc-cfg=probe_worker");
    let versions: Vec<String> = OLDEST_SUPPORTED
        .iter()
        .zip(&libraries)
        .map(|((name, _), library)| format!("{name} {}", library.version))
        .collect();
    println!(
        "cargo::rustc-env=DAILIES_QC_PROBE_BUILD=the probe worker (dailies-qc-probe), built against {}; ffprobe where it cannot answer",
        versions.join(", ")
    );
}

/// The binary the worker is linked into (see Cargo.toml).
const WORKER_BIN: &str = "dailies-qc-probe";

/// FFmpeg 4.4's libraries (Ubuntu 22.04's), the oldest worker.c supports; it follows the API
/// changes from there to FFmpeg 8 with `#if`s on these same version numbers.
const OLDEST_SUPPORTED: [(&str, [u64; 3]); 3] = [
    ("libavformat", [58, 76, 100]),
    ("libavcodec", [58, 134, 100]),
    ("libavutil", [56, 70, 100]),
];

/// Whether a pkg-config version (`59.27.100`) is at least `oldest`.
fn at_least(version: &str, oldest: [u64; 3]) -> bool {
    let mut parts = version
        .split('.')
        .map(|p| p.trim().parse::<u64>().unwrap_or(0));
    let found = [(); 3].map(|()| parts.next().unwrap_or(0));
    found >= oldest
}
