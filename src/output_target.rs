//! Where `-o` writes, decided before any work is done. Besides what `write_target` refuses
//! (directories, block devices), a path is refused — exit 2, nothing written — when its file
//! must not be replaced: a media file being checked, the spec, a report a live review session
//! holds, and, unless `--force`, the report being read or a report that holds reviews.

use color_eyre::eyre::{Result, bail};
use dailies_qc::check::Verdict;
use dailies_qc::report;
use dailies_qc::tui::lock;
use dailies_qc::write_target::Target;
use std::path::{Path, PathBuf};

/// The files a command reads, which its output must never replace.
#[derive(Default)]
pub struct Inputs<'a> {
    pub media: &'a [PathBuf],
    pub spec: Option<&'a Path>,
    /// Reports read by `export` and `merge`: replaced only with `--force`.
    pub reports: &'a [PathBuf],
}

/// The target for `output` (standard output when `None`), or why it is refused.
pub fn choose(output: Option<&Path>, inputs: &Inputs, force: bool) -> Result<Target> {
    let Some(output) = output else {
        return Ok(Target::Stdout);
    };
    let target = Target::resolve(output)?;
    let shown = output.display();
    if inputs.media.iter().any(|m| target.is_same_file_as(m)) {
        bail!("{shown}: is one of the media files being checked; refusing to write over it");
    }
    if inputs.spec.is_some_and(|s| target.is_same_file_as(s)) {
        bail!("{shown}: is the spec; refusing to write over it");
    }
    let Some(existing) = target.existing_file() else {
        return Ok(target);
    };
    if let Some(holder) = lock::live_holder(existing) {
        bail!(
            "{shown}: is open in a review session ({}); refusing to write over it",
            holder.describe()
        );
    }
    if force {
        return Ok(target);
    }
    if inputs.reports.iter().any(|r| target.is_same_file_as(r)) {
        bail!(
            "{shown}: is the report being read; refusing to replace it \
             (--force replaces it anyway, or pick another -o)"
        );
    }
    let reviews = match report::load(existing) {
        Ok(report) => reviews_in(&report),
        Err(e) => {
            if let Some(why) = unreadable_report(existing, &e) {
                bail!(
                    "{shown}: {why}; refusing to replace it, it may hold reviews \
                     (--force replaces it anyway, or pick another -o)"
                );
            }
            0
        }
    };
    if reviews > 0 {
        bail!(
            "{shown}: is a report that holds {reviews} review{}; refusing to replace it \
             (--force replaces it anyway, or pick another -o)",
            if reviews == 1 { "" } else { "s" }
        );
    }
    Ok(target)
}

/// Why an existing file that did not load as a report may still be one whose reviews would be
/// lost: a report of a newer schema or with a value this build does not know, or JSON cut
/// short (a report being written when the machine died). `None` for anything else (a CSV, HTML
/// or text export, which `-o` may replace).
fn unreadable_report(path: &Path, error: &report::LoadError) -> Option<String> {
    if let report::LoadError::Schema(schema) = error {
        return Some(format!(
            "is a report of schema {schema}, which this version cannot read"
        ));
    }
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("dailies-qc/report@") {
        return Some(format!(
            "looks like a dailies-qc report but cannot be read ({error})"
        ));
    }
    text.trim_start()
        .starts_with('{')
        .then(|| format!("is JSON that cannot be read ({error})"))
}

/// Findings an operator has judged or annotated.
fn reviews_in(report: &report::Report) -> usize {
    report
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .filter(|f| f.review.verdict != Verdict::Open || !f.review.note.is_empty())
        .count()
}
