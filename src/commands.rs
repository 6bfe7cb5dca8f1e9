//! What each subcommand does, returning the process exit code (ripgrep-style: 0 all good,
//! 1 something failed QC, 2 usage/spec/IO error).

use crate::cli::{CheckArgs, Cli, Command, DemoArgs, EngineArgs, ExportArgs, MergeArgs};
use crate::engine::{self, Options};
use crate::output::{self, Format};
use crate::report::{self, FileReport};
use crate::spec::{self, LoadedSpec};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

pub const EXIT_PASS: u8 = 0;
pub const EXIT_FAIL: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn dispatch(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Export(args) => export(args),
        Command::Merge(args) => merge(args),
        Command::Demo(args) => demo(args),
        Command::Review(args) => crate::tui::review(args),
    };
    ExitCode::from(code)
}

/// Loads the spec or prints `file:line:col: key: problem` and gives the usage exit code.
pub fn load_spec(args: &EngineArgs) -> Result<LoadedSpec, u8> {
    spec::load(&args.spec).map_err(|e| {
        eprintln!("dailies-qc: {e}");
        EXIT_USAGE
    })
}

pub fn engine_options(args: &EngineArgs) -> Options {
    let defaults = Options::default();
    Options {
        jobs: args.jobs.unwrap_or(defaults.jobs).max(1),
        probe_timeout: Duration::from_secs_f64(args.probe_timeout.max(0.1)),
    }
}

fn check(args: CheckArgs) -> u8 {
    let spec = match load_spec(&args.engine) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let options = engine_options(&args.engine);
    let operator = args
        .operator
        .clone()
        .unwrap_or_else(engine::default_operator);
    let show_progress = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize, file: &FileReport| {
        if show_progress {
            let name = crate::escape::escape_control(file.name()).into_owned();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K[{done}/{total}] {}", truncate(&name, 60));
            if done == total {
                let _ = write!(err, "\r\x1b[K");
            }
            let _ = err.flush();
        }
    };
    let report = engine::check(&spec, &args.engine.paths, &operator, &options, &progress);
    let color = args.output.is_none()
        && args.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    if let Err(e) = emit(&report, args.format, args.output.as_deref(), color) {
        eprintln!("dailies-qc: {e}");
        return EXIT_USAGE;
    }
    if report.files.is_empty() {
        // An empty delivery is almost always a wrong path or include glob: never a silent pass.
        eprintln!(
            "dailies-qc: no media files found in the given paths (spec files.include decides what is taken)"
        );
        return EXIT_FAIL;
    }
    if report.all_pass() {
        EXIT_PASS
    } else {
        EXIT_FAIL
    }
}

/// Writes `report` in `format` to `path` (atomically) or standard output.
fn emit(
    report: &report::Report,
    format: Format,
    path: Option<&std::path::Path>,
    color: bool,
) -> std::io::Result<()> {
    match path {
        Some(path) => {
            let mut buf = Vec::new();
            output::write(report, format, &mut buf, false)?;
            report::write_atomic(path, &buf)
                .map_err(|e| std::io::Error::other(format!("cannot write {}: {e}", path.display())))
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match output::write(report, format, &mut lock, color) {
                // A closed pipe (`| head`) is not an error worth reporting.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
    }
}

fn export(args: ExportArgs) -> u8 {
    let mut report = match report::load(&args.report) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dailies-qc: {}: {e}", args.report.display());
            return EXIT_USAGE;
        }
    };
    report.refresh_summary();
    match emit(&report, args.format, args.output.as_deref(), false) {
        Ok(()) => EXIT_PASS,
        Err(e) => {
            eprintln!("dailies-qc: {e}");
            EXIT_USAGE
        }
    }
}

fn merge(args: MergeArgs) -> u8 {
    let mut loaded = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        match report::load(path) {
            Ok(r) => loaded.push((path.clone(), r)),
            Err(e) => {
                eprintln!("dailies-qc: {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
    }
    let merged = match report::combine(loaded) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dailies-qc: {e}");
            return EXIT_USAGE;
        }
    };
    match emit(&merged, Format::Json, args.output.as_deref(), false) {
        Ok(()) => EXIT_PASS,
        Err(e) => {
            eprintln!("dailies-qc: {e}");
            EXIT_USAGE
        }
    }
}

fn demo(args: DemoArgs) -> u8 {
    match crate::demo::generate(&args.dir, &mut std::io::stderr()) {
        Ok(summary) => {
            println!("{summary}");
            EXIT_PASS
        }
        Err(e) => {
            eprintln!("dailies-qc demo: {e}");
            EXIT_USAGE
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let tail: String = text
            .chars()
            .rev()
            .take(max - 1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("…{tail}")
    }
}
