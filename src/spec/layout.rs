//! `audio.layout`: which channels of which audio streams make up each programme, and the role
//! of each channel. The role sets the channel's BS.1770 weight when the programme's loudness is
//! measured, so roles are a closed list: a free-text role would have no weight.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// The most channels one programme may have: as many as ffmpeg has channel names to place
/// them with (see `analyze::programme`).
pub const MAX_PROGRAMME_CHANNELS: usize = 25;

/// The programmes of a file, in the spec's order; names are unique, as findings tell
/// programmes apart by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layout(pub Vec<Programme>);

impl<'de> Deserialize<'de> for Layout {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let programmes = Vec::<Programme>::deserialize(d)?;
        if programmes.is_empty() {
            return Err(de::Error::custom("expected at least one programme"));
        }
        for (i, programme) in programmes.iter().enumerate() {
            if programmes[..i].iter().any(|p| p.name == programme.name) {
                return Err(de::Error::custom(format!(
                    "two programmes are named {:?}",
                    programme.name
                )));
            }
        }
        Ok(Layout(programmes))
    }
}

/// One programme: a name for findings and the channels it is made of, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Programme {
    pub name: String,
    pub channels: Vec<ChannelRef>,
}

impl<'de> Deserialize<'de> for Programme {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Written {
            name: String,
            channels: Vec<ChannelRef>,
        }
        let Written { name, channels } = Written::deserialize(d)?;
        if name.trim().is_empty() {
            return Err(de::Error::custom("a programme needs a non-empty name"));
        }
        if channels.is_empty() {
            return Err(de::Error::custom(format!(
                "programme {name:?} has no channels"
            )));
        }
        if channels.len() > MAX_PROGRAMME_CHANNELS {
            return Err(de::Error::custom(format!(
                "programme {name:?} has {} channels, at most {MAX_PROGRAMME_CHANNELS} are measured together",
                channels.len()
            )));
        }
        for (i, channel) in channels.iter().enumerate() {
            if channels[..i].iter().any(|c| c.same_channel(channel)) {
                return Err(de::Error::custom(format!(
                    "programme {name:?} names channel {} twice",
                    channel.reference()
                )));
            }
        }
        Ok(Programme { name, channels })
    }
}

/// `"2:1 R"`: channel 1 of the second audio stream, the right channel. Streams are numbered
/// among the file's audio streams and channels within their stream, both from 1, as findings
/// number them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelRef {
    pub stream: u32,
    pub channel: u32,
    pub role: Role,
}

impl ChannelRef {
    /// `"2:1"`, as findings name the channel.
    pub fn reference(&self) -> String {
        format!("{}:{}", self.stream, self.channel)
    }

    /// The stream's position among the file's audio streams, from 0 (ffmpeg's `a:N`).
    pub fn audio_index(&self) -> Option<usize> {
        (self.stream as usize).checked_sub(1)
    }

    fn same_channel(&self, other: &ChannelRef) -> bool {
        (self.stream, self.channel) == (other.stream, other.channel)
    }

    fn parse(text: &str) -> Result<ChannelRef, String> {
        let expected = "expected \"stream:channel role\", e.g. \"2:1 R\"";
        let (reference, role) = text
            .split_once(' ')
            .ok_or_else(|| format!("{text:?} has no role; {expected}"))?;
        let (stream, channel) = reference
            .split_once(':')
            .ok_or_else(|| format!("{text:?}: {expected}"))?;
        let number = |n: &str| {
            n.parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("{text:?}: streams and channels count from 1; {expected}"))
        };
        let role = Role::named(role).ok_or_else(|| {
            format!(
                "{text:?}: unknown role {role:?}, expected one of {}",
                Role::ALL.map(Role::name).join(", ")
            )
        })?;
        Ok(ChannelRef {
            stream: number(stream)?,
            channel: number(channel)?,
            role,
        })
    }
}

impl fmt::Display for ChannelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.reference(), self.role.name())
    }
}

impl<'de> Deserialize<'de> for ChannelRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ChannelRef::parse(&text).map_err(de::Error::custom)
    }
}

impl Serialize for ChannelRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A channel's place in its programme (ITU-R BS.2051 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Left,
    Right,
    Centre,
    LowFrequency,
    LeftSurround,
    RightSurround,
    LeftSideSurround,
    RightSideSurround,
    LeftRearSurround,
    RightRearSurround,
    Mono,
}

impl Role {
    const ALL: [Role; 11] = [
        Role::Left,
        Role::Right,
        Role::Centre,
        Role::LowFrequency,
        Role::LeftSurround,
        Role::RightSurround,
        Role::LeftSideSurround,
        Role::RightSideSurround,
        Role::LeftRearSurround,
        Role::RightRearSurround,
        Role::Mono,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Left => "L",
            Role::Right => "R",
            Role::Centre => "C",
            Role::LowFrequency => "LFE",
            Role::LeftSurround => "Ls",
            Role::RightSurround => "Rs",
            Role::LeftSideSurround => "Lss",
            Role::RightSideSurround => "Rss",
            Role::LeftRearSurround => "Lrs",
            Role::RightRearSurround => "Rrs",
            Role::Mono => "M",
        }
    }

    /// Role names are exact: `ls` would be a typo as likely as a surround.
    fn named(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stream_channel_and_role() {
        let c = ChannelRef::parse("2:1 R").expect("valid");
        assert_eq!((c.stream, c.channel, c.role), (2, 1, Role::Right));
        assert_eq!(c.to_string(), "2:1 R");
        assert_eq!(
            ChannelRef::parse("3:4 LFE").expect("valid").role,
            Role::LowFrequency
        );
    }

    #[test]
    fn refuses_what_is_not_exactly_stream_channel_role() {
        for bad in [
            "1:1",
            "0:1 L",
            "1:0 L",
            "1 L",
            "1:1 ls",
            "1:1  L",
            "a:1 L",
            "1:1 L extra",
        ] {
            assert!(ChannelRef::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
