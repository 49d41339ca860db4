//! Words as the offline planner compares them: lower-cased, stop words dropped, stemmed
//! (Snowball English, `rust-stemmers`), and a misspelt word corrected to the nearest word the
//! catalogue knows (Damerau–Levenshtein, `strsim`: one edit for short words, two for long ones).

use std::collections::BTreeSet;

use rust_stemmers::{Algorithm, Stemmer};

/// Words that say nothing about which action is meant.
const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "am", "an", "and", "any", "are", "as", "at", "be", "by", "can", "could", "do", "does", "for",
    "from", "go", "have", "hey", "hi", "how", "i", "i'd", "i'm", "in", "into", "is", "it", "it's", "just", "kindly",
    "let", "like", "me", "need", "of", "on", "or", "our", "please", "pls", "plz", "quick", "quickly", "so", "some",
    "that", "the", "their", "them", "then", "there", "these", "this", "those", "to", "u", "up", "us", "want", "wanna",
    "was", "we", "what", "what's", "whats", "when", "where", "which", "who", "will", "with", "would", "you", "your",
    "thanks", "thank", "know", "also", "now", "one", "real", "right", "away", "asap", "there's", "is", "im",
];

pub fn stemmer() -> Stemmer {
    Stemmer::create(Algorithm::English)
}

/// The words of `text`, lower-cased, split on anything not a letter, digit, apostrophe or `_`.
pub fn raw_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_'))
        .map(|word| word.trim_matches('\'').to_lowercase())
        .filter(|word| !word.is_empty())
        .collect()
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// The stemmed words of `text` that carry meaning.
pub fn terms(stemmer: &Stemmer, text: &str) -> Vec<String> {
    raw_words(text)
        .into_iter()
        .filter(|word| !is_stop_word(word))
        .map(|word| stemmer.stem(&word).into_owned())
        .collect()
}

/// The word of `vocabulary` nearest to an unknown `term`, if it is near enough to be a typo.
pub fn correct(term: &str, vocabulary: &BTreeSet<String>) -> Option<String> {
    let length = term.chars().count();
    if length < 4 || term.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // A short word is corrected only to one that starts the same way ("stat" → "star", not
    // "fork" → "work").
    let first = term.chars().next();
    let allowed = if length >= 7 { 2 } else { 1 };
    vocabulary
        .iter()
        .filter(|known| known.chars().count() >= 3)
        .filter(|known| length >= 5 || known.chars().next() == first)
        .map(|known| (strsim::damerau_levenshtein(term, known), known))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, known)| (*distance, known.len().abs_diff(length)))
        .map(|(_, known)| known.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_stemmed_and_stop_words_dropped() {
        let stemmer = stemmer();
        assert_eq!(
            terms(&stemmer, "Please star the repositories"),
            vec!["star", "repositori"]
        );
    }

    #[test]
    fn a_typo_is_corrected_to_a_known_word_and_a_new_word_is_not() {
        let vocabulary: BTreeSet<String> = ["email", "calendar", "star"].map(String::from).into();
        assert_eq!(
            correct("emial", &vocabulary).as_deref(),
            Some("email"),
            "a swapped pair is one edit"
        );
        assert_eq!(correct("calender", &vocabulary).as_deref(), Some("calendar"));
        assert_eq!(correct("weather", &vocabulary), None, "an unknown word stays unknown");
    }
}
