//! Text from media (file names, tags, notes) is untrusted: a name holding an ANSI escape must
//! not drive the operator's terminal, and a bidi override must not disguise a name.

use std::borrow::Cow;
use std::fmt::Write;

/// Replaces control characters and bidi overrides with visible escapes (`\x1b`, `\n`, `\u{202e}`).
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && needs_escape(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        assert!(matches!(
            escape_control("Café 日本 -i.mov"),
            Cow::Borrowed(_)
        ));
    }
}
