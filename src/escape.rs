//! Text from media (file names, tags, notes) is untrusted: a name holding an ANSI escape must
//! not drive the operator's terminal, a bidi override must not disguise a name, and no export
//! may carry a control character raw (XML 1.0 cannot carry most of them even escaped).

use std::borrow::Cow;
use std::fmt::Write;

/// Replaces control characters and bidi overrides with visible escapes (`\x1b`, `\n`, `\u{202e}`).
pub fn escape_control(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`escape_control`] for multi-line text (an operator's note) going where a line break is
/// safe and means what it says (a quoted CSV cell, HTML text, XML text): line breaks stay.
pub fn escape_control_except_newlines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// A path for people: control characters escaped, bytes that are not UTF-8 as `\xNN`, and in
/// a name not in Unicode NFC (a Mac's `e` + U+0301 where Linux tools write `é`) the combining
/// marks as `\u{301}`: two names that differ only in such ways never look the same.
pub fn escape_path(path: &std::path::Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut shown = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        let valid = escape_control(chunk.valid());
        if is_nfc(&valid) {
            shown.push_str(&valid);
        } else {
            for c in valid.chars() {
                if unicode_normalization::char::is_combining_mark(c) {
                    let _ = write!(shown, "\\u{{{:x}}}", c as u32);
                } else {
                    shown.push(c);
                }
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(shown, "\\x{byte:02x}");
        }
    }
    shown
}

/// Whether `text` is in Unicode Normalization Form C, as names typed on Linux and Windows are.
pub fn is_nfc(text: &str) -> bool {
    unicode_normalization::is_nfc(text)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let escaped = |c: char| needs_escape(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !escaped(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Controls, bidi overrides, and the two noncharacters XML 1.0 has no place for.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffe}' | '\u{ffff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(escape_control("a\x1b[2Jb.mov"), "a\\x1b[2Jb.mov");
        assert_eq!(escape_control("line\nbreak\t"), "line\\nbreak\\t");
        assert_eq!(escape_control("\u{202e}vom.exe"), "\\u{202e}vom.exe");
        assert_eq!(escape_control("\u{9b}"), "\\x9b");
        assert_eq!(escape_control("\0\u{ffff}"), "\\x00\\u{ffff}");
    }

    #[test]
    fn notes_keep_their_line_breaks_and_nothing_else() {
        assert_eq!(
            escape_control_except_newlines("one\ntwo\r\n\x07\t"),
            "one\ntwo\\r\n\\x07\\t"
        );
        assert!(matches!(
            escape_control_except_newlines("one\ntwo"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn names_differing_only_in_normalisation_look_different() {
        let composed = std::path::Path::new("/card/Caf\u{e9}.mov");
        let decomposed = std::path::Path::new("/card/Cafe\u{301}.mov");
        assert_eq!(escape_path(composed), "/card/Caf\u{e9}.mov");
        assert_eq!(escape_path(decomposed), "/card/Cafe\\u{301}.mov");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        assert!(matches!(
            escape_control("Café 日本 -i.mov"),
            Cow::Borrowed(_)
        ));
    }
}
