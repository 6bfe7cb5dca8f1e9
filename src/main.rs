//! The `dailies-qc` program: parses the command line, runs one command, and turns its result
//! into the exit code. Errors are printed here and nowhere else.

mod cli;
mod commands;
mod output_target;
mod printer;
mod watching;

use clap::Parser;
use cli::{Cli, with_default_subcommand};
use commands::Outcome;
use std::io::Write;
use std::process::ExitCode;

/// Exit codes, as ripgrep's: every file passes; a file failed QC or could not be read; an
/// error (usage, spec, IO) stopped the command.
const EXIT_PASS: u8 = 0;
const EXIT_QC_FAILED: u8 = 1;
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            // `{:#}` is the one-line chain, "context: cause", not color-eyre's report.
            // Never a panic on a closed stderr (a dropped SSH session): the message is lost, the
            // exit code still tells.
            let _ = writeln!(std::io::stderr(), "dailies-qc: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run() -> color_eyre::Result<ExitCode> {
    if let Err(e) = color_eyre::install() {
        let _ = writeln!(
            std::io::stderr(),
            "warning: could not install the error reporter: {e}"
        );
    }
    let cli = Cli::parse_from(with_default_subcommand(std::env::args_os().collect()));
    let code = match commands::dispatch(cli)? {
        Outcome::Pass => EXIT_PASS,
        Outcome::QcFailed => EXIT_QC_FAILED,
    };
    Ok(ExitCode::from(code))
}
