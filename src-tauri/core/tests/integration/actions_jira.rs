//! Jira's actions through the executor, against the loopback doubles' Jira (through the
//! gateway's `/ex/jira/{cloudId}`) with an Atlassian account saved as signed in with Jira's
//! scopes: what is due this week (the caller's open issues by JQL), a JQL search, an issue made
//! with its description in Atlassian Document Format, a comment, and a move to a named status in
//! two steps (its transitions, then one by id), the id also chosen by status name with the
//! `jira.transition` picker as a form does.

use crate::support::actions::{body_of, executor, received, run_approved, run_request};
use crate::support::doubles::ApiDoubles;
use crate::support::pasted;
use crate::support::resources::{list, request, resources};
use crate::support::saved::save_signed_in;

use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::Consent;

const SITE: &str = "1324a887-45db-4bf4-9e99-ef0ff456d421";
/// Jira's product scopes, as connecting Jira grants them (browsing a kind needs all of them).
const SCOPES: [&str; 5] = [
    "offline_access",
    "read:me",
    "read:jira-work",
    "write:jira-work",
    "read:jira-user",
];

#[tokio::test]
async fn jira_lists_what_is_due_searches_creates_comments_and_moves_as_the_api_documents() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "atlassian", "actions-jira");
    let ana = save_signed_in(
        &harness,
        "atlassian",
        "ana@example.com",
        &["jira"],
        &SCOPES,
        "atl.jiraActions",
    );
    let executor = executor(&harness);
    let api = format!("/atlassian/ex/jira/{SITE}/rest/api/3");

    let due = run_approved(
        &executor,
        "jira.my_open_issues",
        &ana,
        json!({"site": SITE, "due_within_days": 7}),
    )
    .await;
    let asked = &received(&doubles, "GET", &format!("{api}/search/jql")).await[0];
    assert_eq!(
        asked["query"]["jql"],
        "assignee = currentUser() AND statusCategory != Done AND duedate <= \"7d\" ORDER BY duedate ASC, updated DESC",
        "what is due this week, in JQL"
    );
    let keys: Vec<&str> = due
        .data
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|issue| issue["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        ["WEB-7", "WEB-9"],
        "open, due within the week, soonest first: {}",
        due.summary
    );

    let found = run_approved(
        &executor,
        "jira.search_issues",
        &ana,
        json!({"site": SITE, "jql": "project = WEB AND summary ~ \"footer\"", "limit": 5}),
    )
    .await;
    let searched = &received(&doubles, "GET", &format!("{api}/search/jql")).await[1];
    assert_eq!(searched["bearer"], "atl.jiraActions", "as the signed-in account");
    assert_eq!(
        searched["query"],
        json!({
            "jql": "project = WEB AND summary ~ \"footer\"",
            "maxResults": "5",
            "fields": "summary,status,issuetype,priority,duedate,updated"
        }),
        "the JQL as given, the limit, and only the fields the answer is read for"
    );
    assert!(
        found.summary.contains("WEB-42"),
        "the double's JQL ran: {}",
        found.summary
    );

    let made = run_approved(
        &executor,
        "jira.create_issue",
        &ana,
        json!({"project": format!("{SITE}/WEB"), "issue_type": "Bug", "summary": "Footer overlaps", "description": "Steps:\nopen the page", "due_date": "2026-12-18"}),
    )
    .await;
    let created = &received(&doubles, "POST", &format!("{api}/issue")).await[0];
    assert_eq!(
        body_of(created),
        json!({"fields": {
            "project": {"key": "WEB"},
            "issuetype": {"name": "Bug"},
            "summary": "Footer overlaps",
            "description": {"type": "doc", "version": 1, "content": [
                {"type": "paragraph", "content": [
                    {"type": "text", "text": "Steps:"}, {"type": "hardBreak"}, {"type": "text", "text": "open the page"}
                ]}
            ]},
            "duedate": "2026-12-18"
        }}),
        "the fields as Jira documents them, the description in ADF"
    );
    let key = made.data["key"].as_str().expect("the new key").to_owned();

    run_approved(
        &executor,
        "jira.add_comment",
        &ana,
        json!({"issue": format!("{SITE}/{key}"), "text": "Seen on Safari too."}),
    )
    .await;
    let commented = &received(&doubles, "POST", &format!("{api}/issue/{key}/comment")).await[0];
    assert_eq!(
        body_of(commented)["body"]["content"][0]["content"][0]["text"],
        "Seen on Safari too."
    );

    let ways = run_approved(
        &executor,
        "jira.list_transitions",
        &ana,
        json!({"issue": format!("{SITE}/{key}")}),
    )
    .await;
    let listed = received(&doubles, "GET", &format!("{api}/issue/{key}/transitions")).await;
    assert_eq!(listed.len(), 1, "one transitions request: {listed:?}");
    assert_eq!(listed[0]["bearer"], "atl.jiraActions", "as the signed-in account");
    assert_eq!(listed[0]["query"], json!({}), "the issue is named by its path alone");
    let done = ways
        .data
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["to"] == "Done"))
        .and_then(|row| row["id"].as_str())
        .expect("a way to Done")
        .to_owned();

    // A form chooses the transition with the jira.transition picker, opened at the issue.
    let issue = format!("{SITE}/{key}");
    let picker = list(&resources(&harness), &request(&ana, "jira.transition", Some(&issue)))
        .await
        .expect("the issue's transitions list");
    assert_eq!(
        picker.names(),
        ["To Do", "In Progress", "Done"],
        "each transition named by the status it moves the issue to"
    );
    assert_eq!(
        picker.named("In Progress").detail.as_deref(),
        Some("Start progress"),
        "the transition's own name beside it where it differs"
    );
    let picked = picker.named("Done");
    assert_eq!(
        (picked.id.as_str(), picked.selectable),
        (done.as_str(), true),
        "choosing \"Done\" gives the id transition_issue takes"
    );
    run_approved(
        &executor,
        "jira.transition_issue",
        &ana,
        json!({"issue": issue, "transition_id": picked.id}),
    )
    .await;
    let moved = &received(&doubles, "POST", &format!("{api}/issue/{key}/transitions")).await[0];
    assert_eq!(body_of(moved), json!({"transition": {"id": "31"}}));

    let wrong = run_request(
        "jira.transition_issue",
        &ana,
        json!({"issue": format!("{SITE}/{key}"), "transition_id": "99"}),
    );
    let error = UserError::from(
        executor
            .run(&wrong, Consent::Approved)
            .await
            .expect_err("not a transition"),
    );
    assert_eq!(error.code, ErrorCode::ProviderRejected, "{}", error.message);

    // A transition listed for one issue is not used on another: its id belongs to that
    // issue's workflow, and could move this one to another status.
    let elsewhere = run_request(
        "jira.transition_issue",
        &ana,
        json!({"issue": format!("{SITE}/WEB-1"), "transition_id": picked.id}),
    );
    let error = UserError::from(
        executor
            .run(&elsewhere, Consent::Approved)
            .await
            .expect_err("a transition of another issue"),
    );
    assert_eq!(error.code, ErrorCode::InvalidInput, "{}", error.message);
    assert!(
        error.message.contains("/transition_id") && error.message.contains(key.as_str()),
        "the field, and the issue it was chosen for: {}",
        error.message
    );
    let moves = received(&doubles, "POST", &format!("{api}/issue/WEB-1/transitions")).await;
    assert!(moves.is_empty(), "nothing sent for the other issue: {moves:?}");
}
