//! `check --watch`: each file's result on standard output as it lands, until interrupted.

use crate::cli::CheckArgs;
use crate::printer::{Lines, Printer};
use color_eyre::eyre::{Result, bail};
use dailies_qc::engine::Options;
use dailies_qc::output::Format;
use dailies_qc::spec::LoadedSpec;
use std::io::IsTerminal;
use std::time::Duration;

/// Returns when standard output closes: whoever read it is gone.
pub fn check(args: &CheckArgs, spec: &LoadedSpec, options: &Options) -> Result<()> {
    let lines = match args.format {
        Format::Jsonl => Lines::Json,
        Format::Text => Lines::Text {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        },
        _ => bail!("--watch prints each file as it lands: give --format text or jsonl"),
    };
    if args.output.is_some() {
        bail!("--watch prints to standard output: redirect it rather than give -o");
    }
    let printer = Printer {
        lines,
        progress: false,
    };
    let settle = Duration::from_secs_f64(args.engine.settle);
    dailies_qc::watch::watch(spec, &args.engine.paths, options, settle, &printer);
    Ok(())
}
