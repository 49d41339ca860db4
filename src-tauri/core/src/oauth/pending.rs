//! Flows waiting for their callback. A flow is claimed at most once, only by a callback for
//! its provider carrying its exact `state`, and only before it expires; whatever claims it is
//! handed to the waiting flow over a one-shot channel.

use std::sync::Mutex;

use tokio::sync::oneshot;

use super::AuthorizationCallback;

/// How long a flow waits for its callback (SECURITY.md: state lives 10 minutes).
pub const FLOW_LIFETIME_SECONDS: i64 = 10 * 60;

pub struct PendingFlow {
    pub provider: String,
    state: String,
    expires_at: i64,
    deliver_to: oneshot::Sender<AuthorizationCallback>,
}

impl PendingFlow {
    /// A flow for `provider` waiting on `state` until `now + FLOW_LIFETIME_SECONDS`, and the
    /// receiver its callback will arrive on.
    pub fn new(provider: &str, state: &str, now: i64) -> (Self, oneshot::Receiver<AuthorizationCallback>) {
        let (deliver_to, receiver) = oneshot::channel();
        let flow = Self {
            provider: provider.to_owned(),
            state: state.to_owned(),
            expires_at: now.saturating_add(FLOW_LIFETIME_SECONDS),
            deliver_to,
        };
        (flow, receiver)
    }
}

impl std::fmt::Debug for PendingFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingFlow")
            .field("provider", &self.provider)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
pub struct PendingFlows {
    flows: Mutex<Vec<PendingFlow>>,
}

/// What became of a callback offered to the pending flows.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// A flow took it (and is now gone from the registry).
    Delivered,
    /// No live flow for this provider has this state: the callback was dropped.
    NoMatchingFlow,
}

impl PendingFlows {
    pub fn register(&self, flow: PendingFlow) {
        self.lock().push(flow);
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hands `callback` to the one flow it belongs to, consuming that flow. Expired flows and
    /// flows whose waiter has gone are swept first.
    pub fn claim(&self, callback: AuthorizationCallback, now: i64) -> Claim {
        let mut flows = self.lock();
        flows.retain(|flow| flow.expires_at > now && !flow.deliver_to.is_closed());
        let Some(state) = callback.state.as_deref() else {
            return Claim::NoMatchingFlow;
        };
        let position = flows.iter().position(|flow| {
            flow.provider == callback.provider && constant_time_eq(flow.state.as_bytes(), state.as_bytes())
        });
        match position {
            Some(index) => {
                let flow = flows.swap_remove(index);
                match flow.deliver_to.send(callback) {
                    Ok(()) => Claim::Delivered,
                    Err(_) => Claim::NoMatchingFlow,
                }
            }
            None => Claim::NoMatchingFlow,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PendingFlow>> {
        // A panic elsewhere while holding the lock leaves a plain Vec: still consistent.
        self.flows.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::parse_callback_url;

    fn callback(url: &str) -> AuthorizationCallback {
        parse_callback_url(url.as_bytes(), |p| p == "github" || p == "google").expect("test URLs are valid")
    }

    #[test]
    fn a_matching_callback_reaches_its_flow_once() {
        let flows = PendingFlows::default();
        let (flow, mut receiver) = PendingFlow::new("github", "state-1", 100);
        flows.register(flow);
        let url = "switchboard://oauth/callback/github?state=state-1&code=c";
        assert_eq!(
            flows.claim(callback(url), 101),
            Claim::Delivered,
            "the matching callback is delivered"
        );
        let delivered = receiver.try_recv().expect("the flow received its callback");
        assert_eq!(delivered.code.map(|code| code.expose().clone()), Some("c".to_owned()));
        assert_eq!(
            flows.claim(callback(url), 102),
            Claim::NoMatchingFlow,
            "A3: a replayed callback is ignored"
        );
    }

    #[test]
    fn a_callback_with_its_state_and_no_code_is_delivered_and_consumes_the_flow() {
        let flows = PendingFlows::default();
        let (flow, mut receiver) = PendingFlow::new("github", "state-1", 100);
        flows.register(flow);
        let url = "switchboard://oauth/callback/github?state=state-1";
        assert_eq!(
            flows.claim(callback(url), 101),
            Claim::Delivered,
            "A5: a callback with the flow's state is the flow's, code or not (the flow then fails with its own message)"
        );
        assert!(
            flows.is_empty(),
            "A5: the flow is consumed, so nothing can complete it later"
        );
        let delivered = receiver
            .try_recv()
            .expect("A5: the waiting flow receives the code-less callback");
        assert_eq!(
            delivered.state.as_deref(),
            Some("state-1"),
            "the flow got its own callback"
        );
        assert!(
            delivered.code.is_none() && delivered.error.is_none(),
            "nothing was added to the callback: the flow sees that the code is missing"
        );
        assert_eq!(
            flows.claim(callback(url), 102),
            Claim::NoMatchingFlow,
            "A5: the same callback again finds no flow"
        );
        let with_code = callback("switchboard://oauth/callback/github?state=state-1&code=late");
        assert_eq!(
            flows.claim(with_code, 103),
            Claim::NoMatchingFlow,
            "A5: a code arriving after the code-less callback cannot revive the consumed flow"
        );
    }

    #[test]
    fn wrong_state_wrong_provider_missing_state_and_expiry_never_match() {
        let flows = PendingFlows::default();
        let (flow, _receiver) = PendingFlow::new("github", "state-1", 100);
        flows.register(flow);
        let cases = [
            (
                "switchboard://oauth/callback/github?state=state-2&code=c",
                101,
                "A1: a different state",
            ),
            (
                "switchboard://oauth/callback/google?state=state-1&code=c",
                101,
                "state bound to its provider",
            ),
            ("switchboard://oauth/callback/github?code=c", 101, "A2: no state"),
            (
                "switchboard://oauth/callback/github?state=state-&code=c",
                101,
                "a prefix of the state",
            ),
        ];
        for (url, now, why) in cases {
            assert_eq!(
                flows.claim(callback(url), now),
                Claim::NoMatchingFlow,
                "{why} must not match"
            );
        }
        assert_eq!(flows.len(), 1, "non-matching callbacks leave the flow waiting");
        let late = callback("switchboard://oauth/callback/github?state=state-1&code=c");
        assert_eq!(
            flows.claim(late, 100 + FLOW_LIFETIME_SECONDS),
            Claim::NoMatchingFlow,
            "an expired flow is gone"
        );
        assert!(flows.is_empty(), "expired flows are swept");
    }

    #[test]
    fn a_flow_whose_waiter_gave_up_is_swept() {
        let flows = PendingFlows::default();
        let (flow, receiver) = PendingFlow::new("github", "s", 0);
        flows.register(flow);
        drop(receiver);
        let outcome = flows.claim(callback("switchboard://oauth/callback/github?state=s&code=c"), 1);
        assert_eq!(outcome, Claim::NoMatchingFlow, "a cancelled flow cannot be claimed");
    }

    #[test]
    fn two_flows_for_one_provider_each_get_their_own_callback() {
        let flows = PendingFlows::default();
        let (first, mut first_rx) = PendingFlow::new("github", "one", 0);
        let (second, mut second_rx) = PendingFlow::new("github", "two", 0);
        flows.register(first);
        flows.register(second);
        flows.claim(callback("switchboard://oauth/callback/github?state=two&code=c2"), 1);
        flows.claim(callback("switchboard://oauth/callback/github?state=one&code=c1"), 1);
        let code = |rx: &mut oneshot::Receiver<AuthorizationCallback>| {
            rx.try_recv().ok().and_then(|cb| cb.code).map(|c| c.expose().clone())
        };
        assert_eq!(
            code(&mut first_rx).as_deref(),
            Some("c1"),
            "A20: each flow gets the callback with its state"
        );
        assert_eq!(
            code(&mut second_rx).as_deref(),
            Some("c2"),
            "A20: each flow gets the callback with its state"
        );
    }
}
