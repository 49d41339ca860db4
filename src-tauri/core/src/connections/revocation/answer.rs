//! How a provider's answer to a revocation request reads: revoked (now or already), refused for
//! good, or worth another try. Only the status, an `error` code (cleaned) and Slack's `ok` are
//! read; nothing else of a body reaches a message.

use crate::catalog::Revocation;

/// Slack and OAuth error codes that mean the token no longer works: already revoked.
const ALREADY_INVALID: [&str; 6] = [
    "invalid_token",
    "invalid_grant",
    "token_revoked",
    "token_expired",
    "invalid_auth",
    "account_inactive",
];
/// Slack errors that say "not now" rather than "no".
const SLACK_TRANSIENT: [&str; 5] = [
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
];

/// What one revocation request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::connections) enum Attempt {
    /// The provider no longer accepts the token: revoked now, or already (`detail` says).
    Revoked { detail: Option<String> },
    /// A definitive no that trying again will not change (an unknown client, a bad request).
    Refused { message: String },
    /// Not reached, or 5xx / 429 / 408: try again later.
    Failed { message: String, retry_after: Option<u64> },
}

impl Attempt {
    /// The audit log's outcome word.
    pub(in crate::connections) fn audit_outcome(&self) -> &'static str {
        match self {
            Self::Revoked { .. } => "ok",
            Self::Refused { .. } => "refused",
            Self::Failed { .. } => "retrying",
        }
    }
}

/// Reads a revocation answer: 2xx is revoked (but Slack must also say `ok: true`); 5xx, 429
/// and 408 are worth another try; another 4xx is final, and "already revoked" if the provider
/// says the token is unknown or invalid.
pub(super) fn read_answer(kind: Revocation, host: &str, status: u16, body: &[u8], retry_after: Option<u64>) -> Attempt {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let error = json.as_ref().and_then(|json| json.get("error")?.as_str()).map(|code| {
        code.chars()
            .filter(|c| c.is_ascii_alphanumeric() || "_.-".contains(*c))
            .take(64)
            .collect::<String>()
    });
    let already = |what: String| Attempt::Revoked {
        detail: Some(format!(
            "{host} no longer accepted the token ({what}): it was already revoked"
        )),
    };
    if status >= 500 || status == 429 || status == 408 {
        return Attempt::Failed {
            message: format!("{host} answered with HTTP {status}"),
            retry_after,
        };
    }
    let ok = json
        .as_ref()
        .and_then(|json| json.get("ok"))
        .and_then(serde_json::Value::as_bool);
    match (kind, (200..300).contains(&status)) {
        (Revocation::Bearer, true) if ok == Some(true) => Attempt::Revoked { detail: None },
        (Revocation::Bearer, true) => match error {
            Some(code) if ALREADY_INVALID.contains(&code.as_str()) => already(code),
            Some(code) if SLACK_TRANSIENT.contains(&code.as_str()) => Attempt::Failed {
                message: format!("{host} could not revoke the token right now ({code})"),
                retry_after,
            },
            Some(code) => Attempt::Refused {
                message: format!("{host} refused to revoke the token ({code})"),
            },
            None => Attempt::Failed {
                message: format!("{host} answered in a way Switchboard could not read"),
                retry_after,
            },
        },
        (_, true) => Attempt::Revoked { detail: None },
        (Revocation::GithubGrant, false) if status == 404 => already(format!("HTTP {status}")),
        (_, false) => match error {
            Some(code) if ALREADY_INVALID.contains(&code.as_str()) => already(code),
            Some(code) => Attempt::Refused {
                message: format!("{host} refused to revoke the token (HTTP {status}, {code})"),
            },
            None => Attempt::Refused {
                message: format!("{host} refused to revoke the token (HTTP {status})"),
            },
        },
    }
}

pub(super) fn failed_to_reach(message: String) -> Attempt {
    Attempt::Failed {
        message,
        retry_after: None,
    }
}

/// The audit detail of an attempt (plain words, never a token).
pub(in crate::connections) fn attempt_detail(attempt: &Attempt) -> Option<String> {
    match attempt {
        Attempt::Revoked { detail } => detail.clone(),
        Attempt::Refused { message } | Attempt::Failed { message, .. } => Some(message.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(kind: Revocation, status: u16, body: &str) -> Attempt {
        read_answer(kind, "api.example.com", status, body.as_bytes(), Some(7))
    }

    #[test]
    fn answers_are_revoked_final_or_worth_another_try() {
        use Revocation::*;
        assert_eq!(
            answer(Rfc7009, 200, ""),
            Attempt::Revoked { detail: None },
            "RFC 7009: 200 is revoked"
        );
        assert_eq!(
            answer(GithubGrant, 204, ""),
            Attempt::Revoked { detail: None },
            "GitHub answers 204"
        );
        assert!(
            matches!(answer(GithubGrant, 404, "{}"), Attempt::Revoked { detail: Some(_) }),
            "GitHub's 404 means the grant is already gone"
        );
        assert!(
            matches!(
                answer(Rfc7009, 400, r#"{"error":"invalid_token"}"#),
                Attempt::Revoked { detail: Some(_) }
            ),
            "Google's 400 invalid_token means already revoked"
        );
        assert!(
            matches!(
                answer(Rfc7009, 401, r#"{"error":"invalid_client"}"#),
                Attempt::Refused { .. }
            ),
            "a refused client is final: retrying will not change it"
        );
        assert_eq!(
            answer(Rfc7009, 503, "<html>"),
            Attempt::Failed {
                message: "api.example.com answered with HTTP 503".into(),
                retry_after: Some(7)
            },
            "C10: 5xx is retried later, honoring Retry-After"
        );
        assert!(
            matches!(answer(GithubGrant, 429, ""), Attempt::Failed { .. }),
            "429 is retried later"
        );
    }

    #[test]
    fn slack_must_say_ok_true() {
        use Revocation::Bearer;
        assert_eq!(
            answer(Bearer, 200, r#"{"ok":true,"revoked":true}"#),
            Attempt::Revoked { detail: None }
        );
        assert!(
            matches!(
                answer(Bearer, 200, r#"{"ok":false,"error":"ratelimited"}"#),
                Attempt::Failed { .. }
            ),
            "ok:false is not a revocation; a rate limit is retried"
        );
        assert!(
            matches!(
                answer(Bearer, 200, r#"{"ok":false,"error":"token_revoked"}"#),
                Attempt::Revoked { detail: Some(_) }
            ),
            "a token Slack calls revoked needs no retry"
        );
        assert!(
            matches!(
                answer(Bearer, 200, r#"{"ok":false,"error":"no_permission"}"#),
                Attempt::Refused { .. }
            ),
            "another ok:false is a failure, not a revocation"
        );
        assert!(
            matches!(answer(Bearer, 200, "not json"), Attempt::Failed { .. }),
            "an unreadable 200 is not ok:true"
        );
    }

    #[test]
    fn error_codes_from_the_provider_are_cleaned_before_they_are_shown() {
        let Attempt::Refused { message } = answer(Revocation::Rfc7009, 400, r#"{"error":"bad<script>\u0007code"}"#)
        else {
            panic!("a 400 with an unknown error is final");
        };
        assert!(
            !message.contains('<') && !message.contains('\u{7}'),
            "only safe characters reach the message: {message}"
        );
    }
}
