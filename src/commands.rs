//! What each subcommand does. A command returns whether QC passed; any error goes up to
//! `main`, which prints it and decides the exit code.

use crate::cli::{
    CheckArgs, Cli, Command, DemoArgs, EngineArgs, ExportArgs, MergeArgs, ReviewArgs, SealArgs,
};
use crate::output_target::{self, Inputs};
use color_eyre::eyre::{Result, WrapErr, bail};
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
        Command::Seal(args) => seal(args),
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
        shard: args.shard,
        cache: if args.no_cache {
            None
        } else {
            dailies_qc::cache::Cache::user()
        },
    }
}

fn check(args: CheckArgs) -> Result<Outcome> {
    let spec = spec::load(&args.engine.spec)?;
    let options = engine_options(&args.engine);
    if args.engine.watch {
        refuse_watch_with_mhl(&spec)?;
        return crate::watching::check(&args, &spec, &options);
    }
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
    let mut plan = engine::plan(&spec, &args.engine.paths);
    let found_any = !plan.files.is_empty() || !plan.unlisted.is_empty();
    let inputs = Inputs {
        media: &plan.files,
        spec: Some(&args.engine.spec),
        ..Inputs::default()
    };
    let target = output_target::choose(args.output.as_deref(), &inputs, args.force)?;
    // After choosing the output: -o must not name a file of another machine's share either.
    if let Some(shard) = options.shard {
        shard.keep_share(&mut plan, &args.engine.paths);
    }
    // JSON lines on standard output go out as each file finishes; to a file, all at once.
    let stream_lines = args.format == Format::Jsonl && target == Target::Stdout;
    let unlisted = plan.unlisted.len();
    let on_done = |done: usize, total: usize, file: &FileReport| {
        progress(done, total, file);
        if stream_lines {
            print_json_line(file);
        }
    };
    let files = engine::run(&spec, plan, &options, &on_done)?;
    if stream_lines {
        // Paths that could not be listed never reach a worker.
        files[files.len().saturating_sub(unlisted)..]
            .iter()
            .for_each(print_json_line);
    }
    let report = engine::report(&spec, operator, files);
    let color = target == Target::Stdout
        && args.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    if !stream_lines {
        emit(&report, args.format, &target, color)?;
    }
    if report.files.is_empty() && found_any {
        // A share of a delivery may hold none of its files: a job array must not fail for it.
        let shard = options.shard.map(|s| s.to_string()).unwrap_or_default();
        eprintln!("dailies-qc: shard {shard} holds none of the files found");
    } else if report.files.is_empty() {
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

/// `file` as one JSON line on standard output, written whole (lines from worker threads never
/// interleave). Best effort, as progress is: a closed pipe loses the line, not the run.
fn print_json_line(file: &FileReport) {
    let mut line = Vec::new();
    if output::write_json_line(file, &mut line).is_ok() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&line).and_then(|()| out.flush());
    }
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

/// An MHL history speaks for a whole folder, and a folder being watched is still arriving:
/// verify it with a plain `check` once the offload is complete.
fn refuse_watch_with_mhl(spec: &spec::LoadedSpec) -> Result<()> {
    if spec
        .spec
        .integrity
        .as_ref()
        .is_some_and(|i| i.mhl.is_some())
    {
        bail!(
            "--watch does not verify MHL histories (integrity.mhl in {}): run check without --watch once the offload is complete",
            spec.path.display()
        );
    }
    Ok(())
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
        watch: args
            .engine
            .watch
            .then(|| Duration::from_secs_f64(args.engine.settle)),
    };
    if options.watch.is_some() {
        refuse_watch_with_mhl(&options.spec)?;
    }
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

fn seal(args: SealArgs) -> Result<Outcome> {
    let report = load_report(&args.report)?;
    let operator = args.operator.unwrap_or_else(engine::default_operator);
    let seal = dailies_qc::mhl::seal::Seal {
        operator: &operator,
        report_path: &args.report,
        now: chrono::Utc::now(),
    };
    let sealed = dailies_qc::mhl::seal::seal(&report, &seal)
        .wrap_err_with(|| format!("not sealed: {}", args.report.display()))?;
    for generation in sealed {
        let _ = writeln!(
            std::io::stdout(),
            "Sealed {}: generation {} ({} files) in {}",
            generation.folder.display(),
            generation.number,
            generation.files,
            generation.generation.display()
        );
    }
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
