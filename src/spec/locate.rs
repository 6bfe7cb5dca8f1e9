//! Locating errors serde_yaml cannot place: cross-key rules found after parsing (keys in
//! block-style mappings; a key inside a flow mapping such as `{a: 1}` falls back to its nearest
//! block-style parent), bytes that are not UTF-8, and a second document.

/// 1-based (line, column) of the key at `path` (e.g. `["video", "width"]`; a list item is its
/// index, `["kinds", "1", "name"]`, counted among the block-style `- ` items of its parent).
pub fn key_position(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let mut stack: Vec<Node> = Vec::new();
    let mut best: Option<(usize, (usize, usize))> = None;
    let mut consider = |stack: &[Node], line: usize, column: usize| {
        let depth = stack.len();
        if depth <= path.len()
            && stack.iter().zip(path).all(|(node, p)| node.key == *p)
            && best.is_none_or(|(d, _)| depth > d)
        {
            best = Some((depth, (line, column)));
        }
    };
    for (number, line) in text.lines().enumerate() {
        let content = line.split(" #").next().unwrap_or("");
        let mut indent = content.len() - content.trim_start().len();
        let mut trimmed = content.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(item) = trimmed.strip_prefix('-')
            && (item.is_empty() || item.starts_with(' '))
        {
            // An item at the indentation of its parent's key (`kinds:\n- name: a`) still
            // belongs to that key.
            while stack
                .last()
                .is_some_and(|n| n.indent > indent || (n.indent == indent && n.is_item))
            {
                stack.pop();
            }
            let index = stack.last_mut().map_or(0, |parent| {
                parent.items += 1;
                parent.items - 1
            });
            stack.push(Node::item(indent, index));
            consider(&stack, number + 1, indent + 1);
            let rest = item.trim_start();
            indent += trimmed.len() - rest.len();
            trimmed = rest;
        }
        let Some((key, _)) = trimmed.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        if key.starts_with(['-', '{', '[']) {
            continue;
        }
        while stack.last().is_some_and(|n| n.indent >= indent) {
            stack.pop();
        }
        stack.push(Node::key(indent, key));
        consider(&stack, number + 1, indent + 1);
    }
    best.map(|(_, position)| position)
}

/// A key, or a list item named by its index, on the way down to the current line.
struct Node {
    indent: usize,
    key: String,
    is_item: bool,
    /// `- ` items seen under this node so far.
    items: usize,
}

impl Node {
    fn key(indent: usize, key: &str) -> Node {
        Node {
            indent,
            key: key.to_owned(),
            is_item: false,
            items: 0,
        }
    }

    fn item(indent: usize, index: usize) -> Node {
        Node {
            is_item: true,
            ..Node::key(indent, &index.to_string())
        }
    }
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

/// 1-based (line, column) of whatever follows `before`, the text from the start of the file;
/// columns count characters, as serde_yaml's do.
pub fn position_after(before: &str) -> (usize, usize) {
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// 1-based (line, column) where a second YAML document begins: a `---` after content (or after
/// an earlier `---`), or content after a `...` end marker.
pub fn second_document(text: &str) -> Option<(usize, usize)> {
    let marker = |line: &str, mark: &str| {
        line.strip_prefix(mark)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    };
    let mut documents = 0;
    let mut inside = false;
    for (number, line) in text.lines().enumerate() {
        let starts = if marker(line, "---") {
            true
        } else if marker(line, "...") {
            inside = false;
            false
        } else {
            let trimmed = line.trim();
            let content =
                !(trimmed.is_empty() || trimmed.starts_with('#') || line.starts_with('%'));
            content && !inside
        };
        if starts {
            documents += 1;
            inside = true;
            if documents == 2 {
                return Some((number + 1, 1));
            }
        }
    }
    None
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
    fn positions_count_characters_after_the_last_newline() {
        assert_eq!(position_after(""), (1, 1));
        assert_eq!(position_after("name: x\ndescription: caf"), (2, 17));
        assert_eq!(position_after("name: \u{e9}t\u{e9}"), (1, 10));
    }

    #[test]
    fn finds_the_second_document() {
        assert_eq!(second_document("name: a\n---\nname: b\n"), Some((2, 1)));
        assert_eq!(second_document("---\nname: a\n---\n"), Some((3, 1)));
        assert_eq!(
            second_document("# c\n%YAML 1.2\n---\nname: a\n...\nname: b\n"),
            Some((6, 1))
        );
        assert_eq!(second_document("--- # one\nname: a\n...\n"), None);
        assert_eq!(second_document("name: a\ndescription: |\n  ---\n"), None);
        assert_eq!(second_document("name: ---x\n"), None);
    }

    #[test]
    fn finds_keys_inside_list_items() {
        let text = "name: x\nkinds:\n  - name: a\n    match: {has: [video]}\n  - name: b\n    match:\n      has: [sound]\nvideo: {}\n";
        assert_eq!(key_position(text, &["kinds", "1", "name"]), Some((5, 5)));
        assert_eq!(
            key_position(text, &["kinds", "1", "match", "has"]),
            Some((7, 7))
        );
        assert_eq!(
            key_position(text, &["kinds", "0", "match", "has"]),
            Some((4, 5))
        );
        assert_eq!(key_position(text, &["kinds", "1"]), Some((5, 3)));
        assert_eq!(key_position(text, &["video"]), Some((8, 1)));
        let flush = "kinds:\n- name: a\n- name: b\n  audio: {}\nvideo: {}\n";
        assert_eq!(key_position(flush, &["kinds", "1", "audio"]), Some((4, 3)));
        assert_eq!(key_position(flush, &["video"]), Some((5, 1)));
    }

    #[test]
    fn falls_back_to_parent_for_flow_maps() {
        let text = "name: x\nduration: {min: 10, max: 5}\n";
        assert_eq!(key_position(text, &["duration", "min"]), Some((2, 1)));
    }
}
