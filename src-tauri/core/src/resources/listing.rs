//! One listing from start to end: the source's plan, each page sent as it arrives, the next
//! page followed (a token, a cursor or a Link URL on the same origin), the search applied here
//! when the provider cannot, and the stops that make a list partial: a page token or URL that
//! repeats (F8), a next page on another origin, the item cap (F9), a cancel.

use std::collections::HashSet;

use url::Url;

use super::api::{Caller, Stop};
use super::error::ResourceError;
use super::model::{ListingPage, Resource};
use super::source::{Next, Query, Source};

/// How a listing went: everything it found, and whether that is all there is.
#[derive(Debug, Default)]
pub struct Gathered {
    pub items: Vec<Resource>,
    pub note: Option<String>,
    pub cancelled: bool,
}

impl Gathered {
    pub fn partial(&self) -> bool {
        self.note.is_some() || self.cancelled
    }
}

/// Runs the listing, calling `on_page` with each page's items as they arrive.
pub async fn gather(
    caller: &Caller<'_>,
    source: &dyn Source,
    query: &Query<'_>,
    on_page: &mut (dyn FnMut(ListingPage) + Send),
) -> Result<Gathered, ResourceError> {
    let plan = source.plan(query)?;
    let wanted = (!source.searches(query)).then_some(query.search).flatten();
    let cap = caller.policy.max_items;
    let mut gathered = Gathered::default();
    gathered.take(plan.leading, wanted, cap, on_page);
    let mut next = plan.request.map(|request| request.url);
    let mut seen: HashSet<String> = HashSet::new();
    while let Some(url) = next.take() {
        if gathered.items.len() >= cap {
            gathered.note = Some(capped_note(cap));
            break;
        }
        let answer = match caller.get(&url).await {
            Ok(answer) => answer,
            Err(Stop::Cancelled) => {
                gathered.cancelled = true;
                break;
            }
            Err(Stop::Failed(error)) => return Err(error),
        };
        let parsed = source.parse(query, &answer)?;
        gathered.take(parsed.items, wanted, cap, on_page);
        match following(&url, parsed.next, &mut seen, &caller.provider.name) {
            Ok(url) => next = url,
            Err(note) => gathered.note = Some(note),
        }
    }
    if caller.cancel.is_cancelled() {
        gathered.cancelled = true;
    }
    Ok(gathered)
}

impl Gathered {
    /// Keeps the items that match the search (when filtering here), up to the cap, and sends
    /// them on as a page.
    fn take(
        &mut self,
        items: Vec<Resource>,
        wanted: Option<&str>,
        cap: usize,
        on_page: &mut (dyn FnMut(ListingPage) + Send),
    ) {
        let needle = wanted.map(str::to_lowercase);
        let room = cap.saturating_sub(self.items.len());
        let mut page: Vec<Resource> = items
            .into_iter()
            .filter(|item| {
                needle
                    .as_ref()
                    .is_none_or(|needle| item.name.to_lowercase().contains(needle))
            })
            .collect();
        if page.len() > room {
            page.truncate(room);
            self.note = Some(capped_note(cap));
        }
        if page.is_empty() {
            return;
        }
        self.items.extend(page.iter().cloned());
        on_page(ListingPage {
            items: page,
            total: u32::try_from(self.items.len()).unwrap_or(u32::MAX),
        });
    }
}

/// The next page's URL, none at the end, or why the listing stops short.
fn following(current: &Url, next: Next, seen: &mut HashSet<String>, provider: &str) -> Result<Option<Url>, String> {
    let repeated = || format!("{provider} sent the same page twice, so this list may be incomplete.");
    let url = match next {
        Next::Done => return Ok(None),
        Next::Param { name, value } => {
            if !seen.insert(format!("{name}={value}")) {
                return Err(repeated());
            }
            with_param(current, name, &value)
        }
        Next::Url(text) => {
            let url = Url::parse(&text)
                .map_err(|_| format!("{provider} pointed to a next page Switchboard could not read."))?;
            if url.origin() != current.origin() {
                return Err(format!(
                    "{provider} pointed the next page to another server, so the list stops here."
                ));
            }
            if !seen.insert(url.to_string()) || &url == current {
                return Err(repeated());
            }
            url
        }
    };
    Ok(Some(url))
}

/// `url` with the query parameter `name` set to `value` (replacing any earlier one).
fn with_param(url: &Url, name: &str, value: &str) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| key != name)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let mut next = url.clone();
    next.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(name, value);
    next
}

fn capped_note(cap: usize) -> String {
    format!(
        "Showing the first {} items; search to find the rest.",
        group_digits(cap)
    )
}

/// 50000 → "50,000".
pub fn group_digits(number: usize) -> String {
    let text = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in text.chars().enumerate() {
        if index > 0 && (text.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a URL")
    }

    #[test]
    fn a_page_token_replaces_the_previous_one() {
        let mut seen = HashSet::new();
        let first = url("http://127.0.0.1:1/files?q=x&pageToken=a");
        let next = following(
            &first,
            Next::Param {
                name: "pageToken",
                value: "b".into(),
            },
            &mut seen,
            "Google",
        )
        .expect("a next page")
        .expect("not the end");
        assert_eq!(next.as_str(), "http://127.0.0.1:1/files?q=x&pageToken=b");
    }

    #[test]
    fn a_token_seen_before_stops_the_listing_as_partial() {
        let mut seen = HashSet::new();
        let current = url("http://127.0.0.1:1/files");
        let token = || Next::Param {
            name: "pageToken",
            value: "same".into(),
        };
        assert!(following(&current, token(), &mut seen, "Google").is_ok());
        let stop = following(&current, token(), &mut seen, "Google").expect_err("a repeat stops");
        assert!(stop.contains("same page twice"), "the note says why: {stop}");
    }

    #[test]
    fn a_next_link_to_another_origin_is_not_followed() {
        let mut seen = HashSet::new();
        let current = url("https://api.github.com/user/repos?page=1");
        let stop = following(
            &current,
            Next::Url("https://evil.example/user/repos?page=2".into()),
            &mut seen,
            "GitHub",
        )
        .expect_err("the token must not travel to another server");
        assert!(stop.contains("another server"), "{stop}");
        let same = following(
            &current,
            Next::Url("https://api.github.com/user/repos?page=2".into()),
            &mut seen,
            "GitHub",
        );
        assert!(matches!(same, Ok(Some(_))), "the same origin is followed");
    }

    #[test]
    fn digits_are_grouped_for_people() {
        assert_eq!(group_digits(50_000), "50,000");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }
}
