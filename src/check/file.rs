//! `file.name` and `container.format`.

use super::{Finding, ids};
use crate::probe::Probe;
use crate::spec::Spec;

pub fn name(spec: &Spec, file_name: &str) -> Option<Finding> {
    let pattern = spec.files.as_ref()?.naming.as_ref()?;
    if pattern.0.is_match(file_name) {
        return None;
    }
    let shown = crate::escape::escape_control(file_name).into_owned();
    Some(Finding::fail(
        ids::FILE_NAME,
        "file name",
        format!("a name matching {}", pattern.0.as_str()),
        shown,
    ))
}

/// Passes when any comma-separated token of ffprobe's format_name is allowed
/// ("mov,mp4,m4a,3gp,3g2,mj2" is a mov).
pub fn container(spec: &Spec, probe: &Probe) -> Option<Finding> {
    let allowed = spec.container.as_ref()?.format.as_ref()?;
    let actual = probe.container.as_deref().unwrap_or("unknown");
    if actual
        .split(',')
        .any(|token| allowed.contains_ignore_case(token.trim()))
    {
        return None;
    }
    Some(Finding::fail(
        ids::CONTAINER_FORMAT,
        "container",
        allowed.describe(),
        actual,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support::*;

    #[test]
    fn naming_regex() {
        let spec = spec("name: t\nfiles: {naming: '^[A-Z0-9_]+_v\\d{3}\\.mov$'}\n");
        assert!(name(&spec, "A001_C001_v001.mov").is_none());
        let f = name(&spec, "a001 c001.mov").expect("finding");
        assert_eq!(f.actual, "a001 c001.mov");
    }

    #[test]
    fn container_tokens() {
        let mut p = probe();
        assert!(container(&spec("name: t\ncontainer: {format: [mov, mxf]}\n"), &p).is_none());
        p.container = Some("mxf".into());
        assert!(container(&spec("name: t\ncontainer: {format: [mov]}\n"), &p).is_some());
        assert!(container(&spec("name: t\ncontainer: {format: MXF}\n"), &p).is_none());
    }
}
