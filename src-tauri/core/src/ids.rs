//! Identifiers as types, so the id of one thing is never passed where another's is expected.
//! Each crosses the IPC boundary and the database as the plain value inside it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A connected account's id (its `connections` row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct ConnectionId(pub i64);

impl std::fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
