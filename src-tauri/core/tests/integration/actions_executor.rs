//! The executor's own promises, whichever action runs, against the loopback doubles: a read
//! is repeated after a 5xx even when it is a POST (Notion's search); a write whose answer began
//! and was lost (cut mid-body, or past the cap) may have happened, is never sent again and is
//! audited `unknown`; a write's "sending" row is committed before the request leaves (another
//! connection to the database file sees it while the provider holds the request); and a huge
//! answer gives a bounded, whole summary while the data keeps every item; a delete tried again
//! after a 503 that had in fact done it is done, not "not found"; and Google's 403 "slow down"
//! is waited out like a 429 (SECURITY.md F7, F13).

use std::time::Duration;

use crate::actions_github::{github, REPO};
use crate::support::actions::{executor, received, run_approved, run_request};
use crate::support::connector::Harness;
use crate::support::doubles::ApiDoubles;
use crate::support::pasted;
use crate::support::saved::ana_on_google;

use serde_json::{json, Value};
use switchboard_core::connections::Connection;
use switchboard_core::tools::output::MAX_SUMMARY_BYTES;
use switchboard_core::tools::{Consent, Policy, RunOutcome, ToolError};

/// The next answer on `path` is `status` with `headers` and half of `body`, then the connection
/// closes: the status line came, the answer did not.
async fn cut_after_headers(doubles: &ApiDoubles, path: &str, status: u16, headers: Value, body: Value) {
    let fault = json!({ "path": path, "status": status, "headers": headers, "body": body, "cut": true });
    let answer = reqwest::Client::new()
        .post(format!("{}/_control/faults", doubles.url()))
        .header("content-type", "application/json")
        .body(fault.to_string())
        .send()
        .await
        .expect("the control plane answers");
    assert!(
        answer.status().is_success(),
        "the cut fault is queued: {}",
        answer.status()
    );
}

/// The audit outcomes of `action` on `connection`, oldest first.
fn outcomes(harness: &Harness, connection: &Connection, action: &str) -> Vec<String> {
    harness
        .services
        .operations
        .audit_entries(Some(connection.id))
        .expect("the audit log")
        .into_iter()
        .filter(|entry| entry.operation == action)
        .map(|entry| entry.outcome)
        .collect()
}

#[tokio::test]
async fn a_read_sent_as_a_post_is_tried_again_after_a_503_or_an_answer_cut_short() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "notion", "actions-executor-read-post");
    let workspace = pasted::paste(&harness, "notion", &[("token", "secret_switchboardExecutor01")]).await;
    doubles.reset().await;
    let executor = executor(&harness);

    doubles.fault("/notion/v1/search", 503, &[], None, 1).await;
    let found = run_approved(&executor, "notion.search", &workspace, json!({"query": "roadmap"})).await;
    assert_eq!(
        received(&doubles, "POST", "/notion/v1/search").await.len(),
        2,
        "F7: a search only reads, so after the 503 it is sent again, though it is a POST"
    );
    assert!(
        found.data.as_array().is_some_and(|pages| !pages.is_empty()),
        "the second answer is the one read: {}",
        found.data
    );

    // An answer cut short: a read is asked for again, not reported as unreachable.
    cut_after_headers(&doubles, "/notion/v1/search", 200, json!({}), json!({"results": []})).await;
    let found = run_approved(&executor, "notion.search", &workspace, json!({"query": "roadmap"})).await;
    assert_eq!(
        received(&doubles, "POST", "/notion/v1/search").await.len(),
        4,
        "the search whose answer was cut is sent once more"
    );
    assert!(
        found.data.as_array().is_some_and(|pages| !pages.is_empty()),
        "the whole second answer is the one read: {}",
        found.data
    );
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_after_its_status_may_have_happened_and_is_not_sent_again() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "actions-executor-lost-answer").await;
    let executor = executor(&harness);

    let issues = "/github/repos/octocat/hello-world/issues";
    let made = json!({"number": 7, "title": "once", "html_url": "https://github.com/octocat/hello-world/issues/7"});
    cut_after_headers(&doubles, issues, 201, json!({}), made).await;
    let write = run_request(
        "github.create_issue",
        &octocat,
        json!({"repository": REPO, "title": "once"}),
    );
    match executor.run(&write, Consent::Approved).await {
        Err(ToolError::Unknown { check, .. }) => assert_eq!(
            check.as_deref(),
            Some("https://github.com/octocat/hello-world"),
            "the person is told where to check"
        ),
        other => panic!("F13: a 201 whose body was cut may have happened, not 'could not reach': {other:?}"),
    }
    assert_eq!(
        received(&doubles, "POST", issues).await.len(),
        1,
        "F13: never sent again"
    );
    assert_eq!(
        outcomes(&harness, &octocat, "github.create_issue"),
        ["sending", "unknown"],
        "audited as sent, then unknown (not failed)"
    );

    // An idempotent write whose answer is past the cap: it too may have happened.
    let star = "/github/user/starred/octocat/hello-world";
    cut_after_headers(&doubles, star, 200, json!({"content-length": "9000000"}), json!({})).await;
    let write = run_request("github.star_repository", &octocat, json!({"repository": REPO}));
    let outcome = executor.run(&write, Consent::Approved).await;
    assert!(
        matches!(outcome, Err(ToolError::Unknown { .. })),
        "F13: an answer past the cap leaves a write's outcome unknown: {outcome:?}"
    );
    assert_eq!(
        received(&doubles, "PUT", star).await.len(),
        1,
        "F13: the answer began, so even a PUT is not sent again"
    );
    assert_eq!(
        outcomes(&harness, &octocat, "github.star_repository"),
        ["sending", "unknown"]
    );

    // A refusal whose body was cut: its status already says nothing was done.
    let comments = "/github/repos/octocat/hello-world/issues/7/comments";
    cut_after_headers(
        &doubles,
        comments,
        422,
        json!({}),
        json!({"message": "Validation Failed"}),
    )
    .await;
    let write = run_request(
        "github.comment_on_issue",
        &octocat,
        json!({"repository": REPO, "number": 7, "body": "hi"}),
    );
    let outcome = executor.run(&write, Consent::Approved).await;
    assert!(
        matches!(&outcome, Err(error) if !matches!(error, ToolError::Unknown { .. }) && error.to_string().contains("422")),
        "a 422 whose body was lost is the refusal its status says, not 'may have happened': {outcome:?}"
    );
    assert_eq!(
        outcomes(&harness, &octocat, "github.comment_on_issue"),
        ["sending", "failed"]
    );
}

#[tokio::test]
async fn a_writes_sending_row_is_committed_before_the_request_leaves() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "actions-executor-sending").await;
    let executor = executor(&harness);
    executor
        .set_policy("github.star_repository", Some(octocat.id), Some(Policy::Allow))
        .expect("always allow for this account");
    let star = "/github/user/starred/octocat/hello-world";
    doubles.delay(star, 1000).await;
    let database =
        rusqlite::Connection::open(&harness.core.paths().database_file).expect("a second connection to the file");
    let committed = || -> Vec<String> {
        let mut rows = database
            .prepare("SELECT outcome FROM audit WHERE operation = 'github.star_repository' ORDER BY id")
            .expect("the audit table");
        rows.query_map([], |row| row.get(0))
            .expect("its rows")
            .collect::<Result<_, _>>()
            .expect("each row")
    };

    let request = run_request("github.star_repository", &octocat, json!({"repository": REPO}));
    let while_held = async {
        for _ in 0..500 {
            if !received(&doubles, "PUT", star).await.is_empty() {
                return committed();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the star never reached the double");
    };
    let (outcome, seen) = tokio::join!(executor.run(&request, Consent::NotYet), while_held);
    assert!(
        matches!(outcome, Ok(RunOutcome::Done(_))),
        "allowed, it runs: {outcome:?}"
    );
    assert_eq!(
        seen,
        ["sending"],
        "F13: while the provider held the request, another connection already saw the committed 'sending' row"
    );
    assert_eq!(committed(), ["sending", "ok"], "the outcome follows the answer");
}

#[tokio::test]
async fn a_huge_answer_gives_a_bounded_whole_summary_and_keeps_every_item() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "actions-executor-huge").await;
    let executor = executor(&harness);
    let name = |n: usize| format!("octocat/päckchen-✓-{n:03}");
    let description = "ü✓".repeat(400);
    let repositories: Vec<Value> = (0..300)
        .map(|n| {
            json!({
                "full_name": name(n),
                "private": false,
                "description": description,
                "html_url": format!("https://github.com/{}", name(n)),
            })
        })
        .collect();
    doubles
        .fault("/github/user/repos", 200, &[], Some(Value::Array(repositories)), 1)
        .await;

    let listed = run_approved(&executor, "github.list_my_repositories", &octocat, json!({})).await;
    let summary = &listed.summary;
    assert!(
        summary.len() <= MAX_SUMMARY_BYTES,
        "what a model is told stays within {MAX_SUMMARY_BYTES} bytes: {}",
        summary.len()
    );
    assert!(
        summary.starts_with(&format!("300 repositories: {}; ", name(0))) && summary.ends_with('…'),
        "it counts them all, names the first and marks the cut: {summary}"
    );
    let (whole, _cut) = summary
        .trim_start_matches("300 repositories: ")
        .rsplit_once("; ")
        .expect("several names");
    for (n, shown) in whole.split("; ").enumerate() {
        assert_eq!(shown, name(n), "each name before the cut is whole, in order");
    }
    assert!(!summary.contains('\u{FFFD}'), "no character is broken by the cut");
    let data = listed.data.as_array().expect("a table");
    assert_eq!(data.len(), 300, "the data keeps every repository");
    assert!(
        data.iter().all(|repo| repo["description"] == description.as_str()),
        "and every description whole"
    );
    assert_eq!(data[299]["fullName"], name(299));
}

/// Ana's Google account, signed in with Calendar's events scope.
fn calendar_of_ana(doubles: &ApiDoubles, test: &str) -> (Harness, Connection) {
    let scopes = ["openid", "https://www.googleapis.com/auth/calendar.events"];
    ana_on_google(doubles, test, &["calendar"], &scopes, "ya29.executor")
}

#[tokio::test]
async fn a_delete_tried_again_after_a_503_that_had_done_it_is_done_not_refused() {
    let doubles = ApiDoubles::start();
    let (harness, ana) = calendar_of_ana(&doubles, "actions-executor-delete-again");
    let executor = executor(&harness);
    let event = json!({"title": "Once", "start": "2026-12-10T09:30:00Z", "end": "2026-12-10T10:30:00Z"});
    let made = run_approved(&executor, "calendar.create_event", &ana, event).await;
    let id = made.data["id"].as_str().expect("the event's id").to_owned();
    let path = format!("/google/calendar/v3/calendars/primary/events/{id}");

    doubles.fault_after_doing(&path, 503).await;
    let delete = run_request("calendar.delete_event", &ana, json!({"event_id": id}));
    let outcome = executor.run(&delete, Consent::Approved).await;
    assert!(
        matches!(outcome, Ok(RunOutcome::Done(_))),
        "the first delete did it; the one tried again finding it gone (410) is not a failure: {outcome:?}"
    );
    assert_eq!(
        received(&doubles, "DELETE", &path).await.len(),
        2,
        "a delete is idempotent: tried again after the 503"
    );
    assert_eq!(
        outcomes(&harness, &ana, "calendar.delete_event"),
        ["sending", "ok"],
        "audited as done"
    );
    let again = executor.run(&delete, Consent::Approved).await;
    assert!(
        matches!(&again, Err(ToolError::Refused { status: 410, .. })),
        "deleting what is already gone, asked anew, is still refused: {again:?}"
    );
}

#[tokio::test]
async fn googles_403_that_says_slow_down_is_waited_out_like_a_429() {
    let doubles = ApiDoubles::start();
    let (harness, ana) = calendar_of_ana(&doubles, "actions-executor-google-limit");
    let executor = executor(&harness);
    let events = "/google/calendar/v3/calendars/primary/events";
    let limited = json!({"error": {"code": 403, "message": "Rate Limit Exceeded",
        "errors": [{"domain": "usageLimits", "reason": "userRateLimitExceeded", "message": "Rate Limit Exceeded"}]}});
    doubles.fault(events, 403, &[], Some(limited), 1).await;
    let range = json!({"from": "2026-12-07T00:00:00Z", "to": "2026-12-14T00:00:00Z"});
    let outcome = executor
        .run(&run_request("calendar.list_events", &ana, range), Consent::Approved)
        .await;
    assert!(
        matches!(outcome, Ok(RunOutcome::Done(_))),
        "F7: a 403 userRateLimitExceeded is a wait, not 'allow more access': {outcome:?}"
    );
    assert_eq!(received(&doubles, "GET", events).await.len(), 2, "asked again once");
}
