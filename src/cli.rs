//! Command line (clap derive). `review` is the default subcommand.

use clap::{Args, Parser, Subcommand};
use dailies_qc::output::Format;
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "dailies-qc", version, long_version = LONG_VERSION, about = "QC of dailies and deliverables against a YAML delivery spec", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the review screen (the default when no subcommand is given)
    Review(ReviewArgs),
    /// Check files headlessly; exit 0 all pass, 1 any fail/unreadable, 2 usage or spec error
    Check(CheckArgs),
    /// Write a saved JSON report as HTML, CSV or JUnit XML
    Export(ExportArgs),
    /// Combine reports from several machines (same spec) into one, to review a whole delivery
    Merge(MergeArgs),
    /// Generate a folder of sample dailies (some with real defects) to try the tool on
    Demo(DemoArgs),
    /// Write an ASC MHL v2 generation into the media folders of an approved report
    Seal(SealArgs),
    /// Print the shell completion script (e.g. `dailies-qc completions bash >
    /// /etc/bash_completion.d/dailies-qc`)
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (e.g. `dailies-qc man > /usr/local/share/man/man1/dailies-qc.1`)
    Man,
}

/// `--version`: the release, the build, and how files are probed (the FFmpeg the probe worker
/// was built against, or ffprobe alone).
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("DAILIES_QC_BUILD"),
    ")\nprobe: ",
    env!("DAILIES_QC_PROBE_BUILD"),
);

#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Delivery spec (YAML)
    #[arg(long, value_name = "SPEC")]
    pub spec: PathBuf,
    /// Files inspected at once [default: number of CPUs]
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Seconds before a hung ffprobe (stale network mount) is killed
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = parse_timeout)]
    pub probe_timeout: f64,
    /// Check only share K of N (1-based), split by a hash of each file's path relative to the
    /// PATH it was found under: give every machine the same PATHs, then `merge` the reports
    #[arg(long, value_name = "K/N")]
    pub shard: Option<dailies_qc::shard::Shard>,
    /// Keep running and check files as they land (stop with Ctrl-C)
    #[arg(long)]
    pub watch: bool,
    /// With --watch: judge a file once its size and modification time have held this long
    #[arg(long, value_name = "SECONDS", default_value_t = dailies_qc::watch::DEFAULT_SETTLE.as_secs_f64(), value_parser = parse_settle, requires = "watch")]
    pub settle: f64,
    /// Inspect every file afresh: neither read nor write the cache of earlier results
    /// ($XDG_CACHE_HOME/dailies-qc)
    #[arg(long)]
    pub no_cache: bool,
    /// Media files and folders (folders are walked recursively)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Report to write (and resume, if it exists)
    #[arg(
        long,
        value_name = "REPORT.json",
        default_value = "dailies-qc-report.json"
    )]
    pub report: PathBuf,
    /// Name recorded on every review [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// Resume a report made with another spec: re-check every file of it against this spec,
    /// keeping reviews only of findings that are unchanged
    #[arg(long)]
    pub respec: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to FILE instead of standard output (`-` is standard output; a FIFO
    /// or device is written into, a symlink is followed)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Let -o replace a report that holds reviews (or the report being read)
    #[arg(long)]
    pub force: bool,
    /// Name recorded in the report [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A report written by `check --format json` or the review screen
    #[arg(value_name = "REPORT.json")]
    pub report: PathBuf,
    #[arg(long, value_enum)]
    pub format: Format,
    /// Write to FILE instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Let -o replace a report that holds reviews (or the report being read)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Reports written by `check --format json` or the review screen
    #[arg(value_name = "REPORT.json", required = true, num_args = 1..)]
    pub reports: Vec<PathBuf>,
    /// The spec the reports were made with [default: the one they name]: the files are judged
    /// together again by it (clips, sound pairing, conform, the MHL folder)
    #[arg(long, value_name = "SPEC")]
    pub spec: Option<PathBuf>,
    /// Write the merged report to FILE instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Let -o replace a report that holds reviews (or the report being read)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder to create the sample dailies in
    #[arg(value_name = "DIR", default_value = "dailies-qc-demo")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SealArgs {
    /// An approved report made with `integrity: {mhl: …}` in its spec
    #[arg(long, value_name = "REPORT.json")]
    pub report: PathBuf,
    /// Name recorded as the generation's author [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
}

/// A timeout in seconds: finite, from 0.1 s to a day.
fn parse_timeout(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if seconds.is_finite() && (0.1..=86_400.0).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(format!("{text} is out of range: give 0.1 to 86400 seconds"))
    }
}

/// A settle time in seconds: finite, from 0 to a day.
fn parse_settle(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if seconds.is_finite() && (0.0..=86_400.0).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(format!("{text} is out of range: give 0 to 86400 seconds"))
    }
}

const SUBCOMMANDS: &[&str] = &[
    "review",
    "check",
    "export",
    "merge",
    "demo",
    "seal",
    "completions",
    "man",
    "help",
];

/// Makes `review` the default: `dailies-qc --spec S PATH` means `dailies-qc review --spec S PATH`.
/// Arguments stay `OsString`s: a media, spec or output path need not be UTF-8.
pub fn with_default_subcommand(args: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = args.get(1).map(|arg| arg.to_str()) else {
        return args;
    };
    let is_top_level_flag = matches!(first, Some("-h" | "--help" | "-V" | "--version"));
    if first.is_some_and(|arg| SUBCOMMANDS.contains(&arg)) || is_top_level_flag {
        return args;
    }
    let mut out = Vec::with_capacity(args.len() + 1);
    let mut args = args.into_iter();
    out.extend(args.next());
    out.push("review".into());
    out.extend(args);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn probe_timeout_must_be_finite_and_sensible() {
        assert_eq!(parse_timeout("1.5"), Ok(1.5));
        assert!(parse_timeout("inf").is_err());
        assert!(parse_timeout("1e20").is_err());
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("soon").is_err());
    }

    #[test]
    fn review_is_default() {
        assert_eq!(
            with_default_subcommand(v(&["q", "--spec", "s", "p"]))[1],
            "review"
        );
        assert_eq!(
            with_default_subcommand(v(&["q", "check", "--spec", "s"]))[1],
            "check"
        );
        assert_eq!(with_default_subcommand(v(&["q", "--help"]))[1], "--help");
    }

    #[test]
    fn paths_that_are_not_utf8_reach_the_command() {
        use std::os::unix::ffi::OsStrExt;
        let odd = |bytes: &[u8]| std::ffi::OsStr::from_bytes(bytes).to_os_string();
        let mut args = v(&["q", "--spec"]);
        args.extend([odd(b"s\xff.yaml"), odd(b"clip\xfe.mov")]);
        let args = with_default_subcommand(args);
        assert_eq!(args[1], "review");
        let Command::Review(review) = Cli::try_parse_from(args).expect("parses").command else {
            panic!("not review")
        };
        assert_eq!(review.engine.spec.as_os_str(), odd(b"s\xff.yaml"));
        assert_eq!(review.engine.paths, [PathBuf::from(odd(b"clip\xfe.mov"))]);
        let args = with_default_subcommand(vec![odd(b"q"), odd(b"\xff")]);
        assert_eq!(args, [odd(b"q"), "review".into(), odd(b"\xff")]);
    }

    #[test]
    fn parses_check() {
        let cli = Cli::try_parse_from(v(&[
            "q", "check", "--spec", "s.yaml", "--format", "json", "-o", "x", "a", "b",
        ]))
        .unwrap();
        match cli.command {
            Command::Check(c) => {
                assert_eq!(c.format, Format::Json);
                assert_eq!(c.engine.paths.len(), 2);
            }
            other => panic!("{other:?}"),
        }
    }
}
