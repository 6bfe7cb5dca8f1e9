//! ASC Media Hash Lists: proving that what arrived is what was shot. `verify` checks every
//! checked file against the MHL history of its folder (`integrity.mhl`); `seal` adds a
//! generation of our own for an approved report, for the next vendor to verify.

mod decode;
pub mod hash;
pub mod history;
pub mod seal;
pub mod verify;
mod xml;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the MHL verification recorded about one file: the history it belongs to and the
/// hashes computed from its bytes, which `seal` writes (after hashing the file again).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    /// The folder whose `ascmhl/` history covers the file (or would, once sealed).
    pub history: String,
    /// Hash format (`xxh64`, `md5`, …) → the hash of the file as checked; empty when no MHL
    /// lists the file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<String, String>,
}
