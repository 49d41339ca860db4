//! Gmail, Drive and Sheets: addresses, subjects and bodies; files and folders by name; sheet
//! ranges and rows.

use serde_json::{json, Value};

use super::{look_up, put, Reading};
use crate::llm::offline::extract;
use crate::llm::plan::PlannedStep;

const FILE_NOUNS: &[&str] = &[
    "file",
    "files",
    "doc",
    "docs",
    "document",
    "pdf",
    "sheet",
    "spreadsheet",
];
const SHEET_NOUNS: &[&str] = &["sheet", "spreadsheet", "spreadsheets", "sheets", "workbook"];

pub fn fill(step: &mut PlannedStep, reading: &Reading<'_>) {
    match step.action.as_str() {
        "gmail.send_email" | "gmail.create_draft" => email(step, reading),
        "gmail.search_messages" => put(step, "query", gmail_query(reading)),
        "gmail.get_message" => put(
            step,
            "id",
            extract::pasted_id(reading.text, &["email", "message", "id", "mail"]),
        ),
        "gmail.reply_to_message" => {
            put(
                step,
                "body",
                extract::saying(reading.text).or_else(|| extract::after_colon(reading.text)),
            );
            let to = extract::emails(reading.text)
                .into_iter()
                .filter(|address| !address.starts_with('<'))
                .collect::<Vec<_>>();
            let to: Vec<String> = to
                .into_iter()
                .filter(|address| !reading.text.contains(&format!("<{address}>")))
                .collect();
            if !to.is_empty() {
                step.arguments.insert("to".into(), json!(to));
            }
            put(step, "thread_id", extract::pasted_id(reading.text, &["thread"]));
            put(
                step,
                "in_reply_to",
                reading
                    .text
                    .split_whitespace()
                    .find(|word| word.starts_with('<') && word.contains('@'))
                    .map(|word| word.trim_end_matches([',', '.']).to_owned()),
            );
            put(step, "subject", extract::subject(reading.text));
        }
        "drive.search_files" => {
            put(step, "name_contains", searched_name(reading));
            if reading.has_any(&["pdf", "pdfs"]) {
                put(step, "mime_type", Some("application/pdf"));
            }
            if reading.has_any(&["trash", "trashed", "bin"]) {
                put(step, "include_trash", Some(true));
            }
            look_up(step, "folder", parent_folder(reading));
        }
        "drive.get_file" | "drive.trash_file" => look_up(step, "file", file_named(reading)),
        "drive.share_file" => share(step, reading),
        "drive.create_folder" => {
            put(
                step,
                "name",
                extract::called(reading.text).or_else(|| reading.quoted.first().cloned()),
            );
            look_up(step, "parent", parent_folder(reading));
        }
        "drive.upload_file" => {
            put(step, "path", extract::path(reading.text));
            let renamed = reading
                .lower
                .find(" as ")
                .map(|at| reading.text[at + 4..].trim().to_owned());
            put(step, "name", renamed.filter(|name| !name.contains(' ')));
            look_up(step, "folder", parent_folder(reading));
        }
        "sheets.read_range" | "sheets.append_rows" | "sheets.update_range" => sheet(step, reading),
        "sheets.create_spreadsheet" => put(step, "title", reading.title()),
        _ => {}
    }
}

fn email(step: &mut PlannedStep, reading: &Reading<'_>) {
    let addresses = extract::addresses(reading.text);
    for (name, list) in [("to", addresses.to), ("cc", addresses.cc), ("bcc", addresses.bcc)] {
        if !list.is_empty() {
            step.arguments.insert(name.into(), json!(list));
        }
    }
    let said = extract::saying(reading.text);
    let subject = extract::subject(reading.text)
        .or_else(|| (reading.quoted.len() >= 2).then(|| reading.quoted[0].clone()))
        .or_else(|| about(reading.text));
    let body = said
        .or_else(|| {
            reading
                .quoted
                .last()
                .filter(|_| reading.quoted.len() >= 2 || subject.is_some())
                .cloned()
        })
        .or_else(|| {
            let subject_given = subject.is_some();
            extract::after_colon(reading.text).filter(|_| subject_given)
        });
    let subject = subject.or_else(|| (body.is_none() && reading.quoted.len() == 1).then(|| reading.quoted[0].clone()));
    put(step, "subject", subject);
    put(step, "body", body);
    if let Some(file) = extract::named(reading.text, FILE_NOUNS) {
        step.lookups.insert("drive_files".into(), file);
    }
}

/// "about X" up to "saying" or the end.
fn about(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find(" about ")? + " about ".len();
    let rest = &text[start..];
    let end = ["saying", "that says", " with ", ","]
        .iter()
        .filter_map(|stop| rest.to_ascii_lowercase().find(stop))
        .min()
        .unwrap_or(rest.len());
    let subject = extract::unquote(rest[..end].trim());
    (!subject.is_empty()).then_some(subject)
}

fn gmail_query(reading: &Reading<'_>) -> Option<String> {
    if let Some(quoted) = reading.quoted.first() {
        return Some(quoted.clone());
    }
    let mut parts = Vec::new();
    let lower = &reading.lower;
    for address in extract::emails(reading.text) {
        let before = lower[..lower.find(&address.to_ascii_lowercase()).unwrap_or(0)].trim_end();
        if before.ends_with("to") || before.ends_with("sent to") {
            parts.push(format!("to:{address}"));
        } else {
            parts.push(format!("from:{address}"));
        }
    }
    parts.sort_by_key(|part| !part.starts_with("from:"));
    if reading.has("unread") {
        parts.push("is:unread".into());
    }
    if reading.has_any(&["attachment", "attachments", "attached"]) {
        parts.push("has:attachment".into());
    }
    let free = [
        "about ",
        "mentioning ",
        "regarding ",
        "containing ",
        "for ",
        "with subject ",
        "re ",
    ]
    .iter()
    .find_map(|marker| lower.find(marker).map(|at| &reading.text[at + marker.len()..]))
    .map(|rest| {
        rest.split_whitespace()
            .take_while(|word| {
                !["from", "in", "with", "to", "this", "last", "since"].contains(&word.to_lowercase().as_str())
            })
            .filter(|word| {
                !["my", "the", "emails", "email", "mail", "inbox", "gmail", "messages"]
                    .contains(&word.to_lowercase().as_str())
            })
            .collect::<Vec<_>>()
            .join(" ")
    })
    .map(|words| words.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
    .filter(|words| !words.is_empty() && !words.contains('@'));
    if let Some(free) = free {
        parts.push(free);
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn searched_name(reading: &Reading<'_>) -> Option<String> {
    reading.quoted.first().cloned().or_else(|| {
        let lower = &reading.lower;
        ["named ", "called ", "for ", "about ", "containing ", "with "]
            .iter()
            .find_map(|marker| lower.find(marker).map(|at| &lower[at + marker.len()..]))
            .map(|rest| {
                rest.split_whitespace()
                    .take_while(|word| !["in", "on", "from", "inside", "including", "with"].contains(word))
                    .filter(|word| {
                        ![
                            "my",
                            "the",
                            "a",
                            "files",
                            "file",
                            "docs",
                            "documents",
                            "drive",
                            "google",
                        ]
                        .contains(word)
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .map(|words| words.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
            .filter(|words| !words.is_empty())
    })
}

fn share(step: &mut PlannedStep, reading: &Reading<'_>) {
    look_up(step, "file", file_named(reading));
    put(step, "email", extract::emails(reading.text).into_iter().next());
    let role = if reading.has_any(&["edit", "editor", "edits", "write", "writer", "editing"]) {
        "writer"
    } else if reading.has_any(&["comment", "commenter", "comments", "commenting"]) {
        "commenter"
    } else {
        "reader"
    };
    put(step, "role", Some(role));
}

/// A Drive file named by a type word, in quotes, or as the object of the verb ("trash draft v1
/// in drive", "share Q3 numbers with …").
fn file_named(reading: &Reading<'_>) -> Option<String> {
    extract::named(reading.text, FILE_NOUNS)
        .or_else(|| reading.quoted.first().map(|q| q.to_lowercase()))
        .or_else(|| {
            let words: Vec<&str> = reading.text.split_whitespace().collect();
            let verb = words.iter().position(|word| {
                [
                    "trash", "delete", "share", "shrae", "move", "remove", "owns", "of", "to", "access",
                ]
                .contains(&word.to_lowercase().as_str())
            })?;
            let name: Vec<String> = words[verb + 1..]
                .iter()
                .map(|word| word.to_lowercase())
                .skip_while(|word| ["the", "my", "a", "an", "access", "edit", "view"].contains(&word.as_str()))
                .take_while(|word| {
                    !["in", "on", "from", "to", "with", "so", "view", "as", "for"].contains(&word.as_str())
                        && !word.contains('@')
                })
                .collect();
            let name = name.join(" ").trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
            (!name.is_empty() && !["file", "drive", "a file"].contains(&name.as_str())).then_some(name)
        })
}

fn parent_folder(reading: &Reading<'_>) -> Option<String> {
    let lower = &reading.lower;
    let at = [
        " in the ",
        " into the ",
        " to the ",
        " under the ",
        " inside the ",
        " in my ",
        " to my ",
        " into my ",
    ]
    .iter()
    .filter_map(|marker| lower.find(marker).map(|at| at + marker.len()))
    .min()?;
    extract::named(&format!("the {}", &reading.text[at..]), &["folder"])
}

fn sheet(step: &mut PlannedStep, reading: &Reading<'_>) {
    let name = extract::named(reading.text, SHEET_NOUNS).filter(|name| extract::sheet_range(name).is_none());
    look_up(
        step,
        "spreadsheet",
        name.or_else(|| reading.quoted.first().map(|q| q.to_lowercase())),
    );
    put(step, "range", extract::sheet_range(reading.text));
    if step.action != "sheets.read_range" {
        let row = extract::after_colon(reading.text)
            .or_else(|| reading.quoted.last().cloned())
            .or_else(|| extract::saying(reading.text))
            .or_else(|| written_values(reading));
        if let Some(row) = row {
            let cells: Vec<Value> = row
                .split(',')
                .map(|cell| Value::String(cell.trim().to_owned()))
                .collect();
            step.arguments.insert("rows".into(), json!([cells]));
        }
    }
}

/// "write Ana, 42 into A2:B2" → "Ana, 42"; "set B2 … to 500" → "500".
fn written_values(reading: &Reading<'_>) -> Option<String> {
    let lower = &reading.lower;
    if let Some(at) = lower.rfind(" to ") {
        let value = reading.text[at + 4..].trim();
        if !value.is_empty() && !value.contains(' ') || value.contains(',') {
            return Some(value.to_owned());
        }
    }
    let start = ["write ", "put ", "enter "]
        .iter()
        .find_map(|verb| lower.find(verb).map(|at| at + verb.len()))?;
    let end = [" into ", " in "]
        .iter()
        .filter_map(|marker| lower[start..].find(marker))
        .min()?
        + start;
    Some(reading.text[start..end].trim().to_owned()).filter(|value| !value.is_empty())
}
