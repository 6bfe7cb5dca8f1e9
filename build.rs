//! Builds the probe worker (src/probe/worker.c) against the system's libavformat, found with
//! pkg-config. Without libavformat the crate still builds, ffprobe-only: the `probe_worker` cfg
//! stays unset and the probe runs ffprobe for every file.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(probe_worker)");
    println!("cargo::rerun-if-changed=src/probe/worker.c");
    println!("cargo::rerun-if-env-changed=PKG_CONFIG");
    println!("cargo::rerun-if-env-changed=PKG_CONFIG_PATH");
    let mut libraries = Vec::new();
    for name in ["libavformat", "libavcodec", "libavutil"] {
        match pkg_config::Config::new().cargo_metadata(false).probe(name) {
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
    build.file("src/probe/worker.c");
    for path in libraries.iter().flat_map(|l| &l.include_paths) {
        build.include(path);
    }
    // The static worker library first, the libraries it calls after it: the linker resolves
    // symbols left to right.
    build.compile("dailies_qc_probe_worker");
    for library in &libraries {
        for path in &library.link_paths {
            println!("cargo::rustc-link-search=native={}", path.display());
        }
        for lib in &library.libs {
            println!("cargo::rustc-link-lib={lib}");
        }
    }
    println!("cargo::rustc-cfg=probe_worker");
}
