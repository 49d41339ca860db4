//! Slack, Jira, Confluence, Notion, Telegram and Supabase: channels and messages, issue keys and
//! statuses, ids pasted in, tables and rows.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{json, Map, Value};

use super::{look_up, put, Reading};
use crate::llm::offline::extract;
use crate::llm::plan::PlannedStep;

fn pattern(text: &str) -> Regex {
    Regex::new(text).expect("a valid pattern")
}

static EMOJI: LazyLock<Regex> = LazyLock::new(|| pattern(r"(:[a-z0-9_+-]+:)"));
static PAIR: LazyLock<Regex> = LazyLock::new(|| pattern(r"([A-Za-z_][\w]*)\s*[=]\s*([^,]+)"));
static WHERE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)\bwhere (\w+)\s*(=|!=|>=|<=|>|<| is )\s*([^,]+?)\s*$"));

pub fn fill(step: &mut PlannedStep, reading: &Reading<'_>) {
    let action = step.action.clone();
    let product = action.split('.').next().unwrap_or("");
    match product {
        "slack" => slack(step, reading),
        "jira" => jira(step, reading),
        "confluence" => confluence(step, reading),
        "notion" => notion(step, reading),
        "telegram" => {
            put(step, "chat_id", extract::chat_id(reading.text));
            put(step, "text", reading.message());
        }
        "supabase" => supabase(step, reading),
        _ => {}
    }
}

fn slack(step: &mut PlannedStep, reading: &Reading<'_>) {
    let action = step.action.clone();
    if action != "slack.list_channels" && action != "slack.set_my_status" {
        static IN_CHANNEL: LazyLock<Regex> =
            LazyLock::new(|| pattern(r"(?i)\b(?:in|to|on) ([a-z0-9][a-z0-9_-]{1,79})\b"));
        let channel = extract::channel(reading.text)
            .or_else(|| extract::named(reading.text, &["channel"]))
            .or_else(|| {
                IN_CHANNEL
                    .captures_iter(reading.text)
                    .map(|found| found[1].to_lowercase())
                    .find(|name| {
                        !["slack", "the", "my", "a", "thread", "it", "everyone", "channel"].contains(&name.as_str())
                    })
            });
        look_up(step, "channel", channel);
    }
    match action.as_str() {
        "slack.post_message" => put(step, "text", reading.message()),
        "slack.reply_in_thread" => {
            put(step, "thread_ts", extract::thread_ts(reading.text));
            let text = reading
                .message()
                .map(|text| text.split(", and also").next().unwrap_or(&text).trim().to_owned());
            put(step, "text", text);
            if reading.lower.contains("also send")
                || reading.lower.contains("also post")
                || reading.lower.contains("in the channel too")
            {
                put(step, "also_in_channel", Some(true));
            }
        }
        "slack.list_channels" => {
            if reading.has("private") && reading.has("public") || reading.has("both") {
                put(step, "types", Some("both"));
            } else if reading.has("private") {
                put(step, "types", Some("private"));
            } else if reading.has("public") {
                put(step, "types", Some("public"));
            }
            if reading.has("archived") {
                put(step, "archived", Some(true));
            }
        }
        "slack.set_my_status" if reading.has_any(&["clear", "remove", "reset"]) => {
            put(step, "text", Some(""));
            put(step, "emoji", Some(""));
        }
        "slack.set_my_status" => {
            let text = reading.quoted.first().cloned().or_else(|| {
                let lower = &reading.lower;
                let at = lower.find("status to ").map(|at| at + "status to ".len())?;
                let rest = &reading.text[at..];
                let end = [" until", " till", " :", " for "]
                    .iter()
                    .filter_map(|stop| rest.find(stop))
                    .min()
                    .unwrap_or(rest.len());
                Some(rest[..end].trim().to_owned()).filter(|text| !text.is_empty())
            });
            put(step, "text", text);
            put(
                step,
                "emoji",
                EMOJI.captures(reading.text).map(|found| found[1].to_owned()),
            );
            if reading.lower.contains("until") || reading.lower.contains("till") {
                let day = reading.when.day.unwrap_or_else(|| reading.now.date());
                if let Some(time) = reading.when.time {
                    let until = day.to_datetime(time).to_zoned(reading.now.time_zone().clone()).ok();
                    put(step, "until", until.map(|zoned| zoned.timestamp().as_second()));
                }
            }
        }
        _ => {}
    }
}

fn jira(step: &mut PlannedStep, reading: &Reading<'_>) {
    let action = step.action.clone();
    if matches!(action.as_str(), "jira.my_open_issues" | "jira.search_issues") {
        step.lookups.insert("site".into(), String::new());
    }
    if matches!(
        action.as_str(),
        "jira.add_comment" | "jira.transition_issue" | "jira.list_transitions"
    ) {
        look_up(step, "issue", extract::issue_key(reading.text));
    }
    match action.as_str() {
        "jira.my_open_issues" => {
            let days = if reading.lower.contains("this week") {
                Some(7)
            } else if reading.has("today") {
                Some(1)
            } else if reading.has("tomorrow") {
                Some(2)
            } else if let Some((first, after)) = reading.when.days {
                Some(first.until(after).map_or(7, |span| span.get_days()))
            } else if reading.lower.contains("this week") {
                Some(7)
            } else {
                None
            };
            put(step, "due_within_days", days.map(|days| json!(days)));
        }
        "jira.search_issues" => {
            let jql = reading.quoted.first().cloned().or_else(|| {
                let lower = &reading.lower;
                let at = lower
                    .find(" for ")
                    .map(|at| at + 5)
                    .or_else(|| lower.find(" about ").map(|at| at + 7))?;
                let words = reading.text[at..].trim().trim_end_matches(['?', '.']).to_owned();
                (!words.is_empty()).then(|| format!("text ~ \"{words}\""))
            });
            put(step, "jql", jql);
        }
        "jira.create_issue" => {
            let project = static_project(reading);
            look_up(step, "project", project);
            let issue_type = if reading.has("bug") {
                "Bug"
            } else if reading.has("story") {
                "Story"
            } else if reading.has("epic") {
                "Epic"
            } else {
                "Task"
            };
            put(step, "issue_type", Some(issue_type));
            put(step, "summary", reading.title());
        }
        "jira.add_comment" => put(step, "text", reading.message()),
        "jira.transition_issue" => {
            let lower = &reading.lower;
            let status = [" to ", " as "].iter().find_map(|marker| {
                let at = lower.rfind(marker)? + marker.len();
                let words: Vec<&str> = lower[at..]
                    .split_whitespace()
                    .take_while(|word| !["please", "pls", "now", "thanks"].contains(word))
                    .collect();
                Some(words.join(" ").trim_matches(|c: char| !c.is_alphanumeric()).to_owned()).filter(|s| !s.is_empty())
            });
            look_up(step, "transition_id", status);
        }
        _ => {}
    }
}

/// "in ABC" (a project key) or "the Mobile project".
fn static_project(reading: &Reading<'_>) -> Option<String> {
    static KEY: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(?:in|to|for|project)\s+([A-Z][A-Z0-9]{1,9})\b"));
    KEY.captures(reading.text)
        .map(|found| found[1].to_owned())
        .or_else(|| extract::named(reading.text, &["project"]))
}

fn confluence(step: &mut PlannedStep, reading: &Reading<'_>) {
    if step.action == "confluence.search_pages" {
        let lower = &reading.lower;
        let query = reading.quoted.first().cloned().or_else(|| {
            let at = [" for ", " about ", " on "]
                .iter()
                .filter_map(|marker| lower.rfind(marker).map(|at| at + marker.len()))
                .max()?;
            Some(reading.text[at..].trim().trim_end_matches(['?', '.']).to_owned()).filter(|q| !q.is_empty())
        });
        put(step, "query", query);
        static SPACE: LazyLock<Regex> =
            LazyLock::new(|| pattern(r"\b([A-Z][A-Z0-9]{1,9}) space\b|\bspace ([A-Z][A-Z0-9]{1,9})\b"));
        put(
            step,
            "space",
            SPACE
                .captures(reading.text)
                .and_then(|found| found.get(1).or(found.get(2)))
                .map(|m| m.as_str().to_owned()),
        );
    } else {
        static SPACE_ID: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)\bspace (?:id )?(\d{1,20})\b"));
        put(
            step,
            "space_id",
            SPACE_ID.captures(reading.text).map(|found| found[1].to_owned()),
        );
        let title = extract::called(reading.text).or_else(|| reading.quoted.first().cloned());
        let body =
            extract::saying(reading.text).or_else(|| (reading.quoted.len() >= 2).then(|| reading.quoted[1].clone()));
        put(step, "title", title);
        put(step, "body", body);
    }
}

fn notion(step: &mut PlannedStep, reading: &Reading<'_>) {
    let id = extract::notion_id(reading.text);
    match step.action.as_str() {
        "notion.search" => {
            let lower = &reading.lower;
            let query = reading.quoted.first().cloned().or_else(|| {
                let at = [" for ", " about ", " named ", " called "]
                    .iter()
                    .filter_map(|marker| lower.find(marker).map(|at| at + marker.len()))
                    .min()?;
                Some(reading.text[at..].trim().trim_end_matches(['?', '.']).to_owned()).filter(|q| !q.is_empty())
            });
            put(step, "query", query);
            if reading.has_any(&["database", "databases"]) {
                put(step, "only", Some("database"));
            } else if reading.has_any(&["pages"]) && !step.arguments.contains_key("query") {
                put(step, "only", Some("page"));
            }
        }
        "notion.append_paragraph" => {
            put(step, "page_id", id);
            let text = reading
                .quoted
                .first()
                .cloned()
                .or_else(|| extract::after_colon(reading.text))
                .or_else(|| extract::saying(reading.text));
            put(step, "text", text);
        }
        "notion.create_page_in_database" => {
            put(step, "database_id", id);
            put(step, "title", reading.title());
            put(step, "text", extract::saying(reading.text));
        }
        _ => {}
    }
}

fn supabase(step: &mut PlannedStep, reading: &Reading<'_>) {
    const NOT_TABLES: &[&str] = &["supabase", "the", "my", "a", "table", "row", "rows"];
    static TABLE: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"(?i)\b(?:from|into|in|to)\s+(?:the\s+)?([a-z_][\w]*)(?:\s+table)?\b"));
    let table = extract::named(reading.text, &["table"])
        .filter(|name| !NOT_TABLES.contains(&name.as_str()))
        .or_else(|| {
            TABLE
                .captures_iter(reading.text)
                .map(|found| found[1].to_lowercase())
                .find(|name| !NOT_TABLES.contains(&name.as_str()))
        });
    look_up(step, "table", table);
    if step.action == "supabase.insert_row" {
        let mut row = Map::new();
        let source = extract::after_colon(reading.text).unwrap_or_else(|| reading.text.to_owned());
        for found in PAIR.captures_iter(&source) {
            let value = found[2].trim().split(" into ").next().unwrap_or("").trim().to_owned();
            let value = value
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| value.parse::<f64>().map(Value::from))
                .unwrap_or(Value::String(value));
            row.insert(found[1].to_owned(), value);
        }
        if !row.is_empty() {
            step.arguments.insert("row".into(), Value::Object(row));
        }
    } else {
        static COLUMNS: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)\bselect\s+([\w, ]+?)\s+from\b"));
        if let Some(found) = COLUMNS.captures(reading.text) {
            let columns: Vec<String> = found[1]
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty() && c != "*")
                .collect();
            if !columns.is_empty() {
                step.arguments.insert("columns".into(), json!(columns));
            }
        }
        if let Some(found) = WHERE.captures(reading.text) {
            let operator = match found[2].trim() {
                "!=" => "neq",
                ">" => "gt",
                ">=" => "gte",
                "<" => "lt",
                "<=" => "lte",
                _ => "eq",
            };
            step.arguments.insert(
                "filters".into(),
                json!([{ "column": &found[1], "operator": operator, "value": found[3].trim() }]),
            );
        }
    }
}
