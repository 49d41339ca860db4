//! Notion's and Telegram's actions through the one executor against the loopback doubles, each
//! connected with a pasted token: each request checked field by field against the documented
//! shape (Notion's version header and JSON bodies, the Bot API's token in the path and nowhere
//! else), each result read; a bot token never shown for approval.

use crate::support::actions::{body_of, executor, received, run_approved, run_request};
use crate::support::doubles::{seed, ApiDoubles};
use crate::support::pasted;

use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::{Consent, RunOutcome};

const NOTION_TOKEN: &str = "secret_switchboardNotionActions01";
const BOT_TOKEN: &str = "123456789:AAE-switchboardActionsBotToken_01";

#[tokio::test]
async fn each_notion_action_sends_the_documented_request_and_reads_the_answer() {
    let doubles = ApiDoubles::start();
    let unversioned = reqwest::Client::new()
        .post(format!("{}/search", doubles.base("notion")))
        .bearer_auth(NOTION_TOKEN)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("the double answers");
    assert_eq!(
        unversioned.status(),
        400,
        "the double, like Notion, needs Notion-Version"
    );
    let harness = pasted::harness_for(&doubles, "notion", "actions-notion-each");
    let workspace = pasted::paste(&harness, "notion", &[("token", NOTION_TOKEN)]).await;
    doubles.reset().await;
    let executor = executor(&harness);

    let found = run_approved(
        &executor,
        "notion.search",
        &workspace,
        json!({"query": "roadmap", "only": "page", "limit": 5}),
    )
    .await;
    let sent = received(&doubles, "POST", "/notion/v1/search").await;
    assert_eq!(sent[0]["bearer"], NOTION_TOKEN);
    assert_eq!(
        sent[0]["headers"]["notion-version"], "2022-06-28",
        "the catalogue's version"
    );
    assert_eq!(sent[0]["headers"]["content-type"], "application/json");
    assert_eq!(
        body_of(&sent[0]),
        json!({"page_size": 5, "query": "roadmap", "filter": {"property": "object", "value": "page"}})
    );
    let titles: Vec<&str> = found
        .data
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        ["Roadmap 2026", "Fix the roadmap export"],
        "pages' titles, read from their title property"
    );
    assert!(
        found.summary.contains(seed::NOTION_ROADMAP_PAGE),
        "ids for the next action: {}",
        found.summary
    );

    let created = run_approved(
        &executor,
        "notion.create_page_in_database",
        &workspace,
        json!({"database_id": seed::NOTION_TASKS_DATABASE.replace('-', ""), "title": "Ship 1.2", "text": "First\n\nSecond"}),
    )
    .await;
    let sent = received(&doubles, "POST", "/notion/v1/pages").await;
    let paragraph = |text: &str| json!({"object": "block", "type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": text}}]}});
    assert_eq!(
        body_of(&sent[0]),
        json!({"parent": {"database_id": seed::NOTION_TASKS_DATABASE.replace('-', "")},
               "properties": {"title": {"title": [{"type": "text", "text": {"content": "Ship 1.2"}}]}},
               "children": [paragraph("First"), paragraph("Second")]}),
        "a database parent, the title keyed by the title property's id (its name, here Task, can \
         be anything; its id is always title), the text as paragraph blocks"
    );
    assert!(
        created
            .link
            .as_deref()
            .is_some_and(|link| link.starts_with("https://www.notion.so/Ship-1-2-")),
        "the page's link: {:?}",
        created.link
    );

    let long = "x".repeat(2500);
    let appended = run_approved(
        &executor,
        "notion.append_paragraph",
        &workspace,
        json!({"page_id": seed::NOTION_ROADMAP_PAGE, "text": long}),
    )
    .await;
    let path = format!("/notion/v1/blocks/{}/children", seed::NOTION_ROADMAP_PAGE);
    let sent = received(&doubles, "PATCH", &path).await;
    assert_eq!(sent[0]["headers"]["notion-version"], "2022-06-28");
    let body = body_of(&sent[0]);
    let rich = &body["children"][0]["paragraph"]["rich_text"];
    assert_eq!(
        (
            rich[0]["text"]["content"].as_str().map(str::len),
            rich[1]["text"]["content"].as_str().map(str::len)
        ),
        (Some(2000), Some(500)),
        "text over Notion's 2000 characters an item is split: {body}"
    );
    assert_eq!(appended.data["added"], 1);

    run_approved(
        &executor,
        "notion.create_page_in_database",
        &workspace,
        json!({"database_id": seed::NOTION_TASKS_DATABASE, "title": "Ship 1.3", "title_property": "Task"}),
    )
    .await;
    let sent = received(&doubles, "POST", "/notion/v1/pages").await;
    assert_eq!(
        body_of(&sent[1])["properties"],
        json!({"Task": {"title": [{"type": "text", "text": {"content": "Ship 1.3"}}]}}),
        "a title property named by the caller is keyed by that name"
    );
}

#[tokio::test]
async fn text_of_more_than_a_hundred_paragraphs_goes_to_notion_in_at_most_a_hundred_blocks() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "notion", "actions-notion-blocks");
    let workspace = pasted::paste(&harness, "notion", &[("token", NOTION_TOKEN)]).await;
    let path = format!("/notion/v1/blocks/{}/children", seed::NOTION_ROADMAP_PAGE);
    let paragraph = json!({"object": "block", "type": "paragraph", "paragraph": {"rich_text": [{"type": "text", "text": {"content": "x"}}]}});
    let too_many = reqwest::Client::new()
        .patch(format!("{}{}", doubles.url(), path))
        .bearer_auth(NOTION_TOKEN)
        .header("notion-version", "2022-06-28")
        .header("content-type", "application/json")
        .body(json!({ "children": vec![paragraph; 101] }).to_string())
        .send()
        .await
        .expect("the double answers");
    assert_eq!(
        too_many.status(),
        400,
        "the double, like Notion, takes at most 100 blocks"
    );
    let refusal: serde_json::Value = too_many.json().await.expect("Notion's error");
    assert_eq!(refusal["code"], "validation_error", "{refusal}");
    doubles.reset().await;
    let executor = executor(&harness);

    let text = (1..=150)
        .map(|n| format!("Point {n}."))
        .collect::<Vec<_>>()
        .join("\n\n");
    let appended = run_approved(
        &executor,
        "notion.append_paragraph",
        &workspace,
        json!({"page_id": seed::NOTION_ROADMAP_PAGE, "text": text}),
    )
    .await;
    let body = body_of(&received(&doubles, "PATCH", &path).await[0]);
    let blocks = body["children"].as_array().expect("blocks");
    assert_eq!(blocks.len(), 100, "Notion refuses more than 100 blocks a request");
    let content = |block: &serde_json::Value| -> String {
        let items = block["paragraph"]["rich_text"].as_array().expect("rich text");
        items
            .iter()
            .filter_map(|item| item["text"]["content"].as_str())
            .collect()
    };
    assert_eq!(
        content(&blocks[98]),
        "Point 99.",
        "paragraphs keep their own blocks while they fit"
    );
    let rest = (100..=150)
        .map(|n| format!("Point {n}."))
        .collect::<Vec<_>>()
        .join("\n\n");
    assert_eq!(
        content(&blocks[99]),
        rest,
        "the rest go in the last block, a blank line apart: nothing lost"
    );
    assert_eq!(appended.data["added"], 100);

    run_approved(
        &executor,
        "notion.create_page_in_database",
        &workspace,
        json!({"database_id": seed::NOTION_TASKS_DATABASE, "title": "Long notes", "text": text}),
    )
    .await;
    let created = body_of(&received(&doubles, "POST", "/notion/v1/pages").await[0]);
    assert_eq!(
        created["children"].as_array().map(Vec::len),
        Some(100),
        "a new page's children too: {}",
        created["children"][99]
    );
}

#[tokio::test]
async fn telegram_actions_put_the_bot_token_in_the_path_only_and_never_show_it() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "telegram", "actions-telegram-each");
    let bot = pasted::paste(&harness, "telegram", &[("token", BOT_TOKEN)]).await;
    doubles.reset().await;
    let executor = executor(&harness);

    let arguments =
        json!({"chat_id": seed::TELEGRAM_PERSON_CHAT.to_string(), "text": "<b>Build</b> green", "parse_mode": "HTML"});
    let asked = run_request("telegram.send_message", &bot, arguments.clone());
    let pending = match executor.run(&asked, Consent::NotYet).await.map_err(UserError::from) {
        Ok(RunOutcome::NeedsApproval(pending)) => pending,
        other => panic!("a message asks first: {other:?}"),
    };
    assert!(
        !pending.request.url.contains(BOT_TOKEN)
            && pending.request.url.ends_with("/telegram/bot%7Btoken%7D/sendMessage"),
        "the preview's URL keeps the token's place, not the token: {}",
        pending.request.url
    );
    assert!(
        pending
            .request
            .headers
            .iter()
            .all(|(name, value)| !name.contains(BOT_TOKEN) && !value.contains(BOT_TOKEN)),
        "nor any header: {:?}",
        pending.request.headers
    );
    assert!(!pending.request.body.unwrap_or_default().contains(BOT_TOKEN));
    assert!(doubles.requests().await.is_empty(), "nothing sent before approval");

    let sent_message = run_approved(&executor, "telegram.send_message", &bot, arguments).await;
    let sent = received(&doubles, "POST", &format!("/telegram/bot{BOT_TOKEN}/sendMessage")).await;
    assert_eq!(sent.len(), 1, "sent to the Bot API's path with the token");
    assert_eq!(sent[0]["bearer"], serde_json::Value::Null, "no Authorization header");
    assert_eq!(sent[0]["headers"]["content-type"], "application/json");
    assert_eq!(
        body_of(&sent[0]),
        json!({"chat_id": seed::TELEGRAM_PERSON_CHAT, "text": "<b>Build</b> green", "parse_mode": "HTML"}),
        "a numeric chat id goes as a number"
    );
    assert_eq!(sent_message.summary, "Sent the message to Ana Lima (message 101).");

    let updates = run_approved(&executor, "telegram.get_updates", &bot, json!({"limit": 10})).await;
    let sent = received(&doubles, "GET", &format!("/telegram/bot{BOT_TOKEN}/getUpdates")).await;
    assert_eq!(
        sent[0]["query"],
        json!({"limit": "100", "timeout": "0"}),
        "as many as Telegram gives: it answers the earliest first, and the newest are kept"
    );
    assert_eq!(updates.data.as_array().map(Vec::len), Some(3));
    assert!(
        updates
            .summary
            .contains(&format!("chat id {}", seed::TELEGRAM_GROUP_CHAT)),
        "the chats' ids, for send_message: {}",
        updates.summary
    );

    let lost = run_request("telegram.send_message", &bot, json!({"chat_id": "42", "text": "hi"}));
    let error = UserError::from(executor.run(&lost, Consent::Approved).await.expect_err("refused"));
    assert_eq!(error.code, ErrorCode::ProviderRejected, "{}", error.message);
    assert!(
        !error.message.contains(BOT_TOKEN),
        "the token is not in the error: {}",
        error.message
    );
    let audit = harness
        .services
        .operations
        .audit_entries(Some(bot.id))
        .expect("the audit log");
    assert!(
        audit.iter().all(|entry| !format!("{entry:?}").contains(BOT_TOKEN)),
        "nor in the audit log"
    );
}
