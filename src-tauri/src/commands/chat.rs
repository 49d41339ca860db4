//! The chat from the window: conversations (list, create, rename, delete), a page of messages,
//! sending, answering a card, stopping a run or a conversation, and suggestions. Each delegates to core's assistant.

use switchboard_core::assistant::{CardAnswer, ChatMessage, ConversationSummary, MessagePage};
use switchboard_core::error::UserError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn list_conversations(
    search: Option<String>,
    state: State<'_, AppState>,
) -> Result<Vec<ConversationSummary>, UserError> {
    Ok(state.services()?.assistant.conversations(search.as_deref())?)
}

#[tauri::command]
pub fn create_conversation(state: State<'_, AppState>) -> Result<ConversationSummary, UserError> {
    Ok(state.services()?.assistant.create_conversation()?)
}

#[tauri::command]
pub fn rename_conversation(
    id: i64,
    title: String,
    state: State<'_, AppState>,
) -> Result<ConversationSummary, UserError> {
    Ok(state.services()?.assistant.rename_conversation(id, &title)?)
}

#[tauri::command]
pub fn delete_conversation(id: i64, state: State<'_, AppState>) -> Result<(), UserError> {
    Ok(state.services()?.assistant.delete_conversation(id)?)
}

#[tauri::command]
pub fn conversation_messages(
    id: i64,
    before: Option<i64>,
    limit: u32,
    state: State<'_, AppState>,
) -> Result<MessagePage, UserError> {
    Ok(state.services()?.assistant.messages(id, before, limit)?)
}

#[tauri::command]
pub async fn send_message(
    conversation: i64,
    text: String,
    state: State<'_, AppState>,
) -> Result<Vec<ChatMessage>, UserError> {
    Ok(state.services()?.assistant.send(conversation, &text).await?)
}

#[tauri::command]
pub async fn answer_card(
    run: i64,
    answer: CardAnswer,
    state: State<'_, AppState>,
) -> Result<Vec<ChatMessage>, UserError> {
    Ok(state.services()?.assistant.answer(run, answer).await?)
}

#[tauri::command]
pub fn stop_run(run: i64, state: State<'_, AppState>) -> Result<Vec<ChatMessage>, UserError> {
    Ok(state.services()?.assistant.stop(run)?)
}

/// Stops what is live in a conversation: the model's streaming answer and its open run.
#[tauri::command]
pub fn stop_conversation(conversation: i64, state: State<'_, AppState>) -> Result<Vec<ChatMessage>, UserError> {
    Ok(state.services()?.assistant.stop_conversation(conversation)?)
}

#[tauri::command]
pub fn chat_suggestions(state: State<'_, AppState>) -> Result<Vec<String>, UserError> {
    Ok(state.services()?.assistant.suggestions()?)
}
