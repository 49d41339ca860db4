//! Filling an action's parameters from a request: what the request says is read once
//! (`Reading`), then each product's rules put its pieces where that action's schema wants them.
//! A parameter the request does not give stays out (required ones are listed as missing); a
//! recipient is never guessed.

mod calendar;
mod github;
mod google;
mod work;

use jiff::civil::{Date, Time};
use jiff::Zoned;
use serde_json::{json, Value};

use super::extract;
use super::when::{self, When};
use crate::llm::plan::PlannedStep;
use crate::tools::Action;

/// A request, read once.
pub struct Reading<'a> {
    pub text: &'a str,
    pub lower: String,
    pub now: &'a Zoned,
    pub when: When,
    pub quoted: Vec<String>,
}

impl<'a> Reading<'a> {
    pub fn new(text: &'a str, now: &'a Zoned) -> Self {
        Self {
            // ASCII only, so every byte index found in `lower` is the same place in `text`.
            lower: text.to_ascii_lowercase(),
            when: when::read(text, now),
            quoted: extract::quoted(text),
            text,
            now,
        }
    }

    pub fn has(&self, word: &str) -> bool {
        self.lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == word)
    }

    pub fn has_any(&self, words: &[&str]) -> bool {
        words.iter().any(|word| self.has(word))
    }

    /// The message the request carries: after "saying" and its kin, else quoted, else after a colon.
    pub fn message(&self) -> Option<String> {
        extract::saying(self.text)
            .or_else(|| self.quoted.last().cloned())
            .or_else(|| extract::after_colon(self.text))
    }

    /// A name or title: after "called", else quoted, else after a colon.
    pub fn title(&self) -> Option<String> {
        extract::called(self.text)
            .or_else(|| self.quoted.first().cloned())
            .or_else(|| extract::after_colon(self.text))
    }

    /// A date-time in the person's zone, as RFC 3339 with its offset.
    pub fn stamp(&self, day: Date, time: Time) -> Option<String> {
        day.to_datetime(time)
            .to_zoned(self.now.time_zone().clone())
            .ok()
            .map(|zoned| zoned.timestamp().display_with_offset(zoned.offset()).to_string())
            .map(|text| text.replace('Z', "+00:00"))
    }

    /// The zone's IANA name, when it has one.
    pub fn zone_name(&self) -> Option<String> {
        self.now.time_zone().iana_name().map(str::to_owned)
    }
}

/// The step for `action`, filled from `reading`.
pub fn fill(action: &Action, reading: &Reading<'_>) -> PlannedStep {
    let mut step = PlannedStep::new(&action.meta.id);
    let product = action.meta.product.as_str();
    match product {
        "gmail" | "drive" | "sheets" => google::fill(&mut step, reading),
        "calendar" => calendar::fill(&mut step, reading),
        "github" => github::fill(&mut step, reading),
        _ => work::fill(&mut step, reading),
    }
    if let Some(limit) = extract::limit(reading.text) {
        if has_property(action, "limit") {
            step.arguments.insert("limit".into(), json!(limit));
        }
    }
    for name in required(action) {
        if !step.arguments.contains_key(&name)
            && !step.lookups.contains_key(&name)
            && step.from_previous.as_deref() != Some(name.as_str())
        {
            step.missing.push(name);
        }
    }
    step
}

pub fn has_property(action: &Action, name: &str) -> bool {
    action.schema["properties"].get(name).is_some()
}

fn required(action: &Action) -> Vec<String> {
    action.schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Sets `name` to `value` when there is one.
pub fn put(step: &mut PlannedStep, name: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        step.arguments.insert(name.to_owned(), value.into());
    }
}

/// Looks `name` up by `words` when there are some.
pub fn look_up(step: &mut PlannedStep, name: &str, words: Option<String>) {
    if let Some(words) = words {
        step.lookups.insert(name.to_owned(), words);
    }
}

/// The request without its date phrases, emails and the words in `drop`, for a title.
pub fn remainder(reading: &Reading<'_>, drop: &[&str]) -> Option<String> {
    let mut text = reading.when.cut_from(reading.text);
    for address in extract::emails(&text) {
        text = text.replace(&address, " ");
    }
    let kept: Vec<&str> = text
        .split_whitespace()
        .filter(|word| {
            let bare = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            !bare.is_empty() && !drop.contains(&bare.as_str())
        })
        .collect();
    let mut words = kept;
    while words.last().is_some_and(|word| {
        ["with", "and", "for", "at", "on", "to", "in", "from"].contains(&word.to_lowercase().as_str())
    }) {
        words.pop();
    }
    while words
        .first()
        .is_some_and(|word| ["a", "an", "the", "for", "to", "with"].contains(&word.to_lowercase().as_str()))
    {
        words.remove(0);
    }
    let phrase = words.join(" ");
    let phrase = phrase
        .trim_matches(|c: char| c == ',' || c == '.' || c == '?' || c == '!')
        .trim()
        .to_owned();
    let mut chars = phrase.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().collect::<String>() + chars.as_str())
}

/// Words that ask for something rather than name it.
pub const ASKING: &[&str] = &[
    "please", "can", "could", "would", "you", "kindly", "pls", "plz", "i", "want", "to", "need", "let's", "lets",
    "hey", "hi", "quickly", "just", "me", "for", "my", "the", "a", "an",
];
