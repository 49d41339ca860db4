//! Which action a request means: BM25 (`rank-bm25`) over every action of the catalogue, twice —
//! once over what the action does (title and synonyms, weighted) and once over everything said
//! of it (description and product names too) — with misspelt words corrected first. A product
//! named in the request ("in Slack", "my calendar") keeps the choice among its actions.

use std::collections::BTreeSet;

use rank_bm25::{Builder, Index, Params};
use rust_stemmers::Stemmer;

use super::words::{correct, raw_words, stemmer, terms};
use crate::tools::ActionCatalog;

/// Words that name a product, as people write them.
const PRODUCT_WORDS: &[(&str, &[&str])] = &[
    (
        "gmail",
        &["gmail", "email", "emails", "mail", "inbox", "e-mail", "mails"],
    ),
    ("drive", &["drive", "gdrive"]),
    ("sheets", &["sheets", "sheet", "spreadsheet", "spreadsheets"]),
    ("calendar", &["calendar", "calender", "calendars", "gcal"]),
    (
        "github",
        &["github", "gist", "repo", "repos", "repository", "repositories"],
    ),
    ("slack", &["slack"]),
    ("jira", &["jira"]),
    ("confluence", &["confluence", "wiki"]),
    ("notion", &["notion"]),
    ("telegram", &["telegram", "tg"]),
    ("supabase", &["supabase", "postgres", "database table"]),
];

pub struct ActionIndex {
    ids: Vec<String>,
    /// Whether each action only reads.
    reads: Vec<bool>,
    /// Each action's piece shapes (see `shape_of`).
    shapes: Vec<BTreeSet<&'static str>>,
    products: Vec<String>,
    doing: Index,
    described: Index,
    vocabulary: BTreeSet<String>,
    /// The stemmed words that name products.
    product_terms: BTreeSet<String>,
    stemmer: Stemmer,
}

/// An action's score for a request.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    pub position: usize,
    pub score: f64,
    /// Matched what the action does, not only its product.
    pub does: bool,
}

impl ActionIndex {
    pub fn build(catalog: &ActionCatalog) -> Self {
        let stemmer = stemmer();
        let mut doing = Builder::new(Params::okapi());
        let mut described = Builder::new(Params::okapi());
        let mut ids = Vec::new();
        let mut shapes = Vec::new();
        let mut reads = Vec::new();
        let mut products = Vec::new();
        let mut vocabulary = BTreeSet::new();
        for action in catalog.all() {
            let meta = &action.meta;
            let title = terms(&stemmer, &meta.title);
            let synonyms = terms(&stemmer, &meta.synonyms.join(" "));
            let mut does = title.clone();
            does.extend(title.iter().cloned());
            does.extend(synonyms.iter().cloned());
            let action_shapes: BTreeSet<&'static str> = action.schema["properties"]
                .as_object()
                .map(|properties| properties.keys().filter_map(|name| shape_of(name)).collect())
                .unwrap_or_default();
            does.extend(action_shapes.iter().map(|shape| (*shape).to_owned()));
            shapes.push(action_shapes);
            let mut all = does.clone();
            all.extend(terms(&stemmer, &meta.description));
            for word in product_words(&meta.product) {
                all.extend(terms(&stemmer, word));
            }
            vocabulary.extend(all.iter().cloned());
            // An empty document would fail the index; every action has a title.
            let _ = doing.add_document(does.iter().map(String::as_str));
            let _ = described.add_document(all.iter().map(String::as_str));
            ids.push(meta.id.clone());
            reads.push(meta.side_effect == crate::tools::SideEffect::Read);
            products.push(meta.product.clone());
        }
        let product_terms: BTreeSet<String> = PRODUCT_WORDS
            .iter()
            .flat_map(|(_, words)| words.iter())
            .map(|word| stemmer.stem(word).into_owned())
            .collect();
        vocabulary.extend(product_terms.iter().cloned());
        let (doing, described) = match (doing.build(), described.build()) {
            (Ok(doing), Ok(described)) => (doing, described),
            // Only an empty catalogue fails to build, and the catalogue's own test forbids it.
            _ => unreachable_empty(),
        };
        Self {
            ids,
            reads,
            shapes,
            products,
            doing,
            described,
            vocabulary,
            product_terms,
            stemmer,
        }
    }

    pub fn id(&self, position: usize) -> &str {
        &self.ids[position]
    }

    /// Whether the action at `position` takes a piece of one of `shapes`.
    pub fn takes_any(&self, position: usize, shapes: &[&str]) -> bool {
        shapes.iter().any(|shape| self.shapes[position].contains(shape))
    }

    pub fn product(&self, position: usize) -> &str {
        &self.products[position]
    }

    /// How many of `text`'s meaningful words the catalogue knows, and how many it does not.
    pub fn known_and_unknown(&self, text: &str) -> (usize, usize) {
        terms(&self.stemmer, text)
            .iter()
            .filter(|term| term.chars().count() >= 3 && term.chars().all(char::is_alphabetic))
            .fold((0, 0), |(known, unknown), term| {
                if self.vocabulary.contains(term) || correct(term, &self.vocabulary).is_some() {
                    (known + 1, unknown)
                } else {
                    (known, unknown + 1)
                }
            })
    }

    /// The products `text` names (a `#channel` names Slack).
    pub fn named_products(&self, text: &str) -> Vec<&'static str> {
        let words = raw_words(text);
        let lower = text.to_lowercase();
        let channel = super::extract::channel(text).map(|_| "slack");
        PRODUCT_WORDS
            .iter()
            .filter(|(_, names)| {
                names.iter().any(|name| {
                    if name.contains(' ') {
                        lower.contains(name)
                    } else {
                        // "telgram" names Telegram too.
                        words.iter().any(|word| {
                            word == name
                                || (name.len() >= 6
                                    && strsim::damerau_levenshtein(word, name) == 1
                                    && word.starts_with(&name[..1]))
                        })
                    }
                })
            })
            .map(|(product, _)| *product)
            .chain(channel)
            .collect()
    }

    /// Every action's score for `text` (whose pieces have `shapes`), best first (actions that
    /// match nothing left out).
    pub fn rank(&self, text: &str, shapes: &[&str]) -> Vec<Ranked> {
        let text = with_phrases_as_words(text);
        let mut query: Vec<String> = terms(&self.stemmer, &text)
            .into_iter()
            .filter_map(|term| {
                if self.vocabulary.contains(&term) {
                    Some(term)
                } else {
                    correct(&term, &self.vocabulary)
                }
            })
            .collect();
        // What to do weighs more than what it is about, and most when the request starts with it.
        let verbs: Vec<String> = query
            .iter()
            .filter(|term| VERBS.contains(&term.as_str()))
            .cloned()
            .collect();
        if let Some(first) = query.first().filter(|term| VERBS.contains(&term.as_str())).cloned() {
            query.push(first.clone());
            query.push(first);
        }
        query.extend(verbs);
        // What the action does is matched by words other than product names.
        let verbs: Vec<&str> = query
            .iter()
            .map(String::as_str)
            .filter(|term| !self.product_terms.contains(*term) && !WEAK.contains(term))
            .collect();
        let does = self.doing.get_scores(&verbs);
        query.extend(shapes.iter().map(|shape| (*shape).to_owned()));
        let query: Vec<&str> = query.iter().map(String::as_str).collect();
        let doing = self.doing.get_scores(&query);
        let described = self.described.get_scores(&query);
        let mut ranked: Vec<Ranked> = (0..self.ids.len())
            .map(|position| Ranked {
                position,
                score: 2.0 * doing[position] + described[position],
                does: does[position] > 0.0,
            })
            .filter(|ranked| ranked.score > 0.0)
            .collect();
        // A question asks to read ("any new telegram messages?", "what meetings do I have").
        if is_question(&text) {
            for ranked in &mut ranked {
                if self.reads[ranked.position] {
                    ranked.score *= 1.25;
                }
            }
        }
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
        ranked
    }

    pub fn reads(&self, position: usize) -> bool {
        self.reads[position]
    }
}

/// Words that match an action's wording without saying what to do ("my").
const WEAK: &[&str] = &["my", "new", "all"];

/// Stemmed verbs that say what to do.
const VERBS: &[&str] = &[
    "add",
    "creat",
    "make",
    "send",
    "post",
    "schedul",
    "book",
    "put",
    "set",
    "open",
    "star",
    "unstar",
    "remov",
    "delet",
    "cancel",
    "trash",
    "share",
    "upload",
    "move",
    "reschedul",
    "comment",
    "repli",
    "append",
    "insert",
    "updat",
    "write",
    "list",
    "show",
    "find",
    "search",
    "read",
    "check",
    "look",
    "tell",
    "ping",
    "invit",
    "draft",
    "get",
    "mark",
    "transit",
    "select",
    "respond",
    "block",
    "email",
    "messag",
];

/// Verbs of two words, as the one word they mean.
fn with_phrases_as_words(text: &str) -> String {
    const PHRASES: &[(&str, &str)] = &[
        ("set up a", "schedule a"),
        ("set up an", "schedule an"),
        ("look for", "search"),
        ("look up", "search"),
        ("catch me up", "history"),
        ("catch up", "history"),
    ];
    let mut lower = text.to_lowercase();
    for (phrase, word) in PHRASES {
        lower = lower.replace(phrase, word);
    }
    lower
}

fn is_question(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    lower.ends_with('?')
        || [
            "what",
            "which",
            "any ",
            "do i",
            "am i",
            "is there",
            "are there",
            "who",
            "how many",
            "when",
        ]
        .iter()
        .any(|start| lower.starts_with(start))
}

/// The shape of piece a parameter takes, as a word no request contains: a request with an
/// email address in it leans towards actions with a recipient, one with `#eng` towards Slack's.
pub fn shape_of(property: &str) -> Option<&'static str> {
    Some(match property {
        "to" | "cc" | "bcc" | "email" | "attendees" => "§email",
        "channel" => "§channel",
        "repository" => "§repo",
        "issue" => "§key",
        "start" | "from" | "due_within_days" | "until" => "§when",
        "text" | "body" => "§message",
        "thread_ts" => "§thread",
        "chat_id" => "§chat",
        "path" => "§path",
        "range" => "§range",
        "row" => "§pairs",
        "page_id" | "database_id" => "§notion",
        "number" => "§number",
        _ => return None,
    })
}

fn product_words(product: &str) -> &'static [&'static str] {
    PRODUCT_WORDS
        .iter()
        .find(|(id, _)| *id == product)
        .map_or(&[], |(_, words)| words)
}

fn unreachable_empty() -> ! {
    panic!("the action catalogue is empty")
}
