//! What each subcommand does. A command returns whether QC passed; any error goes up to
//! `main`, which prints it and decides the exit code.

use crate::cli::{
    CheckArgs, Cli, Command, DemoArgs, EngineArgs, ExportArgs, MergeArgs, ReviewArgs, SealArgs,
};
use crate::output_target::{self, Inputs};
use crate::printer::{Lines, Printer};
use color_eyre::eyre::{Result, WrapErr, bail};
use dailies_qc::engine::{self, Options};
use dailies_qc::output::{self, Format};
use dailies_qc::report::{self, Report};
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
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
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
        prober: defaults.prober,
    }
}

fn check(args: CheckArgs) -> Result<Outcome> {
    let spec = spec::load(&args.engine.spec)?;
    let options = engine_options(&args.engine);
    if args.engine.watch {
        refuse_watch_with_mhl(&spec)?;
        crate::watching::check(&args, &spec, &options)?;
        return Ok(Outcome::Pass);
    }
    let operator = args.operator.unwrap_or_else(engine::default_operator);
    let mut plan = engine::plan(&spec, &args.engine.paths);
    let found_any = !plan.files.is_empty() || !plan.unlisted.is_empty();
    let inputs = Inputs {
        media: &plan.files,
        spec: Some(&args.engine.spec),
        ..Inputs::default()
    };
    let target = output_target::choose(args.output.as_deref(), &inputs, args.force)?;
    // After choosing the output: -o must not name a file of another machine's share either.
    plan.keep_share(options.shard, &args.engine.paths);
    // JSON lines on standard output go out as each file finishes; to a file, all at once.
    let stream_lines = args.format == Format::Jsonl && target == Target::Stdout;
    let printer = Printer {
        lines: if stream_lines {
            Lines::Json
        } else {
            Lines::None
        },
        progress: std::io::stderr().is_terminal(),
    };
    let judged = engine::run(&spec, plan, &options, &printer);
    let report = engine::report(&spec, operator, judged);
    let color = target == Target::Stdout
        && args.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    if !stream_lines {
        emit(&report, args.format, &target, color)?;
    }
    if let Some(shard) = options.shard {
        if report.files.is_empty() && found_any {
            // A share of a delivery may hold none of its files: a job array must not fail for it.
            eprintln!("dailies-qc: shard {shard} holds none of the files found");
        } else if has_cross_file_rules(&spec) {
            eprintln!(
                "dailies-qc: shard {shard}: clips, sound pairing, conform and missing MHL files are judged when the shards are merged"
            );
        }
    }
    if report.files.is_empty() && !found_any {
        // An empty delivery is almost always a wrong path or include glob: never a silent pass.
        eprintln!(
            "dailies-qc: no media files found in the given paths (spec files.include decides what is taken)"
        );
        return Ok(Outcome::QcFailed);
    }
    Ok(verdict(&report))
}

fn verdict(report: &Report) -> Outcome {
    if report.all_pass() {
        Outcome::Pass
    } else {
        Outcome::QcFailed
    }
}

/// Whether the spec asks for anything only the whole delivery can tell.
fn has_cross_file_rules(spec: &spec::LoadedSpec) -> bool {
    let rules = &spec.spec;
    rules.clips.is_some()
        || rules.double_system.is_some()
        || rules.conform.is_some()
        || rules.integrity.as_ref().is_some_and(|i| i.mhl.is_some())
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
        spec: args.spec.as_deref(),
        ..Inputs::default()
    };
    let target = output_target::choose(args.output.as_deref(), &inputs, args.force)?;
    let loaded = args
        .reports
        .iter()
        .map(|path| load_report(path).map(|report| (path.clone(), report)))
        .collect::<Result<Vec<_>>>()?;
    let combined = report::combine(loaded)?;
    let spec = merge_spec(args.spec.as_deref(), &combined)?;
    let options = Options {
        cache: dailies_qc::cache::Cache::user(),
        ..Options::default()
    };
    let judged = engine::rejudge(&spec, &options, &combined);
    for note in &judged.notes {
        eprintln!("dailies-qc: merge: {note}");
    }
    let mut merged = engine::report(&spec, combined.operator.clone(), judged);
    (merged.created, merged.updated) = (combined.created.clone(), combined.updated.clone());
    merged.spec = combined.spec.clone();
    merged.refresh_summary();
    emit(&merged, Format::Json, &target, false)?;
    // The merged report is the result, reviews and all: merge itself succeeded.
    Ok(Outcome::Pass)
}

/// The spec the shards were checked against: `--spec`, else the one each report names; either
/// way it must be the very spec (by sha256), since the merge judges the files together by it.
fn merge_spec(given: Option<&Path>, combined: &Report) -> Result<spec::LoadedSpec> {
    let path = given.map_or_else(
        || Path::new(&combined.spec.path).to_path_buf(),
        Path::to_path_buf,
    );
    let spec = spec::load(&path).wrap_err_with(|| {
        format!(
            "merge judges the files together again by the spec the reports were made with; give it with --spec (the reports name {})",
            combined.spec.path
        )
    })?;
    if spec.sha256 != combined.spec.sha256 {
        bail!(
            "{} is not the spec the reports were made with (its sha256 differs): give that spec with --spec",
            path.display()
        );
    }
    Ok(spec)
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

/// The completion script for `shell`, from the same definitions the parser uses.
fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
    // Into memory first: clap_complete panics on a failed write (`| head` closing the pipe).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "dailies-qc", &mut script);
    print_quietly(&script)
}

/// Writes `bytes` to stdout; a reader that went away (`| head`) is no error.
fn print_quietly(bytes: &[u8]) -> Result<Outcome> {
    match std::io::stdout().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(Outcome::Pass),
    }
}

/// The manual page (roff), from the same definitions the parser uses.
fn man() -> Result<Outcome> {
    let command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    print_quietly(&page)
}

fn seal(args: SealArgs) -> Result<Outcome> {
    // A live review may still change the verdicts this seal stands on.
    if let Some(holder) = dailies_qc::tui::lock::live_holder(&args.report) {
        bail!(
            "not sealed: {} is open in a review session ({}): seal once it is closed",
            args.report.display(),
            holder.describe()
        );
    }
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
