//! A model's words on their way into the chat.

use super::error::AssistantError as Error;
use super::service::Assistant;
use crate::db::chat_messages;

/// The model's words on their way: the message is made at the first piece and told to the
/// window as it grows; the database gets the whole text at the end.
pub(super) struct LiveMessage<'a> {
    assistant: &'a Assistant,
    pub(super) conversation: i64,
    id: Option<i64>,
    pub(super) text: String,
}

impl<'a> LiveMessage<'a> {
    pub(super) fn new(assistant: &'a Assistant, conversation: i64) -> Self {
        Self {
            assistant,
            conversation,
            id: None,
            text: String::new(),
        }
    }

    pub(super) fn push(&mut self, piece: &str) {
        self.text.push_str(piece);
        match self.id {
            Some(id) => (self.assistant.streamed)(self.conversation, id, &self.text),
            None => match self.assistant.say(self.conversation, None, &self.text, None) {
                Ok(id) => {
                    self.id = Some(id);
                    (self.assistant.changed)(self.conversation);
                }
                Err(error) => tracing::warn!(%error, "a streamed answer could not be stored"),
            },
        }
    }

    pub(super) fn finish(&mut self, text: &str) -> Result<(), Error> {
        match self.id {
            Some(id) => {
                chat_messages::set_text(self.assistant.context.db().conn(), id, text)?;
                (self.assistant.changed)(self.conversation); // the window's copy is whole again
            }
            None if !text.trim().is_empty() => {
                self.id = Some(self.assistant.say(self.conversation, None, text, None)?);
            }
            None => {}
        }
        Ok(())
    }
}
