//! The assistant's states that the happy paths do not reach: a run cut off while sending (never
//! sent again on its own) or while working (offered again), a sign-in that fails or is
//! cancelled while a run waits on it, Stop and Cancel; and conversations themselves — rename,
//! search, pages of a long one, delete.

use switchboard_core::assistant::{Card, CardAnswer, ChatMessage, NextStep};
use switchboard_core::db::{chat_messages, runs};
use switchboard_core::error::{ErrorCode, UserError};

use crate::support::doubles::ApiDoubles;
use crate::support::{pasted, saved};

const TOKEN: &str = "ghp_switchboardStatesToken01";

fn last(messages: &[ChatMessage]) -> &ChatMessage {
    messages.last().expect("something was said")
}

#[tokio::test]
async fn a_run_cut_off_while_sending_is_never_sent_again_on_its_own() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-cut-off");
    pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    let assistant = &harness.services.assistant;
    let chat = assistant.create_conversation().expect("a conversation");
    let said = assistant.send(chat.id, "star octocat/hello-world").await.expect("sent");
    let run = last(&said).run_id.expect("a run");
    // As a crash leaves it: approved and moved to executing, then the process is gone.
    {
        let db = harness.services.context.db();
        assert!(runs::move_state(db.conn(), run, &["needs_approval"], "executing", 1).expect("move"));
    }
    let said = assistant
        .send(chat.id, "please star octocat/spoon-knife")
        .await
        .expect("sent");
    let working = last(&said).run_id.expect("a run");
    {
        let db = harness.services.context.db();
        assert!(runs::move_state(db.conn(), working, &["needs_approval"], "working", 1).expect("move"));
    }
    doubles.reset().await;

    assistant.recover_at_start().expect("the start-up check");
    let page = assistant.messages(chat.id, None, 50).expect("messages");
    let cut_off = page
        .messages
        .iter()
        .find(|message| message.run_id == Some(run) && matches!(message.card, Some(Card::Error { .. })))
        .expect("the cut-off run says what became of it");
    let Some(Card::Error { next, message, .. }) = &cut_off.card else {
        unreachable!()
    };
    assert_eq!(*next, None, "no retry is offered for what may have happened: {message}");
    assert!(message.contains("may have happened"), "{message}");
    let retry = assistant.answer(run, CardAnswer::Retry).await;
    assert!(retry.is_ok(), "the card can still be answered");
    let interrupted = page
        .messages
        .iter()
        .find(|message| message.run_id == Some(working) && matches!(message.card, Some(Card::Error { .. })))
        .expect("the interrupted run says so");
    assert!(
        matches!(
            &interrupted.card,
            Some(Card::Error {
                next: Some(NextStep::Retry),
                ..
            })
        ),
        "a run cut off before sending is offered again: {interrupted:?}"
    );
    assert!(
        doubles
            .requests()
            .await
            .iter()
            .all(|request| request["method"] == "GET"),
        "nothing was sent again on its own"
    );
}

#[tokio::test]
async fn a_failed_or_cancelled_sign_in_is_told_to_the_waiting_run_and_stop_and_cancel_end_runs() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-sign-in-ended");
    let assistant = &harness.services.assistant;
    let chat = assistant.create_conversation().expect("a conversation");
    let said = assistant.send(chat.id, "star octocat/hello-world").await.expect("sent");
    let run = last(&said).run_id.expect("a run");
    assert!(matches!(last(&said).card, Some(Card::Connect { .. })));

    assistant.sign_in_ended("github", "it was cancelled.").expect("told");
    let page = assistant.messages(chat.id, None, 50).expect("messages");
    let told = last(&page.messages);
    assert!(
        told.text.contains("didn't finish"),
        "the chat says the sign-in ended: {}",
        told.text
    );
    assert!(
        matches!(&told.card, Some(Card::Connect { problem: Some(problem), .. }) if problem.contains("cancelled")),
        "the Connect card is offered again with why: {told:?}"
    );
    assert!(told.card_open, "and it waits");
    let earlier = page.messages.iter().filter(|message| message.card_open).count();
    assert_eq!(earlier, 1, "only the newest card of a run is open");

    let stopped = assistant.stop(run).expect("stopped");
    assert!(last(&stopped).text.contains("Stopped"), "{stopped:?}");
    let again = assistant.answer(run, CardAnswer::Cancel).await;
    assert_eq!(
        again.map_err(|error| UserError::from(error).code).err(),
        Some(ErrorCode::InvalidInput),
        "a stopped run takes no more answers"
    );

    let said = assistant.send(chat.id, "star octocat/spoon-knife").await.expect("sent");
    let run = last(&said).run_id.expect("a run");
    let cancelled = assistant.answer(run, CardAnswer::Cancel).await.expect("cancelled");
    assert!(last(&cancelled).text.contains("Nothing was done"), "{cancelled:?}");
}

#[tokio::test]
async fn conversations_are_renamed_searched_paged_and_deleted() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-conversations");
    let assistant = &harness.services.assistant;
    let first = assistant.create_conversation().expect("a conversation");
    assistant
        .send(first.id, "what's the weather in Paris")
        .await
        .expect("sent");
    let listed = assistant.conversations(None).expect("list");
    assert_eq!(
        listed[0].title, "what's the weather in Paris",
        "named after its first message"
    );
    assert!(
        listed[0].preview.contains("didn't understand"),
        "previewed by its last message"
    );

    let second = assistant.create_conversation().expect("another");
    assistant.rename_conversation(second.id, "Planning").expect("renamed");
    assert!(
        assistant.rename_conversation(second.id, "  ").is_err(),
        "an empty title is refused"
    );
    let found = assistant.conversations(Some("paris")).expect("search");
    assert_eq!(
        found.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![first.id],
        "found by a message's text"
    );
    let found = assistant.conversations(Some("plan")).expect("search");
    assert_eq!(
        found.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![second.id],
        "found by its title"
    );
    assert!(
        assistant.conversations(Some("100%_")).expect("search").is_empty(),
        "wildcards are literal"
    );

    {
        let db = harness.services.context.db();
        for index in 0..120 {
            let text = format!("note {index}");
            let message = chat_messages::NewMessage {
                conversation_id: second.id,
                role: "user",
                text: &text,
                run_id: None,
                card: None,
            };
            chat_messages::append(db.conn(), &message, index).expect("append");
        }
    }
    let page = assistant.messages(second.id, None, 50).expect("the last page");
    assert_eq!(page.messages.len(), 50);
    assert!(page.has_more, "older messages exist");
    assert_eq!(
        page.messages.last().map(|m| m.text.as_str()),
        Some("note 119"),
        "oldest first, newest last"
    );
    let older = assistant
        .messages(second.id, Some(page.messages[0].id), 100)
        .expect("an older page");
    assert_eq!(older.messages.len(), 70, "the rest");
    assert!(!older.has_more);

    assistant.delete_conversation(second.id).expect("deleted");
    assert!(
        assistant.messages(second.id, None, 50).is_err(),
        "its messages go with it"
    );
    assert!(
        assistant.delete_conversation(second.id).is_err(),
        "a second delete says it is not there"
    );
}

#[tokio::test]
async fn an_account_without_the_access_an_action_needs_is_asked_for_more_and_the_run_goes_on_once_granted() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "github", "assistant-more-access");
    let signed_in = saved::save_signed_in(&harness, "github", "583231", &["github"], &["read:user"], TOKEN);
    let assistant = &harness.services.assistant;
    let chat = assistant.create_conversation().expect("a conversation");
    let said = assistant.send(chat.id, "star octocat/hello-world").await.expect("sent");
    let asked = last(&said);
    let Some(Card::Connect {
        connection_id,
        scopes,
        missing_access,
        ..
    }) = &asked.card
    else {
        panic!("a card asking for more access, not {asked:?}")
    };
    assert_eq!(*connection_id, Some(signed_in.id), "on the account the run has");
    assert_eq!(
        scopes,
        &vec!["public_repo".to_owned()],
        "just the narrowest scope that is missing"
    );
    assert!(
        !missing_access.is_empty() && asked.text.contains("hasn't allowed"),
        "said in words: {}",
        asked.text
    );
    doubles.reset().await;

    assistant.resume_waiting().await.expect("nothing changed yet");
    let page = assistant.messages(chat.id, None, 50).expect("messages");
    assert_eq!(
        page.messages.last().map(|m| m.id),
        Some(asked.id),
        "without the access, the run keeps waiting"
    );

    saved::save_signed_in(
        &harness,
        "github",
        "583231",
        &["github"],
        &["read:user", "public_repo"],
        TOKEN,
    );
    assistant.resume_waiting().await.expect("the access landed");
    let page = assistant.messages(chat.id, None, 50).expect("messages");
    let last_message = last(&page.messages);
    assert!(
        matches!(last_message.card, Some(Card::Approve { .. })),
        "granted, the run goes on to its approval card: {last_message:?}"
    );
    assert!(
        doubles.requests().await.is_empty(),
        "and nothing was sent before approval"
    );
}

#[tokio::test]
async fn a_jira_issue_named_by_its_key_moves_to_a_status_named_in_words() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "atlassian", "assistant-jira-move");
    let scopes = [
        "offline_access",
        "read:me",
        "read:jira-user",
        "read:jira-work",
        "write:jira-work",
    ];
    saved::save_signed_in(
        &harness,
        "atlassian",
        "ana@example.com",
        &["jira"],
        &scopes,
        "atl.assistant",
    );
    let assistant = &harness.services.assistant;
    let chat = assistant.create_conversation().expect("a conversation");
    let said = assistant.send(chat.id, "move WEB-42 to Done").await.expect("sent");
    let asked = last(&said);
    let Some(Card::Approve { pending, .. }) = &asked.card else {
        panic!("the issue found by its key, the transition by its name, then approval: {asked:?}")
    };
    assert_eq!(
        pending.arguments,
        serde_json::json!({
            "issue": "1324a887-45db-4bf4-9e99-ef0ff456d421/WEB-42",
            "transition_id": "1324a887-45db-4bf4-9e99-ef0ff456d421/WEB-42:31"
        }),
        "the issue on the site whose projects include WEB, and the transition to Done by its id, \
         named after the issue it was listed for"
    );
    assert_eq!(
        pending
            .request
            .body
            .as_deref()
            .and_then(|body| serde_json::from_str(body).ok()),
        Some(serde_json::json!({"transition": {"id": "31"}})),
        "Jira is sent the transition's own id"
    );
}
