//! GitHub's actions through the one executor (SECURITY.md F2, F3, F4, F7, F13), against the
//! loopback doubles with a pasted token: each action's request checked field by field against
//! GitHub's documented shape, a write held for approval and sent exactly as approved (edited),
//! bad arguments and denials sending nothing, a 429 on a read waited out, and a write whose
//! answer never came reported as "may have happened" (with the repository's page to check it
//! on) and never sent twice.

use crate::support::actions::{body_of, executor, received, run_approved, run_request};
use crate::support::doubles::{seed, ApiDoubles};
use crate::support::pasted;

use serde_json::json;
use switchboard_core::connections::Connection;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::{Consent, Policy, RunOutcome};

const TOKEN: &str = "ghp_switchboardActionsToken01";
pub const REPO: &str = "octocat/hello-world";

/// A GitHub connection with a pasted token, the doubles' log cleared after connecting.
pub async fn github(doubles: &ApiDoubles, test: &str) -> (crate::support::connector::Harness, Connection) {
    let harness = pasted::harness_for(doubles, "github", test);
    let connection = pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    doubles.reset().await;
    (harness, connection)
}

fn assert_github_request(request: &serde_json::Value, what: &str) {
    assert_eq!(request["bearer"], TOKEN, "{what}: sent with the connection's token");
    if let Some(headers) = request.get("headers") {
        assert_eq!(
            headers["x-github-api-version"], "2022-11-28",
            "{what}: GitHub's API version header"
        );
        assert_eq!(
            headers["accept"], "application/vnd.github+json",
            "{what}: GitHub's media type"
        );
    }
}

#[tokio::test]
async fn each_github_action_sends_the_documented_request_and_reads_the_answer() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "actions-github-each").await;
    let executor = executor(&harness);

    let issue = run_approved(
        &executor,
        "github.create_issue",
        &octocat,
        json!({"repository": REPO, "title": "Crash on start ✓", "body": "Steps:\n1. open", "labels": ["bug"]}),
    )
    .await;
    let sent = received(&doubles, "POST", "/github/repos/octocat/hello-world/issues").await;
    assert_eq!(sent.len(), 1, "one issue request");
    assert_github_request(&sent[0], "create_issue");
    assert_eq!(sent[0]["headers"]["content-type"], "application/json");
    assert_eq!(
        body_of(&sent[0]),
        json!({"title": "Crash on start ✓", "body": "Steps:\n1. open", "labels": ["bug"]}),
        "the issue's fields as GitHub documents them, nothing else"
    );
    assert_eq!(
        issue.link.as_deref(),
        Some("https://github.com/octocat/hello-world/issues/1")
    );
    assert!(
        issue.summary.contains("#1"),
        "the summary names the issue: {}",
        issue.summary
    );

    let listed = run_approved(
        &executor,
        "github.list_issues",
        &octocat,
        json!({"repository": REPO, "labels": ["bug"], "limit": 5}),
    )
    .await;
    let sent = received(&doubles, "GET", "/github/repos/octocat/hello-world/issues").await;
    assert_eq!(
        sent[0]["query"],
        json!({"state": "open", "labels": "bug", "per_page": "5"})
    );
    assert_eq!(
        listed.data.as_array().map(Vec::len),
        Some(1),
        "the new issue is listed: {}",
        listed.data
    );

    let comment = run_approved(
        &executor,
        "github.comment_on_issue",
        &octocat,
        json!({"repository": REPO, "number": 1, "body": "Fixed in main."}),
    )
    .await;
    let sent = received(&doubles, "POST", "/github/repos/octocat/hello-world/issues/1/comments").await;
    assert_eq!(body_of(&sent[0]), json!({"body": "Fixed in main."}));
    assert!(
        comment.link.is_some_and(|link| link.contains("#issuecomment-")),
        "a link to the comment"
    );

    run_approved(
        &executor,
        "github.star_repository",
        &octocat,
        json!({"repository": REPO}),
    )
    .await;
    let sent = received(&doubles, "PUT", "/github/user/starred/octocat/hello-world").await;
    assert_eq!(sent.len(), 1, "one star request");
    assert_eq!(
        sent[0]["headers"]["content-length"], "0",
        "GitHub asks for Content-Length: 0 on this PUT"
    );
    assert_github_request(&sent[0], "star");
    run_approved(
        &executor,
        "github.unstar_repository",
        &octocat,
        json!({"repository": REPO}),
    )
    .await;
    assert_eq!(
        received(&doubles, "DELETE", "/github/user/starred/octocat/hello-world")
            .await
            .len(),
        1
    );

    let repos = run_approved(
        &executor,
        "github.list_my_repositories",
        &octocat,
        json!({"visibility": "private", "limit": 10}),
    )
    .await;
    let sent = received(&doubles, "GET", "/github/user/repos").await;
    assert_eq!(
        sent[0]["query"],
        json!({"visibility": "private", "sort": "updated", "per_page": "10"})
    );
    assert_eq!(repos.data.as_array().map(Vec::len), Some(10));
    assert!(repos.summary.starts_with("10 repositories: "), "{}", repos.summary);

    let file = run_approved(
        &executor,
        "github.get_file_content",
        &octocat,
        json!({"repository": REPO, "path": "docs/guide.md", "ref": "develop"}),
    )
    .await;
    let sent = received(
        &doubles,
        "GET",
        "/github/repos/octocat/hello-world/contents/docs/guide.md",
    )
    .await;
    assert_eq!(sent[0]["query"], json!({"ref": "develop"}));
    assert_eq!(
        file.data["text"], "# Guide\n\nStart here.\n",
        "the file's text, decoded from base64"
    );

    let gist = run_approved(
        &executor,
        "github.create_gist",
        &octocat,
        json!({"description": "notes", "files": [{"name": "a.md", "content": "# A"}]}),
    )
    .await;
    let sent = received(&doubles, "POST", "/github/gists").await;
    assert_eq!(
        body_of(&sent[0]),
        json!({"public": false, "files": {"a.md": {"content": "# A"}}, "description": "notes"}),
        "a secret gist unless asked, files keyed by name"
    );
    assert!(gist
        .link
        .is_some_and(|link| link.starts_with("https://gist.github.com/octocat/")));
    assert_eq!(seed::GITHUB_LOGIN, "octocat");
}

#[tokio::test]
async fn a_write_waits_for_approval_and_sends_exactly_what_was_approved() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "actions-github-approval").await;
    let executor = executor(&harness);
    let asked = run_request("github.star_repository", &octocat, json!({"repository": REPO}));
    let pending = match executor.run(&asked, Consent::NotYet).await.map_err(UserError::from) {
        Ok(RunOutcome::NeedsApproval(pending)) => pending,
        other => panic!("F4: a write asks first: {other:?}"),
    };
    assert!(
        doubles.requests().await.is_empty(),
        "F4: nothing is sent before approval"
    );
    assert_eq!(
        pending.request.url,
        format!("{}/github/user/starred/octocat/hello-world", doubles.url())
    );
    assert!(
        pending.request.headers.iter().all(|(_, value)| !value.contains(TOKEN)),
        "the preview never shows the token: {:?}",
        pending.request.headers
    );
    assert!(pending.can_always_allow, "a write may be set to always allow");

    // The person edits the repository on the card, then approves.
    let edited = run_request(
        "github.star_repository",
        &octocat,
        json!({"repository": "octocat/spoon-knife"}),
    );
    executor
        .run(&edited, Consent::Approved)
        .await
        .map_err(UserError::from)
        .expect("approved");
    let sent = doubles.requests().await;
    assert_eq!(sent.len(), 1, "exactly one request: {sent:?}");
    assert_eq!(
        sent[0]["path"], "/github/user/starred/octocat/spoon-knife",
        "F4: the edited request is the one sent"
    );

    executor
        .set_policy("github.star_repository", Some(octocat.id), Some(Policy::Allow))
        .expect("always allow for this account");
    let outcome = executor.run(&asked, Consent::NotYet).await.map_err(UserError::from);
    assert!(
        matches!(outcome, Ok(RunOutcome::Done(_))),
        "allowed: runs without asking: {outcome:?}"
    );
}

#[tokio::test]
async fn bad_arguments_unknown_actions_and_denials_send_nothing() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "actions-github-refusals").await;
    let executor = executor(&harness);

    let bad = run_request(
        "github.create_issue",
        &octocat,
        json!({"repository": "not a repo", "title": "", "color": 1}),
    );
    let error = UserError::from(executor.run(&bad, Consent::Approved).await.expect_err("F3: refused"));
    assert_eq!(error.code, ErrorCode::InvalidInput);
    for pointer in ["/repository", "/title", "/: "] {
        assert!(
            error.message.contains(pointer),
            "F3: the message names {pointer}: {}",
            error.message
        );
    }

    let unknown = run_request("github.delete_everything", &octocat, json!({}));
    let error = UserError::from(
        executor
            .run(&unknown, Consent::Approved)
            .await
            .expect_err("F2: refused"),
    );
    assert_eq!(
        error.code,
        ErrorCode::InvalidInput,
        "F2: an unknown action: {}",
        error.message
    );

    executor
        .set_policy("github.create_issue", None, Some(Policy::Deny))
        .expect("never, on every account");
    let denied = run_request(
        "github.create_issue",
        &octocat,
        json!({"repository": REPO, "title": "x"}),
    );
    let error = UserError::from(executor.run(&denied, Consent::Approved).await.expect_err("denied"));
    assert_eq!(error.code, ErrorCode::Denied, "{}", error.message);
    executor
        .decline(&run_request(
            "github.star_repository",
            &octocat,
            json!({"repository": REPO}),
        ))
        .expect("declined");
    assert!(doubles.requests().await.is_empty(), "nothing reached GitHub");
    let audit = harness
        .services
        .operations
        .audit_entries(Some(octocat.id))
        .expect("the audit log");
    let denials: Vec<_> = audit.iter().filter(|entry| entry.outcome == "denied").collect();
    assert_eq!(
        denials.len(),
        2,
        "a denial by policy and one by the person are both recorded: {audit:?}"
    );
}

#[tokio::test]
async fn a_read_waits_out_a_429_and_a_write_without_an_answer_is_never_sent_twice() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "actions-github-faults").await;
    let executor = executor(&harness);

    doubles
        .fault("/github/user/repos", 429, &[("retry-after", "1")], None, 1)
        .await;
    run_approved(&executor, "github.list_my_repositories", &octocat, json!({})).await;
    assert_eq!(
        received(&doubles, "GET", "/github/user/repos").await.len(),
        2,
        "F7: one 429, then the answer"
    );

    let issues = "/github/repos/octocat/hello-world/issues";
    doubles.delay(issues, 4000).await;
    let write = run_request(
        "github.create_issue",
        &octocat,
        json!({"repository": REPO, "title": "once"}),
    );
    let error = UserError::from(
        executor
            .run(&write, Consent::Approved)
            .await
            .expect_err("no answer in time"),
    );
    assert_eq!(error.code, ErrorCode::Network);
    assert!(
        error.message.contains("may have happened"),
        "F13: the person is told to check: {}",
        error.message
    );
    assert!(
        error.message.contains("(https://github.com/octocat/hello-world)"),
        "and where: the repository the issue was being made in: {}",
        error.message
    );
    assert_eq!(
        received(&doubles, "POST", issues).await.len(),
        1,
        "F13: a write without an answer is not sent again"
    );
    let audit = harness
        .services
        .operations
        .audit_entries(Some(octocat.id))
        .expect("the audit log");
    let outcomes: Vec<&str> = audit
        .iter()
        .filter(|entry| entry.operation == "github.create_issue")
        .map(|entry| entry.outcome.as_str())
        .collect();
    assert!(
        outcomes.contains(&"sending") && outcomes.contains(&"unknown"),
        "F13: recorded as sent before it left, then as unknown: {outcomes:?}"
    );
}
