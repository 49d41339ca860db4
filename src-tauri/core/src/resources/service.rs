//! The browsing service the shell and the CLI hold: checks a listing request against the kind
//! and the connection (right provider, usable, granted what the kind needs), serves it from the
//! cache or lists it, and keeps each running listing cancellable by its id.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::api::{api_client, ApiPolicy, Caller};
use super::cache::{CacheKey, Cached, ListingCache};
use super::cancel::Cancel;
use super::error::{ResourceError as Error, MAX_SEARCH_CHARS};
use super::kinds::{kind, kinds_of, KindId};
use super::listing::gather;
use super::model::{ListRequest, ListingPage, ListingSummary, ResourceKind};
use super::source::Query;
use super::sources::source_for;
use super::{all_kinds, Resource};
use crate::catalog::{AuthKind, Provider};
use crate::connections::status::lacking;
use crate::connections::{Connection, ConnectionStore, TokenRenewal};
use crate::context::CoreContext;

/// Pages sent from the cache hold this many items, like a provider's page.
const CACHED_PAGE: usize = 1_000;
const MAX_LOCATION_CHARS: usize = 2_000;
const MAX_LISTING_ID: usize = 100;

pub struct Resources {
    context: CoreContext,
    store: Arc<ConnectionStore>,
    renewal: Arc<TokenRenewal>,
    policy: ApiPolicy,
    /// Made at the first listing, not at start-up (building it loads the trusted certificates).
    client: OnceLock<reqwest::Client>,
    cache: ListingCache,
    running: Mutex<HashMap<String, Cancel>>,
}

impl Resources {
    pub fn new(
        context: CoreContext,
        store: Arc<ConnectionStore>,
        renewal: Arc<TokenRenewal>,
        policy: ApiPolicy,
    ) -> Self {
        Self {
            client: OnceLock::new(),
            context,
            store,
            renewal,
            policy,
            cache: ListingCache::default(),
            running: Mutex::new(HashMap::new()),
        }
    }

    /// The kinds one provider's connections can browse, or all of them.
    pub fn kinds(&self, provider: Option<&str>) -> Vec<ResourceKind> {
        provider.map_or_else(all_kinds, kinds_of)
    }

    /// Lists what `request` asks for, sending each page to `on_page` as it arrives. `listing`
    /// names it for `cancel`; a listing started under a name still running cancels that one.
    pub async fn list(
        &self,
        listing: &str,
        request: &ListRequest,
        on_page: &mut (dyn FnMut(ListingPage) + Send),
    ) -> Result<ListingSummary, Error> {
        check_listing_id(listing)?;
        let kind_id = KindId::parse(&request.kind).ok_or_else(|| Error::UnknownKind {
            kind: shown(&request.kind),
        })?;
        let kind = kind(kind_id);
        let connection = self.store.usable(request.connection)?;
        let provider = self.context.provider(&connection.provider)?.clone();
        check_connection(&kind, &connection, &provider)?;
        let filter = chosen_filter(&kind, request.filter.as_deref())?;
        let search = checked_search(request.search.as_deref())?;
        if request
            .location
            .as_ref()
            .is_some_and(|location| location.chars().count() > MAX_LOCATION_CHARS)
        {
            return Err(Error::PlaceTooLong);
        }
        let key = CacheKey::new(request, &connection.account_id, search, &filter);
        let now = self.context.now();
        if !request.refresh {
            if let Some(cached) = self.cache.get(&key, now) {
                return Ok(replay(cached, on_page));
            }
        }
        let source = source_for(kind_id);
        let query = Query {
            kind: kind_id,
            location: request.location.as_deref(),
            search,
            filter: &filter,
            provider: &provider,
            config: &connection.config,
        };
        let cancel = self.start(listing);
        let caller = Caller {
            store: &self.store,
            renewal: &self.renewal,
            connection: &connection,
            provider: &provider,
            client: self.client.get_or_init(|| api_client(&self.policy)),
            policy: &self.policy,
            cancel: &cancel,
        };
        let gathered = gather(&caller, source, &query, on_page).await;
        self.finish(listing, &cancel);
        let gathered = gathered?;
        let summary = ListingSummary {
            total: count(&gathered.items),
            partial: gathered.partial(),
            note: gathered.note.clone(),
            cached_at: None,
            cancelled: gathered.cancelled,
        };
        if !gathered.cancelled {
            let cached = Cached {
                items: gathered.items,
                note: gathered.note,
                at: now,
            };
            self.cache.put(key, cached);
        }
        Ok(summary)
    }

    /// Stops the listing named `listing`, if it is still running.
    pub fn cancel(&self, listing: &str) -> Result<(), Error> {
        check_listing_id(listing)?;
        if let Some(cancel) = self.running().get(listing) {
            cancel.cancel();
        }
        Ok(())
    }

    fn start(&self, listing: &str) -> Cancel {
        let cancel = Cancel::default();
        if let Some(earlier) = self.running().insert(listing.to_owned(), cancel.clone()) {
            earlier.cancel();
        }
        cancel
    }

    fn finish(&self, listing: &str, cancel: &Cancel) {
        let mut running = self.running();
        if running
            .get(listing)
            .is_some_and(|current| Arc::ptr_eq(current.inner(), cancel.inner()))
        {
            running.remove(listing);
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cancel>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A listing's name, chosen by the window: short and plain.
fn check_listing_id(listing: &str) -> Result<(), Error> {
    let plain = listing
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if listing.is_empty() || listing.len() > MAX_LISTING_ID || !plain {
        return Err(Error::InvalidListingId);
    }
    Ok(())
}

/// The connection must be of the kind's provider and, for a sign-in, hold what the kind needs.
fn check_connection(kind: &ResourceKind, connection: &Connection, provider: &Provider) -> Result<(), Error> {
    if connection.provider != kind.provider {
        return Err(Error::OtherAccount {
            kind: kind.name.clone(),
            provider: provider.name.clone(),
        });
    }
    if matches!(connection.auth_kind, AuthKind::ApiKey | AuthKind::BotToken) {
        return Ok(()); // a pasted key's access is whatever it was made with
    }
    let wanted: Vec<String> = provider
        .products
        .iter()
        .filter(|product| kind.products.contains(&product.id))
        .flat_map(|product| product.scopes.iter().cloned())
        .collect();
    let missing = lacking(&connection.scopes, &wanted);
    if missing.is_empty() {
        return Ok(());
    }
    let described: Vec<&str> = missing
        .iter()
        .map(|scope| {
            provider
                .scope_descriptions
                .get(scope)
                .map_or(scope.as_str(), String::as_str)
        })
        .collect();
    Err(Error::MissingScopes {
        kind: kind.name.clone(),
        provider: provider.name.clone(),
        missing: described.join("; "),
    })
}

/// The filter asked for, or the kind's default; one the kind does not offer is refused.
fn chosen_filter(kind: &ResourceKind, asked: Option<&str>) -> Result<String, Error> {
    let default = kind.filters.first().map(|filter| filter.id.clone()).unwrap_or_default();
    match asked.filter(|asked| !asked.is_empty()) {
        None => Ok(default),
        Some(asked) if kind.filters.iter().any(|filter| filter.id == asked) => Ok(asked.to_owned()),
        Some(asked) => Err(Error::UnknownFilter {
            kind: kind.name.clone(),
            filter: shown(asked),
        }),
    }
}

fn checked_search(search: Option<&str>) -> Result<Option<&str>, Error> {
    let search = search.map(str::trim).filter(|search| !search.is_empty());
    if search.is_some_and(|search| search.chars().count() > MAX_SEARCH_CHARS || search.chars().any(char::is_control)) {
        return Err(Error::InvalidSearch);
    }
    Ok(search)
}

/// A cached listing sent again in pages.
fn replay(cached: Cached, on_page: &mut (dyn FnMut(ListingPage) + Send)) -> ListingSummary {
    let mut sent = 0;
    for chunk in cached.items.chunks(CACHED_PAGE) {
        sent += chunk.len();
        on_page(ListingPage {
            items: chunk.to_vec(),
            total: u32::try_from(sent).unwrap_or(u32::MAX),
        });
    }
    ListingSummary {
        total: count(&cached.items),
        partial: cached.note.is_some(),
        note: cached.note,
        cached_at: Some(cached.at),
        cancelled: false,
    }
}

fn count(items: &[Resource]) -> u32 {
    u32::try_from(items.len()).unwrap_or(u32::MAX)
}

/// Text from a request, safe to echo in a message.
fn shown(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn listing_ids_are_short_and_plain() {
        assert!(check_listing_id("picker-lzq3-12").is_ok());
        for bad in ["", "a b", "<script>", &"x".repeat(101), "id\n"] {
            assert_eq!(
                check_listing_id(bad).map_err(|error| error.code()),
                Err(ErrorCode::InvalidInput),
                "{bad:?} comes from the window and is refused"
            );
        }
    }

    #[test]
    fn a_filter_is_the_kinds_own_or_its_default() {
        let drive = kind(KindId::DriveFile);
        assert_eq!(
            chosen_filter(&drive, None).expect("default"),
            "any",
            "the first filter is the default"
        );
        assert_eq!(chosen_filter(&drive, Some("pdf")).expect("offered"), "pdf");
        let refused = chosen_filter(&drive, Some("exe")).expect_err("not offered");
        assert_eq!(refused.code(), ErrorCode::InvalidInput);
        let folders = kind(KindId::DriveFolder);
        assert_eq!(
            chosen_filter(&folders, None).expect("none"),
            "",
            "a kind without filters has none"
        );
    }

    #[test]
    fn a_search_is_trimmed_and_bounded() {
        assert_eq!(checked_search(Some("  budget ")).expect("plain"), Some("budget"));
        assert_eq!(checked_search(Some("   ")).expect("blank"), None, "blank is no search");
        assert!(checked_search(Some(&"a".repeat(201))).is_err(), "too long");
        assert!(
            checked_search(Some("a\u{0}b")).is_err(),
            "control characters are refused"
        );
    }
}
