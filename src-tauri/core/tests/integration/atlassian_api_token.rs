//! Atlassian without an OAuth app: the account's email and an API token, sent as HTTP Basic to
//! the site itself (the doubles serve each site at `/atlassian/site/{name}`). The token is
//! verified before anything is saved (`/rest/api/3/myself`), the site's cloud id read from its
//! `tenant_info` (no credential), and the connection's Test, browsing Jira and Jira's actions then
//! work over it as over a sign-in (Confluence too), naming sites, projects and issues by the
//! same ids.

use crate::support::actions::{executor, received, run_approved};
use crate::support::doubles::{seed, ApiDoubles};
use crate::support::pasted;
use crate::support::resources::{list, request, requests_to, resources};

use std::collections::BTreeMap;

use serde_json::json;
use switchboard_core::catalog::AuthKind;
use switchboard_core::connections::CredentialsRequest;
use switchboard_core::error::{ErrorCode, UserError};

const EMAIL: &str = "ana@example.com";
const API_TOKEN: &str = "ATATT3xFfGF0-switchboard-test";

fn form(site_url: &str, email: &str, token: &str) -> CredentialsRequest {
    let values = [("site_url", site_url), ("email", email), ("api_token", token)];
    CredentialsRequest {
        provider: "atlassian".into(),
        products: vec!["jira".into()],
        values: values
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[tokio::test]
async fn an_api_token_is_verified_then_browses_jira_and_acts_on_the_site_itself() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "atlassian", "atlassian-api-token");
    let site_url = format!("{}/site/acme", doubles.base("atlassian"));

    for (email, token, code, why) in [
        (
            "bob@example.com",
            API_TOKEN,
            ErrorCode::ProviderRejected,
            "an email the token is not for",
        ),
        (EMAIL, "", ErrorCode::InvalidInput, "no token"),
    ] {
        let refused = harness
            .services
            .sign_ins
            .connect_with_credentials(&form(&site_url, email, token))
            .await
            .map_err(UserError::from)
            .expect_err(why);
        assert_eq!(refused.code, code, "{why}: {refused:?}");
    }
    assert!(
        harness.services.store.list().expect("the list").is_empty(),
        "nothing is saved before the token is verified"
    );
    doubles.reset().await;

    let ana = pasted::paste(
        &harness,
        "atlassian",
        &[
            ("site_url", &format!("{site_url}/")),
            ("email", EMAIL),
            ("api_token", API_TOKEN),
        ],
    )
    .await;
    assert_eq!(ana.auth_kind, AuthKind::ApiKey);
    assert_eq!(ana.account_label, EMAIL, "named by the site's /myself");
    assert_eq!(
        ana.config["site"],
        seed::ATLASSIAN_SITE,
        "the site's cloud id, as a sign-in records it"
    );
    let myself = &requests_to(&doubles, "/atlassian/site/acme/rest/api/3/myself").await[0];
    assert_eq!(myself["basic"]["user"], EMAIL, "Basic auth with the account's email");
    assert_eq!(myself["basic"]["token"], API_TOKEN, "and the token as its password");
    assert_eq!(myself["bearer"], serde_json::Value::Null, "never as a bearer token");
    let tenant = &requests_to(&doubles, "/atlassian/site/acme/_edge/tenant_info").await[0];
    assert_eq!(
        tenant["basic"],
        serde_json::Value::Null,
        "tenant_info is asked without the token"
    );
    doubles.reset().await;

    let tested = harness
        .services
        .operations
        .test_connection(ana.id)
        .await
        .expect("the connection's test runs");
    assert!(tested.ok, "Test asks the site who the token is: {}", tested.message);
    assert!(tested.message.contains(EMAIL), "{}", tested.message);
    let asked = requests_to(&doubles, "/atlassian/site/acme/rest/api/3/myself").await;
    assert_eq!(
        asked.len(),
        1,
        "Test asks the site itself, with the API token, not the OAuth gateway"
    );
    doubles.reset().await;

    let resources = resources(&harness);
    let sites = list(&resources, &request(&ana, "jira.issue", None))
        .await
        .expect("the sites");
    let ids: Vec<&str> = sites.items().iter().map(|item| item.id.as_str()).collect();
    assert_eq!(ids, [seed::ATLASSIAN_SITE], "the token's one site");
    assert!(
        doubles.requests().await.is_empty(),
        "the site is the one recorded: no request"
    );
    let acme = sites.items()[0]
        .location
        .clone()
        .expect("the site opens to its projects");

    let projects = list(&resources, &request(&ana, "jira.issue", Some(&acme)))
        .await
        .expect("acme's projects");
    assert_eq!(
        projects.items().len(),
        seed::JIRA_PROJECTS,
        "every project, paged to the end"
    );
    let asked = requests_to(&doubles, "/atlassian/site/acme/rest/api/3/project/search").await;
    assert_eq!(asked.len(), 3, "on the site itself, 50 a page");
    assert!(
        asked.iter().all(|request| request["basic"]["user"] == EMAIL),
        "every page with the API token: {asked:?}"
    );
    let web = format!("{acme}/WEB");
    let issues = list(&resources, &request(&ana, "jira.issue", Some(&web)))
        .await
        .expect("WEB's issues");
    assert_eq!(issues.items().len(), 250, "all 250 issues");
    assert!(
        issues.items().iter().any(|item| item.id == format!("{acme}/WEB-42")),
        "issues are named cloudId/KEY-n, as over OAuth"
    );
    let other = list(
        &resources,
        &request(&ana, "jira.issue", Some(seed::ATLASSIAN_SECOND_SITE)),
    )
    .await
    .err()
    .expect("the token reaches no other site");
    assert_eq!(other.code, ErrorCode::InvalidInput, "{other:?}");

    let executor = executor(&harness);
    let made = run_approved(
        &executor,
        "jira.create_issue",
        &ana,
        json!({"project": web, "issue_type": "Bug", "summary": "Footer overlaps"}),
    )
    .await;
    let created = &received(&doubles, "POST", "/atlassian/site/acme/rest/api/3/issue").await;
    assert_eq!(
        created.len(),
        1,
        "the issue is made on the site itself: {}",
        made.summary
    );
    assert_eq!(created[0]["basic"]["user"], EMAIL, "with the API token");
    let due = run_approved(
        &executor,
        "jira.my_open_issues",
        &ana,
        json!({"site": acme, "due_within_days": 7}),
    )
    .await;
    assert!(
        due.summary.contains("WEB-7"),
        "what is due, by JQL on the site: {}",
        due.summary
    );
    let searched = received(&doubles, "GET", "/atlassian/site/acme/rest/api/3/search/jql").await;
    let asked = searched.last().expect("the search went to the site itself");
    assert!(
        asked["query"]["jql"]
            .as_str()
            .is_some_and(|jql| jql.starts_with("assignee = currentUser()")),
        "the caller's issues: {asked}"
    );
    assert_eq!(asked["basic"]["user"], EMAIL, "with the API token");

    let pages = run_approved(
        &executor,
        "confluence.search_pages",
        &ana,
        json!({"query": "release notes"}),
    )
    .await;
    let searched = received(&doubles, "GET", "/atlassian/site/acme/wiki/rest/api/search").await;
    assert_eq!(
        searched.len(),
        1,
        "Confluence on the site itself (its own site when none is given): {}",
        pages.summary
    );
    assert_eq!(searched[0]["basic"]["user"], EMAIL, "with the API token");
}
