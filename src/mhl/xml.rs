//! A small element tree of an MHL file, each element with the line it starts on, so that
//! every problem found in it can name the line. MHL files are written by many tools and
//! copied by hand: anything malformed is an error value here, never a panic. The bytes are
//! decoded first, in the encoding they declare ([`super::decode`]).

use super::decode;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    /// The local name (`hash`, not `{urn:ASC:MHL:v2.0}hash`).
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// The text directly inside, references resolved, whitespace around it trimmed.
    pub text: String,
    /// 1-based line of the start tag.
    pub line: usize,
    pub children: Vec<Element>,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Why a file cannot be decoded or is not well-formed XML, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct XmlError {
    pub line: usize,
    pub message: String,
}

/// Decodes `bytes` and parses them into the document's root element.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let text = decode::to_utf8(bytes).map_err(|e| XmlError {
        line: e.line,
        message: format!("cannot be decoded: {}", e.message),
    })?;
    parse_utf8(text.as_bytes()).map_err(|e| XmlError {
        message: format!("broken XML: {}", e.message),
        ..e
    })
}

fn parse_utf8(bytes: &[u8]) -> Result<Element, XmlError> {
    let mut reader = Reader::from_reader(bytes);
    let mut buffer = Vec::new();
    // The elements opened and not yet closed; the finished root ends up alone in `done`.
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let lines = std::cell::RefCell::new(LineCounter::default());
    let line_at = |offset: u64| lines.borrow_mut().line_of(bytes, offset);
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event_into(&mut buffer).map_err(|e| XmlError {
            line: line_at(reader.error_position()),
            message: e.to_string(),
        })?;
        let fail = |message: String| XmlError {
            line: line_at(start),
            message,
        };
        match event {
            Event::Start(tag) => {
                // MHL nests a handful of levels; a bound keeps every walk of the tree (and its
                // drop) shallow, whatever a hostile file nests.
                if open.len() >= MAX_DEPTH {
                    return Err(fail(format!(
                        "elements nested deeper than {MAX_DEPTH} levels"
                    )));
                }
                open.push(element(&tag, line_at(start)).map_err(fail)?)
            }
            Event::Empty(tag) => {
                let done = element(&tag, line_at(start)).map_err(fail)?;
                close(done, &mut open, &mut root).map_err(fail)?;
            }
            Event::End(_) => {
                let done = open
                    .pop()
                    .ok_or_else(|| fail("closing tag without an opening one".into()))?;
                close(done, &mut open, &mut root).map_err(fail)?;
            }
            Event::Text(text) => push_text(&mut open, &text.xml10_content()),
            Event::CData(data) => {
                let data = data.into_inner().into_owned();
                push_text(&mut open, &data);
            }
            Event::GeneralRef(reference) => {
                let name = reference.xml10_content();
                let resolved = resolve_reference(&name)
                    .ok_or_else(|| fail(format!("unknown entity &{name};")))?;
                push_text(&mut open, &resolved.to_string());
            }
            Event::DocType(_) => return Err(fail("DOCTYPE is not allowed in an MHL file".into())),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
        buffer.clear();
    }
    if let Some(unclosed) = open.last() {
        return Err(XmlError {
            line: line_at(bytes.len() as u64),
            message: format!(
                "file ends inside <{}> opened on line {}",
                unclosed.name, unclosed.line
            ),
        });
    }
    root.ok_or_else(|| XmlError {
        line: 1,
        message: "no root element".into(),
    })
    .map(trim_texts)
}

fn element(tag: &BytesStart, line: usize) -> Result<Element, String> {
    let name = tag.local_name().as_ref().to_owned();
    let mut attributes = Vec::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = attribute.key.local_name().as_ref().to_owned();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        line,
        ..Element::default()
    })
}

fn close(done: Element, open: &mut [Element], root: &mut Option<Element>) -> Result<(), String> {
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None if root.is_none() => *root = Some(done),
        None => return Err("a second root element".into()),
    }
    Ok(())
}

fn push_text(open: &mut [Element], text: &str) {
    if let Some(current) = open.last_mut() {
        current.text.push_str(text);
    }
}

fn trim_texts(mut element: Element) -> Element {
    element.text = element.text.trim().to_owned();
    element.children = element.children.into_iter().map(trim_texts).collect();
    element
}

/// The five predefined entities and character references; anything else is unknown.
fn resolve_reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
    }
}

/// The deepest nesting accepted: an MHL v2 generation nests four levels.
const MAX_DEPTH: usize = 64;

/// 1-based lines of byte offsets, counted on from the last offset asked for: the parser asks in
/// increasing order, so a file of 200,000 entries is counted through once, not once per entry.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    fn line_of(&mut self, bytes: &[u8], offset: u64) -> usize {
        let end = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        if end < self.offset {
            *self = LineCounter::default();
        }
        self.line += bytes[self.offset..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = end;
        1 + self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_carry_their_lines_and_resolved_text() {
        let doc = b"<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\">\n  <b n=\"1\">R&amp;D &#x41;</b>\n  <c/>\n</a>\n";
        let root = parse(doc).expect("parses");
        assert_eq!(root.name, "a");
        let b = root.child("b").expect("b");
        assert_eq!((b.line, b.text.as_str()), (3, "R&D A"));
        assert_eq!(b.attribute("n"), Some("1"));
        assert_eq!(root.child("c").map(|c| c.line), Some(4));
    }

    #[test]
    fn malformed_documents_are_errors_with_a_line() {
        let cases: [(&[u8], usize); 4] = [
            (b"<a>\n<b>\n</a>\n", 3),
            (b"<a>\n<b>\n", 3),
            (b"<a>\n&bogus;</a>", 2),
            (b"<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a/>", 1),
        ];
        for (doc, line) in cases {
            let error = parse(doc).expect_err("malformed");
            assert_eq!(error.line, line, "{error:?}");
            assert!(error.message.starts_with("broken XML: "), "{error:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let depth = 5000;
        let doc = format!("{}{}", "<a>\n".repeat(depth), "</a>".repeat(depth));
        let error = parse(doc.as_bytes()).expect_err("too deep");
        assert_eq!(error.line, MAX_DEPTH + 1, "{error:?}");
        assert!(error.message.contains("nested deeper than 64"), "{error:?}");
    }

    #[test]
    fn a_utf16_document_is_parsed_with_its_lines() {
        let doc =
            "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<a>\n  <b>Été €</b>\n</a>\n";
        let bytes: Vec<u8> = doc.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let b = parse(&bytes).expect("parses");
        let b = b.child("b").expect("b");
        assert_eq!((b.line, b.text.as_str()), (3, "Été €"));
        let error = parse(b"<a>\n\xff</a>").expect_err("not UTF-8");
        assert_eq!(error.line, 2);
        assert!(
            error.message.starts_with("cannot be decoded: "),
            "{error:?}"
        );
    }
}
