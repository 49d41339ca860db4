//! Runs tests/oidc/approve-device.mjs, which plays the person entering a device-flow user code
//! at tests/oidc/server.mjs (support/oidc.rs starts the server). Nothing else.

use std::path::PathBuf;

/// What the person does with the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceDecision {
    Approve,
    Decline,
}

/// Enters `user_code` at `{issuer}/device`, then signs in as `login` and consents, or declines.
/// Returns (success, what the stand-in printed).
pub async fn enter_device_code(issuer: &str, user_code: &str, login: &str, decision: DeviceDecision) -> (bool, String) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc/approve-device.mjs");
    let output = tokio::process::Command::new("node")
        .arg(script)
        .args([issuer, user_code, login])
        .env(
            "APPROVE_DEVICE_ABORT",
            if decision == DeviceDecision::Decline { "1" } else { "0" },
        )
        .output()
        .await
        .expect("run node tests/oidc/approve-device.mjs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), printed)
}
