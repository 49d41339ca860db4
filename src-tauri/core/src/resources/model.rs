//! What the UI and the CLI see of browsing: a listing request, the resources it finds (names
//! are untrusted text from the provider, never markup), the pages as they arrive, and how the
//! listing ended. Plain data, no secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::{ConnectionId, ProviderId};

/// One thing in an account: a folder, a file, a repository, a table, a channel…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// What a picker returns for it: a Drive file id, `owner/repo`, a table name, a channel id.
    pub id: String,
    /// As the provider names it: untrusted text, shown as text.
    pub name: String,
    /// What it is, for its icon and wording: `folder`, `file`, `spreadsheet`, `sheet`,
    /// `calendar`, `repo`, `branch`, `dir`, `table`, `view`, `column`, `channel`, `user`,
    /// `site`, `project`, `issue`, `drive`, `place`.
    pub item: String,
    /// A second line: a file type and date, a description, a column type.
    pub detail: Option<String>,
    /// Where opening it leads (the `location` to list next), when it holds other things.
    pub location: Option<String>,
    /// Whether it is of the kind the picker asks for (folders on the way to a file are not).
    pub selectable: bool,
}

/// A kind of resource a picker can ask for, and how to list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResourceKind {
    /// `drive.file`, `github.repo`…: what `x-resource-picker.kind` names.
    pub id: String,
    pub provider: ProviderId,
    /// The products a connection needs for this kind (Drive for spreadsheets: they are found
    /// through Drive).
    pub products: Vec<String>,
    /// For people, singular: "Drive file", "Repository".
    pub name: String,
    /// The top of the hierarchy, for the breadcrumb: "Drive", "Repositories".
    pub root_name: String,
    /// The filters it offers; the first is the default.
    pub filters: Vec<ResourceFilter>,
    /// Whether the search box is offered.
    pub searchable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ResourceFilter {
    pub id: String,
    pub label: String,
}

/// What to list: a kind, on a connection, at a location (none: the top), optionally searched
/// and filtered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListRequest {
    pub connection: ConnectionId,
    pub kind: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub filter: Option<String>,
    /// Skip the cache and ask the provider again.
    #[serde(default)]
    pub refresh: bool,
}

/// A page of a listing, sent as it arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListingPage {
    pub items: Vec<Resource>,
    /// How many items the listing has delivered so far, this page included.
    pub total: u32,
}

/// How a listing ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListingSummary {
    pub total: u32,
    /// The list is not everything there is (a repeated page token, the item cap, cancelled).
    pub partial: bool,
    /// Why it is partial, in plain words.
    pub note: Option<String>,
    /// Served from the cache (from `cached_at`, Unix seconds), not asked of the provider now.
    pub cached_at: Option<i64>,
    pub cancelled: bool,
}
