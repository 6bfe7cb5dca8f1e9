//! Finding where a key sits in YAML text, for errors found after parsing (cross-key rules),
//! when serde_yaml's own location is no longer at hand. Block-style mappings only; a key inside
//! a flow mapping (`{a: 1}`) falls back to its nearest block-style parent.

/// 1-based (line, column) of the key at `path` (e.g. `["video", "width"]`).
pub fn key_position(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut best: Option<(usize, (usize, usize))> = None;
    for (number, line) in text.lines().enumerate() {
        let content = line.split(" #").next().unwrap_or("");
        let indent = content.len() - content.trim_start().len();
        let trimmed = content.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
            continue;
        }
        let Some((key, _)) = trimmed.split_once(':') else {
            continue;
        };
        let key = key
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_owned();
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        stack.push((indent, key));
        let depth = stack.len();
        if depth <= path.len()
            && stack.iter().zip(path).all(|((_, k), p)| k == p)
            && best.is_none_or(|(d, _)| depth > d)
        {
            best = Some((depth, (number + 1, indent + 1)));
        }
    }
    best.map(|(_, position)| position)
}

/// 1-based (line, column) of the value of `path` when it sits on the key's line (`width: wide`
/// points at `wide`), else of the key or its nearest located parent.
pub fn value_position(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let (line, column) = key_position(text, path)?;
    let exact = path.last().is_some_and(|last| {
        let content = text.lines().nth(line - 1).unwrap_or("");
        content[column - 1..]
            .trim_start_matches(['"', '\''])
            .starts_with(last)
    });
    if !exact {
        return Some((line, column));
    }
    let content = text.lines().nth(line - 1).unwrap_or("");
    let after_key = content[column - 1..].find(':').map(|i| column - 1 + i + 1);
    match after_key {
        Some(colon) => {
            let rest = &content[colon..];
            let value = rest.trim_start();
            if value.is_empty() || value.starts_with('#') {
                Some((line, column))
            } else {
                Some((line, colon + rest.len() - value.len() + 1))
            }
        }
        None => Some((line, column)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys() {
        let text = "name: x\nvideo:\n  codec: prores\n  width: 10\naudio:\n  width: 3\n";
        assert_eq!(key_position(text, &["video", "width"]), Some((4, 3)));
        assert_eq!(key_position(text, &["audio", "width"]), Some((6, 3)));
        assert_eq!(key_position(text, &["video"]), Some((2, 1)));
    }

    #[test]
    fn points_at_inline_values() {
        let text = "name: x\nvideo:\n  width: wide\n  height:\n    1080\n";
        assert_eq!(value_position(text, &["video", "width"]), Some((3, 10)));
        assert_eq!(value_position(text, &["video", "height"]), Some((4, 3)));
        assert_eq!(value_position(text, &["video", "depth"]), Some((2, 1)));
    }

    #[test]
    fn falls_back_to_parent_for_flow_maps() {
        let text = "name: x\nduration: {min: 10, max: 5}\n";
        assert_eq!(key_position(text, &["duration", "min"]), Some((2, 1)));
    }
}
