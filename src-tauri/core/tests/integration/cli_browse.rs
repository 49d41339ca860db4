//! `switchboard-cli browse <connection> <kind>` on a data directory and keyring slot shared with
//! a core that connected GitHub with a personal access token, its API the loopback
//! doubles (through `--overrides`): rows as plain lines with their `>` targets, `--parent`,
//! `--search`, `--json`, and the exit codes and messages of an unknown kind, a bad location
//! and a missing argument.

use crate::support::cli_run;
use crate::support::connector;
use crate::support::doubles;
use crate::support::keyring;
use crate::support::pasted;

use std::path::Path;
use std::time::Duration;

use cli_run::{cli, text};
use connector::Harness;
use doubles::{seed, ApiDoubles};
use switchboard_core::paths::AppPaths;
use switchboard_core::vault::KeyringSlot;

/// Runs the CLI and expects success, returning its standard output.
async fn browsed(data: &Path, overrides: &Path, args: &[&str]) -> String {
    let output = cli(data, overrides, args).await;
    assert!(
        output.status.success(),
        "`{}` exits 0: {}",
        args.join(" "),
        text(&output.stderr)
    );
    text(&output.stdout)
}

#[tokio::test]
async fn browse_prints_what_a_picker_would_show_and_fails_plainly() {
    keyring::require_session_bus();
    let doubles = ApiDoubles::start();
    let overrides_text = format!("[providers.github]\n{}", doubles.overrides_lines("github"));
    let data = tempfile::tempdir().expect("a data directory");
    let mut paths = AppPaths::under(data.path().to_path_buf());
    paths.custom = true; // as SWITCHBOARD_DATA_DIR makes it: the CLI finds the same keyring slot
    let slot = KeyringSlot::for_paths(&paths);
    let overrides = tempfile::NamedTempFile::new().expect("an overrides file");
    std::fs::write(overrides.path(), &overrides_text).expect("write the overrides");
    let harness = Harness::configured(data, &overrides_text, slot, Duration::from_secs(20), |_| {});
    let octocat = pasted::paste(&harness, "github", &[("token", "ghp_cliBrowseToken0001")]).await;
    let (dir, file, id) = (harness.data.path(), overrides.path(), octocat.id.to_string());

    let repos = browsed(dir, file, &["browse", &id, "github.repo"]).await;
    let lines: Vec<&str> = repos.lines().collect();
    assert_eq!(lines.len(), seed::GITHUB_REPOS, "one line per repository, all pages");
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("repo ") && line.contains("octocat/hello-world  [octocat/hello-world]")),
        "a row is its item, name and [id]: {}",
        lines[0]
    );
    assert!(
        lines
            .iter()
            .all(|line| !line.contains("  > ") && !line.contains("not selectable")),
        "picking a repository, each is a choice that opens nothing"
    );

    let on_the_way = browsed(dir, file, &["browse", &id, "github.branch"]).await;
    let hello = on_the_way
        .lines()
        .find(|line| line.contains("[octocat/hello-world]"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        hello.ends_with("  > octocat/hello-world  (not selectable)"),
        "picking a branch, a repository shows where it leads: {hello:?}"
    );

    let branches = browsed(
        dir,
        file,
        &["browse", &id, "github.branch", "--parent", "octocat/hello-world"],
    )
    .await;
    assert!(
        branches
            .lines()
            .any(|line| line.starts_with("branch ") && line.contains("[octocat/hello-world:main]")),
        "--parent opens the repository's branches:\n{branches}"
    );
    assert!(
        branches.lines().all(|line| line.starts_with("branch ")),
        "and only those:\n{branches}"
    );

    let searched = browsed(dir, file, &["browse", &id, "github.repo", "--search", "big-repo"]).await;
    assert_eq!(
        searched.lines().collect::<Vec<_>>().len(),
        1,
        "--search keeps the matching rows:\n{searched}"
    );
    assert!(searched.contains("[octocat/big-repo]"), "{searched}");

    let json = browsed(dir, file, &["browse", &id, "github.repo", "--json"]).await;
    let listing: serde_json::Value = serde_json::from_str(&json).expect("--json prints one JSON object");
    assert_eq!(
        listing["items"].as_array().map(Vec::len),
        Some(seed::GITHUB_REPOS),
        "every item is in it"
    );
    assert_eq!(
        listing["items"][0]["id"], listing["items"][0]["name"],
        "{}",
        listing["items"][0]
    );
    assert_eq!(listing["summary"]["total"], 500, "{}", listing["summary"]);
    assert_eq!(listing["summary"]["partial"], false, "{}", listing["summary"]);

    let unknown = cli(dir, file, &["browse", &id, "github.gist"]).await;
    assert_eq!(
        unknown.status.code(),
        Some(1),
        "an unknown kind is a failure, not a usage error"
    );
    let stderr = text(&unknown.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line says why: {stderr:?}");
    assert!(
        stderr.contains("cannot browse “github.gist”"),
        "and names the kind: {stderr:?}"
    );
    assert!(unknown.stdout.is_empty(), "nothing is listed");

    let outside = cli(dir, file, &["browse", &id, "github.branch", "--parent", "../x"]).await;
    assert_eq!(
        outside.status.code(),
        Some(1),
        "a location that is not a repository fails"
    );
    let stderr = text(&outside.stderr);
    assert!(
        stderr.contains("“../x” is not a place this list can open."),
        "with InvalidInput's message: {stderr:?}"
    );
    assert_eq!(stderr.lines().count(), 1, "on one line: {stderr:?}");
    let asked = doubles.requests().await;
    assert!(
        asked
            .iter()
            .all(|request| !request["path"].as_str().unwrap_or_default().contains("..")),
        "the bad location never reached GitHub"
    );

    let missing = cli(dir, file, &["browse", &id]).await;
    assert_eq!(missing.status.code(), Some(2), "a missing kind is a usage error");
    let stderr = text(&missing.stderr);
    assert!(
        stderr.contains("required arguments were not provided")
            && stderr.contains("<KIND>")
            && stderr.contains("Usage: switchboard-cli browse"),
        "it says what is missing and shows the usage: {stderr}"
    );
}
