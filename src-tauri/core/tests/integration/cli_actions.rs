//! `switchboard-cli actions`, `run` and `policy` on a data directory and keyring slot shared
//! with a core that connected GitHub with a personal access token, its API the loopback doubles:
//! the list, a read that runs, a write that only prints its exact request without `--yes` (and
//! reaches GitHub with it), a policy set and refused for what it cannot be, and bad arguments.

use crate::support::actions::received;
use crate::support::cli_run::{cli, text};
use crate::support::connector::Harness;
use crate::support::doubles::ApiDoubles;
use crate::support::keyring;
use crate::support::pasted;

use std::path::Path;
use std::time::Duration;

use switchboard_core::paths::AppPaths;
use switchboard_core::vault::KeyringSlot;

const TOKEN: &str = "ghp_cliActionsToken0001";

/// Runs the CLI and expects `code`, returning (stdout, stderr).
async fn ran(data: &Path, overrides: &Path, args: &[&str], code: i32) -> (String, String) {
    let output = cli(data, overrides, args).await;
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(
        output.status.code(),
        Some(code),
        "`{}` exits {code}: {out}{err}",
        args.join(" ")
    );
    (out, err)
}

#[tokio::test]
async fn actions_run_and_policy_from_the_command_line() {
    keyring::require_session_bus();
    let doubles = ApiDoubles::start();
    let overrides_text = format!("[providers.github]\n{}", doubles.overrides_lines("github"));
    let data = tempfile::tempdir().expect("a data directory");
    let mut paths = AppPaths::under(data.path().to_path_buf());
    paths.custom = true;
    let slot = KeyringSlot::for_paths(&paths);
    let overrides = tempfile::NamedTempFile::new().expect("an overrides file");
    std::fs::write(overrides.path(), &overrides_text).expect("write the overrides");
    let harness = Harness::configured(data, &overrides_text, slot, Duration::from_secs(20), |_| {});
    let octocat = pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    doubles.reset().await;
    let (dir, file, id) = (harness.data.path(), overrides.path(), octocat.id.to_string());

    let (listed, _) = ran(dir, file, &["actions", "--product", "github"], 0).await;
    assert!(
        listed
            .lines()
            .any(|line| line.starts_with("github.star_repository") && line.contains("write") && line.contains("ask")),
        "each action with its side effect and policy: {listed}"
    );

    let star = [
        "run",
        "github.star_repository",
        "--args",
        r#"{"repository":"octocat/hello-world"}"#,
    ];
    let (preview, _) = ran(dir, file, &star, 0).await;
    assert!(
        preview.contains("PUT ") && preview.contains("/user/starred/octocat/hello-world"),
        "the exact request: {preview}"
    );
    assert!(
        preview.contains("Authorization: Bearer token (not shown)") && !preview.contains(TOKEN),
        "never the token: {preview}"
    );
    assert!(preview.contains("Nothing was sent"), "{preview}");
    assert!(
        doubles.requests().await.is_empty(),
        "without --yes nothing reaches GitHub"
    );

    let mut approved = star.to_vec();
    approved.push("--yes");
    let (done, _) = ran(dir, file, &approved, 0).await;
    assert!(done.contains("Starred octocat/hello-world."), "{done}");
    assert_eq!(
        received(&doubles, "PUT", "/github/user/starred/octocat/hello-world")
            .await
            .len(),
        1
    );

    let (repos, _) = ran(
        dir,
        file,
        &[
            "run",
            "github.list_my_repositories",
            "--connection",
            &id,
            "--args",
            r#"{"limit":3}"#,
            "--json",
        ],
        0,
    )
    .await;
    let outcome: serde_json::Value = serde_json::from_str(&repos).expect("JSON");
    assert_eq!(outcome["kind"], "done", "a read runs without asking: {outcome}");
    assert_eq!(outcome["data"].as_array().map(Vec::len), Some(3));

    ran(
        dir,
        file,
        &["policy", "github.star_repository", "--connection", &id, "allow"],
        0,
    )
    .await;
    let (done, _) = ran(dir, file, &star, 0).await;
    assert!(done.contains("Starred"), "always allowed: runs without --yes: {done}");
    ran(dir, file, &["policy", "github.list_my_repositories", "deny"], 0).await;
    let (_, refused) = ran(dir, file, &["run", "github.list_my_repositories"], 1).await;
    assert!(refused.contains("never"), "a denied action says so: {refused}");

    let (_, bad) = ran(
        dir,
        file,
        &[
            "run",
            "github.create_issue",
            "--args",
            r#"{"repository":"octocat/hello-world"}"#,
            "--yes",
        ],
        1,
    )
    .await;
    assert!(bad.contains("title"), "F3: the missing field is named: {bad}");
    let (_, bad) = ran(dir, file, &["run", "github.create_issue", "--args", "not json"], 1).await;
    assert!(bad.contains("--args is not JSON"), "{bad}");
    ran(dir, file, &["policy", "github.star_repository", "sometimes"], 2).await;
}
