//! Telegram's getUpdates through the executor against the Bot API double: it answers the
//! earliest pending updates first, so the action asks for as many as Telegram gives (100) and
//! keeps the newest, never confirming or forgetting any (no `offset`: a read leaves the bot's
//! queue as it was); a bot with a webhook set is told so in plain words.

use crate::support::actions::{executor, received, run_approved, run_request};
use crate::support::doubles::ApiDoubles;
use crate::support::pasted;

use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::Consent;

const BOT_TOKEN: &str = "987654321:AAE-switchboardUpdatesBotToken_02";

#[tokio::test]
async fn recent_updates_are_the_newest_pending_and_reading_them_confirms_none() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "telegram", "actions-telegram-updates");
    let bot = pasted::paste(&harness, "telegram", &[("token", BOT_TOKEN)]).await;
    doubles.reset().await;
    let executor = executor(&harness);
    let path = format!("/telegram/bot{BOT_TOKEN}/getUpdates");

    for _ in 0..2 {
        let updates = run_approved(&executor, "telegram.get_updates", &bot, json!({"limit": 2})).await;
        let ids: Vec<_> = updates
            .data
            .as_array()
            .into_iter()
            .flatten()
            .map(|u| &u["updateId"])
            .collect();
        assert_eq!(
            ids,
            [&json!(500_002), &json!(500_003)],
            "the newest two of the three pending, though Telegram answers the earliest first"
        );
    }
    let sent = received(&doubles, "GET", &path).await;
    for asked in &sent {
        assert_eq!(
            asked["query"],
            json!({"limit": "100", "timeout": "0"}),
            "as many as Telegram gives, and no offset: an offset confirms (or, negative, forgets) updates"
        );
    }
}

#[tokio::test]
async fn a_bot_with_a_webhook_is_told_its_updates_cannot_be_read_this_way() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "telegram", "actions-telegram-webhook");
    let bot = pasted::paste(&harness, "telegram", &[("token", BOT_TOKEN)]).await;
    let set = reqwest::Client::new()
        .post(format!("{}/bot{BOT_TOKEN}/setWebhook", doubles.base("telegram")))
        .header("content-type", "application/json")
        .body(json!({"url": "https://example.org/hook"}).to_string())
        .send()
        .await
        .expect("the double answers");
    assert_eq!(set.status(), 200, "a webhook set");
    let executor = executor(&harness);

    let asked = run_request("telegram.get_updates", &bot, json!({}));
    let error = UserError::from(executor.run(&asked, Consent::Approved).await.expect_err("409 Conflict"));
    assert_eq!(error.code, ErrorCode::ProviderRejected, "{}", error.message);
    assert!(
        error.message.contains("webhook set") && error.message.contains("can't be read this way"),
        "Telegram's 409 in plain words: the bot has a webhook, so getUpdates cannot read them: {}",
        error.message
    );
    assert!(!error.message.contains(BOT_TOKEN), "never the token: {}", error.message);
}
