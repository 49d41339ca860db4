//! tests/oidc/server.mjs (oidc-provider, a real OpenID Connect server) on loopback, and
//! tests/oidc/approve.mjs, which plays the person in the browser.

#![allow(dead_code)] // also compiled into the tests that need a process of their own, which use parts of it

use super::node;

use std::process::Child;

pub struct OidcServer {
    child: Child,
    pub issuer: String,
    pub client_id: String,
    /// The confidential client standing in for Google's desktop client.
    pub google_client_id: String,
    pub google_client_secret: String,
}

impl OidcServer {
    pub fn start() -> Self {
        assert!(
            node::tests_dir("oidc").join("node_modules/oidc-provider").exists(),
            "oidc-provider is not installed in tests/oidc; `make test` installs it"
        );
        let (child, ready) = node::start_node("oidc", "server.mjs");
        Self {
            issuer: ready["issuer"].as_str().expect("issuer").to_owned(),
            client_id: ready["clientId"].as_str().expect("clientId").to_owned(),
            google_client_id: ready["google"]["clientId"]
                .as_str()
                .expect("google.clientId")
                .to_owned(),
            google_client_secret: ready["google"]["clientSecret"]
                .as_str()
                .expect("google.clientSecret")
                .to_owned(),
            child,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs in as `login` and approves; the browser then follows the redirect to the app.
/// Returns (success, what the browser stand-in printed).
pub async fn approve_in_browser(authorize_url: &str, login: &str) -> (bool, String) {
    browse(authorize_url, login, &[]).await
}

/// Signs in as `login` and approves, but stops at the redirect back to the app and returns
/// its URL (for deep links, which the test then delivers itself).
pub async fn approve_until_redirect(authorize_url: &str, login: &str) -> String {
    let (ok, printed) = browse(authorize_url, login, &[("APPROVE_STOP_AT_REDIRECT", "1")]).await;
    assert!(
        ok,
        "the browser stand-in must reach the redirect back to the app:\n{printed}"
    );
    printed
        .lines()
        .find(|line| line.starts_with("switchboard://") || line.starts_with("http://127.0.0.1"))
        .unwrap_or_else(|| panic!("no redirect URL printed:\n{printed}"))
        .to_owned()
}

/// Declines at the first page; the browser then follows the redirect (with access_denied).
pub async fn decline_in_browser(authorize_url: &str) -> (bool, String) {
    browse(authorize_url, "ana", &[("APPROVE_DECLINE", "1")]).await
}

async fn browse(authorize_url: &str, login: &str, envs: &[(&str, &str)]) -> (bool, String) {
    let output = tokio::process::Command::new("node")
        .arg(node::tests_dir("oidc").join("approve.mjs"))
        .args([authorize_url, login])
        .envs(envs.iter().copied())
        .output()
        .await
        .expect("run node tests/oidc/approve.mjs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), printed)
}
