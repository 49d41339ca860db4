//! What a run gives back: a bounded summary a model can read (at most `MAX_SUMMARY_BYTES`), the
//! data for people (a table for lists), and a link to what was made or changed when the
//! provider gives one; and, for a write whose outcome is unknown, the web page where the person
//! can check it (`check_page`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

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

/// Where a person checks a write of an action (`on` its id, else its product; the first entry
/// that matches): the page of the thing the argument `named` (its value as the path after
/// `base`), else `page`, where `{account}` stands for the account's email (Gmail opens the
/// mailbox of the account it is given, not whichever is signed in first). Only https pages; a
/// product whose page would need more than the arguments say (a Slack workspace, a Jira site)
/// has none.
struct CheckPage {
    on: &'static str,
    named: Option<(&'static str, &'static str)>,
    page: &'static str,
}

const CHECK_PAGES: [CheckPage; 7] = [
    CheckPage {
        on: "github",
        named: Some(("repository", "https://github.com/")),
        page: "https://github.com/",
    },
    CheckPage {
        on: "gmail.create_draft",
        named: None,
        page: "https://mail.google.com/mail/u/{account}/#drafts",
    },
    CheckPage {
        on: "gmail",
        named: None,
        page: "https://mail.google.com/mail/u/{account}/#sent",
    },
    CheckPage {
        on: "drive",
        named: None,
        page: "https://drive.google.com/drive/recent",
    },
    CheckPage {
        on: "calendar",
        named: None,
        page: "https://calendar.google.com/",
    },
    CheckPage {
        on: "sheets",
        named: Some(("spreadsheet", "https://docs.google.com/spreadsheets/d/")),
        page: "https://docs.google.com/spreadsheets/",
    },
    CheckPage {
        on: "notion",
        named: None,
        page: "https://www.notion.so/",
    },
];

/// The web page where the person can see whether a write of `action` (of `product`, on the
/// account named `account`) with `arguments` happened; `None` when there is no such page.
pub fn check_page(action: &str, product: &str, account: &str, arguments: &serde_json::Value) -> Option<String> {
    let entry = CHECK_PAGES
        .iter()
        .find(|entry| entry.on == action || entry.on == product)?;
    let named = entry.named.and_then(|(argument, base)| {
        let value = arguments.get(argument)?.as_str()?;
        let mut url = Url::parse(base).ok()?;
        url.path_segments_mut()
            .ok()?
            .pop_if_empty()
            .extend(value.split('/').filter(|segment| !segment.is_empty()));
        Some(url.to_string())
    });
    named.or_else(|| page_of(entry.page, account))
}

/// `page` with `{account}` as the account's email, one path segment; the first account
/// (`0`) when the name is not an email.
fn page_of(page: &str, account: &str) -> Option<String> {
    if !page.contains("{account}") {
        return Some(page.to_owned());
    }
    let segment = if account.contains('@') && !account.contains(['/', '?', '#']) {
        account
    } else {
        "0"
    };
    let page = page.replace("{account}", segment);
    Url::parse(&page).ok().map(String::from)
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

    #[test]
    fn a_check_page_names_what_was_changed_where_the_arguments_say_and_is_https() {
        use serde_json::json;
        assert_eq!(
            check_page(
                "github.star_repository",
                "github",
                "octocat",
                &json!({"repository": "octocat/hello-world", "title": "x"})
            )
            .as_deref(),
            Some("https://github.com/octocat/hello-world"),
            "a repository's write is checked on the repository's page"
        );
        assert_eq!(
            check_page("github.star_repository", "github", "octocat", &json!({"files": []})).as_deref(),
            Some("https://github.com/"),
            "without a repository, GitHub itself"
        );
        assert_eq!(
            check_page(
                "sheets.append_rows",
                "sheets",
                "ana@example.com",
                &json!({"spreadsheet": "1Roadmap07Sheet"})
            )
            .as_deref(),
            Some("https://docs.google.com/spreadsheets/d/1Roadmap07Sheet")
        );
        assert_eq!(
            check_page(
                "sheets.append_rows",
                "sheets",
                "ana@example.com",
                &json!({"spreadsheet": "a b?#"})
            )
            .as_deref(),
            Some("https://docs.google.com/spreadsheets/d/a%20b%3F%23"),
            "an argument is a path segment, never the query or the fragment"
        );
        assert_eq!(
            check_page("gmail.send_email", "gmail", "ana@example.com", &json!({})).as_deref(),
            Some("https://mail.google.com/mail/u/ana@example.com/#sent"),
            "the mailbox of the account that sent, not whichever is signed in first"
        );
        assert_eq!(
            check_page("gmail.create_draft", "gmail", "ana@example.com", &json!({})).as_deref(),
            Some("https://mail.google.com/mail/u/ana@example.com/#drafts"),
            "a draft is checked among the drafts"
        );
        assert_eq!(
            check_page("gmail.send_email", "gmail", "Ana/../x?y", &json!({})).as_deref(),
            Some("https://mail.google.com/mail/u/0/#sent"),
            "a name that is not a plain email is never put in the path"
        );
        assert_eq!(
            check_page("slack.post_message", "slack", "Acme", &json!({"channel": "C1"})),
            None,
            "no page where the arguments cannot say which workspace"
        );
        for entry in &CHECK_PAGES {
            let base = entry.named.map(|(_, base)| base).unwrap_or(entry.page);
            for page in [entry.page, base] {
                assert!(page.starts_with("https://"), "{}: only https pages: {page}", entry.on);
            }
        }
    }
}
