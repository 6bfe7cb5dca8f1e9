//! The iXML chunk of a production sound file: what the recorder knew about the take. Only the
//! fields the dailies need are read; the rest of the document is walked past.

use quick_xml::Reader;
use quick_xml::events::Event;

/// What the iXML says about a take. Every field is optional: recorders write what they have.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ixml {
    pub project: Option<String>,
    pub scene: Option<String>,
    pub take: Option<String>,
    pub tape: Option<String>,
    pub note: Option<String>,
    pub circled: Option<bool>,
    /// `SPEED/MASTER_SPEED`: the picture rate the take was shot at, e.g. `24000/1001`.
    pub frame_rate: Option<String>,
    /// `SPEED/TIMECODE_RATE`: the rate the recorder's timecode counted at.
    pub timecode_rate: Option<String>,
    /// `SPEED/TIMECODE_FLAG`: `DF` or `NDF`.
    pub timecode_flag: Option<String>,
    /// `SPEED/DIGITIZER_SAMPLE_RATE`: the rate the converters really ran at, which differs
    /// from the file's when the recorder pulled the sound up or down.
    pub digitizer_sample_rate: Option<u32>,
    /// `TRACK_LIST/TRACK/NAME`, in track order.
    pub track_names: Vec<String>,
}

/// Parses an iXML document. A document that is not well-formed XML is an error: a recorder
/// that wrote half a chunk must not pass for one that wrote nothing.
pub fn parse(bytes: &[u8]) -> Result<Ixml, String> {
    // Chunks are padded with NULs (and sometimes spaces) to a fixed size for in-place updates.
    let end = bytes
        .iter()
        .rposition(|&b| b != 0 && !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    let text = std::str::from_utf8(&bytes[..end]).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut ixml = Ixml::default();
    let mut path: Vec<String> = Vec::new();
    let mut value = String::new();
    let mut saw_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(start)) => {
                path.push(start.name().as_ref().to_ascii_uppercase());
                saw_root = true;
                value.clear();
            }
            Ok(Event::Text(t)) => value.push_str(&t.xml10_content()),
            Ok(Event::CData(c)) => value.push_str(&c.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                let name: &str = &r;
                let reference = format!("&{name};");
                let resolved = quick_xml::escape::unescape(&reference)
                    .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
                value.push_str(&resolved);
            }
            Ok(Event::End(_)) => {
                ixml.keep(&path, value.trim());
                value.clear();
                path.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("at byte {}: {e}", reader.error_position())),
        }
    }
    if !path.is_empty() {
        return Err(format!("the document ends inside <{}>", path.join("/")));
    }
    if !saw_root {
        return Err("no XML element in the chunk".to_owned());
    }
    Ok(ixml)
}

impl Ixml {
    /// Records the text of the element at `path` when it is one the dailies use.
    fn keep(&mut self, path: &[String], text: &str) {
        if text.is_empty() {
            return;
        }
        let names: Vec<&str> = path.iter().map(String::as_str).collect();
        let owned = || Some(text.to_owned());
        match names.as_slice() {
            ["BWFXML", "PROJECT"] => self.project = owned(),
            ["BWFXML", "SCENE"] => self.scene = owned(),
            ["BWFXML", "TAKE"] => self.take = owned(),
            ["BWFXML", "TAPE"] => self.tape = owned(),
            ["BWFXML", "NOTE"] => self.note = owned(),
            ["BWFXML", "CIRCLED"] => self.circled = Some(text.eq_ignore_ascii_case("true")),
            ["BWFXML", "SPEED", "MASTER_SPEED"] => self.frame_rate = owned(),
            ["BWFXML", "SPEED", "TIMECODE_RATE"] => self.timecode_rate = owned(),
            ["BWFXML", "SPEED", "TIMECODE_FLAG"] => self.timecode_flag = owned(),
            ["BWFXML", "SPEED", "DIGITIZER_SAMPLE_RATE"] => {
                self.digitizer_sample_rate = text.parse().ok();
            }
            ["BWFXML", "TRACK_LIST", "TRACK", "NAME"] => self.track_names.push(text.to_owned()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOUND_DEVICES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<BWFXML><IXML_VERSION>1.61</IXML_VERSION><PROJECT>Night</PROJECT><SCENE>12A</SCENE>
<TAKE>3</TAKE><TAPE>SR042</TAPE><CIRCLED>TRUE</CIRCLED><NOTE>plane &amp; wind</NOTE>
<SPEED><MASTER_SPEED>24000/1001</MASTER_SPEED><TIMECODE_RATE>24/1</TIMECODE_RATE>
<TIMECODE_FLAG>NDF</TIMECODE_FLAG><DIGITIZER_SAMPLE_RATE>48048</DIGITIZER_SAMPLE_RATE></SPEED>
<TRACK_LIST><TRACK_COUNT>2</TRACK_COUNT><TRACK><CHANNEL_INDEX>1</CHANNEL_INDEX><NAME>Boom</NAME></TRACK>
<TRACK><CHANNEL_INDEX>2</CHANNEL_INDEX><NAME>Lav 1</NAME></TRACK></TRACK_LIST></BWFXML>";

    #[test]
    fn reads_the_take_the_rates_and_the_track_names() {
        let mut padded = SOUND_DEVICES.as_bytes().to_vec();
        padded.extend([0u8; 64]);
        let ixml = parse(&padded).expect("well-formed");
        assert_eq!(ixml.scene.as_deref(), Some("12A"));
        assert_eq!(ixml.take.as_deref(), Some("3"));
        assert_eq!(ixml.tape.as_deref(), Some("SR042"));
        assert_eq!(ixml.note.as_deref(), Some("plane & wind"));
        assert_eq!(ixml.circled, Some(true));
        assert_eq!(ixml.frame_rate.as_deref(), Some("24000/1001"));
        assert_eq!(ixml.timecode_rate.as_deref(), Some("24/1"));
        assert_eq!(ixml.digitizer_sample_rate, Some(48048));
        assert_eq!(ixml.track_names, ["Boom", "Lav 1"]);
    }

    #[test]
    fn a_cut_or_mismatched_document_is_an_error() {
        assert!(parse(b"<BWFXML><SCENE>12A</SCENE><TAKE>3").is_err());
        assert!(parse(b"<BWFXML><SCENE>12A</TAKE></BWFXML>").is_err());
        assert!(parse(b"\xff\xfe<BWFXML/>").is_err());
        assert!(parse(b"\0\0\0").is_err());
    }
}
