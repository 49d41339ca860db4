//! A provider's refusal of an action's request, in plain words: by status and a few known
//! reason words (a missing scope, a limit on requests, Slack's codes), with the provider's own
//! short explanation where its answer gives one (Google's `error.message`, GitHub's, Notion's
//! and PostgREST's `message`, Jira's `errorMessages`, Confluence's `errors[].title`, Telegram's
//! `description`), cleaned of control characters and cut, so a person can tell "Invalid start
//! time" from "Field 'priority' cannot be set". The model reads it as untrusted data, as it
//! reads every failure.

use serde_json::Value;

use super::error::ToolError;
use crate::resources::verdict::{says_rate_limited, says_scope_is_missing};

/// How much of a provider's explanation is kept, in characters.
const MAX_EXPLANATION_CHARS: usize = 200;

/// What a refusal means for the request.
pub enum Refusal {
    /// The token was refused: renew it (once) and try again.
    Unauthorized,
    /// Refused before anything was done, to slow down: wait, then try again.
    SlowDown {
        status: u16,
    },
    Failed(ToolError),
}

/// `status` and `json` (Null when the body was empty or unreadable) of a refused request.
pub fn refusal(provider: &str, status: u16, json: &Value) -> Refusal {
    let provider = provider.to_owned();
    let reason = json.get("error").and_then(Value::as_str).map(|code| {
        code.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(40)
            .collect::<String>()
    });
    let text = json.to_string();
    match reason.as_deref() {
        Some("invalid_auth" | "not_authed" | "token_revoked" | "token_expired") => return Refusal::Unauthorized,
        Some("ratelimited") => return Refusal::SlowDown { status: 429 },
        _ => {}
    }
    if status == 403 && !says_scope_is_missing(&text) && says_rate_limited(&text) {
        return Refusal::SlowDown { status };
    }
    let told = |words: String| match explanation(json) {
        Some(explanation) => format!("{words}: “{explanation}”"),
        None => words,
    };
    let error = match status {
        // Slack: a bot token where only a person's token may act (setting a status).
        200 if reason.as_deref() == Some("not_allowed_token_type") => ToolError::Forbidden {
            provider,
            message: "only a token that acts as you can do this, not a bot's: connect Slack by \
                      signing in, or paste a user token (xoxp-)"
                .into(),
        },
        403 | 200 if says_scope_is_missing(&text) => ToolError::Forbidden {
            provider,
            message: "it needs access this account has not given".into(),
        },
        403 => ToolError::Forbidden {
            provider,
            message: told("this account may not do that (HTTP 403)".into()),
        },
        // Telegram: a bot with a webhook gets its updates there, never from getUpdates.
        409 if text.contains("webhook is active") => ToolError::Refused {
            provider,
            status,
            message: "this bot has a webhook set, so Telegram sends its updates there and recent \
                      updates can't be read this way (HTTP 409)"
                .into(),
        },
        404 => ToolError::Refused {
            provider,
            status,
            message: "it was not found, or this account cannot see it (HTTP 404)".into(),
        },
        422 | 400 => ToolError::Refused {
            provider,
            status,
            message: told(format!("it did not accept the fields (HTTP {status})")),
        },
        _ => ToolError::Refused {
            provider,
            status,
            message: match reason {
                // Slack's channel_not_found, user_not_found, thread_not_found…
                Some(reason) if reason.ends_with("_not_found") => {
                    format!("it was not found, or this account cannot see it (“{reason}”)")
                }
                Some(reason) if !reason.is_empty() => format!("“{reason}”"),
                _ => told(format!("HTTP {status}")),
            },
        },
    };
    Refusal::Failed(error)
}

/// The provider's own words for why, where its answer has them; None when it gives only a code.
fn explanation(json: &Value) -> Option<String> {
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    let first_field_error = || {
        json.get("errors")?
            .as_object()?
            .iter()
            .find_map(|(field, message)| Some(format!("{field}: {}", message.as_str()?)))
    };
    let github_field = || {
        let error = json.get("errors")?.get(0)?;
        text(error.get("message")).or_else(|| {
            let field = error.get("field")?.as_str()?;
            Some(format!("{field}: {}", error.get("code")?.as_str()?))
        })
    };
    let found = text(json.pointer("/error/message"))
        .or_else(|| text(json.pointer("/errorMessages/0")))
        .or_else(first_field_error)
        .or_else(|| text(json.pointer("/errors/0/title")))
        .or_else(|| text(json.get("description")))
        .or_else(|| {
            let message = text(json.get("message"))?;
            Some(match github_field() {
                Some(field) => format!("{message} ({field})"),
                None => message,
            })
        })?;
    let cleaned = found
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut kept: String = cleaned.chars().take(MAX_EXPLANATION_CHARS).collect();
    if kept.len() < cleaned.len() {
        kept.push('…');
    }
    (!kept.is_empty()).then_some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn said(status: u16, json: Value) -> String {
        match refusal("Provider", status, &json) {
            Refusal::Failed(error) => error.to_string(),
            Refusal::Unauthorized => "unauthorized".into(),
            Refusal::SlowDown { status } => format!("slow down ({status})"),
        }
    }

    #[test]
    fn each_providers_own_explanation_is_told_cleaned_and_cut() {
        let cases = [
            (
                json!({"error": {"code": 400, "message": "Invalid start time."}}),
                "Invalid start time.",
            ),
            (
                json!({"message": "Validation Failed", "errors": [{"resource": "Issue", "field": "title", "code": "missing_field"}]}),
                "Validation Failed (title: missing_field)",
            ),
            (
                json!({"errorMessages": [], "errors": {"priority": "Field 'priority' cannot be set."}}),
                "priority: Field 'priority' cannot be set.",
            ),
            (
                json!({"errors": [{"status": 400, "title": "A page with this title already exists"}]}),
                "A page with this title already exists",
            ),
            (
                json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}),
                "Bad Request: chat not found",
            ),
            (
                json!({"object": "error", "code": "validation_error", "message": "Title is not a property that exists."}),
                "Title is not a property that exists.",
            ),
        ];
        for (body, expected) in cases {
            let told = said(400, body.clone());
            assert!(told.ends_with(&format!("(HTTP 400): “{expected}”")), "{body} → {told}");
        }
        let long = said(422, json!({"message": format!("line\nbreak\u{7}{}", "é".repeat(500))}));
        assert!(
            !long.contains('\n') && !long.contains('\u{7}'),
            "no control characters: {long}"
        );
        assert!(
            long.chars().count() < 300 && long.ends_with("…”"),
            "cut, on a character: {long}"
        );
        assert_eq!(
            said(400, Value::Null),
            "Provider refused: it did not accept the fields (HTTP 400)"
        );
    }

    #[test]
    fn a_403_that_says_slow_down_is_waited_out_and_one_that_names_a_scope_asks_for_access() {
        let google = json!({"error": {"code": 403, "errors": [{"reason": "userRateLimitExceeded"}], "message": "User Rate Limit Exceeded"}});
        assert_eq!(said(403, google), "slow down (403)");
        let github = json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes."});
        assert_eq!(said(403, github), "slow down (403)");
        let scope = json!({"error": {"code": 403, "status": "PERMISSION_DENIED", "details": [{"reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}});
        assert!(said(403, scope).contains("has not given"));
        assert_eq!(
            said(200, json!({"ok": false, "error": "ratelimited"})),
            "slow down (429)"
        );
        assert_eq!(
            said(200, json!({"ok": false, "error": "token_revoked"})),
            "unauthorized"
        );
    }
}
