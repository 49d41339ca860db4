//! An approval card's picture of what will happen, as what it is: an email as an email, an
//! event as its time range and attendees, a message as the message in its channel; anything
//! else as its fields. Built from the exact arguments that will be sent, so what is shown is
//! what is approved.

use serde_json::Value;

use super::model::Presentation;

/// The presentation of `action` run with `arguments`; `names` gives a looked-up resource's name
/// for its id ("C024BE91L" → "#eng").
pub fn present(action: &str, arguments: &Value, names: &dyn Fn(&str) -> Option<String>) -> Presentation {
    let text = |name: &str| arguments.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
    let list = |name: &str| -> Vec<String> {
        arguments
            .get(name)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    match action {
        "gmail.send_email" | "gmail.create_draft" | "gmail.reply_to_message" => Presentation::Email {
            to: list("to"),
            cc: list("cc"),
            subject: text("subject"),
            body: text("body"),
            attachments: list("drive_files")
                .into_iter()
                .map(|id| names(&id).unwrap_or(id))
                .collect(),
        },
        "calendar.create_event" | "calendar.update_event_time" => Presentation::Event {
            title: text("title"),
            start: text("start"),
            end: text("end"),
            time_zone: arguments.get("time_zone").and_then(Value::as_str).map(str::to_owned),
            attendees: list("attendees"),
        },
        "slack.post_message" | "slack.reply_in_thread" => {
            let channel = text("channel");
            Presentation::Message {
                channel: names(&channel).unwrap_or(channel),
                text: text("text"),
            }
        }
        "telegram.send_message" => Presentation::Message {
            channel: text("chat_id"),
            text: text("text"),
        },
        _ => Presentation::Fields {
            rows: arguments
                .as_object()
                .map(|fields| {
                    fields
                        .iter()
                        .map(|(name, value)| {
                            let shown = match value {
                                Value::String(text) => names(text).unwrap_or_else(|| text.clone()),
                                other => other.to_string(),
                            };
                            (name.replace('_', " "), shown)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_email_is_shown_as_an_email_and_a_channel_by_its_name() {
        let names = |id: &str| (id == "C1").then(|| "#eng".to_owned());
        let email = present(
            "gmail.send_email",
            &json!({"to": ["ana@example.com"], "subject": "Q3", "body": "Here it is"}),
            &names,
        );
        assert_eq!(
            email,
            Presentation::Email {
                to: vec!["ana@example.com".into()],
                cc: vec![],
                subject: "Q3".into(),
                body: "Here it is".into(),
                attachments: vec![]
            }
        );
        let message = present("slack.post_message", &json!({"channel": "C1", "text": "hi"}), &names);
        assert_eq!(
            message,
            Presentation::Message {
                channel: "#eng".into(),
                text: "hi".into()
            },
            "a message is shown in its channel, by the channel's name"
        );
    }
}
