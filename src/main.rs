use clap::Parser;
use dailies_qc::cli::{Cli, with_default_subcommand};
use dailies_qc::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("warning: could not install the error reporter: {e}");
    }
    let cli = Cli::parse_from(with_default_subcommand(std::env::args().collect()));
    commands::dispatch(cli)
}
