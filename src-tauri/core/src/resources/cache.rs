//! Listings kept for a short while per connection and account (a deleted connection's id can
//! be reused by another account), so going back up a folder or reopening a picker is instant;
//! a listing asked with `refresh` replaces its entry. Errors and cancelled listings are never
//! kept, and the oldest entries go first past the bound.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::model::{ListRequest, Resource};
use crate::ids::ConnectionId;

/// How long a listing stays fresh, in seconds.
pub const CACHE_SECONDS: i64 = 60;
/// How many listings are kept at most.
const MAX_ENTRIES: usize = 48;

/// Everything a listing is asked by, but `refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    connection: ConnectionId,
    account: String,
    kind: String,
    location: Option<String>,
    search: Option<String>,
    filter: String,
}

impl CacheKey {
    pub fn new(request: &ListRequest, account: &str, search: Option<&str>, filter: &str) -> Self {
        Self {
            connection: request.connection,
            account: account.to_owned(),
            kind: request.kind.clone(),
            location: request.location.clone(),
            search: search.map(str::to_owned),
            filter: filter.to_owned(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Cached {
    pub items: Vec<Resource>,
    pub note: Option<String>,
    /// When it was listed (Unix seconds).
    pub at: i64,
}

#[derive(Default)]
pub struct ListingCache {
    entries: Mutex<HashMap<CacheKey, Cached>>,
}

impl ListingCache {
    /// The entry for `key` if it is still fresh at `now`.
    pub fn get(&self, key: &CacheKey, now: i64) -> Option<Cached> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(key)
            .filter(|cached| (0..CACHE_SECONDS).contains(&(now - cached.at)))
            .cloned()
    }

    pub fn put(&self, key: CacheKey, cached: Cached) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, entry| cached.at - entry.at < CACHE_SECONDS);
        while entries.len() >= MAX_ENTRIES {
            let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, entry)| entry.at)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            entries.remove(&oldest);
        }
        entries.insert(key, cached);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(connection: i64, location: Option<&str>) -> ListRequest {
        ListRequest {
            connection: ConnectionId(connection),
            kind: "drive.file".into(),
            location: location.map(str::to_owned),
            search: None,
            filter: None,
            refresh: false,
        }
    }

    fn cached(at: i64) -> Cached {
        Cached {
            items: Vec::new(),
            note: None,
            at,
        }
    }

    #[test]
    fn an_entry_is_fresh_for_a_minute_then_gone() {
        let cache = ListingCache::default();
        let key = CacheKey::new(&request(1, Some("root")), "ana", None, "any");
        cache.put(key.clone(), cached(1_000));
        assert!(cache.get(&key, 1_030).is_some(), "half a minute later it is served");
        assert!(
            cache.get(&key, 1_000 + CACHE_SECONDS).is_none(),
            "a minute later it is stale"
        );
        assert!(
            cache.get(&key, 999).is_none(),
            "a clock gone backwards does not serve it"
        );
    }

    #[test]
    fn listings_are_kept_per_connection_and_place() {
        let cache = ListingCache::default();
        let here = CacheKey::new(&request(1, Some("root")), "ana", None, "any");
        cache.put(here.clone(), cached(1_000));
        assert!(cache
            .get(&CacheKey::new(&request(2, Some("root")), "ana", None, "any"), 1_001)
            .is_none());
        assert!(cache
            .get(&CacheKey::new(&request(1, Some("x")), "ana", None, "any"), 1_001)
            .is_none());
        assert!(cache
            .get(
                &CacheKey::new(&request(1, Some("root")), "ana", Some("a"), "any"),
                1_001
            )
            .is_none());
        let reused = CacheKey::new(&request(1, Some("root")), "bob", None, "any");
        assert!(
            cache.get(&reused, 1_001).is_none(),
            "another account under a reused id sees nothing"
        );
    }

    #[test]
    fn the_oldest_entry_goes_past_the_bound() {
        let cache = ListingCache::default();
        for index in 0..=MAX_ENTRIES {
            let location = format!("folder{index}");
            let at = 1_000 + i64::try_from(index).expect("small");
            cache.put(
                CacheKey::new(&request(1, Some(&location)), "ana", None, "any"),
                cached(at),
            );
        }
        let first = CacheKey::new(&request(1, Some("folder0")), "ana", None, "any");
        assert!(cache.get(&first, 1_050).is_none(), "the oldest entry made room");
        let last = CacheKey::new(&request(1, Some(&format!("folder{MAX_ENTRIES}"))), "ana", None, "any");
        assert!(cache.get(&last, 1_050).is_some(), "the newest is kept");
    }
}
