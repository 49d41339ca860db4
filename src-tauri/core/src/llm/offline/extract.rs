//! The pieces of a request the parameters are made of: email addresses (and whether they are
//! cc or bcc), `owner/repo`, URLs, quoted text, issue keys (`ABC-123`), `#channels`, numbers,
//! file paths, sheet ranges, Telegram chat ids, and the message after "saying", "that says" or
//! a colon. Each is found by its shape; nothing here knows which action wants it.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use regex::Regex;

fn pattern(text: &str) -> Regex {
    Regex::new(text).expect("a valid pattern")
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"));
static URL: LazyLock<Regex> = LazyLock::new(|| pattern(r#"https?://[^\s<>"']+"#));
static REPO: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:^|[\s(])([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})(?:[\s),.!?:;#]|$)"));
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| pattern(r#""([^"]+)"|“([^”]+)”|(?:^|[\s:(])'([^']+)'(?:[\s.,!?)]|$)|‘([^’]+)’"#));
static ISSUE_KEY: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([A-Z][A-Z0-9]{1,9}-\d{1,7})\b"));
static CHANNEL: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?:^|\s)#([a-z0-9][a-z0-9_.-]{0,79})\b"));
static NUMBER_REF: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)(?:#|\b(?:issue|pr|pull request|ticket|number|no\.?)\s*#?)(\d{1,9})\b"));
static LIMIT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:last|latest|top|first|recent|up to|at most|newest)\s+(\d{1,4})\b|\b(\d{1,4})\s+(?:most recent|latest|newest|recent|last|rows|results|emails|messages|issues|items|events|files|repos|updates|pages|channels|tickets|confluence pages)\b",
    )
});
static PATH: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?:^|\s)((?:~|\.{1,2})?/[^\s]+|[A-Za-z]:\\[^\s]+)"));
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|\s)((?:'[^']+'|[A-Za-z0-9_]+)![A-Z]{1,3}\d{0,7}(?::[A-Z]{1,3}\d{0,7})?|[A-Z]{1,3}\d{0,7}:[A-Z]{1,3}\d{0,7})\b",
    )
});
static CHAT_ID: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?:^|\s)(-?\d{5,20}|@[A-Za-z][A-Za-z0-9_]{3,31})\b"));
static SAYING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)\b(?:saying|that says|which says|that reads|with the message|with message|with the text|with text|message:|text:|body:|telling (?:them|him|her|everyone)|to say|reading)\s*:?\s+(.+)$",
    )
});
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r#"(?i)\b(?:with (?:the )?subject(?: line)?|subject(?: line)?|titled|re:)\s*:?\s*(?:"([^"]+)"|'([^']+)'|(.+?))(?:\s+(?:saying|that says|and body|with body|body:|and say|(?:and|with) (?:the )?(?:message|text|body))\b|,|$)"#,
    )
});

/// Every email address, with where it goes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Addresses {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
}

pub fn addresses(text: &str) -> Addresses {
    let mut found = Addresses::default();
    for address in EMAIL.find_iter(text) {
        let before = text[..address.start()].to_lowercase();
        let last_word = before.split_whitespace().last().unwrap_or("");
        let list = match last_word.trim_end_matches(':') {
            "cc" | "cc'ing" | "ccing" => &mut found.cc,
            "bcc" => &mut found.bcc,
            _ if before.trim_end().ends_with(',') || before.trim_end().ends_with("and") => {
                // A list goes on in the same field as its first address.
                if found.bcc.last().is_some_and(|_| before.contains("bcc")) {
                    &mut found.bcc
                } else if found.cc.last().is_some_and(|_| before.contains("cc")) {
                    &mut found.cc
                } else {
                    &mut found.to
                }
            }
            _ => &mut found.to,
        };
        list.push(address.as_str().to_owned());
    }
    found
}

pub fn emails(text: &str) -> Vec<String> {
    EMAIL.find_iter(text).map(|m| m.as_str().to_owned()).collect()
}

/// `owner/repo` written out, or in a github.com link (not a path or a date).
pub fn repository(text: &str) -> Option<String> {
    static GITHUB_URL: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"https?://(?:www\.)?github\.com/([A-Za-z0-9-]{1,39})/([A-Za-z0-9._-]{1,100})"));
    if let Some(found) = GITHUB_URL.captures(text) {
        return Some(format!("{}/{}", &found[1], found[2].trim_end_matches(".git")));
    }
    let without_urls = URL.replace_all(text, " ");
    REPO.captures_iter(&without_urls)
        .filter(|found| !found[1].chars().all(|c| c.is_ascii_digit()))
        .filter(|found| !found[2].chars().all(|c| c.is_ascii_digit()))
        .map(|found| format!("{}/{}", &found[1], found[2].trim_end_matches('.')))
        .find(|repo| !repo.contains("and/or") && !is_file_path(repo))
}

/// "src/main.rs", "docs/setup.md": a path in a repository, not a repository.
fn is_file_path(text: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "rs", "md", "py", "json", "toml", "txt", "yml", "yaml", "lock", "html", "css", "ts", "tsx", "go", "java", "c",
        "h", "cpp", "sh", "csv", "png", "pdf", "svelte", "xml",
    ];
    text.rsplit_once('.')
        .is_some_and(|(_, extension)| EXTENSIONS.contains(&extension))
}

/// Quoted pieces, in order.
pub fn quoted(text: &str) -> Vec<String> {
    QUOTED
        .captures_iter(text)
        .filter_map(|found| {
            (1..=4)
                .find_map(|group| found.get(group))
                .map(|m| m.as_str().trim().to_owned())
        })
        .filter(|piece| !piece.is_empty())
        .collect()
}

pub fn issue_key(text: &str) -> Option<String> {
    ISSUE_KEY.captures(text).map(|found| found[1].to_owned())
}

pub fn channel(text: &str) -> Option<String> {
    CHANNEL
        .captures(text)
        .map(|found| found[1].to_lowercase())
        .filter(|name| !name.chars().all(|c| c.is_ascii_digit()))
}

/// An issue or pull request number ("#12", "issue 12").
pub fn number_reference(text: &str) -> Option<u64> {
    NUMBER_REF.captures(text).and_then(|found| found[1].parse().ok())
}

/// "last 5", "10 most recent".
pub fn limit(text: &str) -> Option<u32> {
    LIMIT
        .captures(text)
        .and_then(|found| found.get(1).or_else(|| found.get(2)))
        .and_then(|m| m.as_str().parse().ok())
}

pub fn path(text: &str) -> Option<String> {
    PATH.captures(text)
        .map(|found| found[1].trim_end_matches(['.', ',']).to_owned())
}

/// A range ("A1:C10", "Sheet1!A1:B5"), a cell after a preposition ("to A1"), or a tab ("Sheet1").
pub fn sheet_range(text: &str) -> Option<String> {
    static CELL: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"(?i:\b(?:to|in|into|at|cell|set|update)\s+)([A-Z]{1,3}\d{1,7}|Sheet\d+)\b"));
    RANGE
        .captures(text)
        .or_else(|| CELL.captures(text))
        .map(|found| found[1].to_owned())
}

pub fn chat_id(text: &str) -> Option<String> {
    CHAT_ID.captures(text).map(|found| found[1].to_owned())
}

/// The message after "saying" and its kin, as written.
pub fn saying(text: &str) -> Option<String> {
    SAYING
        .captures(text)
        .map(|found| unquote(found[1].trim()))
        .filter(|said| !said.is_empty())
}

/// A subject after "subject" or "titled".
pub fn subject(text: &str) -> Option<String> {
    SUBJECT.captures(text).and_then(|found| {
        (1..=3)
            .find_map(|group| found.get(group))
            .map(|m| unquote(m.as_str().trim()))
            .filter(|subject| !subject.is_empty())
    })
}

/// The text after the first colon that is not part of a time, a range or a URL.
pub fn after_colon(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let position = text.char_indices().find(|(at, c)| {
        let next = bytes.get(at + 1);
        let before = bytes.get(at.wrapping_sub(1));
        // Not a time (10:30), a URL (https://), a sheet range (A1:C10), nor a one-word label
        // ("jira: comment on ABC-7").
        *c == ':'
            && !(next.is_some_and(u8::is_ascii_digit) && before.is_some_and(u8::is_ascii_digit))
            && !next.is_some_and(|next| {
                *next == b'/' || (next.is_ascii_uppercase() && before.is_some_and(u8::is_ascii_alphanumeric))
            })
            && text[..*at].split_whitespace().count() > 1
    })?;
    let rest = text[position.0 + 1..].trim();
    (!rest.is_empty()).then(|| unquote(rest))
}

/// Words after "called", "named" or "titled".
pub fn called(text: &str) -> Option<String> {
    static CALLED: LazyLock<Regex> = LazyLock::new(|| {
        pattern(
            r#"(?i)\b(?:called|named|titled|entitled|with (?:the )?(?:title|name))\s*:?\s*(?:"([^"]+)"|'([^']+)'|(.+?))(?:\s+(?:in|on|at|to|for|with|from|tomorrow|today|next|saying|that says)\b|[,.;]|$)"#,
        )
    });
    CALLED.captures(text).and_then(|found| {
        (1..=3)
            .find_map(|group| found.get(group))
            .map(|m| m.as_str().trim().to_owned())
            .filter(|name| !name.is_empty())
    })
}

/// The resource a request names by a type word: "the Q3 numbers sheet" → "q3 numbers";
/// "the sheet called Budget" → "budget"; "in #eng" handled by `channel`.
pub fn named(text: &str, nouns: &[&str]) -> Option<String> {
    let patterns = named_patterns(nouns);
    let (before, after) = (&patterns.0, &patterns.1);
    if let Some(found) = before.captures(text) {
        // The name is what comes after the last article or preposition before the noun.
        let words: Vec<String> = found[1].split_whitespace().map(str::to_lowercase).collect();
        let start = words
            .iter()
            .rposition(|word| NOT_A_NAME.contains(&word.as_str()) || word.contains('@') || word.contains('!'))
            .map_or(0, |at| at + 1);
        let name = words[start..].join(" ");
        if !name.is_empty() && start > 0 {
            return Some(name);
        }
    }
    after.captures(text).and_then(|found| {
        (1..=3)
            .find_map(|group| found.get(group))
            .map(|m| m.as_str().trim().to_lowercase())
            .filter(|words| !words.is_empty() && !NOT_A_NAME.contains(&words.as_str()))
    })
}

/// A name before its type word ("the Q3 numbers sheet"), and after it ("the sheet called Q3").
type NamedPatterns = (Regex, Regex);

/// The two patterns `named` reads with, compiled once per list of type words (each caller
/// passes the same few lists).
fn named_patterns(nouns: &[&str]) -> Arc<NamedPatterns> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Arc<NamedPatterns>>>> = LazyLock::new(Mutex::default);
    let alternatives = nouns.join("|");
    let mut compiled = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    compiled
        .entry(alternatives.clone())
        .or_insert_with(|| {
            let before = pattern(&format!(r"(?i)\b((?:[\w'&.-]+\s+){{1,6}})(?:{alternatives})\b"));
            let after = pattern(&format!(
                r#"(?i)\b(?:{alternatives})\s+(?:called|named|titled)?\s*(?:"([^"]+)"|'([^']+)'|([\w.-]+(?:\s+[\w.-]+){{0,3}}?))(?:\s+(?:in|on|to|with|and|from|for|saying|that|as|so)\b|[,.;:?!]|$)"#
            ));
            Arc::new((before, after))
        })
        .clone()
}

/// Words that end a name when read backwards from its type word ("a row to the expenses sheet").
const NOT_A_NAME: &[&str] = &[
    "the", "my", "our", "a", "an", "to", "of", "in", "into", "from", "on", "for", "with", "this", "that", "shared",
    "google", "row", "rows", "share", "trash", "delete", "get", "show", "open", "read", "email", "send", "attach",
    "details", "info", "about", "bookmark", "star", "unstar", "at", "and", "me", "is", "are", "what's", "whats",
];

/// An id pasted after one of `labels` ("event 4f9kq2abc7", "message id 18c2…"): a word with a
/// digit in it, at least six characters of letters, digits, `_` or `-`.
pub fn pasted_id(text: &str, labels: &[&str]) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).find_map(|pair| {
        let label = pair[0].to_lowercase();
        let candidate = pair[1].trim_end_matches(['.', ',', '?', '!']);
        (labels.contains(&label.as_str())
            && candidate.len() >= 6
            && candidate.chars().any(|c| c.is_ascii_digit())
            && candidate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .then(|| candidate.to_owned())
    })
}

pub fn thread_ts(text: &str) -> Option<String> {
    static THREAD_TS: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(\d{10}\.\d{6})\b"));
    THREAD_TS.captures(text).map(|found| found[1].to_owned())
}

/// A Notion id (32 hex digits, or a UUID), lower-cased.
pub fn notion_id(text: &str) -> Option<String> {
    static NOTION_ID: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"\b([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"));
    NOTION_ID
        .captures(&text.to_lowercase())
        .map(|found| found[1].to_owned())
}

/// Whether `text` holds `name=value` pairs (a row).
pub fn pairs(text: &str) -> bool {
    static PAIR: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b[A-Za-z_]\w*\s*=\s*\S"));
    PAIR.is_match(text)
}

pub fn unquote(text: &str) -> String {
    let trimmed = text.trim();
    for (open, close) in [('"', '"'), ('\'', '\''), ('“', '”'), ('‘', '’')] {
        if let Some(inner) = trimmed.strip_prefix(open).and_then(|rest| rest.strip_suffix(close)) {
            if !inner.contains(close) {
                return inner.to_owned();
            }
        }
    }
    trimmed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_found_where_they_are() {
        let found = addresses("email ana@example.com, bo@example.org cc carl@example.net about lunch");
        assert_eq!(found.to, vec!["ana@example.com", "bo@example.org"]);
        assert_eq!(found.cc, vec!["carl@example.net"]);
        assert_eq!(
            repository("star tauri-apps/tauri please").as_deref(),
            Some("tauri-apps/tauri")
        );
        assert_eq!(
            repository("star https://github.com/vercel/next.js").as_deref(),
            Some("vercel/next.js"),
            "a GitHub link names its repository"
        );
        assert_eq!(
            repository("see https://example.com/a/b"),
            None,
            "another site's path is not a repository"
        );
        assert_eq!(repository("on 3/14"), None, "a date is not a repository");
        assert_eq!(quoted(r#"post "deploy done" in #eng"#), vec!["deploy done"]);
        assert_eq!(
            quoted("don't say it's 'fine'"),
            vec!["fine"],
            "apostrophes are not quotes"
        );
        assert_eq!(issue_key("comment on ABC-123").as_deref(), Some("ABC-123"));
        assert_eq!(channel("post in #eng: hi").as_deref(), Some("eng"));
        assert_eq!(number_reference("comment on issue #12"), Some(12));
        assert_eq!(limit("show my last 5 emails"), Some(5));
        assert_eq!(
            saying("tell #eng saying Deploy is done!").as_deref(),
            Some("Deploy is done!")
        );
        assert_eq!(
            named("email the Q3 numbers sheet", &["sheet", "spreadsheet"]).as_deref(),
            Some("q3 numbers")
        );
        assert_eq!(sheet_range("read A1:C10 from budget").as_deref(), Some("A1:C10"));
        assert_eq!(
            after_colon("slack #eng: deploy at 10:30").as_deref(),
            Some("deploy at 10:30")
        );
    }
}
