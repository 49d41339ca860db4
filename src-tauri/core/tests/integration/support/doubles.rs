//! tests/doubles/server.mjs: loopback doubles of the provider APIs that "Browse resources"
//! reads (Google Drive, Calendar and Sheets, GitHub, Slack, Atlassian, Supabase), seeded with
//! large data, and its control plane (faults, rejected tokens, stuck paging, delays, the
//! request log).

use super::node;

use std::process::Child;

use serde_json::{json, Value};

/// Seed ids (also served at `GET /_control/seed`; `api_doubles` checks they agree). The whole
/// seed is listed, as the doubles make it, whether or not a test names every id yet.
#[allow(dead_code)]
pub mod seed {
    /// My Drive's root folder (`'root'` is its alias).
    pub const DRIVE_ROOT: &str = "0AAnaMyDriveRoot";
    /// My Drive › Projects: 20 folders "Project 01".."Project 20", each with "Phase 1".."Phase 10"
    /// of 50 files (10,000 in all).
    pub const PROJECTS_FOLDER: &str = "1ProjectsFolder";
    /// My Drive › Project NN (e.g. `1Project07Folder`).
    pub fn project_folder(n: u32) -> String {
        format!("1Project{n:02}Folder")
    }
    /// My Drive › Archive: 10,000 files directly inside, plus 25 trashed ones.
    pub const ARCHIVE_FOLDER: &str = "1ArchiveFolder";
    pub const ARCHIVE_FILES: usize = 10_000;
    pub const ARCHIVE_TRASHED: usize = 25;
    pub const PHOTOS_FOLDER: &str = "1PhotosFolder";
    pub const SHARED_WITH_TEAM_FOLDER: &str = "1SharedWithTeamFolder";
    /// `<img src=x onerror=alert('drive')>.txt` in My Drive.
    pub const MARKUP_IMAGE_FILE: &str = "1MarkupImgText";
    /// `<b>Quarterly</b> report`, a spreadsheet whose second tab is `<script>alert(1)</script>`.
    pub const MARKUP_BOLD_SHEET: &str = "1MarkupBoldSheet";
    /// `Ana's "budget" \ 2026`, a spreadsheet.
    pub const QUOTED_BUDGET_SHEET: &str = "1QuotedBudgetSheet";
    /// "Old budget 2025", a spreadsheet in the trash.
    pub const TRASHED_SHEET: &str = "1TrashedBudgetSheet";
    /// My Drive › Projects › Project 07 › "Roadmap – Project 07" (a spreadsheet).
    pub const ROADMAP_07_SHEET: &str = "1Roadmap07Sheet";
    pub const ROADMAP_07_NAME: &str = "Roadmap – Project 07";
    pub const TEAM_DRIVE: &str = "0ATeamDrive";
    /// Team Drive › "Team plan 2026": Drive finds it only for an app that supports shared drives.
    pub const TEAM_PLAN_SHEET: &str = "1TeamPlanSheet";
    pub const MARKETING_DRIVE: &str = "0AMarketingDrive";
    pub const PRIMARY_CALENDAR: &str = "ana@example.com";

    pub const GITHUB_LOGIN: &str = "octocat";
    pub const GITHUB_REPOS: usize = 500;
    /// 250 branches: `main` and `feature/branch-001`…
    pub const BIG_REPO: &str = "octocat/big-repo";
    pub const BIG_REPO_BRANCHES: usize = 250;

    pub const SLACK_TEAM: &str = "T0SWITCHB";
    pub const SLACK_USER: &str = "U0ANA00001";

    /// The first site (`https://acme.atlassian.net`), with 120 projects; "WEB" has 250 issues.
    pub const ATLASSIAN_SITE: &str = "1324a887-45db-4bf4-9e99-ef0ff456d421";
    /// The second site (`https://acme-labs.atlassian.net`), with 4 projects.
    pub const ATLASSIAN_SECOND_SITE: &str = "5d7e29b0-8c11-4f6a-a7b2-3e0c9d1f2a64";
    pub const JIRA_PROJECTS: usize = 120;
    pub const JIRA_BIG_PROJECT: &str = "WEB";

    /// Notion: the "Tasks" database (title property "Name") and the "Roadmap 2026" page.
    pub const NOTION_TASKS_DATABASE: &str = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";
    pub const NOTION_ROADMAP_PAGE: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
    /// Telegram: the chat with Ana (private) and the team's supergroup.
    pub const TELEGRAM_PERSON_CHAT: i64 = 111_222_333;
    pub const TELEGRAM_GROUP_CHAT: i64 = -1_001_234_567_890;
}

/// The provider prefixes the server answers under.
pub const PROVIDERS: [&str; 8] = [
    "google",
    "sheets",
    "github",
    "slack",
    "atlassian",
    "supabase",
    "notion",
    "telegram",
];

pub struct ApiDoubles {
    child: Child,
    url: String,
    http: reqwest::Client,
}

impl ApiDoubles {
    /// Starts `node tests/doubles/server.mjs` and waits until it listens.
    pub fn start() -> Self {
        let (child, ready) = node::start_node("doubles", "server.mjs");
        let url = ready["url"].as_str().expect("url").to_owned();
        Self {
            child,
            url,
            http: reqwest::Client::new(),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A provider's base URL as the catalogue names it: "google" (Drive and Calendar), "sheets",
    /// "github", "slack" (`…/slack/api`), "atlassian", "supabase" (the project URL).
    pub fn base(&self, name: &str) -> String {
        match name {
            "slack" => format!("{}/slack/api", self.url),
            "notion" => format!("{}/notion/v1", self.url),
            _ if PROVIDERS.contains(&name) => format!("{}/{name}", self.url),
            _ => panic!("no API double for {name:?}; there are {PROVIDERS:?}"),
        }
    }

    /// The lines to put inside `[providers.<provider>]` of an overrides file so that the
    /// provider's API calls reach these doubles (no table header: other helpers may add lines
    /// to the same table). Supabase has none: its project URL is a credential; use
    /// `base("supabase")` as `project_url`.
    pub fn overrides_lines(&self, provider: &str) -> String {
        let line = |key: &str, value: &str| format!("{key} = {}\n", toml_string(value));
        match provider {
            "google" => format!(
                "{}api_bases = {{ sheets = {} }}\n",
                line("api_base_url", &self.base("google")),
                toml_string(&self.base("sheets"))
            ),
            "github" | "slack" | "notion" | "telegram" => line("api_base_url", &self.base(provider)),
            "atlassian" => {
                let base = self.base("atlassian");
                [
                    line("api_base_url", &base),
                    line("sites_url", &format!("{base}/oauth/token/accessible-resources")),
                    line("identity_url", &format!("{base}/me")),
                ]
                .concat()
            }
            "supabase" => String::new(),
            _ => panic!("no API double for provider {provider:?}"),
        }
    }

    /// The next `times` requests whose path starts with `path` (e.g. "/google/drive/v3/files")
    /// get `status`, `headers` and `body` instead, before any credentials check. `None`: the
    /// provider's own error body for that status; `Some(Value::Null)`: no body; a JSON string:
    /// that text as text/plain.
    pub async fn fault(&self, path: &str, status: u16, headers: &[(&str, &str)], body: Option<Value>, times: u32) {
        let headers: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), Value::from(*value)))
            .collect();
        let mut fault = json!({ "path": path, "status": status, "headers": headers, "times": times });
        if let Some(body) = body {
            fault["body"] = body;
        }
        self.post("/_control/faults", fault).await;
    }

    /// The next request on `path` is carried out, and its answer is `status` with the
    /// provider's error body instead: a provider that did the thing and failed to say so.
    pub async fn fault_after_doing(&self, path: &str, status: u16) {
        let fault = json!({ "path": path, "status": status, "times": 1, "done": true });
        self.post("/_control/faults", fault).await;
    }

    /// From now on this bearer (or Supabase key) gets the provider's 401.
    pub async fn reject_token(&self, token: &str) {
        self.post("/_control/reject-token", json!({ "token": token })).await;
    }

    /// From now on page answers on `path` point back at the page asked for (the first page
    /// still points at the second): a provider stuck on a page.
    pub async fn repeat_page_token(&self, path: &str) {
        self.post("/_control/repeat-page-token", json!({ "path": path })).await;
    }

    /// From now on answers on `path` wait `ms` milliseconds.
    pub async fn delay(&self, path: &str, ms: u64) {
        self.post("/_control/delay", json!({ "path": path, "ms": ms })).await;
    }

    /// Every provider request so far, in order: `{"method","path","query":{…},"bearer"}`.
    pub async fn requests(&self) -> Vec<Value> {
        let answer = self
            .http
            .get(format!("{}/_control/requests", self.url))
            .send()
            .await
            .expect("GET /_control/requests");
        let text = answer.text().await.expect("the request log");
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("request log {text:?}: {error}"))
    }

    /// Clears faults, rejected tokens, stuck paging, delays and the request log.
    pub async fn reset(&self) {
        self.post("/_control/reset", json!({})).await;
    }

    async fn post(&self, path: &str, body: Value) {
        let answer = self
            .http
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"));
        let status = answer.status();
        let text = answer.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path} answered {status}: {text}");
    }
}

impl Drop for ApiDoubles {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    Value::from(text).to_string()
}
