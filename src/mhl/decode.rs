//! The character encoding of an MHL file, found as an XML 1.0 processor finds it (appendix F of
//! the XML spec): a byte order mark, else the `encoding` of the XML declaration, else UTF-8.
//! Older offload tools wrote MHL v1 files in UTF-16 or a legacy 8-bit code page, and the file
//! names in them only match the ones on disk once decoded as declared.

use encoding_rs::{DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// Why the bytes cannot be read as text, and on which line (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    pub line: usize,
    pub message: String,
}

/// The document as UTF-8 text, without its byte order mark.
pub fn to_utf8(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    let at_start = |message: String| DecodeError { line: 1, message };
    // encoding_rs has no UTF-32; without this check its BOM would pass for UTF-16LE's.
    if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) || bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Err(at_start("UTF-32 cannot be decoded".into()));
    }
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((by_bom, length)) => {
            let body = bytes.get(length..).unwrap_or_default();
            let text = decode(by_bom, body)?;
            check_declaration(by_bom, &text, "its byte order mark").map_err(at_start)?;
            return Ok(text);
        }
        // `<?` in UTF-16 without a byte order mark.
        None if bytes.starts_with(&[0, b'<', 0, b'?']) => (UTF_16BE, bytes),
        None if bytes.starts_with(&[b'<', 0, b'?', 0]) => (UTF_16LE, bytes),
        None => {
            // ASCII-compatible: the declaration can be read before the encoding is known.
            let declared = declared_label(bytes)
                .map(|label| for_label(&label))
                .transpose()
                .map_err(at_start)?;
            match declared {
                Some(utf16) if is_utf16(utf16) => {
                    return Err(at_start(format!(
                        "declares {}, but its bytes are not UTF-16",
                        utf16.name()
                    )));
                }
                Some(declared) => (declared, bytes),
                None => (UTF_8, bytes),
            }
        }
    };
    let text = decode(encoding, body)?;
    if is_utf16(encoding) {
        check_declaration(encoding, &text, "its first characters").map_err(at_start)?;
    }
    Ok(text)
}

/// The bytes up to the end of the XML declaration, or nothing when the document has none
/// (the declaration, when there is one, is the very first thing in it).
fn declaration(text: &[u8]) -> &[u8] {
    if !text.starts_with(b"<?xml") {
        return &[];
    }
    let end = text.windows(2).position(|w| w == b"?>").unwrap_or(0);
    text.get(..end).unwrap_or_default()
}

/// The `encoding="…"` of the document's XML declaration.
fn declared_label(text: &[u8]) -> Option<String> {
    let declaration = String::from_utf8_lossy(declaration(text));
    let rest = declaration.split_once("encoding")?.1.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|&q| q == '"' || q == '\'')?;
    let value = rest.get(1..)?.split(quote).next()?;
    Some(value.to_owned())
}

fn for_label(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label_no_replacement(label.as_bytes())
        .ok_or_else(|| format!("declares encoding {label:?}, which cannot be decoded"))
}

fn is_utf16(encoding: &Encoding) -> bool {
    encoding == UTF_16LE || encoding == UTF_16BE
}

/// A declaration in text decoded as `detected` must name that encoding (plain `UTF-16` names
/// either byte order).
fn check_declaration(detected: &'static Encoding, text: &str, by: &str) -> Result<(), String> {
    let Some(label) = declared_label(text.as_bytes()) else {
        return Ok(());
    };
    let declared = for_label(&label)?;
    let plain_utf16 = label.trim().eq_ignore_ascii_case("utf-16");
    if declared == detected || (plain_utf16 && is_utf16(detected)) {
        return Ok(());
    }
    Err(format!(
        "read as {} by {by}, but its XML declaration says {label:?}",
        detected.name()
    ))
}

/// `body` decoded; the first byte sequence that is not valid in `encoding` is an error on its
/// line (nothing is replaced: a file name with a replacement character matches no file).
fn decode<'a>(encoding: &'static Encoding, body: &'a [u8]) -> Result<Cow<'a, str>, DecodeError> {
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .ok_or_else(|| DecodeError {
            line: malformed_line(encoding, body),
            message: format!("a byte sequence that is not valid {}", encoding.name()),
        })
}

/// The line of the first malformed sequence, decoding in small pieces (MHL files can be large).
fn malformed_line(encoding: &'static Encoding, body: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut piece = [0u8; 8192];
    let mut rest = body;
    let mut line = 1;
    loop {
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(rest, &mut piece, true);
        let decoded = piece.get(..written).unwrap_or_default();
        line += decoded.iter().filter(|&&b| b == b'\n').count();
        rest = rest.get(read..).unwrap_or_default();
        match result {
            DecoderResult::OutputFull => {}
            DecoderResult::InputEmpty | DecoderResult::Malformed(..) => return line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn utf16be(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    const DOC: &str = "<a>Café €</a>\n";

    #[test]
    fn the_byte_order_mark_decides_and_a_declaration_must_agree() {
        for declaration in ["", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"] {
            let text = format!("\u{feff}{declaration}{DOC}");
            for bytes in [utf16le(&text), utf16be(&text)] {
                assert_eq!(
                    to_utf8(&bytes).as_deref(),
                    Ok(&text['\u{feff}'.len_utf8()..])
                );
            }
        }
        let text = format!("\u{feff}<?xml version='1.0' encoding='UTF-16LE'?>{DOC}");
        assert!(to_utf8(&utf16le(&text)).is_ok());
        let contradicted = to_utf8(&utf16be(&text)).expect_err("BE bytes, LE declared");
        assert_eq!(contradicted.line, 1);
        assert!(
            contradicted
                .message
                .contains("read as UTF-16BE by its byte order mark"),
            "{contradicted:?}"
        );
        let latin1 = "\u{feff}<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a/>";
        assert!(to_utf8(latin1.as_bytes()).is_err());
        assert_eq!(
            to_utf8(b"\xef\xbb\xbf<a/>").as_deref(),
            Ok("<a/>"),
            "a UTF-8 BOM is dropped"
        );
    }

    #[test]
    fn an_ascii_compatible_document_is_decoded_as_it_declares() {
        let declared = |label: &str| format!("<?xml version=\"1.0\" encoding=\"{label}\"?>\n");
        let text = format!("{}{DOC}", declared("ISO-8859-15"));
        let (bytes, _, unmappable) = encoding_rs::ISO_8859_15.encode(&text);
        assert!(!unmappable);
        assert_eq!(to_utf8(&bytes).as_deref(), Ok(text.as_str()));
        let text = format!("{}{DOC}", declared("windows-1252"));
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        assert_eq!(to_utf8(&bytes).as_deref(), Ok(text.as_str()));
        // UTF-8 bytes read as declared: no longer the same text.
        let text = format!("{}{DOC}", declared("ISO-8859-15"));
        assert!(to_utf8(text.as_bytes()).is_ok_and(|t| !t.contains('€')));
        // Undeclared: UTF-8, borrowed as it is.
        assert!(matches!(to_utf8(DOC.as_bytes()), Ok(Cow::Borrowed(DOC))));
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_recognised_by_its_first_characters() {
        let text = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n{DOC}");
        assert_eq!(to_utf8(&utf16be(&text)).as_deref(), Ok(text.as_str()));
        assert_eq!(to_utf8(&utf16le(&text)).as_deref(), Ok(text.as_str()));
        let wrong = text.replace("UTF-16", "ISO-8859-1");
        assert!(to_utf8(&utf16le(&wrong)).is_err());
    }

    #[test]
    fn what_cannot_be_decoded_is_an_error_on_its_line() {
        let error = |bytes: &[u8]| to_utf8(bytes).expect_err("undecodable");
        let unknown = error(b"<?xml version=\"1.0\" encoding=\"x-bogus\"?>\n<a/>");
        assert_eq!(unknown.line, 1);
        assert!(unknown.message.contains("\"x-bogus\""), "{unknown:?}");
        let declared_utf16 = error(b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<a/>");
        assert!(
            declared_utf16.message.contains("not UTF-16"),
            "{declared_utf16:?}"
        );
        assert_eq!(error(b"\0\0\xfe\xff\0\0\0<").line, 1);
        let invalid_utf8 = error(b"<a>\n<b>\xff</b>\n</a>\n");
        assert_eq!(
            (invalid_utf8.line, invalid_utf8.message.as_str()),
            (2, "a byte sequence that is not valid UTF-8")
        );
        // A lone surrogate on line 3 of a UTF-16 file.
        let mut bytes = utf16le("\u{feff}<a>\n\n");
        bytes.extend([0x00, 0xD8, b'x', 0]);
        assert_eq!(error(&bytes).line, 3);
        // Line counting goes on across the pieces it decodes in.
        let mut long = "\n".repeat(20_000).into_bytes();
        long.push(0xC3);
        assert_eq!(error(&long).line, 20_001);
    }
}
