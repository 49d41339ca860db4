//! GitHub's actions, on the REST API (2022-11-28): repositories, stars, issues and their
//! comments, file contents (`github_contents`) and gists. Repository names are `owner/name`,
//! checked by pattern and sent as two path segments.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{action, github_contents as contents, items, string_param, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{bounded, list_summary, ActionOutput, MAX_SUMMARY_BYTES};

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!(
            "github.list_my_repositories",
            ListMyRepositories,
            list_repositories,
            read_repositories
        ),
        action!("github.star_repository", OneRepository, star, read_starred),
        action!("github.unstar_repository", OneRepository, unstar, read_unstarred),
        action!("github.create_issue", CreateIssue, create_issue, read_created_issue),
        action!("github.list_issues", ListIssues, list_issues, read_issues),
        action!("github.comment_on_issue", CommentOnIssue, comment, read_comment),
        action!(
            "github.get_file_content",
            contents::GetFileContent,
            contents::file_content,
            contents::read_file_content
        ),
        action!("github.create_gist", CreateGist, create_gist, read_gist),
    ]
}

string_param!(
    /// A repository's full name, `owner/name`: a string of that pattern, chosen with the
    /// repository picker.
    Repository,
    pattern = r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$",
    picker = ("github", "github.repo")
);

impl Repository {
    pub(super) fn parts(&self) -> (&str, &str) {
        self.0.split_once('/').unwrap_or((&self.0, ""))
    }

    fn web(&self) -> String {
        format!("https://github.com/{}", self.0)
    }
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    All,
    Public,
    Private,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListMyRepositories {
    /// Which repositories: all (the default), public or private.
    #[serde(default)]
    visibility: Option<Visibility>,
    /// How many to list, most recently updated first (1–100, 30 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneRepository {
    /// The repository, as owner/name.
    repository: Repository,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIssue {
    /// The repository to open it in, as owner/name.
    repository: Repository,
    /// The issue's title.
    #[schemars(length(min = 1, max = 256))]
    title: String,
    /// The issue's text, in Markdown.
    #[serde(default)]
    body: Option<String>,
    /// Labels to put on it (they must exist in the repository).
    #[serde(default)]
    labels: Vec<String>,
    /// Logins of people to assign.
    #[serde(default)]
    assignees: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IssueState {
    Open,
    Closed,
    All,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListIssues {
    /// The repository, as owner/name.
    repository: Repository,
    /// open (the default), closed or all.
    #[serde(default)]
    state: Option<IssueState>,
    /// Only issues with all of these labels.
    #[serde(default)]
    labels: Vec<String>,
    /// Only issues assigned to this login ("none" for unassigned, "*" for any).
    #[serde(default)]
    assignee: Option<String>,
    /// How many to list, newest first (1–100, 30 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentOnIssue {
    /// The repository, as owner/name.
    repository: Repository,
    /// The issue's or pull request's number.
    #[schemars(range(min = 1))]
    number: u64,
    /// The comment, in Markdown.
    #[schemars(length(min = 1))]
    body: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GistFile {
    /// The file's name, such as notes.md.
    #[schemars(length(min = 1))]
    name: String,
    /// Its text.
    #[schemars(length(min = 1))]
    content: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGist {
    /// What the gist is.
    #[serde(default)]
    description: Option<String>,
    /// Listed publicly (false, the default: secret, reachable by its link).
    #[serde(default)]
    public: bool,
    /// Its files.
    #[schemars(length(min = 1))]
    files: Vec<GistFile>,
}

fn list_repositories(params: &ListMyRepositories, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = target.url(&["user", "repos"])?;
    let visibility = match params.visibility.unwrap_or(Visibility::All) {
        Visibility::All => "all",
        Visibility::Public => "public",
        Visibility::Private => "private",
    };
    url.query_pairs_mut()
        .append_pair("visibility", visibility)
        .append_pair("sort", "updated")
        .append_pair("per_page", &params.limit.unwrap_or(30).to_string());
    Ok(Call::new(Method::Get, url))
}

fn read_repositories(_: &ListMyRepositories, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let repositories: Vec<Value> = items(&answer.json)
        .iter()
        .map(|repo| {
            json!({
                "fullName": text(repo, "full_name"),
                "private": repo.get("private").and_then(Value::as_bool).unwrap_or(false),
                "description": text(repo, "description"),
                "url": text(repo, "html_url"),
            })
        })
        .collect();
    let names = repositories.iter().map(|repo| {
        let name = text(repo, "fullName").unwrap_or("?").to_owned();
        if repo["private"] == Value::Bool(true) {
            format!("{name} (private)")
        } else {
            name
        }
    });
    let summary = list_summary(repositories.len(), "repositories", names.collect::<Vec<_>>());
    Ok(ActionOutput::new(summary, Value::Array(repositories)))
}

fn star(params: &OneRepository, target: &Target<'_>) -> Result<Call, ToolError> {
    let (owner, name) = params.repository.parts();
    Ok(Call::new(Method::Put, target.url(&["user", "starred", owner, name])?))
}

fn unstar(params: &OneRepository, target: &Target<'_>) -> Result<Call, ToolError> {
    let (owner, name) = params.repository.parts();
    Ok(Call::new(
        Method::Delete,
        target.url(&["user", "starred", owner, name])?,
    ))
}

fn read_starred(params: &OneRepository, _: &Answer) -> Result<ActionOutput, ToolError> {
    let summary = format!("Starred {}.", params.repository.0);
    Ok(ActionOutput::new(summary, json!({ "repository": params.repository.0 })).link(Some(params.repository.web())))
}

fn read_unstarred(params: &OneRepository, _: &Answer) -> Result<ActionOutput, ToolError> {
    let summary = format!("Removed the star from {}.", params.repository.0);
    Ok(ActionOutput::new(summary, json!({ "repository": params.repository.0 })).link(Some(params.repository.web())))
}

fn create_issue(params: &CreateIssue, target: &Target<'_>) -> Result<Call, ToolError> {
    let (owner, name) = params.repository.parts();
    let mut body = json!({ "title": params.title });
    if let Some(text) = &params.body {
        body["body"] = json!(text);
    }
    if !params.labels.is_empty() {
        body["labels"] = json!(params.labels);
    }
    if !params.assignees.is_empty() {
        body["assignees"] = json!(params.assignees);
    }
    Ok(Call::new(Method::Post, target.url(&["repos", owner, name, "issues"])?).json(body))
}

fn read_created_issue(params: &CreateIssue, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let number = answer.json.get("number").and_then(Value::as_u64);
    let link = text(&answer.json, "html_url").map(str::to_owned);
    let summary = match number {
        Some(number) => format!("Opened issue #{number} “{}” in {}.", params.title, params.repository.0),
        None => format!("Opened the issue “{}” in {}.", params.title, params.repository.0),
    };
    let data = json!({ "number": number, "url": link });
    Ok(ActionOutput::new(bounded(&summary, MAX_SUMMARY_BYTES), data).link(link))
}

fn list_issues(params: &ListIssues, target: &Target<'_>) -> Result<Call, ToolError> {
    let (owner, name) = params.repository.parts();
    let mut url = target.url(&["repos", owner, name, "issues"])?;
    let state = match params.state.unwrap_or(IssueState::Open) {
        IssueState::Open => "open",
        IssueState::Closed => "closed",
        IssueState::All => "all",
    };
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("state", state);
        if !params.labels.is_empty() {
            query.append_pair("labels", &params.labels.join(","));
        }
        if let Some(assignee) = &params.assignee {
            query.append_pair("assignee", assignee);
        }
        query.append_pair("per_page", &params.limit.unwrap_or(30).to_string());
    }
    Ok(Call::new(Method::Get, url))
}

fn read_issues(params: &ListIssues, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let issues: Vec<Value> = items(&answer.json)
        .iter()
        .map(|issue| {
            json!({
                "number": issue.get("number").and_then(Value::as_u64),
                "title": text(issue, "title"),
                "state": text(issue, "state"),
                "pullRequest": issue.get("pull_request").is_some(),
                "url": text(issue, "html_url"),
            })
        })
        .collect();
    let lines = issues.iter().map(|issue| {
        format!(
            "#{} {} ({})",
            issue["number"].as_u64().unwrap_or(0),
            text(issue, "title").unwrap_or(""),
            text(issue, "state").unwrap_or("")
        )
    });
    let noun = format!("issues in {}", params.repository.0);
    let summary = list_summary(issues.len(), &noun, lines.collect::<Vec<_>>());
    Ok(ActionOutput::new(summary, Value::Array(issues)))
}

fn comment(params: &CommentOnIssue, target: &Target<'_>) -> Result<Call, ToolError> {
    let (owner, name) = params.repository.parts();
    let number = params.number.to_string();
    let url = target.url(&["repos", owner, name, "issues", &number, "comments"])?;
    Ok(Call::new(Method::Post, url).json(json!({ "body": params.body })))
}

fn read_comment(params: &CommentOnIssue, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let link = text(&answer.json, "html_url").map(str::to_owned);
    let summary = format!("Commented on #{} in {}.", params.number, params.repository.0);
    Ok(ActionOutput::new(summary, json!({ "url": link })).link(link))
}

fn create_gist(params: &CreateGist, target: &Target<'_>) -> Result<Call, ToolError> {
    let files: serde_json::Map<String, Value> = params
        .files
        .iter()
        .map(|file| (file.name.clone(), json!({ "content": file.content })))
        .collect();
    let mut body = json!({ "public": params.public, "files": files });
    if let Some(description) = &params.description {
        body["description"] = json!(description);
    }
    Ok(Call::new(Method::Post, target.url(&["gists"])?).json(body))
}

fn read_gist(params: &CreateGist, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let link = text(&answer.json, "html_url").map(str::to_owned);
    let kind = if params.public { "public" } else { "secret" };
    let summary = format!("Created a {kind} gist with {} file(s).", params.files.len());
    Ok(ActionOutput::new(summary, json!({ "id": text(&answer.json, "id"), "url": link })).link(link))
}
