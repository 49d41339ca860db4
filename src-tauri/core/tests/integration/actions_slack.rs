//! Slack's actions through the executor, against the loopback doubles' Web API with a pasted
//! token: each request checked against Slack's documented shape (JSON with its charset for
//! posting, query parameters for reading), the answers read, and Slack's `"ok": false` answered
//! with HTTP 200 read as the refusal it is, a write never retried after it. A bot token asked to
//! set a status is refused in words that say which token can.

use crate::support::actions::{body_of, executor, received, run_approved, run_request};
use crate::support::doubles::ApiDoubles;
use crate::support::pasted;

use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::Consent;

/// A person's token, as connecting Slack gives (a bot's may post but not set a status).
const TOKEN: &str = "xoxp-actions-0001";

#[tokio::test]
async fn slack_posts_replies_lists_reads_and_sets_a_status_as_the_web_api_documents() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "slack", "actions-slack");
    let team = pasted::paste(&harness, "slack", &[("token", TOKEN)]).await;
    doubles.reset().await;
    let executor = executor(&harness);

    let listed = run_approved(
        &executor,
        "slack.list_channels",
        &team,
        json!({"types": "both", "limit": 500}),
    )
    .await;
    let asked = &received(&doubles, "GET", "/slack/api/conversations.list").await[0];
    assert_eq!(
        asked["query"],
        json!({"types": "public_channel,private_channel", "exclude_archived": "true", "limit": "500"})
    );
    let general = listed
        .data
        .as_array()
        .and_then(|channels| channels.iter().find(|channel| channel["name"] == "general"))
        .expect("#general is listed")
        .clone();
    let channel = general["id"].as_str().expect("an id").to_owned();

    let posted = run_approved(
        &executor,
        "slack.post_message",
        &team,
        json!({"channel": channel, "text": "Deploy *done* ✓"}),
    )
    .await;
    let sent = &received(&doubles, "POST", "/slack/api/chat.postMessage").await[0];
    assert_eq!(
        sent["headers"]["content-type"], "application/json; charset=utf-8",
        "JSON with the charset Slack asks for"
    );
    assert_eq!(sent["bearer"], TOKEN);
    assert_eq!(body_of(sent), json!({"channel": channel, "text": "Deploy *done* ✓"}));
    let ts = posted.data["ts"].as_str().expect("the message's timestamp").to_owned();

    run_approved(
        &executor,
        "slack.reply_in_thread",
        &team,
        json!({"channel": channel, "thread_ts": ts, "text": "Logs attached", "also_in_channel": true}),
    )
    .await;
    let replies = received(&doubles, "POST", "/slack/api/chat.postMessage").await;
    assert_eq!(
        body_of(&replies[1]),
        json!({"channel": channel, "thread_ts": ts, "text": "Logs attached", "reply_broadcast": true})
    );

    let history = run_approved(
        &executor,
        "slack.read_channel_history",
        &team,
        json!({"channel": channel, "limit": 3}),
    )
    .await;
    let asked = &received(&doubles, "GET", "/slack/api/conversations.history").await[0];
    assert_eq!(asked["query"], json!({"channel": channel, "limit": "3"}));
    assert_eq!(
        history.data[0]["text"], "Logs attached",
        "newest first: {}",
        history.data
    );

    run_approved(
        &executor,
        "slack.set_my_status",
        &team,
        json!({"text": "On a trip", "emoji": ":palm_tree:", "until": 1_800_000_000}),
    )
    .await;
    let set = &received(&doubles, "POST", "/slack/api/users.profile.set").await[0];
    assert_eq!(
        body_of(set),
        json!({"profile": {"status_text": "On a trip", "status_emoji": ":palm_tree:", "status_expiration": 1_800_000_000}})
    );

    let nowhere = run_request(
        "slack.post_message",
        &team,
        json!({"channel": "C0NOSUCHCHAN", "text": "hi"}),
    );
    let error = UserError::from(executor.run(&nowhere, Consent::Approved).await.expect_err("ok:false"));
    assert_eq!(error.code, ErrorCode::ProviderRejected, "{}", error.message);
    assert!(
        error.message.contains("channel_not_found"),
        "Slack's reason, as a code word: {}",
        error.message
    );
    let posts = received(&doubles, "POST", "/slack/api/chat.postMessage").await;
    assert_eq!(posts.len(), 3, "the refused post was sent once, not retried");
}

#[tokio::test]
async fn a_bot_token_asked_to_set_a_status_is_told_which_token_can() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "slack", "actions-slack-bot");
    let team = pasted::paste(&harness, "slack", &[("token", "xoxb-actions-0002")]).await;
    doubles.reset().await;
    let executor = executor(&harness);
    let status = run_request("slack.set_my_status", &team, json!({"text": "Lunch"}));
    let error = UserError::from(
        executor
            .run(&status, Consent::Approved)
            .await
            .expect_err("Slack refuses a bot's token for users.profile.set"),
    );
    assert_eq!(error.code, ErrorCode::NeedsConsent, "{}", error.message);
    for words in ["acts as you", "signing in", "xoxp-"] {
        assert!(
            error.message.contains(words),
            "the person learns which token can set a status ({words}): {}",
            error.message
        );
    }
    assert!(!error.message.contains("xoxb-actions-0002"), "no token in the message");
    let sets = received(&doubles, "POST", "/slack/api/users.profile.set").await;
    assert_eq!(sets.len(), 1, "a refused write is not sent again");
}
