//! A tolerant reader of a WAVE file's chunk structure: RIFF, and RF64 / BW64 with their `ds64`
//! 64-bit sizes. It reads what the take metadata needs (`fmt `, `bext` TimeReference, the
//! `iXML` bytes, where `data` is and how long) and walks past every other chunk (`LIST`,
//! `JUNK`, `cue `, `smpl`, …) without reading it, nor the samples.
//!
//! Recorders and copies leave files that strict readers refuse and ffmpeg, MediaInfo and
//! wavinfo read: an odd-sized last chunk with no pad byte after it (a mono 24-bit take with an
//! odd sample count), sizes that run past the end of the file (a cut copy, a recorder that
//! never finished its header), a `data` size of `0xFFFFFFFF`. Such a file is read for what it
//! holds, and what was tolerated is listed in [`Wave::tolerated`]; the `data` chunk's declared
//! and present sizes stay apart ([`DataExtent`]) for whoever judges truncation.
//!
//! Bounded: chunk bodies are read only as far as the fields used (`fmt ` 40 bytes, `bext` up to
//! TimeReference, `ds64` 64 KiB) and an `iXML` chunk only up to [`MAX_IXML`], whatever size a
//! header claims, and never past the end of the file.

use crate::analyze::guarded_file::GuardedFile;
use std::fmt;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

/// The largest `iXML` chunk read. Recorders write a few KiB (padded to tens for in-place
/// updates); a bigger claim is refused as the chunk's problem rather than allocated.
pub const MAX_IXML: u64 = 4 << 20;
/// The most of a `ds64` chunk read: its fixed part and a table of 64-bit chunk sizes.
const MAX_DS64: u64 = 64 << 10;
/// `WAVEFORMATEXTENSIBLE` in full: the 16-byte `WAVEFORMAT`, `cbSize`, 22 bytes of extension.
const FMT_EXTENSIBLE_LEN: u64 = 40;
/// `bext` up to TimeReference's high word (EBU Tech 3285: Description 256, Originator 32,
/// OriginatorReference 32, OriginationDate 10, OriginationTime 8, then TimeReference's low and
/// high 32 bits at 338 and 342).
const BEXT_TIME_REFERENCE: usize = 338;
const BEXT_READ: u64 = BEXT_TIME_REFERENCE as u64 + 8;
/// Chunks walked before giving up on a file made of tiny ones.
const MAX_CHUNKS: usize = 100_000;
/// The 32-bit size that means "see `ds64`" in RF64 and "unknown" in RIFF.
const SIZE_IN_DS64: u32 = u32::MAX;
/// `WAVE_FORMAT_EXTENSIBLE`.
pub const EXTENSIBLE: u16 = 0xFFFE;

/// A chunk identifier.
pub type FourCc = [u8; 4];

/// The outer form of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Riff,
    /// EBU Tech 3306.
    Rf64,
    /// ITU-R BS.2088.
    Bw64,
}

/// The `fmt ` chunk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Format {
    /// `wFormatTag` as written: 1 PCM, 3 IEEE float, [`EXTENSIBLE`], …
    pub tag: u16,
    pub channels: u16,
    pub sample_rate: u32,
    pub bytes_per_second: u32,
    /// Bytes per sample frame (all channels).
    pub block_align: u16,
    pub bits_per_sample: u16,
    /// `WAVE_FORMAT_EXTENSIBLE`: the bits of each container that carry the sample.
    pub valid_bits_per_sample: Option<u16>,
    /// `WAVE_FORMAT_EXTENSIBLE`: the speaker mask.
    pub channel_mask: Option<u32>,
    /// `WAVE_FORMAT_EXTENSIBLE`: the format tag inside the sub-format GUID (1 PCM, 3 float).
    pub sub_format: Option<u16>,
}

impl Format {
    /// The format tag that says what the samples are: the sub-format's for an extensible one.
    pub fn effective_tag(&self) -> u16 {
        match self.sub_format {
            Some(sub) if self.tag == EXTENSIBLE => sub,
            _ => self.tag,
        }
    }
}

/// Where the samples are, what the header says their size is and how much of it the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataExtent {
    /// File offset of the first sample byte.
    pub offset: u64,
    /// The size the header gives (`ds64`'s in RF64/BW64); `None` when it says "unknown"
    /// (`0xFFFFFFFF` in RIFF, or 0 with samples after it): the samples then run to the end.
    pub declared: Option<u64>,
    /// The bytes of the chunk in the file.
    pub present: u64,
}

impl DataExtent {
    /// Bytes the header declares that the file does not hold.
    pub fn missing(&self) -> u64 {
        self.declared.map_or(0, |d| d.saturating_sub(self.present))
    }
}

/// A departure from the letter of RIFF that the reader read through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tolerated {
    /// An odd-sized chunk ends the file with no pad byte after it.
    MissingPad { chunk: FourCc },
    /// An odd-sized chunk is followed by the next chunk with no pad byte between them.
    UnpaddedChunk { chunk: FourCc },
    /// A chunk's size runs past the end of the file: what is there was read.
    CutShort {
        chunk: FourCc,
        declared: u64,
        present: u64,
    },
    /// The `data` chunk's size says "unknown": its samples run to the end of the file.
    UnknownDataSize,
    /// The walk stopped at `offset`, where `bytes` bytes remain: no chunk starts there (or
    /// too many came before).
    Unwalked { offset: u64, bytes: u64 },
}

impl fmt::Display for Tolerated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolerated::MissingPad { chunk } => write!(
                f,
                "the odd-sized `{}` chunk ends the file without its pad byte",
                name(chunk)
            ),
            Tolerated::UnpaddedChunk { chunk } => {
                write!(f, "no pad byte after the odd-sized `{}` chunk", name(chunk))
            }
            Tolerated::CutShort {
                chunk,
                declared,
                present,
            } => write!(
                f,
                "the `{}` chunk declares {declared} bytes, the file holds {present}",
                name(chunk)
            ),
            Tolerated::UnknownDataSize => {
                write!(f, "the `data` chunk's size is unknown: read to the end")
            }
            Tolerated::Unwalked { offset, bytes } => {
                write!(f, "{bytes} bytes at {offset} are not a chunk: not read")
            }
        }
    }
}

/// What the reader took from a WAVE file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wave {
    pub form: Form,
    pub format: Format,
    pub data: DataExtent,
    /// `bext` TimeReference (samples since midnight), when there is a `bext` long enough.
    pub time_reference: Option<u64>,
    /// The first `iXML` chunk's bytes (as many as the file holds), or why they were not read.
    pub ixml: Option<Result<Vec<u8>, String>>,
    pub tolerated: Vec<Tolerated>,
}

impl Wave {
    /// Whole sample frames in the `data` chunk's present bytes.
    pub fn frames(&self) -> u64 {
        self.data
            .present
            .checked_div(u64::from(self.format.block_align))
            .unwrap_or(0)
    }
}

/// Why a file is not read as WAVE.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("{0}")]
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> Error {
    Error::Invalid(message.into())
}

/// Reads the WAVE structure of the file at `path` through a [`GuardedFile`]: a read that
/// delivers nothing for `stall` (a stale mount) is an error rather than a hang.
pub fn open(path: &Path, stall: Duration) -> Result<Wave, Error> {
    let mut file = GuardedFile::open(path, stall)?;
    let len = match symphonia::core::io::MediaSource::byte_len(&file) {
        Some(len) => len,
        None => file.seek(SeekFrom::End(0))?,
    };
    read(&mut file, len)
}

/// Reads the WAVE structure of `source`, `len` bytes long.
pub fn read<R: Read + Seek>(source: &mut R, len: u64) -> Result<Wave, Error> {
    let mut source = Source { inner: source, len };
    let head = source.read_at(0, 12)?;
    if head.len() < 12 {
        return Err(invalid(format!(
            "{} bytes: too short for a RIFF header",
            head.len()
        )));
    }
    let form = match &head[0..4] {
        b"RIFF" => Form::Riff,
        b"RF64" => Form::Rf64,
        b"BW64" => Form::Bw64,
        b"RIFX" => return Err(invalid("big-endian RIFX, not a WAVE file")),
        other => {
            return Err(invalid(format!(
                "starts with {:?}, not RIFF, RF64 or BW64",
                String::from_utf8_lossy(other)
            )));
        }
    };
    if &head[8..12] != b"WAVE" {
        return Err(invalid(format!(
            "a RIFF form of type {:?}, not WAVE",
            String::from_utf8_lossy(&head[8..12])
        )));
    }
    let (ds64, first_chunk) = match form {
        Form::Riff => (None, 12),
        Form::Rf64 | Form::Bw64 => {
            let (ds64, next) = source.ds64()?;
            (Some(ds64), next)
        }
    };
    let mut walk = Walk {
        ds64,
        format: None,
        data: None,
        time_reference: None,
        ixml: None,
        tolerated: Vec::new(),
    };
    walk.chunks(&mut source, first_chunk)?;
    let format = walk.format.ok_or_else(|| invalid("no `fmt ` chunk"))?;
    if format.block_align == 0 {
        return Err(invalid("the `fmt ` chunk says 0 bytes per sample frame"));
    }
    if format.bits_per_sample == 0 {
        return Err(invalid("the `fmt ` chunk says 0 bits per sample"));
    }
    let data = walk.data.ok_or_else(|| invalid("no `data` chunk"))?;
    Ok(Wave {
        form,
        format,
        data,
        time_reference: walk.time_reference,
        ixml: walk.ixml,
        tolerated: walk.tolerated,
    })
}

/// The `ds64` chunk's sizes.
struct Ds64 {
    data: u64,
    /// 64-bit sizes of other chunks whose 32-bit size is `0xFFFFFFFF`.
    table: Vec<(FourCc, u64)>,
}

struct Walk {
    ds64: Option<Ds64>,
    format: Option<Format>,
    data: Option<DataExtent>,
    time_reference: Option<u64>,
    ixml: Option<Result<Vec<u8>, String>>,
    tolerated: Vec<Tolerated>,
}

impl Walk {
    /// Walks the chunks from `offset` to the end of the file, reading the ones it needs.
    fn chunks<R: Read + Seek>(&mut self, source: &mut Source<R>, offset: u64) -> io::Result<()> {
        let len = source.len;
        let mut pos = offset;
        let mut walked = 0;
        while pos < len {
            walked += 1;
            let Some((id, size32)) = source.chunk_header(pos)?.filter(|_| walked <= MAX_CHUNKS)
            else {
                self.tolerated.push(Tolerated::Unwalked {
                    offset: pos,
                    bytes: len - pos,
                });
                return Ok(());
            };
            let body = pos + 8;
            let available = len - body;
            let declared = self.size_of(&id, size32, source, body)?;
            let size = declared.unwrap_or(available);
            let present = size.min(available);
            if declared.is_none() {
                self.tolerated.push(Tolerated::UnknownDataSize);
            } else if size > available {
                self.tolerated.push(Tolerated::CutShort {
                    chunk: id,
                    declared: size,
                    present,
                });
            }
            self.take(&id, source, body, declared, present)?;
            let end = body.saturating_add(size);
            if end >= len {
                if end == len && size % 2 == 1 && declared.is_some() {
                    self.tolerated.push(Tolerated::MissingPad { chunk: id });
                }
                return Ok(());
            }
            pos = end;
            if size % 2 == 1 {
                if source.pad_left_out(end)? {
                    self.tolerated.push(Tolerated::UnpaddedChunk { chunk: id });
                } else {
                    pos = end + 1;
                }
            }
        }
        Ok(())
    }

    /// A chunk's size: its 32-bit field, or the `ds64`'s 64-bit one; `None` for a `data`
    /// chunk whose size is unknown.
    fn size_of<R: Read + Seek>(
        &self,
        id: &FourCc,
        size32: u32,
        source: &mut Source<R>,
        body: u64,
    ) -> io::Result<Option<u64>> {
        let is_data = id == b"data";
        let ds64 = self.ds64.as_ref().filter(|_| size32 == SIZE_IN_DS64);
        let size = match ds64 {
            Some(ds64) if is_data => ds64.data,
            Some(ds64) => ds64
                .table
                .iter()
                .find(|(chunk, _)| chunk == id)
                .map_or(u64::from(size32), |(_, size)| *size),
            None if is_data && size32 == SIZE_IN_DS64 => return Ok(None),
            None => u64::from(size32),
        };
        // A recorder that stopped before it wrote its sizes leaves a `data` of 0 with the
        // samples after it; a `data` of 0 followed by a chunk (or nothing) is an empty take.
        if is_data && size == 0 && body < source.len && source.chunk_header(body)?.is_none() {
            return Ok(None);
        }
        Ok(Some(size))
    }

    /// Reads what is needed of the chunk `id` (the first of each kind), whose body starts at
    /// `body`, declares `declared` bytes and has `present` in the file.
    fn take<R: Read + Seek>(
        &mut self,
        id: &FourCc,
        source: &mut Source<R>,
        body: u64,
        declared: Option<u64>,
        present: u64,
    ) -> io::Result<()> {
        match id {
            b"fmt " if self.format.is_none() => {
                let bytes = source.read_at(body, present.min(FMT_EXTENSIBLE_LEN))?;
                self.format = parse_fmt(&bytes);
            }
            b"data" if self.data.is_none() => {
                self.data = Some(DataExtent {
                    offset: body,
                    declared,
                    present,
                });
            }
            b"bext" if self.time_reference.is_none() => {
                let bytes = source.read_at(body, present.min(BEXT_READ))?;
                self.time_reference = bytes
                    .get(BEXT_TIME_REFERENCE..BEXT_TIME_REFERENCE + 8)
                    .map(|t| u64::from(le_u32(t, 0)) | u64::from(le_u32(t, 4)) << 32);
            }
            b"iXML" if self.ixml.is_none() => {
                self.ixml = Some(if present > MAX_IXML {
                    Err(format!(
                        "{present} bytes, more than the {} MiB read of an iXML chunk",
                        MAX_IXML >> 20
                    ))
                } else {
                    Ok(source.read_at(body, present)?)
                });
            }
            _ => {}
        }
        Ok(())
    }
}

/// The `fmt ` chunk's fields, when it holds at least a `WAVEFORMAT`.
fn parse_fmt(bytes: &[u8]) -> Option<Format> {
    if bytes.len() < 16 {
        return None;
    }
    let mut format = Format {
        tag: le_u16(bytes, 0),
        channels: le_u16(bytes, 2),
        sample_rate: le_u32(bytes, 4),
        bytes_per_second: le_u32(bytes, 8),
        block_align: le_u16(bytes, 12),
        bits_per_sample: le_u16(bytes, 14),
        ..Format::default()
    };
    if format.tag == EXTENSIBLE && bytes.len() >= FMT_EXTENSIBLE_LEN as usize {
        format.valid_bits_per_sample = Some(le_u16(bytes, 18));
        format.channel_mask = Some(le_u32(bytes, 20));
        format.sub_format = Some(le_u16(bytes, 24));
    }
    Some(format)
}

fn le_u16(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn le_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn le_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from(le_u32(bytes, at)) | u64::from(le_u32(bytes, at + 4)) << 32
}

fn name(id: &FourCc) -> String {
    String::from_utf8_lossy(id).into_owned()
}

/// A chunk identifier is four printable ASCII characters (`fmt `, `LIST`, `iXML`, `_PMX`).
fn is_chunk_id(id: &[u8]) -> bool {
    id.iter().all(|b| (0x20..=0x7E).contains(b))
}

struct Source<'a, R> {
    inner: &'a mut R,
    len: u64,
}

impl<R: Read + Seek> Source<'_, R> {
    /// Up to `max` bytes from `offset`, fewer at the end of the file.
    fn read_at(&mut self, offset: u64, max: u64) -> io::Result<Vec<u8>> {
        let want = self.len.saturating_sub(offset).min(max);
        // Callers bound `max` (a chunk's fields, or an iXML chunk under MAX_IXML).
        let mut buffer = vec![0; usize::try_from(want).unwrap_or(0)];
        self.inner.seek(SeekFrom::Start(offset))?;
        let mut filled = 0;
        while filled < buffer.len() {
            match self.inner.read(&mut buffer[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buffer.truncate(filled);
        Ok(buffer)
    }

    /// The identifier and 32-bit size of the chunk at `offset`, when one starts there.
    fn chunk_header(&mut self, offset: u64) -> io::Result<Option<(FourCc, u32)>> {
        let bytes = self.read_at(offset, 8)?;
        if bytes.len() < 8 || !is_chunk_id(&bytes[0..4]) {
            return Ok(None);
        }
        let id = [bytes[0], bytes[1], bytes[2], bytes[3]];
        Ok(Some((id, le_u32(&bytes, 4))))
    }

    /// Whether the odd-sized chunk ending at `end` is followed by the next chunk at once,
    /// without the pad byte: only when a chunk starts at `end` and none fits after a pad.
    fn pad_left_out(&mut self, end: u64) -> io::Result<bool> {
        let Some((_, unpadded)) = self.chunk_header(end)? else {
            return Ok(false);
        };
        let Some((_, padded)) = self.chunk_header(end + 1)? else {
            return Ok(true);
        };
        // Both read as chunk headers (a shifted identifier is often printable too): the one
        // whose size fits in the file, the pad when both or neither do.
        let fits = |at: u64, size: u32| at + 8 + u64::from(size) <= self.len;
        Ok(!fits(end + 1, padded) && fits(end, unpadded))
    }

    /// The `ds64` chunk RF64 and BW64 start with, and the offset of the chunk after it.
    fn ds64(&mut self) -> Result<(Ds64, u64), Error> {
        let Some((id, size)) = self.chunk_header(12)? else {
            return Err(invalid("RF64 without its `ds64` chunk"));
        };
        if &id != b"ds64" {
            return Err(invalid(format!(
                "RF64 starting with a `{}` chunk, not `ds64`",
                name(&id)
            )));
        }
        let size = u64::from(size);
        let bytes = self.read_at(20, size.min(MAX_DS64))?;
        if bytes.len() < 24 {
            return Err(invalid(format!(
                "a `ds64` chunk of {} bytes, fewer than the 24 of its sizes",
                bytes.len()
            )));
        }
        // riffSize at 0, dataSize at 8, sampleCount at 16, then the table.
        let data = le_u64(&bytes, 8);
        let entries = if bytes.len() >= 28 {
            le_u32(&bytes, 24) as usize
        } else {
            0
        };
        let table = bytes
            .get(28..)
            .unwrap_or_default()
            .chunks_exact(12)
            .take(entries)
            .map(|entry| ([entry[0], entry[1], entry[2], entry[3]], le_u64(entry, 4)))
            .collect();
        Ok((Ds64 { data, table }, 20 + size + size % 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A chunk: identifier, 32-bit size `size` (the body's length unless given), body, and the
    /// pad byte after an odd body when `pad`.
    fn chunk(id: &[u8; 4], size: Option<u32>, body: &[u8], pad: bool) -> Vec<u8> {
        let mut bytes = id.to_vec();
        let size = size.unwrap_or(u32::try_from(body.len()).unwrap());
        bytes.extend_from_slice(&size.to_le_bytes());
        bytes.extend_from_slice(body);
        if pad && body.len() % 2 == 1 {
            bytes.push(0);
        }
        bytes
    }

    /// PCM `fmt `: `channels` × `bits` at 48 kHz.
    fn fmt(channels: u16, bits: u16) -> Vec<u8> {
        let align = channels * bits.div_ceil(8);
        let mut body = Vec::new();
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&channels.to_le_bytes());
        body.extend_from_slice(&48000u32.to_le_bytes());
        body.extend_from_slice(&(48000 * u32::from(align)).to_le_bytes());
        body.extend_from_slice(&align.to_le_bytes());
        body.extend_from_slice(&bits.to_le_bytes());
        chunk(b"fmt ", None, &body, true)
    }

    /// A `bext` of version 2's 602 bytes with TimeReference `samples`.
    fn bext(samples: u64) -> Vec<u8> {
        let mut body = vec![0u8; 602];
        body[0..5].copy_from_slice(b"take1");
        body[338..342].copy_from_slice(&(samples as u32).to_le_bytes());
        body[342..346].copy_from_slice(&((samples >> 32) as u32).to_le_bytes());
        body[346..348].copy_from_slice(&2u16.to_le_bytes());
        chunk(b"bext", None, &body, true)
    }

    const IXML: &[u8] = b"<BWFXML><SCENE>12A</SCENE><TAKE>3</TAKE></BWFXML>";

    /// `RIFF` + size (the true one unless given) + `WAVE` + `chunks`.
    fn riff(size: Option<u32>, chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut bytes = b"RIFF".to_vec();
        let size = size.unwrap_or(u32::try_from(body.len() + 4).unwrap());
        bytes.extend_from_slice(&size.to_le_bytes());
        bytes.extend_from_slice(b"WAVE");
        bytes.extend_from_slice(&body);
        bytes
    }

    fn parse(bytes: &[u8]) -> Result<Wave, Error> {
        read(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    fn wave(bytes: &[u8]) -> Wave {
        parse(bytes).unwrap_or_else(|e| panic!("not read: {e}"))
    }

    fn refusal(bytes: &[u8]) -> String {
        match parse(bytes) {
            Ok(wave) => panic!("read: {wave:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// Mono 24-bit, 5 samples: an odd 15-byte `data` chunk.
    fn samples() -> Vec<u8> {
        (1..=15).collect()
    }

    #[test]
    fn a_well_formed_bwf_is_read_whole() {
        let file = riff(
            None,
            &[
                fmt(2, 24),
                bext(3_600 * 48_000 + (1 << 32)),
                chunk(b"LIST", None, b"INFOISFT\x03\x00\x00\x00abc\x00", true),
                chunk(b"data", None, &[0; 60], true),
                chunk(b"iXML", None, IXML, true),
                chunk(b"cue ", None, &[0; 28], true),
            ],
        );
        let wave = wave(&file);
        assert_eq!(wave.form, Form::Riff);
        assert_eq!(wave.format.channels, 2);
        assert_eq!(wave.format.sample_rate, 48000);
        assert_eq!(wave.format.bits_per_sample, 24);
        assert_eq!(wave.format.block_align, 6);
        assert_eq!(wave.frames(), 10);
        assert_eq!(wave.time_reference, Some(3_600 * 48_000 + (1 << 32)));
        assert_eq!(wave.ixml, Some(Ok(IXML.to_vec())));
        assert_eq!(
            wave.data,
            DataExtent {
                offset: 12 + 24 + 610 + 24 + 8,
                declared: Some(60),
                present: 60
            }
        );
        assert_eq!(wave.tolerated, []);
    }

    /// The recorder's case: mono 24-bit with an odd sample count, `data` last, no pad byte.
    #[test]
    fn an_odd_data_chunk_ending_the_file_without_its_pad_byte_is_read() {
        let file = riff(
            None,
            &[
                fmt(1, 24),
                bext(42),
                chunk(b"iXML", None, IXML, true),
                chunk(b"data", None, &samples(), false),
            ],
        );
        let wave = wave(&file);
        assert_eq!(wave.frames(), 5);
        assert_eq!(wave.data.declared, Some(15));
        assert_eq!(wave.data.present, 15);
        assert_eq!(wave.data.missing(), 0);
        assert_eq!(wave.time_reference, Some(42));
        assert_eq!(wave.ixml, Some(Ok(IXML.to_vec())));
        assert_eq!(wave.tolerated, [Tolerated::MissingPad { chunk: *b"data" }]);
        // The RIFF size counting a pad byte that is not there changes nothing.
        let mut counted_pad = file.clone();
        let size = u32::try_from(file.len() - 8 + 1).unwrap();
        counted_pad[4..8].copy_from_slice(&size.to_le_bytes());
        assert_eq!(self::wave(&counted_pad), wave);
    }

    #[test]
    fn a_chunk_after_an_odd_chunk_is_found_with_or_without_the_pad_byte() {
        for pad in [true, false] {
            let file = riff(
                None,
                &[
                    fmt(1, 24),
                    chunk(b"data", None, &samples(), pad),
                    chunk(b"iXML", None, IXML, true),
                    bext(7),
                ],
            );
            let wave = wave(&file);
            assert_eq!(wave.frames(), 5, "pad {pad}");
            assert_eq!(wave.ixml, Some(Ok(IXML.to_vec())), "pad {pad}");
            assert_eq!(wave.time_reference, Some(7), "pad {pad}");
            let expected = if pad {
                vec![]
            } else {
                vec![Tolerated::UnpaddedChunk { chunk: *b"data" }]
            };
            assert_eq!(wave.tolerated, expected, "pad {pad}");
        }
    }

    #[test]
    fn a_data_size_past_the_end_reads_what_is_there_and_says_so() {
        let file = riff(
            Some(u32::MAX - 1),
            &[
                fmt(1, 24),
                chunk(b"iXML", None, IXML, true),
                chunk(b"data", Some(48_000 * 3 * 60), &[0; 300], false),
            ],
        );
        let wave = wave(&file);
        assert_eq!(wave.frames(), 100);
        assert_eq!(wave.data.declared, Some(48_000 * 3 * 60));
        assert_eq!(wave.data.present, 300);
        assert_eq!(wave.data.missing(), 48_000 * 3 * 60 - 300);
        assert_eq!(wave.ixml, Some(Ok(IXML.to_vec())));
        assert_eq!(
            wave.tolerated,
            [Tolerated::CutShort {
                chunk: *b"data",
                declared: 48_000 * 3 * 60,
                present: 300
            }]
        );
    }

    #[test]
    fn an_unknown_data_size_runs_to_the_end() {
        for size in [u32::MAX, 0] {
            let file = riff(
                Some(0),
                &[fmt(1, 16), chunk(b"data", Some(size), &[0x11; 200], false)],
            );
            let wave = wave(&file);
            assert_eq!(wave.data.declared, None, "size {size:#x}");
            assert_eq!(wave.data.present, 200, "size {size:#x}");
            assert_eq!(wave.frames(), 100, "size {size:#x}");
            assert_eq!(wave.tolerated, [Tolerated::UnknownDataSize]);
        }
        // An empty take: a `data` of 0 followed by a chunk.
        let file = riff(
            None,
            &[
                fmt(1, 16),
                chunk(b"data", None, &[], false),
                chunk(b"iXML", None, IXML, true),
            ],
        );
        let wave = wave(&file);
        assert_eq!(wave.data.declared, Some(0));
        assert_eq!(wave.frames(), 0);
        assert_eq!(wave.ixml, Some(Ok(IXML.to_vec())));
    }

    #[test]
    fn a_cut_ixml_chunk_hands_back_what_is_there() {
        let file = riff(
            None,
            &[
                fmt(1, 24),
                chunk(b"data", None, &[0; 30], true),
                chunk(b"iXML", Some(10_000), &IXML[..20], false),
            ],
        );
        let wave = wave(&file);
        assert_eq!(wave.frames(), 10);
        assert_eq!(wave.ixml, Some(Ok(IXML[..20].to_vec())));
        assert_eq!(
            wave.tolerated,
            [Tolerated::CutShort {
                chunk: *b"iXML",
                declared: 10_000,
                present: 20
            }]
        );
    }

    /// RF64 as EBU Tech 3306 lays it out: `ds64` first, `0xFFFFFFFF` in the 32-bit sizes.
    fn rf64(form: &[u8; 4], data: &[u8], table: &[(&[u8; 4], u64)], chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut ds64 = Vec::new();
        ds64.extend_from_slice(&u64::MAX.to_le_bytes()); // riffSize: not used
        ds64.extend_from_slice(&(data.len() as u64).to_le_bytes());
        ds64.extend_from_slice(&(data.len() as u64 / 3).to_le_bytes());
        ds64.extend_from_slice(&u32::try_from(table.len()).unwrap().to_le_bytes());
        for (id, size) in table {
            ds64.extend_from_slice(*id);
            ds64.extend_from_slice(&size.to_le_bytes());
        }
        let mut bytes = form.to_vec();
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(b"WAVE");
        bytes.extend_from_slice(&chunk(b"ds64", None, &ds64, true));
        for chunk in chunks {
            bytes.extend_from_slice(chunk);
        }
        bytes.extend_from_slice(&chunk(b"data", Some(u32::MAX), data, true));
        bytes
    }

    #[test]
    fn rf64_and_bw64_sizes_come_from_ds64() {
        let ixml = chunk(b"iXML", Some(u32::MAX), IXML, true);
        for form in [b"RF64", b"BW64"] {
            let file = rf64(
                form,
                &[0; 300],
                &[(b"iXML", IXML.len() as u64)],
                &[fmt(1, 24), ixml.clone(), bext(99)],
            );
            let wave = wave(&file);
            let expected = if form == b"RF64" {
                Form::Rf64
            } else {
                Form::Bw64
            };
            assert_eq!(wave.form, expected);
            assert_eq!(wave.data.declared, Some(300));
            assert_eq!(wave.frames(), 100);
            assert_eq!(wave.ixml, Some(Ok(IXML.to_vec())));
            assert_eq!(wave.time_reference, Some(99));
            assert_eq!(wave.tolerated, []);
        }
        // A 64-bit data size past the end, as a cut copy of a long take leaves it.
        let mut file = rf64(b"RF64", &[0; 300], &[], &[fmt(1, 24)]);
        file[28..36].copy_from_slice(&(6u64 << 30).to_le_bytes());
        let wave = wave(&file);
        assert_eq!(wave.data.declared, Some(6 << 30));
        assert_eq!(wave.data.present, 300);
        assert_eq!(wave.frames(), 100);
    }

    #[test]
    fn rf64_without_ds64_is_refused() {
        let mut file = riff(None, &[fmt(1, 24), chunk(b"data", None, &[0; 30], true)]);
        file[0..4].copy_from_slice(b"RF64");
        assert_eq!(
            refusal(&file),
            "RF64 starting with a `fmt ` chunk, not `ds64`"
        );
    }

    #[test]
    fn what_is_not_a_wave_file_is_refused() {
        assert_eq!(refusal(b""), "0 bytes: too short for a RIFF header");
        assert_eq!(
            refusal(b"RIFF\x04\0\0"),
            "7 bytes: too short for a RIFF header"
        );
        assert_eq!(
            refusal(b"FORM\0\0\0\x04AIFF"),
            "starts with \"FORM\", not RIFF, RF64 or BW64"
        );
        assert_eq!(
            refusal(b"RIFF\x04\0\0\0AVI "),
            "a RIFF form of type \"AVI \", not WAVE"
        );
        assert_eq!(refusal(&riff(None, &[])), "no `fmt ` chunk");
        assert_eq!(refusal(&riff(None, &[fmt(1, 24)])), "no `data` chunk");
        // A header cut inside its `fmt ` chunk.
        let cut = riff(None, &[fmt(1, 24)]);
        assert_eq!(refusal(&cut[..30]), "no `fmt ` chunk");
        let silent = riff(None, &[fmt(0, 0), chunk(b"data", None, &[0; 4], true)]);
        assert_eq!(
            refusal(&silent),
            "the `fmt ` chunk says 0 bytes per sample frame"
        );
        let mut zero_bits = fmt(1, 16);
        zero_bits[22..24].copy_from_slice(&0u16.to_le_bytes());
        let zero_bits = riff(None, &[zero_bits, chunk(b"data", None, &[0; 4], true)]);
        assert_eq!(
            refusal(&zero_bits),
            "the `fmt ` chunk says 0 bits per sample"
        );
    }

    /// A reader that fails the test if asked for more than `limit` bytes in one read: a
    /// hostile size must not turn into an allocation or a read of that size.
    struct Stingy {
        inner: Cursor<Vec<u8>>,
        limit: usize,
    }

    impl Read for Stingy {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            assert!(buf.len() <= self.limit, "asked for {} bytes", buf.len());
            self.inner.read(buf)
        }
    }

    impl Seek for Stingy {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            self.inner.seek(to)
        }
    }

    #[test]
    fn hostile_sizes_neither_allocate_nor_loop() {
        // Every chunk claims nearly 4 GiB, RF64's up to 2^64 - 1.
        let file = riff(
            Some(u32::MAX),
            &[
                fmt(1, 24),
                chunk(b"bext", Some(u32::MAX - 1), &[0; 100], false),
            ],
        );
        let len = file.len() as u64;
        let mut stingy = Stingy {
            inner: Cursor::new(file),
            limit: 1024,
        };
        // The bext swallows the rest of the file: no data chunk.
        assert_eq!(
            read(&mut stingy, len).unwrap_err().to_string(),
            "no `data` chunk"
        );

        let mut file = rf64(
            b"RF64",
            &[0; 30],
            &[(b"iXML", u64::MAX), (b"JUNK", u64::MAX - 3)],
            &[fmt(1, 24)],
        );
        file[28..36].copy_from_slice(&u64::MAX.to_le_bytes());
        let len = file.len() as u64;
        let mut stingy = Stingy {
            inner: Cursor::new(file),
            limit: 1024,
        };
        let wave = read(&mut stingy, len).unwrap();
        assert_eq!(wave.data.declared, Some(u64::MAX));
        assert_eq!(wave.data.present, 30);

        // An iXML chunk of more than MAX_IXML present bytes is refused, not read.
        let big = vec![b' '; MAX_IXML as usize + 2];
        let file = riff(
            None,
            &[
                fmt(1, 24),
                chunk(b"iXML", None, &big, true),
                chunk(b"data", None, &[0; 30], true),
            ],
        );
        let len = file.len() as u64;
        let mut stingy = Stingy {
            inner: Cursor::new(file),
            limit: 1024,
        };
        let wave = read(&mut stingy, len).unwrap();
        assert_eq!(
            wave.ixml,
            Some(Err(
                "4194306 bytes, more than the 4 MiB read of an iXML chunk".to_owned()
            ))
        );
        assert_eq!(wave.frames(), 10);

        // A file of nothing but empty chunks is walked only so far.
        let mut file = riff(None, &[fmt(1, 24), chunk(b"data", None, &[0; 30], true)]);
        file.extend(std::iter::repeat_n(*b"JUNK\0\0\0\0", MAX_CHUNKS + 10).flatten());
        let wave = self::wave(&file);
        assert!(
            matches!(wave.tolerated.as_slice(), [Tolerated::Unwalked { .. }]),
            "{:?}",
            wave.tolerated
        );
    }

    #[test]
    fn bytes_after_the_last_chunk_that_are_no_chunk_stop_the_walk() {
        let mut file = riff(
            None,
            &[
                fmt(1, 24),
                chunk(b"data", None, &[0; 30], true),
                chunk(b"iXML", None, IXML, true),
            ],
        );
        let end = file.len() as u64;
        file.extend_from_slice(&[0xFF, 0x00, 0x13, 0x07, 1, 2, 3, 4, 5]);
        let wave = wave(&file);
        assert_eq!(wave.ixml, Some(Ok(IXML.to_vec())));
        assert_eq!(
            wave.tolerated,
            [Tolerated::Unwalked {
                offset: end,
                bytes: 9
            }]
        );
    }

    #[test]
    fn extensible_fmt_is_read() {
        let mut body = Vec::new();
        body.extend_from_slice(&EXTENSIBLE.to_le_bytes());
        body.extend_from_slice(&6u16.to_le_bytes());
        body.extend_from_slice(&96000u32.to_le_bytes());
        body.extend_from_slice(&(96000u32 * 24).to_le_bytes());
        body.extend_from_slice(&24u16.to_le_bytes());
        body.extend_from_slice(&32u16.to_le_bytes());
        body.extend_from_slice(&22u16.to_le_bytes());
        body.extend_from_slice(&24u16.to_le_bytes());
        body.extend_from_slice(&0x3Fu32.to_le_bytes());
        // KSDATAFORMAT_SUBTYPE_PCM: 00000001-0000-0010-8000-00aa00389b71.
        body.extend_from_slice(&[
            1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71,
        ]);
        let file = riff(
            None,
            &[
                chunk(b"fmt ", None, &body, true),
                chunk(b"data", None, &[0; 48], true),
            ],
        );
        let wave = wave(&file);
        assert_eq!(wave.format.tag, EXTENSIBLE);
        assert_eq!(wave.format.effective_tag(), 1);
        assert_eq!(wave.format.channels, 6);
        assert_eq!(wave.format.sample_rate, 96000);
        assert_eq!(wave.format.bits_per_sample, 32);
        assert_eq!(wave.format.valid_bits_per_sample, Some(24));
        assert_eq!(wave.format.channel_mask, Some(0x3F));
        assert_eq!(wave.frames(), 2);
    }

    #[test]
    fn a_short_bext_has_no_time_reference() {
        let file = riff(
            None,
            &[
                fmt(1, 24),
                chunk(b"bext", None, &[0; 300], true),
                chunk(b"data", None, &[0; 30], true),
            ],
        );
        assert_eq!(wave(&file).time_reference, None);
    }

    #[test]
    fn a_file_is_read_through_the_stall_guard() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.wav");
        let file = riff(
            None,
            &[
                fmt(1, 24),
                bext(1234),
                chunk(b"iXML", None, IXML, true),
                chunk(b"data", None, &samples(), false),
            ],
        );
        std::fs::write(&path, &file).unwrap();
        let wave = open(&path, Duration::from_secs(5)).unwrap();
        assert_eq!(wave.frames(), 5);
        assert_eq!(wave.time_reference, Some(1234));
        let missing = open(&dir.path().join("none.wav"), Duration::from_secs(5));
        assert!(matches!(missing, Err(Error::Io(_))));
    }
}
