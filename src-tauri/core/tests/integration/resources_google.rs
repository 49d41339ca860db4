//! Browsing Google Drive, Sheets and Calendar (SECURITY.md F7, F8, F9 and the 401 rule): a
//! Google connection made at oidc-provider, its APIs the loopback doubles seeded with over
//! 20,000 Drive files. Paging to the end, a repeating page token, Retry-After in seconds and
//! as a date, a refused token renewed once, cancelling mid-listing, the cache, and names that
//! are markup.

use crate::support::connector;
use crate::support::doubles;
use crate::support::google_flow;
use crate::support::oidc;
use crate::support::resources as resources_support;

use std::time::{Duration, Instant};

use doubles::ApiDoubles;
use oidc::OidcServer;
use resources_support::{google_harness, list, request, requests_to, resources, TEST_SECOND};
use switchboard_core::connections::{ConnectRequest, Connection, ConnectionStatus};
use switchboard_core::error::ErrorCode;
use switchboard_core::resources::{ApiPolicy, Resources};

const FILES: &str = "/google/drive/v3/files";

/// Signs Ana in with the products asked for.
async fn connect(harness: &connector::Harness, products: &[&str]) -> Connection {
    let mut asked: ConnectRequest = google_flow::google();
    asked.products = products.iter().map(|&product| product.to_owned()).collect();
    let started = harness
        .services
        .sign_ins
        .start(&asked)
        .await
        .expect("the sign-in starts");
    let (approved, printed) = oidc::approve_in_browser(&harness.browser_url(), "ana").await;
    assert!(approved, "the browser stand-in finishes:\n{printed}");
    harness.connected(harness.outcome(&started.flow_id).await)
}

/// The Archive folder's location (10,000 files directly inside), found by browsing My Drive.
async fn archive(resources: &Resources, connection: &Connection) -> String {
    let root = list(resources, &request(connection, "drive.file", Some("root")))
        .await
        .expect("My Drive lists");
    let folder = root.named("Archive");
    assert_eq!(folder.item, "folder");
    folder.location.clone().expect("a folder opens")
}

#[tokio::test]
async fn a_folder_of_10000_files_pages_to_the_end_and_is_then_served_from_the_cache() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-paging");
    let ana = connect(&harness, &["drive"]).await;
    let resources = resources(&harness);
    let archive = archive(&resources, &ana).await;
    doubles.reset().await;

    let listed = list(&resources, &request(&ana, "drive.file", Some(&archive)))
        .await
        .expect("the Archive lists");
    assert_eq!(listed.items().len(), 10_000, "every file of the folder is listed");
    assert_eq!(listed.summary.total, 10_000);
    assert!(!listed.summary.partial, "a listing that reached the end is complete");
    assert!(
        listed.pages.len() >= 10,
        "pages arrive as Drive answers them, 1,000 at most each"
    );
    assert_eq!(
        listed.pages.last().map(|page| page.total),
        Some(10_000),
        "each page says how many have arrived"
    );
    let asked = requests_to(&doubles, FILES).await;
    let tokens: std::collections::BTreeSet<String> = asked
        .iter()
        .filter_map(|request| request["query"]["pageToken"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(asked.len(), 10, "ten pages of 1,000");
    assert_eq!(tokens.len(), 9, "each page after the first follows a new page token");

    let again = list(&resources, &request(&ana, "drive.file", Some(&archive)))
        .await
        .expect("listed again");
    assert_eq!(again.items().len(), 10_000);
    assert!(
        again.summary.cached_at.is_some(),
        "a listing a moment old comes from the cache"
    );
    assert_eq!(requests_to(&doubles, FILES).await.len(), 10, "and asks Drive nothing");

    let mut fresh = request(&ana, "drive.file", Some(&archive));
    fresh.refresh = true;
    let refreshed = list(&resources, &fresh).await.expect("refreshed");
    assert!(refreshed.summary.cached_at.is_none(), "refresh asks the provider again");
    assert_eq!(requests_to(&doubles, FILES).await.len(), 20);
}

#[tokio::test]
async fn a_listing_stops_at_the_item_cap_and_says_the_rest_needs_a_search() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-cap");
    let ana = connect(&harness, &["drive"]).await;
    let capped = ApiPolicy {
        max_items: 2_500,
        ..ApiPolicy::default()
    };
    let resources = Resources::new(
        harness.services.context.clone(),
        harness.services.store.clone(),
        harness.services.renewal.clone(),
        capped,
    );
    let listed = list(
        &resources,
        &request(&ana, "drive.file", Some(doubles::seed::ARCHIVE_FOLDER)),
    )
    .await
    .expect("a capped listing is still a listing");
    assert_eq!(listed.items().len(), 2_500, "F9: no more than the cap is gathered");
    assert!(listed.summary.partial, "and the list says it is not everything");
    let note = listed.summary.note.clone().unwrap_or_default();
    assert!(note.contains("first 2,500") && note.contains("search"), "{note}");
    assert_eq!(
        requests_to(&doubles, FILES).await.len(),
        3,
        "no page is asked for past the cap"
    );
}

#[tokio::test]
async fn a_page_token_that_repeats_stops_the_listing_and_says_it_is_partial() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-repeat");
    let ana = connect(&harness, &["drive"]).await;
    let resources = resources(&harness);
    let archive = archive(&resources, &ana).await;
    doubles.reset().await;
    doubles.repeat_page_token(FILES).await;

    let listed = list(&resources, &request(&ana, "drive.file", Some(&archive)))
        .await
        .expect("a stuck provider still gives what it gave");
    assert!(listed.summary.partial, "the list is marked partial");
    let note = listed.summary.note.clone().unwrap_or_default();
    assert!(note.contains("same page twice"), "and says why: {note}");
    assert!(
        requests_to(&doubles, FILES).await.len() <= 3,
        "the listing stops instead of asking for the same page forever"
    );
    assert_eq!(
        listed.items().len(),
        2_000,
        "the two distinct pages it did get are kept"
    );
}

#[tokio::test]
async fn too_many_requests_is_waited_out_with_retry_after_in_seconds_or_as_a_date() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-429");
    let ana = connect(&harness, &["drive"]).await;
    let resources = resources(&harness);
    let body =
        serde_json::json!({"error": {"code": 429, "message": "Rate Limit Exceeded", "status": "RESOURCE_EXHAUSTED"}});

    doubles
        .fault(FILES, 429, &[("Retry-After", "3")], Some(body.clone()), 1)
        .await;
    let started = Instant::now();
    let listed = list(&resources, &request(&ana, "drive.file", Some("root")))
        .await
        .expect("the listing goes on after the wait");
    assert!(
        started.elapsed() >= TEST_SECOND * 3,
        "Retry-After: 3 is waited out before asking again (took {:?})",
        started.elapsed()
    );
    assert!(!listed.items().is_empty());
    assert_eq!(
        requests_to(&doubles, FILES).await.len(),
        2,
        "asked once more after the wait"
    );

    doubles.reset().await;
    let now = std::time::SystemTime::now();
    let date = httpdate(now);
    let later = httpdate(now + Duration::from_secs(4));
    doubles
        .fault(
            FILES,
            429,
            &[("Retry-After", &later), ("Date", &date)],
            Some(body.clone()),
            1,
        )
        .await;
    let mut fresh = request(&ana, "drive.file", Some("root"));
    fresh.refresh = true;
    let started = Instant::now();
    list(&resources, &fresh)
        .await
        .expect("the listing goes on after the date");
    assert!(
        started.elapsed() >= TEST_SECOND * 3,
        "a Retry-After date four seconds after the answer's Date is waited out (took {:?})",
        started.elapsed()
    );

    doubles.reset().await;
    doubles
        .fault(FILES, 429, &[("Retry-After", "3600")], Some(body), 1)
        .await;
    let error = list(&resources, &fresh)
        .await
        .err()
        .expect("an hour is too long to wait");
    assert_eq!(error.code, ErrorCode::Network, "{error:?}");
    assert!(
        error.message.contains("60 min"),
        "the wait is said in words: {}",
        error.message
    );
    assert_eq!(
        requests_to(&doubles, FILES).await.len(),
        1,
        "and not asked again meanwhile"
    );
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_and_refused_again_needs_a_new_sign_in() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-401");
    let ana = connect(&harness, &["drive"]).await;
    let resources = resources(&harness);
    let first = harness.services.renewal.access_token(ana.id).await.expect("a token");
    doubles.reject_token(first.expose()).await;

    list(&resources, &request(&ana, "drive.file", Some("root")))
        .await
        .expect("after one renewal the listing goes on");
    let bearers: Vec<String> = requests_to(&doubles, FILES)
        .await
        .iter()
        .filter_map(|request| request["bearer"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(bearers.len(), 2, "refused once, asked once more: {bearers:?}");
    assert_eq!(
        bearers[0],
        first.expose().as_str(),
        "the first try used the stored token"
    );
    assert_ne!(
        bearers[1], bearers[0],
        "the retry used the renewed token from oidc-provider"
    );

    doubles.reset().await;
    let unauthorized = serde_json::json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}});
    doubles.fault(FILES, 401, &[], Some(unauthorized), 5).await;
    let mut fresh = request(&ana, "drive.file", Some("root"));
    fresh.refresh = true;
    let error = list(&resources, &fresh).await.err().expect("refused twice");
    assert_eq!(error.code, ErrorCode::NeedsAuth, "{error:?}");
    assert_eq!(requests_to(&doubles, FILES).await.len(), 2, "one renewal, not a loop");
    let status = harness.services.store.get(ana.id).expect("still there").status;
    assert!(
        matches!(status, ConnectionStatus::NeedsReauthorization { .. }),
        "the connection now asks to be signed in again, got {status:?}"
    );
}

#[tokio::test]
async fn cancelling_mid_listing_stops_asking_and_keeps_nothing_in_the_cache() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-cancel");
    let ana = connect(&harness, &["drive"]).await;
    let resources = std::sync::Arc::new(resources(&harness));
    let archive = archive(&resources, &ana).await;
    doubles.reset().await;
    doubles.delay(FILES, 300).await;

    let (pages_tx, mut pages_rx) = tokio::sync::mpsc::unbounded_channel();
    let running = tokio::spawn({
        let (resources, asked) = (resources.clone(), request(&ana, "drive.file", Some(&archive)));
        async move {
            let mut on_page = |page| {
                let _ = pages_tx.send(page);
            };
            resources.list("picker-1", &asked, &mut on_page).await
        }
    });
    pages_rx.recv().await.expect("a first page arrives");
    resources.cancel("picker-1").expect("a plain listing id");
    let summary = tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("a cancelled listing ends at once")
        .expect("the task ran")
        .expect("cancelling is not an error");
    assert!(
        summary.cancelled && summary.partial,
        "it says it was cancelled: {summary:?}"
    );
    let asked = requests_to(&doubles, FILES).await.len();
    assert!(asked < 10, "it stopped before the end ({asked} of 10 pages asked)");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(requests_to(&doubles, FILES).await.len(), asked, "and asks nothing more");

    doubles.reset().await;
    let again = list(&resources, &request(&ana, "drive.file", Some(&archive)))
        .await
        .expect("the whole folder lists");
    assert!(
        again.summary.cached_at.is_none(),
        "the cancelled listing was not cached"
    );
}

#[tokio::test]
async fn names_are_what_drive_says_markup_included_and_search_stays_in_the_folder() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-names");
    let ana = connect(&harness, &["drive"]).await;
    let resources = resources(&harness);
    let root = list(&resources, &request(&ana, "drive.file", Some("root")))
        .await
        .expect("My Drive lists");
    let marked = root.named("<img src=x onerror=alert('drive')>.txt");
    assert!(marked.selectable, "a file with markup in its name is just a file");
    assert!(
        root.items()
            .iter()
            .all(|item| item.item != "folder" || item.location.is_some()),
        "every folder can be opened"
    );

    let projects = root.named("Projects").location.clone().expect("opens");
    let inside = list(&resources, &request(&ana, "drive.file", Some(&projects)))
        .await
        .expect("Projects lists");
    let project = inside.named("Project 03").location.clone().expect("opens");
    let mut searched = request(&ana, "drive.file", Some(&project));
    searched.search = Some("Budget".into());
    let found = list(&resources, &searched).await.expect("searched");
    assert!(!found.items().is_empty(), "something in Project 03 is a budget");
    assert!(
        found.items().iter().all(|item| item.name.contains("Budget")),
        "only names containing the search come back"
    );
    let sent = requests_to(&doubles, FILES).await;
    let q = sent
        .last()
        .and_then(|request| request["query"]["q"].as_str())
        .unwrap_or_default()
        .to_owned();
    assert!(
        q.contains(&format!("'{project}' in parents")) && q.contains("name contains 'Budget'"),
        "Drive is asked to search within the folder: {q}"
    );
}

#[tokio::test]
async fn the_top_of_drive_is_my_drive_starred_recent_and_the_shared_drives() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-places");
    let ana = connect(&harness, &["drive"]).await;
    let resources = resources(&harness);
    let top = list(&resources, &request(&ana, "drive.file", None))
        .await
        .expect("the top lists");
    assert_eq!(
        top.names(),
        ["My Drive", "Starred", "Recent", "Team Drive", "Marketing"],
        "the places, then each shared drive from drives.list"
    );
    assert!(top
        .items()
        .iter()
        .all(|place| !place.selectable && place.location.is_some()));

    let marketing = top.named("Marketing").location.clone().expect("a shared drive opens");
    let inside = list(&resources, &request(&ana, "drive.file", Some(&marketing)))
        .await
        .expect("a shared drive lists");
    assert!(inside.names().contains(&"Launch plan"), "{:?}", inside.names());
    let asked = requests_to(&doubles, FILES).await;
    let query = &asked.last().expect("files.list was asked")["query"];
    assert_eq!(query["corpora"], "drive", "a shared drive is listed as that drive");
    assert_eq!(query["driveId"], doubles::seed::MARKETING_DRIVE);

    let starred = list(&resources, &request(&ana, "drive.file", Some("starred")))
        .await
        .expect("Starred lists");
    for name in [
        "Projects",
        "<b>Quarterly</b> report",
        "Team offsite.jpg",
        "Service budget",
    ] {
        assert!(
            starred.names().contains(&name),
            "{name} is starred: {:?}",
            starred.names()
        );
    }
    assert!(
        !starred.names().contains(&"Photos"),
        "only starred things are in Starred"
    );

    let recent = list(&resources, &request(&ana, "drive.file", Some("recent")))
        .await
        .expect("Recent lists");
    assert!(
        !recent.items().is_empty() && recent.items().len() <= 100,
        "Recent is the latest hundred at most, not the whole Drive ({})",
        recent.items().len()
    );
    let asked = requests_to(&doubles, FILES).await;
    let query = &asked.last().expect("files.list was asked")["query"];
    assert_eq!(query["orderBy"], "viewedByMeTime desc", "most recently seen first");
    assert_eq!(
        asked
            .iter()
            .filter(|request| request["query"]["orderBy"] == "viewedByMeTime desc")
            .count(),
        1,
        "one page, never a walk through every file"
    );
}

#[tokio::test]
async fn without_drive_access_the_person_is_asked_to_allow_it_before_any_request() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-consent");
    let ana = connect(&harness, &["gmail"]).await;
    let resources = resources(&harness);
    let error = list(&resources, &request(&ana, "drive.file", None))
        .await
        .err()
        .expect("a Gmail-only connection cannot browse Drive");
    assert_eq!(error.code, ErrorCode::NeedsConsent, "{error:?}");
    assert!(
        error.message.contains("See your Drive files"),
        "the missing access is named in plain words: {}",
        error.message
    );
    assert!(doubles.requests().await.is_empty(), "nothing was asked of Google");
}

#[tokio::test]
async fn spreadsheets_open_to_their_tabs_and_calendars_are_listed() {
    let (server, doubles) = (OidcServer::start(), ApiDoubles::start());
    let harness = google_harness(&server, &doubles, "resources-sheets");
    let ana = connect(&harness, &["drive", "sheets", "calendar"]).await;
    let resources = resources(&harness);
    let mut budgets = request(&ana, "sheets.sheet", None);
    budgets.search = Some("Budget".into());
    let spreadsheets = list(&resources, &budgets).await.expect("spreadsheets list");
    let first = spreadsheets.items()[0].clone();
    assert_eq!(first.item, "spreadsheet");
    assert!(!first.selectable, "picking a tab, a spreadsheet is a step on the way");
    let tabs = list(&resources, &request(&ana, "sheets.sheet", first.location.as_deref()))
        .await
        .expect("its tabs list");
    assert_eq!(tabs.items().len(), 3, "every tab of the spreadsheet");
    assert!(tabs
        .items()
        .iter()
        .all(|tab| tab.selectable && tab.id.starts_with(&first.id)));

    let calendars = list(&resources, &request(&ana, "calendar.calendar", None))
        .await
        .expect("calendars list");
    assert!(
        calendars
            .items()
            .iter()
            .any(|calendar| calendar.id == "ana@example.com"
                && calendar.detail.as_deref().unwrap_or("").contains("Primary")),
        "the primary calendar is there and marked"
    );
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn httpdate(at: std::time::SystemTime) -> String {
    let seconds = at.duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    let at = time::OffsetDateTime::from_unix_timestamp(i64::try_from(seconds).expect("fits")).expect("a date");
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.format(&format).expect("formats")
}
