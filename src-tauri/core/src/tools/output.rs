//! What a run gives back: a bounded summary a model can read (at most `MAX_SUMMARY_BYTES`), the
//! data for people (a table for lists), and a link to what was made or changed when the
//! provider gives one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ids::ConnectionId;

/// The most a summary holds: what a model is told of a result, whatever its size.
pub const MAX_SUMMARY_BYTES: usize = 2048;

/// What an action's answer says, as its code reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionOutput {
    pub summary: String,
    pub data: serde_json::Value,
    pub link: Option<String>,
}

impl ActionOutput {
    pub fn new(summary: impl Into<String>, data: serde_json::Value) -> Self {
        Self {
            summary: summary.into(),
            data,
            link: None,
        }
    }

    pub fn link(mut self, link: Option<String>) -> Self {
        self.link = link;
        self
    }
}

/// A finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionResult {
    pub action: String,
    pub connection_id: ConnectionId,
    /// For a model: at most `MAX_SUMMARY_BYTES`, cut at a character boundary with "…".
    pub summary: String,
    #[ts(type = "unknown")]
    pub data: serde_json::Value,
    pub link: Option<String>,
}

/// `text` cut to at most `max` bytes at a character boundary, "…" marking a cut.
pub fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let ellipsis = "…";
    let mut end = max.saturating_sub(ellipsis.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ellipsis}", &text[..end])
}

/// "N things: a, b, c…" for lists, bounded.
pub fn list_summary(count: usize, noun: &str, items: impl IntoIterator<Item = String>) -> String {
    let mut summary = format!("{count} {noun}");
    let mut first = true;
    for item in items {
        summary.push_str(if first { ": " } else { "; " });
        first = false;
        summary.push_str(&item);
        if summary.len() > MAX_SUMMARY_BYTES {
            break;
        }
    }
    bounded(&summary, MAX_SUMMARY_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_cut_at_a_character_boundary_within_the_limit() {
        let long = "é".repeat(3000);
        let cut = bounded(&long, MAX_SUMMARY_BYTES);
        assert!(cut.len() <= MAX_SUMMARY_BYTES, "within the limit: {}", cut.len());
        assert!(cut.ends_with('…'), "a cut is marked");
        assert_eq!(bounded("short", MAX_SUMMARY_BYTES), "short", "short text is kept whole");
    }

    #[test]
    fn a_list_summary_counts_and_names_its_items_within_the_limit() {
        let items = (0..1000).map(|n| format!("octocat/repo-{n}"));
        let summary = list_summary(1000, "repositories", items);
        assert!(summary.starts_with("1000 repositories: octocat/repo-0; "), "{summary}");
        assert!(summary.len() <= MAX_SUMMARY_BYTES);
    }
}
