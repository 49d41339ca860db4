//! Shared by the browsing tests: a Google connection made against oidc-provider whose APIs
//! are the loopback doubles, the browsing service with fast protocol seconds, and a listing
//! run to its end with every page it sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_core::clock::SystemClock;
use switchboard_core::connections::Connection;
use switchboard_core::error::UserError;
use switchboard_core::resources::{ApiPolicy, ListRequest, ListingPage, ListingSummary, Resource, Resources};

use super::connector::{google_overrides, Harness};
use super::doubles::ApiDoubles;
use super::google_flow::LOOPBACK;
use super::keyring;
use super::oidc::OidcServer;

/// A protocol second in these tests: Retry-After waits stay short but measurable.
pub const TEST_SECOND: Duration = Duration::from_millis(20);

/// Google signed in at oidc-provider, its Drive, Sheets and Calendar APIs at the doubles.
pub fn google_harness(server: &OidcServer, doubles: &ApiDoubles, test: &str) -> Harness {
    keyring::require_session_bus();
    let overrides = google_overrides(server, LOOPBACK).replacen(
        "[providers.google.oauth]",
        &format!("{}\n[providers.google.oauth]", doubles.overrides_lines("google")),
        1,
    );
    Harness::new(&overrides, keyring::private_slot(test), Duration::from_secs(30))
}

/// The browsing service with waits in `TEST_SECOND`s.
pub fn resources(harness: &Harness) -> Resources {
    let policy = ApiPolicy {
        second: TEST_SECOND,
        clock: Arc::new(SystemClock),
        ..ApiPolicy::default()
    };
    Resources::new(
        harness.services.context.clone(),
        harness.services.store.clone(),
        harness.services.renewal.clone(),
        policy,
    )
}

/// A request for `kind` at `location` on `connection`.
pub fn request(connection: &Connection, kind: &str, location: Option<&str>) -> ListRequest {
    ListRequest {
        connection: connection.id,
        kind: kind.into(),
        location: location.map(str::to_owned),
        search: None,
        filter: None,
        refresh: false,
    }
}

/// `asked` with the cache skipped.
pub fn refreshed(mut asked: ListRequest) -> ListRequest {
    asked.refresh = true;
    asked
}

/// A request with a filter.
pub fn filtered(connection: &Connection, kind: &str, location: Option<&str>, filter: &str) -> ListRequest {
    let mut asked = request(connection, kind, location);
    asked.filter = Some(filter.into());
    asked
}

/// A request with a search.
pub fn searched(connection: &Connection, kind: &str, location: Option<&str>, search: &str) -> ListRequest {
    let mut asked = request(connection, kind, location);
    asked.search = Some(search.into());
    asked
}

/// What a listing sent, page by page, and how it ended.
pub struct Listed {
    pub pages: Vec<ListingPage>,
    pub summary: ListingSummary,
}

impl Listed {
    pub fn items(&self) -> Vec<&Resource> {
        self.pages.iter().flat_map(|page| page.items.iter()).collect()
    }

    /// Every item's name, in order.
    pub fn names(&self) -> Vec<&str> {
        self.items().iter().map(|item| item.name.as_str()).collect()
    }

    /// The item named `name`, or a failure listing what there was.
    pub fn named(&self, name: &str) -> &Resource {
        let items = self.items();
        let found = items.iter().find(|item| item.name == name);
        found.copied().unwrap_or_else(|| {
            let names: Vec<&str> = items.iter().take(30).map(|item| item.name.as_str()).collect();
            panic!("no item named {name:?} among {names:?}")
        })
    }
}

/// Runs a listing to its end.
pub async fn list(resources: &Resources, request: &ListRequest) -> Result<Listed, UserError> {
    let pages = Mutex::new(Vec::new());
    let mut on_page = |page: ListingPage| pages.lock().expect("pages").push(page);
    let summary = resources.list("test", request, &mut on_page).await?;
    Ok(Listed {
        pages: pages.into_inner().expect("pages"),
        summary,
    })
}

/// The requests the doubles saw on `path`.
pub async fn requests_to(doubles: &ApiDoubles, path: &str) -> Vec<serde_json::Value> {
    let all = doubles.requests().await;
    all.into_iter()
        .filter(|request| request["path"].as_str() == Some(path))
        .collect()
}
