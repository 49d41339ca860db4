//! GitHub: the repository (written out, in a link, or named in words), issue and pull request
//! numbers, titles, labels, a file's path and ref, a gist's file.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{json, Value};

use super::{look_up, put, Reading};
use crate::llm::offline::extract;
use crate::llm::plan::PlannedStep;

fn pattern(text: &str) -> Regex {
    Regex::new(text).expect("a valid pattern")
}

static REF: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b(?:on|at) (?:branch|tag|commit|ref) ([\w./-]+)|\b(?:branch|tag|ref) ([\w./-]+)"));

static FILE_NAME: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:^|\s)((?:[\w.-]+/)*[\w-]+\.[A-Za-z0-9]{1,8})(?:\s|$|[,:])"));

pub fn fill(step: &mut PlannedStep, reading: &Reading<'_>) {
    let action = step.action.clone();
    if action != "github.list_my_repositories" && action != "github.create_gist" {
        match extract::repository(&reading.text.replace('#', " #")) {
            Some(repository) => put(step, "repository", Some(repository)),
            None => look_up(
                step,
                "repository",
                extract::named(reading.text, &["repo", "repository", "project"]),
            ),
        }
    }
    match action.as_str() {
        "github.list_my_repositories" => {
            if reading.has("private") {
                put(step, "visibility", Some("private"));
            } else if reading.has("public") {
                put(step, "visibility", Some("public"));
            }
        }
        "github.list_issues" => {
            for state in ["open", "closed", "all"] {
                if reading.has(state) {
                    put(step, "state", Some(state));
                    break;
                }
            }
            put(step, "labels", labels(reading).map(|labels| json!(labels)));
        }
        "github.create_issue" => {
            put(
                step,
                "title",
                extract::subject(reading.text).or_else(|| reading.title()),
            );
            put(step, "labels", labels(reading).map(|labels| json!(labels)));
        }
        "github.comment_on_issue" => {
            let text = reading.text.replace('#', " #");
            put(step, "number", extract::number_reference(&text));
            put(step, "body", reading.message());
        }
        "github.get_file_content" => {
            let repository = step
                .arguments
                .get("repository")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let path = FILE_NAME
                .captures_iter(reading.text)
                .map(|found| found[1].to_owned())
                .find(|candidate| *candidate != repository && !candidate.starts_with("v"));
            put(step, "path", path);
            put(
                step,
                "ref",
                REF.captures(reading.text)
                    .and_then(|found| found.get(1).or(found.get(2)))
                    .map(|m| m.as_str().to_owned()),
            );
        }
        "github.create_gist" => {
            let name = FILE_NAME.captures(reading.text).map(|found| found[1].to_owned());
            let content = reading.quoted.last().cloned().or_else(|| extract::saying(reading.text));
            if let (Some(name), Some(content)) = (name, content) {
                step.arguments
                    .insert("files".into(), json!([{ "name": name, "content": content }]));
            }
            if reading.has("public") {
                put(step, "public", Some(true));
            }
        }
        _ => {}
    }
}

fn labels(reading: &Reading<'_>) -> Option<Vec<String>> {
    static LABEL: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"(?i)\b(?:labell?ed|with (?:the )?label|label(?:s)?)\s+([\w-]+)|\b([\w-]+) label\b"));
    LABEL
        .captures(reading.text)
        .and_then(|found| found.get(1).or(found.get(2)))
        .map(|m| vec![m.as_str().to_owned()])
}
