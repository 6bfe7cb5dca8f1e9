//! `check --watch`: each file's result on standard output as it lands, until interrupted.

use crate::cli::CheckArgs;
use crate::commands::Outcome;
use color_eyre::eyre::{Result, bail};
use dailies_qc::engine::Options;
use dailies_qc::output::{self, Format};
use dailies_qc::spec::LoadedSpec;
use std::io::{IsTerminal, Write};
use std::time::Duration;

pub fn check(args: &CheckArgs, spec: &LoadedSpec, options: &Options) -> Result<Outcome> {
    if !matches!(args.format, Format::Text | Format::Jsonl) {
        bail!("--watch prints each file as it lands: give --format text or jsonl");
    }
    if args.output.is_some() {
        bail!("--watch prints to standard output: redirect it rather than give -o");
    }
    let color = args.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let emit = |file: &dailies_qc::report::FileReport| {
        let mut line = Vec::new();
        let written = match args.format {
            Format::Jsonl => output::write_json_line(file, &mut line),
            _ => output::write_file_text(file, &mut line, color),
        };
        // Whole lines at once, flushed: a reader of a pipe never sees half a file's result.
        let mut out = std::io::stdout().lock();
        written.is_ok() && out.write_all(&line).and_then(|()| out.flush()).is_ok()
    };
    let settle = Duration::from_secs_f64(args.engine.settle);
    dailies_qc::watch::watch(spec, &args.engine.paths, options, settle, &emit)?;
    // Only a closed standard output ends a watch: whoever read it is gone.
    Ok(Outcome::Pass)
}
