//! The first-run welcome: shown on a fresh data folder only, gone for good once the person moves
//! past it, and never shown to a folder that already has connections (from before the welcome
//! existed, or made with the CLI), which is marked done when first asked.

use crate::support::connector::Harness;
use crate::support::keyring;
use crate::support::saved::save_signed_in;

use std::time::Duration;

#[test]
fn the_welcome_shows_on_a_fresh_folder_until_the_person_moves_past_it() {
    keyring::require_session_bus();
    let slot = keyring::private_slot("first-run");
    let harness = Harness::new("", slot.clone(), Duration::from_secs(5));
    assert!(
        harness.core.should_welcome().expect("asked"),
        "a fresh folder opens on the welcome"
    );
    assert!(
        harness.core.should_welcome().expect("asked"),
        "asking does not close it"
    );
    harness.core.finish_welcome().expect("closed");
    let Harness {
        core, services, data, ..
    } = harness;
    drop((services, core));
    let reopened = Harness::in_dir(data, "", slot, Duration::from_secs(5));
    assert!(
        !reopened.core.should_welcome().expect("asked"),
        "once moved past, it does not open by itself again"
    );
}

#[test]
fn a_folder_with_connections_never_shows_the_welcome() {
    keyring::require_session_bus();
    let harness = Harness::new("", keyring::private_slot("first-run-connected"), Duration::from_secs(5));
    save_signed_in(&harness, "github", "ana", &["github"], &["read:user"], "gho_firstRun");
    assert!(
        !harness.core.should_welcome().expect("asked"),
        "something is connected already"
    );
}
