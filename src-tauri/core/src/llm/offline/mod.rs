//! The built-in planner, the default: deterministic, offline, nothing to set up. It splits a
//! chained request ("find my open Jira bugs and post a summary to #eng"), ranks the catalogue's
//! actions against each part (`rank`), fills the chosen action's parameters from the part
//! (`fill`), and says plainly when nothing fits, listing what it can do.

mod extract;
mod fill;
mod rank;
mod when;
mod words;

use std::sync::{LazyLock, OnceLock};

use regex::Regex;

use super::plan::{Plan, PlanRequest, PlannedStep};
use super::{PlanFuture, Planner};
use crate::tools::{ActionCatalog, SideEffect};
use fill::{fill, Reading};
use rank::ActionIndex;

/// Requests longer than this are not planned (a pasted document is not a request).
pub const MAX_REQUEST_CHARS: usize = 4_000;

/// A score below this is noise (a stop word that slipped through, one word of a description).
const MIN_SCORE: f64 = 1.0;

/// Built at the first request, not at start-up: the index needs the catalogue's actions (and
/// the catalogue compiles every action's schema).
#[derive(Default)]
pub struct OfflinePlanner {
    index: OnceLock<ActionIndex>,
}

/// Where a chained request's next part starts: "and then", "then", or "and" before a verb that
/// acts (the part keeps its verb).
static CHAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:,?\s*and then|;\s*then|,\s*then|\bthen)\s+|\s+and\s+((?:post|send|email|share|tell|message|ping|create|add|comment|star|append|drop)\b)")
        .expect("a valid pattern")
});

/// `text` cut at each chain joint.
fn chain_parts(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    for joint in CHAIN.captures_iter(text) {
        let Some(whole) = joint.get(0) else { continue };
        parts.push(text[start..whole.start()].trim().to_owned());
        start = joint.get(1).map_or(whole.end(), |verb| verb.start());
    }
    parts.push(text[start..].trim().to_owned());
    parts.retain(|part| !part.is_empty());
    parts
}

impl OfflinePlanner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Plans `request` at once (the trait's `plan` wraps this).
    pub fn plan_now(&self, request: &PlanRequest) -> Plan {
        let catalog = match ActionCatalog::get() {
            Ok(catalog) => catalog,
            Err(error) => {
                return Plan::NotUnderstood {
                    reply: format!("I can't act on anything: {error}"),
                }
            }
        };
        let index = self.index.get_or_init(|| ActionIndex::build(catalog));
        let text = request.text.trim();
        if text.is_empty() || text.chars().count() > MAX_REQUEST_CHARS {
            return not_understood(catalog, request);
        }
        let Some(parts) = split_chain(index, catalog, text, &request.now) else {
            return not_understood(catalog, request);
        };
        let mut steps = Vec::new();
        for (number, (part, position)) in parts.iter().enumerate() {
            let Ok(action) = catalog.action(index.id(*position)) else {
                return not_understood(catalog, request);
            };
            let mut step = fill(action, &Reading::new(part, &request.now));
            if refers_back(part) {
                take_from_earlier(&mut step, action, request);
            }
            if number > 0 {
                take_previous(&mut step, catalog);
            }
            steps.push(step);
        }
        Plan::Steps { steps }
    }
}

/// The parts of a chain, each with its action, when every part means one and the first reads;
/// else the whole request with its action; `None` when nothing fits.
fn split_chain(
    index: &ActionIndex,
    catalog: &ActionCatalog,
    text: &str,
    now: &jiff::Zoned,
) -> Option<Vec<(String, usize)>> {
    let parts = chain_parts(text);
    if (2..=3).contains(&parts.len()) {
        let chosen: Option<Vec<usize>> = parts.iter().map(|part| choose(index, catalog, part, now)).collect();
        if let Some(chosen) = chosen {
            let first_reads = catalog
                .action(index.id(chosen[0]))
                .is_ok_and(|action| action.meta.side_effect == SideEffect::Read);
            if first_reads {
                return Some(parts.into_iter().zip(chosen).collect());
            }
        }
    }
    choose(index, catalog, text, now).map(|position| vec![(text.to_owned(), position)])
}

/// The best action for `part`, if one fits well enough: among the named product's actions
/// when the request names one (by what it does, else by the pieces it holds, a read winning
/// a near tie); else among all, by what it does. A request mostly of words the catalogue
/// has never seen ("book me a flight to Lisbon") is not guessed at.
fn choose(index: &ActionIndex, catalog: &ActionCatalog, part: &str, now: &jiff::Zoned) -> Option<usize> {
    let reading = Reading::new(part, now);
    let shapes = shapes(&reading);
    let ranked = index.rank(&without_pieces(&reading), &shapes);
    let named = index.named_products(part);
    let (known, unknown) = index.known_and_unknown(&content_words(&reading));
    let telling = shapes.iter().any(|shape| !["§when", "§message"].contains(shape));
    if unknown > 0 && unknown >= known && named.is_empty() && !telling {
        return None;
    }
    let in_named: Vec<_> = ranked
        .iter()
        .filter(|ranked| named.is_empty() || named.contains(&index.product(ranked.position)))
        .collect();
    if let Some(best) = in_named.iter().find(|ranked| ranked.does && ranked.score >= MIN_SCORE) {
        return Some(best.position);
    }
    if named.is_empty() {
        return None;
    }
    // Named, but nothing it does was asked for: only the pieces given can tell ("slack #eng:
    // deploy done"); without any, the request asks for something the product can't do.
    let fitting: Vec<_> = in_named
        .iter()
        .filter(|ranked| index.takes_any(ranked.position, &shapes))
        .collect();
    let Some(best) = fitting.first() else {
        // Nothing fits the pieces either: a read that clearly leads is what was asked for
        // ("my public github repos"); else the product can't do what was asked.
        let (first, second) = (in_named.first()?, in_named.get(1));
        let leads = second.is_none_or(|second| first.score >= 1.5 * second.score);
        return (leads && index.reads(first.position)).then_some(first.position);
    };
    let read_close_behind = fitting.iter().take(3).find(|ranked| {
        ranked.score >= best.score * 0.9
            && catalog
                .action(index.id(ranked.position))
                .is_ok_and(|action| action.meta.side_effect == SideEffect::Read)
    });
    Some(read_close_behind.unwrap_or(best).position)
}

fn not_understood(catalog: &ActionCatalog, request: &PlanRequest) -> Plan {
    let mut products: Vec<&str> = catalog.all().map(|action| action.meta.product.as_str()).collect();
    products.dedup();
    let examples = [
        "“email ana@example.com about the Q3 numbers”",
        "“what's on my calendar tomorrow”",
        "“star tauri-apps/tauri”",
        "“post ‘deploy done’ in #eng”",
        "“my open Jira issues due this week”",
    ];
    let connected = if request.connected.is_empty() {
        String::new()
    } else {
        format!("\n\nConnected now: {}.", request.connected.join(", "))
    };
    Plan::NotUnderstood {
        reply: format!(
            "I didn't understand that as something I can do. I can act in {}: send and find email, list and add calendar events, work with Drive files and Sheets, star repositories and file issues, post to Slack, handle Jira issues, and more. Try, for example, {}.{connected}",
            products.join(", "),
            examples.join(", ")
        ),
    }
}

/// The request without its pieces (quoted text, the message, a name after "called", dates,
/// addresses): what is left says what to do.
fn without_pieces(reading: &Reading<'_>) -> String {
    let mut text = reading.when.cut_from(reading.text);
    let pieces = reading
        .quoted
        .iter()
        .cloned()
        .chain(reading.message())
        .chain(extract::called(reading.text))
        .chain(extract::emails(reading.text));
    for piece in pieces {
        text = text.replace(&piece, " ");
    }
    text
}

/// The words of a request that say what to do, without the person's own names of things.
fn content_words(reading: &Reading<'_>) -> String {
    let mut text = without_pieces(reading);
    // What is searched for is the person's own words too.
    let lower = text.to_lowercase();
    if let Some(at) = [
        " about ",
        " for ",
        " mentioning ",
        " containing ",
        " named ",
        " called ",
    ]
    .iter()
    .filter_map(|marker| lower.find(marker))
    .min()
    {
        text.truncate(at);
    }
    // Names of things are the person's own words: ids, paths, file names, channels, keys.
    text.split_whitespace()
        .filter(|word| !word.chars().any(|c| c.is_ascii_digit() || "./@#=:!_-".contains(c)))
        .filter(|word| !word.chars().next().is_some_and(char::is_uppercase))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The shapes of the pieces `reading` holds (see `rank::shape_of`).
fn shapes(reading: &Reading<'_>) -> Vec<&'static str> {
    let text = reading.text;
    let when = &reading.when;
    [
        (!extract::emails(text).is_empty(), "§email"),
        (extract::channel(text).is_some(), "§channel"),
        (extract::repository(text).is_some(), "§repo"),
        (extract::issue_key(text).is_some(), "§key"),
        (
            when.day.is_some() || when.days.is_some() || when.time.is_some() || when.moment.is_some(),
            "§when",
        ),
        (reading.message().is_some(), "§message"),
        (extract::thread_ts(text).is_some(), "§thread"),
        (extract::chat_id(text).is_some(), "§chat"),
        (extract::path(text).is_some(), "§path"),
        (extract::sheet_range(text).is_some(), "§range"),
        (extract::pairs(text), "§pairs"),
        (extract::notion_id(text).is_some(), "§notion"),
        (extract::number_reference(text).is_some(), "§number"),
    ]
    .into_iter()
    .filter_map(|(present, shape)| present.then_some(shape))
    .collect()
}

/// Who a message goes to: never taken from another message.
const RECIPIENTS: &[&str] = &["to", "cc", "bcc", "email", "attendees", "chat_id"];

/// Whether a request points back at something said before ("star it", "comment on that one").
fn refers_back(text: &str) -> bool {
    const POINTING: &[&str] = &["it", "that", "this", "them", "there", "same", "one"];
    words::raw_words(text)
        .iter()
        .any(|word| POINTING.contains(&word.as_str()))
}

/// What a pointing request leaves missing, taken from the person's earlier messages (newest
/// first) as this action would read them: "list open issues in tauri-apps/tauri", then "star it".
fn take_from_earlier(step: &mut PlannedStep, action: &crate::tools::Action, request: &PlanRequest) {
    for earlier in &request.earlier {
        if step.missing.is_empty() {
            return;
        }
        let before = fill(action, &Reading::new(earlier, &request.now));
        let mut still = Vec::new();
        for field in std::mem::take(&mut step.missing) {
            // A recipient is never carried over: it is asked for.
            if RECIPIENTS.contains(&field.as_str()) {
                still.push(field);
            } else if let Some(value) = before.arguments.get(&field) {
                step.arguments.insert(field, value.clone());
            } else if let Some(words) = before.lookups.get(&field) {
                step.lookups.insert(field, words.clone());
            } else {
                still.push(field);
            }
        }
        step.missing = still;
    }
}

/// A later step's message is the earlier step's result when the request did not give one.
fn take_previous(step: &mut PlannedStep, catalog: &ActionCatalog) {
    let Ok(action) = catalog.action(&step.action) else {
        return;
    };
    for field in ["text", "body", "description"] {
        if step.missing.iter().any(|missing| missing == field)
            || (!step.arguments.contains_key(field) && action.schema["properties"].get(field).is_some())
        {
            step.missing.retain(|missing| missing != field);
            step.from_previous = Some(field.to_owned());
            return;
        }
    }
}

impl Planner for OfflinePlanner {
    fn name(&self) -> &'static str {
        crate::llm::model::BUILTIN_NAME
    }

    fn plan<'a>(&'a self, request: &'a PlanRequest) -> PlanFuture<'a> {
        Box::pin(std::future::ready(self.plan_now(request)))
    }
}
