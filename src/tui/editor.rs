//! A one-line text editor for notes, waiver reasons and the search query. Positions are in
//! characters, not bytes, so editing "Café 日本" never splits a character.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    text: String,
    /// Cursor position in characters (0..=len).
    cursor: usize,
}

impl LineEditor {
    /// An editor holding `text` with the cursor at its end.
    pub fn with_text(text: &str) -> LineEditor {
        LineEditor {
            text: text.to_owned(),
            cursor: text.chars().count(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.chars().count();
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_unicode_by_character() {
        let mut e = LineEditor::with_text("Café");
        e.backspace();
        assert_eq!(e.text(), "Caf");
        e.insert('é');
        e.insert('日');
        e.home();
        e.insert('»');
        e.right();
        e.delete();
        assert_eq!(e.text(), "»Cf\u{e9}日");
        assert_eq!(e.cursor(), 2);
        e.end();
        e.left();
        e.backspace();
        assert_eq!(e.text(), "»Cf日");
    }
}
