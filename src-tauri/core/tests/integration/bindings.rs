//! The TypeScript types in `ui/src/bindings/` are generated from the Rust types (ts-rs) and
//! committed; this test fails when they drift. Regenerate with
//! `UPDATE_BINDINGS=1 cargo test -p switchboard-core --test bindings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use switchboard_core::app_events::AppEvent;
use switchboard_core::assistant::{CardAnswer, ChatMessage, ConversationSummary, MessagePage};
use switchboard_core::catalog::Provider;
use switchboard_core::connections::{
    AuditEntry, ConnectRequest, ConnectionTest, CredentialsRequest, DeleteOutcome, Integration, PendingRevocation,
    ProviderSetup, ProviderSetupUpdate,
};
use switchboard_core::db::notices::Notice;
use switchboard_core::error::UserError;
use switchboard_core::llm::model::{
    LocalModelServer, ModelListRequest, ModelSettingsInput, ModelSettingsView, ModelTestReport,
};
use switchboard_core::overview::SettingsOverview;
use switchboard_core::resources::{ListRequest, ListingPage, ListingSummary, ResourceKind};
use switchboard_core::tools::{ActionInfo, Policy, RunOutcome, RunRequest};
use ts_rs::{Config, TS};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

/// Every type the UI receives, with everything they reference.
fn export_all(dir: &Path) {
    let config = Config::new().with_out_dir(dir).with_large_int("number");
    let exports = [
        Provider::export_all(&config),
        UserError::export_all(&config),
        SettingsOverview::export_all(&config),
        Notice::export_all(&config),
        AppEvent::export_all(&config),
        Integration::export_all(&config),
        ConnectRequest::export_all(&config),
        CredentialsRequest::export_all(&config),
        ProviderSetup::export_all(&config),
        ProviderSetupUpdate::export_all(&config),
        ConnectionTest::export_all(&config),
        DeleteOutcome::export_all(&config),
        AuditEntry::export_all(&config),
        PendingRevocation::export_all(&config),
        ResourceKind::export_all(&config),
        ListRequest::export_all(&config),
        ListingPage::export_all(&config),
        ListingSummary::export_all(&config),
        ActionInfo::export_all(&config),
        RunRequest::export_all(&config),
        RunOutcome::export_all(&config),
        Policy::export_all(&config),
        ConversationSummary::export_all(&config),
        MessagePage::export_all(&config),
        ChatMessage::export_all(&config),
        CardAnswer::export_all(&config),
        ModelSettingsView::export_all(&config),
        ModelSettingsInput::export_all(&config),
        ModelListRequest::export_all(&config),
        ModelTestReport::export_all(&config),
        LocalModelServer::export_all(&config),
    ];
    for outcome in exports {
        outcome.unwrap_or_else(|error| panic!("exporting TypeScript bindings failed: {error}"));
    }
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "ts"))
        .map(|entry| {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            (entry.file_name().to_string_lossy().into_owned(), text)
        })
        .collect()
}

#[test]
fn committed_typescript_bindings_match_the_rust_types() {
    let fresh = tempfile::tempdir().expect("a temp dir for fresh bindings");
    export_all(fresh.path());
    let generated = read_dir(fresh.path());
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let target = committed_dir();
        for stale in read_dir(&target).keys() {
            std::fs::remove_file(target.join(stale)).expect("remove a stale binding");
        }
        std::fs::create_dir_all(&target).expect("create ui/src/bindings");
        for (name, text) in &generated {
            std::fs::write(target.join(name), text).expect("write a binding");
        }
        return;
    }
    let committed = read_dir(&committed_dir());
    let drifted: Vec<&String> = generated
        .keys()
        .chain(committed.keys())
        .filter(|name| generated.get(*name) != committed.get(*name))
        .collect();
    assert!(
        drifted.is_empty(),
        "ui/src/bindings is out of date with the Rust types ({drifted:?} differ); run \
         `UPDATE_BINDINGS=1 cargo test -p switchboard-core --test bindings` and commit the result"
    );
}
