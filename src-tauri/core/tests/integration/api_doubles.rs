//! The provider API doubles (tests/doubles/server.mjs) themselves: that their seed is as large
//! as the listing tests assume, that they page the way each provider documents, and that the
//! control plane (faults, rejected tokens, stuck paging, delays, the log) does what it says.
//! Other tests trust these doubles, so these tests read them through plain HTTP only.

use crate::support::doubles;

use std::collections::HashSet;
use std::time::Duration;

use doubles::{seed, ApiDoubles};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

const TOKEN: &str = "ya29.test-token";
const FILE_FIELDS: &str = "nextPageToken,files(id,name,mimeType,trashed)";

struct Answer {
    status: u16,
    headers: HeaderMap,
    json: Value,
}

thread_local! {
    /// One client a test (each test has its own thread and runtime): building one is slow.
    static CLIENT: reqwest::Client = reqwest::Client::new();
}

async fn get(url: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = CLIENT.with(|client| client.get(url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let answer = request
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {url}: {error}"));
    let status = answer.status().as_u16();
    let headers = answer.headers().clone();
    let text = answer.text().await.expect("an answer body");
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Answer { status, headers, json }
}

async fn authed(url: &str) -> Answer {
    get(url, &[("authorization", &format!("Bearer {TOKEN}"))]).await
}

fn files_url(doubles: &ApiDoubles, q: &str, page_size: u32, token: Option<&str>) -> String {
    let mut url = url::Url::parse(&format!("{}/drive/v3/files", doubles.base("google"))).expect("a URL");
    url.query_pairs_mut()
        .append_pair("q", q)
        .append_pair("pageSize", &page_size.to_string())
        .append_pair("fields", FILE_FIELDS);
    if let Some(token) = token {
        url.query_pairs_mut().append_pair("pageToken", token);
    }
    url.into()
}

/// Every file `q` finds, following nextPageToken; and how many pages it took.
async fn drive_all(doubles: &ApiDoubles, q: &str) -> (Vec<Value>, usize) {
    let (mut files, mut pages, mut token) = (Vec::new(), 0, None::<String>);
    loop {
        let answer = authed(&files_url(doubles, q, 1000, token.as_deref())).await;
        assert_eq!(answer.status, 200, "files.list for {q}: {}", answer.json);
        files.extend(answer.json["files"].as_array().expect("files").iter().cloned());
        pages += 1;
        assert!(pages <= 30, "paging must end");
        match answer.json["nextPageToken"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => return (files, pages),
        }
    }
}

fn is_folder(file: &Value) -> bool {
    file["mimeType"] == "application/vnd.google-apps.folder"
}

#[tokio::test]
async fn the_archive_pages_through_exactly_ten_thousand_live_files() {
    let doubles = ApiDoubles::start();
    let q = format!("'{}' in parents and trashed = false", seed::ARCHIVE_FOLDER);
    let (files, pages) = drive_all(&doubles, &q).await;
    assert_eq!(
        files.len(),
        seed::ARCHIVE_FILES,
        "the listing benchmark assumes 10,000 files"
    );
    assert_eq!(pages, 10, "1000 a page");
    let ids: HashSet<_> = files
        .iter()
        .map(|file| file["id"].as_str().expect("a string field").to_owned())
        .collect();
    assert_eq!(ids.len(), files.len(), "no file may repeat across pages");
    assert!(
        files.iter().all(|file| file["trashed"] == false),
        "trashed = false must exclude the trash"
    );

    let (with_trash, _) = drive_all(&doubles, &format!("'{}' in parents", seed::ARCHIVE_FOLDER)).await;
    assert_eq!(
        with_trash.len(),
        seed::ARCHIVE_FILES + seed::ARCHIVE_TRASHED,
        "without the clause Drive lists trashed files too"
    );
}

#[tokio::test]
async fn the_projects_tree_holds_ten_thousand_nested_files() {
    let doubles = ApiDoubles::start();
    let children = |id: &str| format!("'{id}' in parents and trashed = false");
    let (projects, _) = drive_all(&doubles, &children(seed::PROJECTS_FOLDER)).await;
    assert_eq!(projects.iter().filter(|file| is_folder(file)).count(), 20);
    let mut files = 0;
    for project in &projects {
        let (inside, _) = drive_all(&doubles, &children(project["id"].as_str().expect("a string field"))).await;
        files += inside.iter().filter(|file| !is_folder(file)).count();
        let phases: Vec<_> = inside.iter().filter(|file| is_folder(file)).collect();
        assert_eq!(phases.len(), 10, "each project has ten phases");
        for phase in phases {
            let (leaves, _) = drive_all(&doubles, &children(phase["id"].as_str().expect("a string field"))).await;
            assert_eq!(leaves.len(), 50, "each phase holds 50 live files");
            files += leaves.len();
        }
    }
    assert!(
        files >= 10_000,
        "the nested tree must hold at least 10,000 files, holds {files}"
    );

    let search = "name contains 'Budget 2026 – Project 03 Phase 2' and trashed = false";
    let (found, _) = drive_all(&doubles, search).await;
    let names: Vec<_> = found
        .iter()
        .map(|file| file["name"].as_str().expect("a string field"))
        .collect();
    assert_eq!(
        names,
        ["Budget 2026 – Project 03 Phase 2"],
        "the e2e search finds one file"
    );
}

#[tokio::test]
async fn drive_refuses_what_it_does_not_understand_in_googles_shape() {
    let doubles = ApiDoubles::start();
    let bad = authed(&files_url(&doubles, "modifiedTime > '2020-01-01'", 10, None)).await;
    assert_eq!(bad.status, 400, "a q outside the subset is a 400, not ignored");
    assert_eq!(bad.json["error"]["errors"][0]["location"], "q");
    assert_eq!(bad.json["error"]["message"], "Invalid Value");

    let missing = authed(&files_url(&doubles, "'nope' in parents", 10, None)).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json["error"]["message"], "File not found: nope.");

    let token = authed(&files_url(&doubles, "trashed = false", 10, Some("not-a-token"))).await;
    assert_eq!(
        (token.status, token.json["error"]["errors"][0]["location"].clone()),
        (400, json!("pageToken"))
    );

    let drive_without_id = authed(&format!("{}/drive/v3/files?corpora=drive", doubles.base("google"))).await;
    assert_eq!(drive_without_id.status, 400, "corpora=drive needs driveId");

    let quoted = "name contains 'Ana\\'s \"budget\" \\\\ 2026' and trashed = false";
    let (found, _) = drive_all(&doubles, quoted).await;
    assert_eq!(
        found.len(),
        1,
        "escaped quotes and backslashes match the file named with them"
    );
    assert_eq!(found[0]["id"], seed::QUOTED_BUDGET_SHEET);

    let root = authed(&files_url(&doubles, "'root' in parents and trashed = false", 100, None)).await;
    let ids: Vec<_> = root.json["files"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| f["id"].clone())
        .collect();
    assert!(ids.contains(&json!(seed::MARKUP_IMAGE_FILE)) && !ids.contains(&json!(seed::TRASHED_SHEET)));
}

/// The `rel="next"` target of a Link header.
fn link_next(headers: &HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    link.split(", ")
        .find(|part| part.ends_with("rel=\"next\""))
        .map(|part| {
            part.split(';')
                .next()
                .expect("a Link part")
                .trim_matches(|c| c == '<' || c == '>' || c == ' ')
                .to_owned()
        })
}

#[tokio::test]
async fn github_link_headers_lead_through_all_500_repositories() {
    let doubles = ApiDoubles::start();
    let mut url = Some(format!("{}/user/repos?per_page=100", doubles.base("github")));
    let (mut names, mut pages) = (Vec::new(), 0);
    while let Some(next) = url {
        assert!(
            next.starts_with(doubles.url()),
            "Link targets point back at the doubles: {next}"
        );
        let answer = get(&next, &[("authorization", "token gho_test")]).await;
        assert_eq!(answer.status, 200, "{}", answer.json);
        for name in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "x-ratelimit-used",
            "x-ratelimit-resource",
        ] {
            assert!(answer.headers.contains_key(name), "every GitHub answer carries {name}");
        }
        names.extend(
            answer
                .json
                .as_array()
                .expect("an array")
                .iter()
                .map(|repo| repo["full_name"].as_str().expect("a string field").to_owned()),
        );
        pages += 1;
        url = link_next(&answer.headers);
    }
    assert_eq!((names.len(), pages), (seed::GITHUB_REPOS, 5));
    assert_eq!(
        names.iter().collect::<HashSet<_>>().len(),
        seed::GITHUB_REPOS,
        "no repository repeats"
    );

    let branches = authed(&format!(
        "{}/repos/{}/branches?per_page=100&page=3",
        doubles.base("github"),
        seed::BIG_REPO
    ))
    .await;
    assert_eq!(
        branches.json.as_array().expect("an array").len(),
        seed::BIG_REPO_BRANCHES - 200
    );
    assert!(link_next(&branches.headers).is_none(), "the last page has no next");

    let contents = format!("{}/repos/octocat/hello-world/contents", doubles.base("github"));
    let root = authed(&contents).await;
    assert!(root
        .json
        .as_array()
        .expect("an array")
        .iter()
        .any(|entry| entry["path"] == "src" && entry["type"] == "dir"));
    let file = authed(&format!("{contents}/src/util/format.rs?ref=feature/search")).await;
    assert_eq!(
        (file.json["type"].clone(), file.json["encoding"].clone()),
        (json!("file"), json!("base64"))
    );
    let missing = authed(&format!("{contents}/nope")).await;
    assert_eq!(
        (missing.status, missing.json["message"].clone()),
        (404, json!("Not Found"))
    );
}

#[tokio::test]
async fn slack_atlassian_sheets_calendar_and_supabase_answer_their_shapes() {
    let doubles = ApiDoubles::start();
    let (mut channels, mut cursor) = (0, String::new());
    loop {
        let url = format!(
            "{}/conversations.list?types=public_channel,private_channel&limit=100&cursor={cursor}",
            doubles.base("slack")
        );
        let answer = authed(&url).await;
        assert_eq!(answer.json["ok"], true, "{}", answer.json);
        channels += answer.json["channels"].as_array().expect("an array").len();
        cursor = answer.json["response_metadata"]["next_cursor"]
            .as_str()
            .expect("a string field")
            .to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(channels, 350, "public and private channels the user sees");
    let unauthenticated = get(&format!("{}/users.list", doubles.base("slack")), &[]).await;
    assert_eq!(
        (unauthenticated.status, unauthenticated.json.clone()),
        (200, json!({"ok": false, "error": "not_authed"}))
    );

    let jira = format!(
        "{}/ex/jira/{}/rest/api/3",
        doubles.base("atlassian"),
        seed::ATLASSIAN_SITE
    );
    let (mut projects, mut next) = (0, Some(format!("{jira}/project/search?maxResults=50")));
    while let Some(url) = next {
        let answer = authed(&url).await;
        projects += answer.json["values"].as_array().expect("an array").len();
        next = answer.json["nextPage"].as_str().map(str::to_owned);
    }
    assert_eq!(projects, seed::JIRA_PROJECTS);
    let unknown = authed(&format!("{jira}/search/jql?jql=project%20%3D%20NOPE")).await;
    assert_eq!(
        unknown.json["errorMessages"][0],
        "The value 'NOPE' does not exist for the field 'project'."
    );

    let tabs = authed(&format!(
        "{}/v4/spreadsheets/{}",
        doubles.base("sheets"),
        seed::MARKUP_BOLD_SHEET
    ))
    .await;
    assert_eq!(
        tabs.json["sheets"][1]["properties"]["title"],
        "<script>alert(1)</script>"
    );
    let calendars = authed(&format!("{}/calendar/v3/users/me/calendarList", doubles.base("google"))).await;
    assert_eq!(calendars.json["items"][0]["id"], seed::PRIMARY_CALENDAR);

    let keyless = authed(&format!("{}/rest/v1/", doubles.base("supabase"))).await;
    assert_eq!(
        (keyless.status, keyless.json["message"].clone()),
        (401, json!("No API key found in request"))
    );
    let openapi = get(
        &format!("{}/rest/v1/", doubles.base("supabase")),
        &[("apikey", "sb_publishable_x")],
    )
    .await;
    assert_eq!(openapi.json["swagger"], "2.0");
    let view = openapi.json["paths"]["/order_totals"].as_object().expect("an object");
    assert_eq!(view.keys().collect::<Vec<_>>(), ["get"], "views are read-only");
}

#[tokio::test]
async fn faults_are_answered_in_order_before_auth_then_run_out() {
    let doubles = ApiDoubles::start();
    let path = "/google/drive/v3/files";
    doubles.fault(path, 429, &[("Retry-After", "1")], None, 2).await;
    doubles.fault(path, 500, &[], Some(json!({"custom": true})), 1).await;
    let url = files_url(&doubles, "trashed = false", 5, None);
    let first = get(&url, &[]).await;
    assert_eq!(first.status, 429, "faults come before the credentials check");
    assert_eq!(first.headers["retry-after"], "1");
    assert_eq!(
        first.json["error"]["errors"][0]["reason"], "rateLimitExceeded",
        "no body: Google's own"
    );
    assert_eq!(authed(&url).await.status, 429);
    let custom = authed(&url).await;
    assert_eq!((custom.status, custom.json.clone()), (500, json!({"custom": true})));
    assert_eq!(authed(&url).await.status, 200, "faults run out");
}

#[tokio::test]
async fn a_rejected_token_gets_each_providers_401() {
    let doubles = ApiDoubles::start();
    doubles.reject_token("revoked").await;
    let revoked = [("authorization", "Bearer revoked")];
    let drive = get(&format!("{}/drive/v3/files", doubles.base("google")), &revoked).await;
    assert_eq!(
        (drive.status, drive.json["error"]["errors"][0]["reason"].clone()),
        (401, json!("authError"))
    );
    let slack = get(&format!("{}/auth.test", doubles.base("slack")), &revoked).await;
    assert_eq!(
        (slack.status, slack.json["error"].clone()),
        (200, json!("invalid_auth"))
    );
    let github = get(
        &format!("{}/user", doubles.base("github")),
        &[("authorization", "token revoked")],
    )
    .await;
    assert_eq!(
        (github.status, github.json["message"].clone()),
        (401, json!("Bad credentials"))
    );
    assert_eq!(
        authed(&format!("{}/user", doubles.base("github"))).await.json["login"],
        seed::GITHUB_LOGIN
    );
}

#[tokio::test]
async fn a_stuck_provider_keeps_pointing_at_the_same_page() {
    let doubles = ApiDoubles::start();
    doubles.repeat_page_token("/google/drive/v3/files").await;
    doubles.repeat_page_token("/github/user/repos").await;
    let q = format!("'{}' in parents", seed::ARCHIVE_FOLDER);
    let first = authed(&files_url(&doubles, &q, 1000, None)).await;
    let second_token = first.json["nextPageToken"]
        .as_str()
        .expect("the first page points on")
        .to_owned();
    let second = authed(&files_url(&doubles, &q, 1000, Some(&second_token))).await;
    assert_eq!(
        second.json["nextPageToken"],
        second_token.as_str(),
        "page 2 points at itself"
    );

    let page2 = format!("{}/user/repos?per_page=100&page=2", doubles.base("github"));
    let repos = authed(&page2).await;
    assert_eq!(link_next(&repos.headers).as_deref(), Some(page2.as_str()));
    doubles.reset().await;
    let unstuck = authed(&files_url(&doubles, &q, 1000, Some(&second_token))).await;
    assert_ne!(
        unstuck.json["nextPageToken"],
        second_token.as_str(),
        "reset ends the repeat"
    );
}

#[tokio::test]
async fn delays_hold_answers_and_the_log_records_every_request() {
    let doubles = ApiDoubles::start();
    doubles.delay("/slack/api/users.list", 3_000).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("an HTTP client");
    let url = format!("{}/users.list?limit=5", doubles.base("slack"));
    let slow = client.get(&url).bearer_auth(TOKEN).send().await;
    assert!(slow.is_err(), "a 3 s delay outlasts a 200 ms client timeout");
    let quick = authed(&format!("{}/auth.test", doubles.base("slack"))).await;
    assert_eq!(quick.json["team_id"], seed::SLACK_TEAM, "other paths are not delayed");

    let log = doubles.requests().await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["path"], "/slack/api/users.list");
    assert_eq!(log[0]["query"], json!({"limit": "5"}));
    assert_eq!(log[0]["bearer"], TOKEN);
    doubles.reset().await;
    assert!(doubles.requests().await.is_empty(), "reset clears the log");
}

#[tokio::test]
async fn the_seed_constants_and_override_lines_match_the_server() {
    let doubles = ApiDoubles::start();
    let served = get(&format!("{}/_control/seed", doubles.url()), &[]).await.json;
    assert_eq!(served["google"]["archive"], seed::ARCHIVE_FOLDER);
    assert_eq!(served["google"]["roadmap07"], seed::ROADMAP_07_SHEET);
    assert_eq!(served["github"]["bigRepo"], seed::BIG_REPO);
    assert_eq!(served["atlassian"]["sites"][0], seed::ATLASSIAN_SITE);
    for provider in ["google", "github", "slack", "atlassian"] {
        let text = format!("[providers.{provider}]\n{}", doubles.overrides_lines(provider));
        let parsed: toml::Table = text.parse().unwrap_or_else(|error| panic!("{text}: {error}"));
        let base = parsed["providers"][provider]["api_base_url"]
            .as_str()
            .expect("a string field")
            .to_owned();
        assert_eq!(base, doubles.base(provider));
    }
}
