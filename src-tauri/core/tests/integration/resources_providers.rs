//! Browsing Slack, Supabase and Jira against the loopback doubles (SECURITY.md F7, F8, F10 and
//! the 401 rule): Slack with a pasted bot token (channels paged by cursor, the private filter,
//! archived channels and deleted people left out, `ok:false` refusals, Retry-After); Supabase
//! with a project URL and key (tables and views from the OpenAPI document, a table's columns in
//! the table's order with the primary key marked, an unknown table, the `apikey` header); Jira
//! signed in through Atlassian's OAuth at the fake token endpoint (sites, 120 projects paged by
//! `nextPage`, 250 issues paged by `nextPageToken`, a search sent as escaped JQL, a page token
//! that repeats).

use crate::support::connector;
use crate::support::doubles;
use crate::support::fake_provider;
use crate::support::keyring;
use crate::support::pasted;
use crate::support::resources as resources_support;

use std::time::{Duration, Instant};

use connector::Harness;
use doubles::{seed, ApiDoubles};
use fake_provider::{FakeProvider, Reply};
use resources_support::{filtered, list, refreshed, request, requests_to, resources, searched};
use switchboard_core::connections::{ConnectMethod, ConnectRequest, Connection};
use switchboard_core::error::ErrorCode;
use switchboard_core::resources::{ApiPolicy, Resources};

const CHANNELS: &str = "/slack/api/conversations.list";
const USERS: &str = "/slack/api/users.list";
const BOT_TOKEN: &str = "xoxb-1111-2222-switchboardtest";
const OPENAPI: &str = "/supabase/rest/v1/";
const SUPABASE_KEY: &str = "sb_publishable_switchboardTestKey01";

/// The seed's 350 channels less the 29 archived ones (every twelfth from #5).
const LIVE_CHANNELS: usize = 321;
/// Every eighth channel from #3 is private; none of them is archived.
const PRIVATE_CHANNELS: usize = 44;

async fn slack(doubles: &ApiDoubles, test: &str) -> (Harness, Connection) {
    let harness = pasted::harness_for(doubles, "slack", test);
    let connection = pasted::paste(&harness, "slack", &[("token", BOT_TOKEN)]).await;
    assert_eq!(
        connection.account_id,
        seed::SLACK_USER,
        "the token was verified with auth.test"
    );
    doubles.reset().await;
    (harness, connection)
}

#[tokio::test]
async fn slack_channels_page_by_cursor_and_people_leave_out_deactivated_accounts() {
    let doubles = ApiDoubles::start();
    let (harness, workspace) = slack(&doubles, "slack-channels").await;
    let resources = resources(&harness);

    let channels = list(&resources, &request(&workspace, "slack.channel", None))
        .await
        .expect("the channels list");
    assert_eq!(
        channels.items().len(),
        LIVE_CHANNELS,
        "every public and private channel that is not archived, to the last page"
    );
    assert!(!channels.summary.partial, "{:?}", channels.summary);
    let asked = requests_to(&doubles, CHANNELS).await;
    assert_eq!(asked.len(), 2, "321 channels at 200 a page");
    assert_eq!(
        asked[0]["query"]["types"], "public_channel,private_channel",
        "both kinds by default"
    );
    assert_eq!(
        asked[0]["query"]["exclude_archived"], "true",
        "Slack is asked to leave archived ones out"
    );
    assert!(
        asked[0]["query"].get("cursor").is_none(),
        "the first page has no cursor"
    );
    assert!(
        asked[1]["query"]["cursor"]
            .as_str()
            .is_some_and(|cursor| !cursor.is_empty()),
        "the second page follows response_metadata.next_cursor: {}",
        asked[1]["query"]
    );
    assert!(
        asked.iter().all(|request| request["bearer"] == BOT_TOKEN),
        "the bot token goes as a bearer"
    );
    let general = channels.named("general");
    assert!(
        general.selectable && general.id.starts_with('C'),
        "a channel is picked by its id: {general:?}"
    );
    assert!(
        !channels.names().contains(&"proj-alpha-5"),
        "the seed's first archived channel is not offered"
    );

    let private = list(&resources, &filtered(&workspace, "slack.channel", None, "private"))
        .await
        .expect("the private channels list");
    assert_eq!(private.items().len(), PRIVATE_CHANNELS, "only the private channels");
    assert!(
        private.items().iter().all(|item| item
            .detail
            .as_deref()
            .is_some_and(|detail| detail.starts_with("Private"))),
        "each says it is private"
    );
    let asked = requests_to(&doubles, CHANNELS).await;
    assert_eq!(
        asked.last().map(|request| request["query"]["types"].clone()),
        Some("private_channel".into()),
        "the filter is sent as Slack's type, not applied afterwards"
    );

    // An archived channel Slack sends anyway is still left out.
    let page = serde_json::json!({
        "ok": true,
        "channels": [
            {"id": "C0ARCHIVED1", "name": "old-news", "is_private": false, "is_archived": true},
            {"id": "C0LIVE00001", "name": "live-news", "is_private": false, "is_archived": false}
        ],
        "response_metadata": {"next_cursor": ""}
    });
    doubles.fault(CHANNELS, 200, &[], Some(page), 1).await;
    let sent_anyway = list(&resources, &refreshed(request(&workspace, "slack.channel", None)))
        .await
        .expect("the page lists");
    assert_eq!(
        sent_anyway.names(),
        ["live-news"],
        "an archived channel is never offered"
    );

    let people = list(&resources, &request(&workspace, "slack.user", None))
        .await
        .expect("the people list");
    let ids: Vec<&str> = people.items().iter().map(|item| item.id.as_str()).collect();
    assert_eq!(ids.len(), 110, "the seed's 120 accounts less the 10 deactivated ones");
    assert!(!ids.contains(&"U0PERSON004"), "a deactivated account is not offered");
    assert!(ids.contains(&seed::SLACK_USER), "Ana is");
    let marked = "<img src=x onerror=alert('slack-user')>";
    assert_eq!(
        people.named(marked).id,
        "U0PERSON007",
        "F10: a person named with markup arrives with the name as Slack sent it"
    );
}

#[tokio::test]
async fn slack_rate_limits_are_waited_out_and_invalid_auth_answered_with_200_needs_a_new_token() {
    let doubles = ApiDoubles::start();
    let (harness, workspace) = slack(&doubles, "slack-refusals").await;
    let second = Duration::from_millis(250);
    let policy = ApiPolicy {
        second,
        ..ApiPolicy::default()
    };
    let resources = Resources::new(
        harness.services.context.clone(),
        harness.services.store.clone(),
        harness.services.renewal.clone(),
        policy,
    );

    doubles.fault(USERS, 429, &[("Retry-After", "2")], None, 1).await;
    let started = Instant::now();
    let people = list(&resources, &request(&workspace, "slack.user", None))
        .await
        .expect("the listing goes on after the wait");
    assert!(
        started.elapsed() >= second * 2,
        "F7: Retry-After: 2 is waited out (took {:?})",
        started.elapsed()
    );
    assert_eq!(people.items().len(), 110, "and the whole list arrives");
    assert_eq!(
        requests_to(&doubles, USERS).await.len(),
        2,
        "asked once more after the wait"
    );

    doubles.reset().await;
    let refused = serde_json::json!({"ok": false, "error": "invalid_auth"});
    doubles.fault(CHANNELS, 200, &[], Some(refused), 5).await;
    let error = list(&resources, &request(&workspace, "slack.channel", None))
        .await
        .err()
        .expect("a refused token lists nothing");
    assert_eq!(
        error.code,
        ErrorCode::NeedsAuth,
        "invalid_auth with HTTP 200 is a refusal like a 401: {error:?}"
    );
    assert_eq!(
        requests_to(&doubles, CHANNELS).await.len(),
        1,
        "a pasted bot token is not renewed: one request"
    );
}

#[tokio::test]
async fn supabase_lists_tables_and_views_and_a_tables_columns_in_order() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "supabase", "supabase");
    let project = doubles.base("supabase");
    let connection = pasted::paste(
        &harness,
        "supabase",
        &[("project_url", project.as_str()), ("api_key", SUPABASE_KEY)],
    )
    .await;
    doubles.reset().await;
    let resources = resources(&harness);

    let all = list(&resources, &request(&connection, "supabase.table", None))
        .await
        .expect("the tables list");
    assert_eq!(
        all.names(),
        [
            "active_projects",
            "comments",
            "invoices",
            "order_totals",
            "profiles",
            "projects",
            "tasks",
            "todos"
        ],
        "the seed's six tables and two views, by name"
    );
    assert_eq!(all.named("todos").item, "table", "a path that takes writes is a table");
    assert_eq!(all.named("order_totals").item, "view", "a read-only path is a view");
    let asked = requests_to(&doubles, OPENAPI).await;
    assert_eq!(asked.len(), 1, "one OpenAPI document, no pages");
    assert_eq!(
        asked[0]["apikey"], SUPABASE_KEY,
        "Supabase's gateway gets the key as `apikey`"
    );
    assert_eq!(asked[0]["bearer"], SUPABASE_KEY, "and as the bearer");

    let views = list(&resources, &filtered(&connection, "supabase.table", None, "view"))
        .await
        .expect("the views list");
    assert_eq!(views.names(), ["active_projects", "order_totals"], "only the views");

    let columns = list(&resources, &request(&connection, "supabase.column", Some("todos")))
        .await
        .expect("todos' columns list");
    assert_eq!(
        columns.names(),
        ["id", "user_id", "task", "is_complete", "inserted_at"],
        "the columns as the table has them, not sorted"
    );
    let id = columns.named("id");
    assert_eq!(id.id, "todos.id", "a column's id is table.column");
    assert!(
        id.detail
            .as_deref()
            .is_some_and(|detail| detail.contains("primary key")),
        "the primary key is marked: {:?}",
        id.detail
    );
    assert!(
        columns
            .items()
            .iter()
            .filter(|column| column.name != "id")
            .all(|column| !column.detail.as_deref().unwrap_or_default().contains("primary key")),
        "and only the primary key"
    );

    let error = list(
        &resources,
        &request(&connection, "supabase.column", Some("no_such_table")),
    )
    .await
    .err()
    .expect("an unknown table has no columns");
    assert_eq!(error.code, ErrorCode::NotFound, "{error:?}");
    assert!(
        error.message.contains("no_such_table"),
        "the message names what was asked for: {}",
        error.message
    );
}

/// Atlassian's sign-in at the fake (authorize, token), its API, identity and sites at the
/// doubles; the token grants Jira's scopes.
async fn jira(doubles: &ApiDoubles, test: &str) -> (FakeProvider, Harness, Connection) {
    keyring::require_session_bus();
    let fake = FakeProvider::start().await;
    let overrides = format!(
        "[providers.atlassian]\nclient_id = \"client-1\"\nclient_secret = \"secret-1\"\n{}\
         [providers.atlassian.oauth]\nauthorize_url = \"{}\"\ntoken_url = \"{}\"\n",
        doubles.overrides_lines("atlassian"),
        fake.url("/authorize"),
        fake.url("/token"),
    );
    fake.script(
        "/token",
        [Reply::json(
            200,
            r#"{"access_token":"atlassian-access-1","refresh_token":"atlassian-refresh-1","expires_in":3600,"token_type":"Bearer","scope":"offline_access read:me read:jira-work write:jira-work read:jira-user"}"#,
        )],
    );
    let harness = Harness::new(&overrides, keyring::private_slot(test), Duration::from_secs(20));
    let asked = ConnectRequest {
        provider: "atlassian".into(),
        products: vec!["jira".into()],
        method: ConnectMethod::Browser,
        redirect: None,
        connection: None,
        scopes: vec![],
    };
    let connection = harness.connect_approved(&asked).await;
    assert_eq!(connection.account_label, "ana@example.com", "named by the doubles' /me");
    doubles.reset().await;
    (fake, harness, connection)
}

fn search_path(site: &str) -> String {
    format!("/atlassian/ex/jira/{site}/rest/api/3/search/jql")
}

#[tokio::test]
async fn jira_opens_sites_then_projects_then_issues_each_paged_to_the_end() {
    let doubles = ApiDoubles::start();
    let (_fake, harness, ana) = jira(&doubles, "jira-browse").await;
    let resources = resources(&harness);

    let sites = list(&resources, &request(&ana, "jira.issue", None))
        .await
        .expect("the sites list");
    let ids: Vec<&str> = sites.items().iter().map(|item| item.id.as_str()).collect();
    assert_eq!(
        ids,
        [seed::ATLASSIAN_SITE, seed::ATLASSIAN_SECOND_SITE],
        "every site the token reaches"
    );
    let acme = sites.named("acme");
    assert!(!acme.selectable, "picking an issue, a site is a step on the way");
    let acme = acme.location.clone().expect("a site opens to its projects");
    assert_eq!(
        requests_to(&doubles, "/atlassian/oauth/token/accessible-resources").await[0]["bearer"],
        "atlassian-access-1",
        "the signed-in token is used"
    );

    let projects = list(&resources, &request(&ana, "jira.issue", Some(&acme)))
        .await
        .expect("acme's projects list");
    assert_eq!(projects.items().len(), seed::JIRA_PROJECTS, "all 120 projects");
    assert!(!projects.summary.partial, "{:?}", projects.summary);
    let asked = requests_to(
        &doubles,
        &format!("/atlassian/ex/jira/{acme}/rest/api/3/project/search"),
    )
    .await;
    let starts: Vec<&str> = asked
        .iter()
        .filter_map(|request| request["query"]["startAt"].as_str())
        .collect();
    assert_eq!(asked.len(), 3, "120 projects at 50 a page");
    assert_eq!(
        starts,
        ["50", "100"],
        "the second and third pages are the answers' nextPage URLs"
    );
    let web = projects
        .items()
        .into_iter()
        .find(|item| item.detail.as_deref() == Some(seed::JIRA_BIG_PROJECT));
    let web = web.expect("the WEB project is listed");
    assert_eq!(web.id, format!("{acme}/WEB"), "a project's id is cloudId/KEY");
    assert!(
        projects
            .items()
            .iter()
            .any(|item| item.name == "<img src=x onerror=alert('jira')>"),
        "F10: a project named with markup keeps its name as text"
    );
    let web = web.location.clone().expect("a project opens to its issues");

    let issues = list(&resources, &request(&ana, "jira.issue", Some(&web)))
        .await
        .expect("WEB's issues list");
    assert_eq!(issues.items().len(), 250, "all 250 issues");
    assert!(!issues.summary.partial, "{:?}", issues.summary);
    let asked = requests_to(&doubles, &search_path(&acme)).await;
    assert_eq!(asked.len(), 3, "250 issues at 100 a page");
    assert_eq!(
        asked[0]["query"]["jql"], "project = \"WEB\" ORDER BY updated DESC",
        "the project's issues, latest updated first"
    );
    let tokens: Vec<&str> = asked
        .iter()
        .filter_map(|request| request["query"]["nextPageToken"].as_str())
        .collect();
    assert_eq!(tokens.len(), 2, "each later page follows the answer's nextPageToken");
    assert_ne!(tokens[0], tokens[1], "a new token each page");
    let issue = issues
        .items()
        .into_iter()
        .find(|item| item.id == format!("{acme}/WEB-42"));
    let issue = issue.expect("WEB-42 is listed");
    assert_eq!(
        issue.name, "<script>alert('issue')</script> in the footer",
        "F10: a summary with markup is the name, verbatim"
    );
    assert!(issue.selectable, "an issue is what the picker asks for");
}

#[tokio::test]
async fn a_jira_search_is_sent_as_jql_with_quotes_escaped() {
    let doubles = ApiDoubles::start();
    let (_fake, harness, ana) = jira(&doubles, "jira-search").await;
    let resources = resources(&harness);
    let web = format!("{}/WEB", seed::ATLASSIAN_SITE);

    let found = list(
        &resources,
        &searched(&ana, "jira.issue", Some(&web), "\"login\" redirect"),
    )
    .await
    .expect("a search with quotes in it is a search, not a JQL error");
    let asked = requests_to(&doubles, &search_path(seed::ATLASSIAN_SITE)).await;
    assert_eq!(
        asked[0]["query"]["jql"], "project = \"WEB\" AND text ~ \"\\\"login\\\" redirect\" ORDER BY updated DESC",
        "the search is a JQL string with its quotes escaped, so it cannot end the string early"
    );
    // WEB-n is "Fix login redirect on Safari" when n is a multiple of 8.
    assert_eq!(found.items().len(), 31, "Jira's matches, all of them");
    assert!(
        found
            .items()
            .iter()
            .all(|item| item.name.starts_with("Fix login redirect")),
        "and only them: {:?}",
        found.names()
    );
}

#[tokio::test]
async fn a_next_page_token_that_repeats_stops_the_issues_and_says_they_are_partial() {
    let doubles = ApiDoubles::start();
    let (_fake, harness, ana) = jira(&doubles, "jira-repeat").await;
    let resources = resources(&harness);
    let path = search_path(seed::ATLASSIAN_SITE);
    doubles.repeat_page_token(&path).await;

    let listed = list(
        &resources,
        &request(&ana, "jira.issue", Some(&format!("{}/WEB", seed::ATLASSIAN_SITE))),
    )
    .await
    .expect("a stuck provider still gives what it gave");
    assert!(
        listed.summary.partial,
        "F8: the list is marked partial: {:?}",
        listed.summary
    );
    let note = listed.summary.note.clone().unwrap_or_default();
    assert!(note.contains("same page twice"), "and says why: {note}");
    assert_eq!(
        requests_to(&doubles, &path).await.len(),
        2,
        "the token coming back is seen at once, not asked for again"
    );
    assert_eq!(listed.items().len(), 200, "the two pages it did get are kept");
}
