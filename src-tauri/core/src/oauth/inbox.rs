//! The one place a deep link is delivered to: parse strictly, offer it to the pending flows,
//! and return a receipt that is safe to log and show (route and outcome, never the query).

use serde::Serialize;
use ts_rs::TS;

use super::parse_callback_url;
use super::pending::{Claim, PendingFlows};
use crate::catalog::Catalog;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeepLinkReceipt {
    /// Unix seconds.
    pub received_at: i64,
    /// `switchboard://oauth/callback/{provider}` when the link parsed; never the query.
    pub route: Option<String>,
    pub outcome: DeepLinkOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DeepLinkOutcome {
    /// Handed to the sign-in that was waiting for it.
    Delivered,
    /// Well-formed, but no sign-in was waiting for it: ignored.
    NoPendingFlow,
    /// Malformed or not for Switchboard: dropped.
    Rejected { reason: String },
}

/// Delivers one deep link (as raw bytes) and says what became of it.
pub fn receive_deep_link(raw: &[u8], catalog: &Catalog, flows: &PendingFlows, now: i64) -> DeepLinkReceipt {
    let receipt = |route, outcome| DeepLinkReceipt {
        received_at: now,
        route,
        outcome,
    };
    match parse_callback_url(raw, |provider| catalog.provider(provider).is_some()) {
        Err(rejected) => {
            tracing::info!(bytes = raw.len(), %rejected, "deep link dropped");
            receipt(
                None,
                DeepLinkOutcome::Rejected {
                    reason: format!("The link {rejected}."),
                },
            )
        }
        Ok(callback) => {
            let route = callback.route();
            let outcome = match flows.claim(callback, now) {
                Claim::Delivered => DeepLinkOutcome::Delivered,
                Claim::NoMatchingFlow => DeepLinkOutcome::NoPendingFlow,
            };
            tracing::info!(%route, ?outcome, "deep link received");
            receipt(Some(route), outcome)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::PendingFlow;

    #[test]
    fn a_callback_with_no_pending_flow_is_ignored_and_its_query_never_kept() {
        let catalog = Catalog::builtin().expect("catalog");
        let receipt = receive_deep_link(
            b"switchboard://oauth/callback/github?code=secret-code&state=s",
            &catalog,
            &PendingFlows::default(),
            42,
        );
        assert_eq!(
            receipt.outcome,
            DeepLinkOutcome::NoPendingFlow,
            "A4: nothing was waiting, so nothing happens"
        );
        assert_eq!(receipt.route.as_deref(), Some("switchboard://oauth/callback/github"));
        let json = serde_json::to_string(&receipt).expect("receipts serialize");
        assert!(
            !json.contains("secret-code") && !json.contains("state=s"),
            "the receipt must never carry the query: {json}"
        );
    }

    #[test]
    fn a_matching_callback_is_delivered() {
        let catalog = Catalog::builtin().expect("catalog");
        let flows = PendingFlows::default();
        let (flow, mut receiver) = PendingFlow::new("google", "st", 0);
        flows.register(flow);
        let receipt = receive_deep_link(
            b"switchboard://oauth/callback/google?code=c&state=st",
            &catalog,
            &flows,
            1,
        );
        assert_eq!(receipt.outcome, DeepLinkOutcome::Delivered);
        assert!(receiver.try_recv().is_ok(), "the waiting flow must get the callback");
    }

    #[test]
    fn an_error_with_an_invalid_state_shows_nothing_attacker_chosen() {
        let catalog = Catalog::builtin().expect("catalog");
        let url = b"switchboard://oauth/callback/github?error=access_denied&error_description=%3Cb%3ECall+us%3C%2Fb%3E&state=forged";
        let receipt = receive_deep_link(url, &catalog, &PendingFlows::default(), 1);
        let json = serde_json::to_string(&receipt).expect("receipts serialize");
        assert!(
            !json.contains("Call us") && !json.contains("access_denied"),
            "A7: attacker text must not be shown: {json}"
        );
    }

    #[test]
    fn a_rejected_link_says_why_without_echoing_it() {
        let catalog = Catalog::builtin().expect("catalog");
        let receipt = receive_deep_link(b"https://evil.example/<script>", &catalog, &PendingFlows::default(), 1);
        assert_eq!(receipt.route, None);
        let json = serde_json::to_string(&receipt).expect("receipts serialize");
        assert!(
            !json.contains("evil.example") && !json.contains("<script>"),
            "the link itself is never echoed: {json}"
        );
    }

    #[test]
    fn every_rejection_reads_as_one_plain_sentence() {
        let catalog = Catalog::builtin().expect("catalog");
        let huge = format!("switchboard://oauth/callback/github?state={}", "a".repeat(9000));
        let links: [&[u8]; 10] = [
            b"",
            huge.as_bytes(),
            b"switchboard://oauth/callback/github?state=\xff",
            b"switchboard://oauth/callback/github?state=a b",
            b"https://oauth/callback/github",
            b"switchboard://evil/callback/github",
            b"switchboard://oauth/callback/gitlab?code=x",
            b"switchboard://oauth/callback/github?code=x#frag",
            b"switchboard://oauth/callback/github?state=%zz",
            b"switchboard://oauth/callback/github?code=a&code=b",
        ];
        for link in links {
            let receipt = receive_deep_link(link, &catalog, &PendingFlows::default(), 1);
            let DeepLinkOutcome::Rejected { reason } = receipt.outcome else {
                panic!("{:?} must be rejected", String::from_utf8_lossy(link));
            };
            let verb = reason.strip_prefix("The link ").and_then(|rest| rest.split(' ').next());
            assert!(
                matches!(verb, Some("is" | "contains" | "names" | "has" | "repeats")),
                "a notice reads \"The link <verb> …\", as a person would write it: {reason:?}"
            );
            assert!(
                reason.ends_with('.') && !reason.ends_with("..") && !reason.contains("  "),
                "one sentence, one full stop, single spaces: {reason:?}"
            );
        }
    }
}
