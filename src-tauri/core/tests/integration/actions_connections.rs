//! Which connection an action runs on, and whether it may (SECURITY.md F2): the only one that
//! can, a choice when several can, "connect first" when none can, a connection of another
//! provider refused, a disabled one refused, and a scope the sign-in was not granted answered
//! with NeedsConsent in plain words, nothing sent. What was allowed on a deleted connection
//! never passes to an account connected after it.

use crate::support::actions::{executor, run_request};
use crate::support::connector::return_to_app;
use crate::support::fake_provider::{FakeProvider, Reply};
use crate::support::refresh::{
    connect_github, connect_github_as, github_overrides, manual_harness, real_now, token_reply, TOKEN_PATH,
};

use std::sync::Arc;

use serde_json::json;
use switchboard_core::clock::ManualClock;
use switchboard_core::connections::FlowState;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::{Consent, Policy, RunOutcome, RunRequest};

#[tokio::test]
async fn the_connection_is_the_only_one_that_can_or_the_person_chooses() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "actions-which-connection", clock, |_| {});
    let executor = executor(&harness);
    let any = RunRequest {
        action: "github.list_my_repositories".into(),
        connection_id: None,
        arguments: json!({}),
    };
    let error = UserError::from(executor.run(&any, Consent::NotYet).await.expect_err("none"));
    assert_eq!(
        error.code,
        ErrorCode::NeedsAuth,
        "no GitHub connection: connect first: {}",
        error.message
    );
    assert!(error.message.contains("Connect GitHub"), "{}", error.message);

    let first = connect_github(&harness, &fake, token_reply("at-1", None, None)).await;
    fake.script("/user/repos", [Reply::json(200, "[]"), Reply::json(200, "[]")]);
    let outcome = executor.run(&any, Consent::NotYet).await;
    assert!(
        matches!(outcome, Ok(RunOutcome::Done(ref done)) if done.connection_id == first.id),
        "the only one runs it: {outcome:?}"
    );

    harness
        .services
        .operations
        .rename(first.id, Some("work".into()))
        .expect("renamed");
    let monalisa = r#"{"id":2,"login":"monalisa"}"#;
    let second = connect_github_as(&harness, &fake, token_reply("at-2", None, None), monalisa).await;
    assert_ne!(second.id, first.id, "another account, another connection");
    let error = UserError::from(executor.run(&any, Consent::NotYet).await.expect_err("two"));
    assert_eq!(error.code, ErrorCode::InvalidInput, "{}", error.message);
    assert!(
        error.message.contains("work (connection") && error.message.contains("monalisa (connection"),
        "the choices are named: {}",
        error.message
    );

    harness
        .services
        .operations
        .set_enabled(second.id, false)
        .expect("disabled");
    let outcome = executor.run(&any, Consent::NotYet).await;
    assert!(
        matches!(outcome, Ok(RunOutcome::Done(_))),
        "a disabled connection is not a candidate: {outcome:?}"
    );
    let on_second = run_request("github.list_my_repositories", &second, json!({}));
    let error = UserError::from(executor.run(&on_second, Consent::NotYet).await.expect_err("disabled"));
    assert_eq!(
        error.code,
        ErrorCode::Disabled,
        "F2: a disabled connection runs nothing: {}",
        error.message
    );
}

#[tokio::test]
async fn a_scope_the_sign_in_was_not_granted_asks_for_consent_and_sends_nothing() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "actions-consent", clock, |_| {});
    let octocat = connect_github(&harness, &fake, token_reply("at-0", Some("rt-0"), Some(3600))).await;
    assert_eq!(
        octocat.scopes,
        vec!["read:user".to_owned(), "repo".to_owned()],
        "granted as the reply said"
    );
    let before = fake.requests().len();
    let gist = run_request(
        "github.create_gist",
        &octocat,
        json!({"files": [{"name": "a", "content": "b"}]}),
    );
    let error = UserError::from(
        executor(&harness)
            .run(&gist, Consent::Approved)
            .await
            .expect_err("F2: needs consent"),
    );
    assert_eq!(error.code, ErrorCode::NeedsConsent, "{}", error.message);
    assert!(
        error.message.contains("create gists"),
        "the missing access in plain words: {}",
        error.message
    );
    assert_eq!(fake.requests().len(), before, "F2: nothing was sent");
    assert!(fake.requests_to(TOKEN_PATH).len() <= 1, "not even a token renewal");
    let infos = harness
        .services
        .actions
        .actions(None, Some(octocat.id))
        .expect("the actions");
    let gist_info = infos
        .iter()
        .find(|info| info.meta.id == "github.create_gist")
        .expect("listed");
    assert_eq!(
        gist_info.missing_scopes,
        vec!["gist".to_owned()],
        "the scope a re-authorization must add"
    );

    // Allowing more access: a re-authorization asking for just that scope on top of the granted ones.
    let mut more = harness
        .services
        .sign_ins
        .reauthorization(octocat.id)
        .expect("a re-authorization");
    more.scopes = gist_info.missing_scopes.clone();
    fake.script(
        TOKEN_PATH,
        [Reply::json(
            200,
            r#"{"access_token":"at-2","token_type":"bearer","scope":"read:user,repo,gist"}"#,
        )],
    );
    fake.script("/user", [Reply::json(200, r#"{"id":583231,"login":"octocat"}"#)]);
    let started = harness
        .services
        .sign_ins
        .start(&more)
        .await
        .expect("the sign-in starts");
    let url = url::Url::parse(&harness.browser_url()).expect("the authorization URL");
    let asked = url
        .query_pairs()
        .find(|(name, _)| name == "scope")
        .map(|(_, value)| value.into_owned());
    assert_eq!(
        asked.as_deref(),
        Some("read:user repo gist"),
        "what was granted, plus just the missing scope"
    );
    return_to_app(url.as_str()).await;
    assert!(
        matches!(harness.outcome(&started.flow_id).await, FlowState::Connected { .. }),
        "re-authorized"
    );
    fake.script(
        "/gists",
        [Reply::json(
            201,
            r#"{"id":"aa1","html_url":"https://gist.github.com/octocat/aa1"}"#,
        )],
    );
    let outcome = executor(&harness)
        .run(&gist, Consent::Approved)
        .await
        .map_err(UserError::from);
    assert!(
        matches!(&outcome, Ok(RunOutcome::Done(done)) if done.link.as_deref() == Some("https://gist.github.com/octocat/aa1")),
        "with the scope granted the action runs: {outcome:?}"
    );
}

#[tokio::test]
async fn an_always_allow_on_a_deleted_connection_never_passes_to_the_next_account() {
    let fake = FakeProvider::start().await;
    let clock = Arc::new(ManualClock::new(real_now()));
    let harness = manual_harness(&github_overrides(&fake), "actions-deleted-policy", clock, |_| {});
    let executor = executor(&harness);
    let octocat = connect_github(&harness, &fake, token_reply("at-1", None, None)).await;
    executor
        .set_policy("github.star_repository", Some(octocat.id), Some(Policy::Allow))
        .expect("always allow on octocat's account");
    harness
        .services
        .operations
        .delete_connection(octocat.id)
        .await
        .expect("deleted");

    let user = r#"{"id":2,"login":"monalisa"}"#;
    let monalisa = connect_github_as(&harness, &fake, token_reply("at-2", None, None), user).await;
    assert_ne!(
        monalisa.id, octocat.id,
        "a deleted connection's id is never given to another account"
    );
    let star = run_request(
        "github.star_repository",
        &monalisa,
        json!({"repository": "octocat/hello-world"}),
    );
    let outcome = executor.run(&star, Consent::NotYet).await;
    assert!(
        matches!(outcome, Ok(RunOutcome::NeedsApproval(_))),
        "what was allowed on octocat's deleted account does not apply to monalisa's: {outcome:?}"
    );
    assert!(
        fake.requests().iter().all(|request| request.method != "PUT"),
        "nothing was starred without approval"
    );
}
