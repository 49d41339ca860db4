//! Shared by the browsing tests of GitHub, Slack and Supabase: the core whose provider APIs
//! are the loopback doubles, and a connection made with a pasted token or key (verified by the
//! doubles' identity endpoint before it is saved, as the app does).

use std::collections::BTreeMap;
use std::time::Duration;

use switchboard_core::connections::{Connection, CredentialsRequest};
use switchboard_core::vault::KeyringSlot;

use super::connector::Harness;
use super::doubles::ApiDoubles;
use super::keyring;

/// The core with `provider`'s API at the doubles (and nothing else overridden).
pub fn harness_for(doubles: &ApiDoubles, provider: &str, test: &str) -> Harness {
    harness_in(doubles, provider, keyring::private_slot(test))
}

/// As `harness_for`, with the master key in `slot`.
pub fn harness_in(doubles: &ApiDoubles, provider: &str, slot: KeyringSlot) -> Harness {
    keyring::require_session_bus();
    let overrides = format!("[providers.{provider}]\n{}", doubles.overrides_lines(provider));
    Harness::new(&overrides, slot, Duration::from_secs(20))
}

/// Closes `harness` and opens the core again over the same data directory and keyring slot,
/// as quitting and reopening the app does.
pub fn reopen(harness: Harness, doubles: &ApiDoubles, provider: &str, slot: KeyringSlot) -> Harness {
    let Harness {
        core, services, data, ..
    } = harness;
    drop(services);
    drop(core);
    let overrides = format!("[providers.{provider}]\n{}", doubles.overrides_lines(provider));
    Harness::in_dir(data, &overrides, slot, Duration::from_secs(20))
}

/// Connects `provider` with the form's `values`, as the Connect dialog submits them.
pub async fn paste(harness: &Harness, provider: &str, values: &[(&str, &str)]) -> Connection {
    let request = CredentialsRequest {
        provider: provider.into(),
        products: vec![],
        values: values
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    };
    harness
        .services
        .sign_ins
        .connect_with_credentials(&request)
        .await
        .unwrap_or_else(|error| panic!("{provider} connects with a pasted key: {error:?}"))
}
