//! What each subcommand does. A command returns whether QC passed; any error goes up to
//! `main`, which prints it and decides the exit code.

use crate::cli::{
    CheckArgs, Cli, Command, DemoArgs, EngineArgs, ExportArgs, MergeArgs, ReviewArgs,
};
use crate::output_target::{self, Inputs};
use color_eyre::eyre::{Result, WrapErr};
use dailies_qc::engine::{self, Options};
use dailies_qc::escape::escape_control;
use dailies_qc::output::{self, Format};
use dailies_qc::report::{self, FileReport, Report};
use dailies_qc::spec;
use dailies_qc::tui::{self, ReviewOptions};
use dailies_qc::write_target::Target;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

/// What a command that ran to the end found.
pub enum Outcome {
    Pass,
    /// A file failed QC or could not be read (or there were no files).
    QcFailed,
}

pub fn dispatch(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Export(args) => export(args),
        Command::Merge(args) => merge(args),
        Command::Demo(args) => demo(args),
        Command::Review(args) => review(args),
    }
}

fn engine_options(args: &EngineArgs) -> Options {
    let defaults = Options::default();
    let jobs = args.jobs.unwrap_or(defaults.jobs).max(1);
    if jobs > engine::MAX_JOBS {
        eprintln!(
            "dailies-qc: --jobs {jobs} is more than {max}; inspecting {max} files at once",
            max = engine::MAX_JOBS
        );
    }
    Options {
        jobs: jobs.min(engine::MAX_JOBS),
        probe_timeout: Duration::from_secs_f64(args.probe_timeout.max(0.1)),
    }
}

fn check(args: CheckArgs) -> Result<Outcome> {
    let spec = spec::load(&args.engine.spec)?;
    let options = engine_options(&args.engine);
    let operator = args.operator.unwrap_or_else(engine::default_operator);
    let show_progress = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize, file: &FileReport| {
        if show_progress {
            let name = escape_control(file.name()).into_owned();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K[{done}/{total}] {}", truncate(&name, 60));
            if done == total {
                let _ = write!(err, "\r\x1b[K");
            }
            let _ = err.flush();
        }
    };
    let plan = engine::plan(&spec, &args.engine.paths);
    let inputs = Inputs {
        media: &plan.files,
        spec: Some(&args.engine.spec),
        ..Inputs::default()
    };
    let target = output_target::choose(args.output.as_deref(), &inputs, args.force)?;
    let files = engine::run(&spec, plan, &options, &progress)?;
    let report = engine::report(&spec, operator, files);
    let color = target == Target::Stdout
        && args.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    emit(&report, args.format, &target, color)?;
    if report.files.is_empty() {
        // An empty delivery is almost always a wrong path or include glob: never a silent pass.
        eprintln!(
            "dailies-qc: no media files found in the given paths (spec files.include decides what is taken)"
        );
        return Ok(Outcome::QcFailed);
    }
    Ok(if report.all_pass() {
        Outcome::Pass
    } else {
        Outcome::QcFailed
    })
}

/// Writes `report` in `format` to `target`.
fn emit(report: &Report, format: Format, target: &Target, color: bool) -> Result<()> {
    let mut bytes = Vec::new();
    output::write(report, format, &mut bytes, color)?;
    target.write(&bytes).wrap_err_with(|| match target.path() {
        Some(path) => format!("cannot write {}", path.display()),
        None => "cannot write to standard output".to_owned(),
    })
}

/// Loads a saved report; the error names the file.
fn load_report(path: &Path) -> Result<Report> {
    report::load(path).wrap_err_with(|| path.display().to_string())
}

fn export(args: ExportArgs) -> Result<Outcome> {
    let inputs = Inputs {
        reports: std::slice::from_ref(&args.report),
        ..Inputs::default()
    };
    let target = output_target::choose(args.output.as_deref(), &inputs, args.force)?;
    let mut report = load_report(&args.report)?;
    report.refresh_summary();
    emit(&report, args.format, &target, false)?;
    Ok(Outcome::Pass)
}

fn merge(args: MergeArgs) -> Result<Outcome> {
    let inputs = Inputs {
        reports: &args.reports,
        ..Inputs::default()
    };
    let target = output_target::choose(args.output.as_deref(), &inputs, args.force)?;
    let loaded = args
        .reports
        .iter()
        .map(|path| load_report(path).map(|report| (path.clone(), report)))
        .collect::<Result<Vec<_>>>()?;
    let merged = report::combine(loaded)?;
    emit(&merged, Format::Json, &target, false)?;
    Ok(Outcome::Pass)
}

fn demo(args: DemoArgs) -> Result<Outcome> {
    let summary = dailies_qc::demo::generate(&args.dir, &mut std::io::stderr())?;
    println!("{summary}");
    Ok(Outcome::Pass)
}

fn review(args: ReviewArgs) -> Result<Outcome> {
    let options = ReviewOptions {
        spec: spec::load(&args.engine.spec)?,
        engine: engine_options(&args.engine),
        operator: args.operator.unwrap_or_else(engine::default_operator),
        report_path: args.report.clone(),
        paths: args.engine.paths,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        respec: args.respec,
    };
    let outcome = tui::review(options)?;
    // After a hang-up these lines have nowhere to go: writing them is best effort (`println!`
    // would panic on the dead terminal).
    if let Some(e) = outcome.terminal_error {
        // The screen closed early, but every review is on disk: worth saying, not a failure.
        let _ = writeln!(std::io::stderr(), "dailies-qc: terminal error: {e}");
    }
    let _ = writeln!(
        std::io::stdout(),
        "Report saved to {} ({} files, {} open failures).",
        args.report.display(),
        outcome.counts.files,
        outcome.counts.open
    );
    Ok(Outcome::Pass)
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
