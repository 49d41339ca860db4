//! Jira's actions (Jira Cloud REST API v3 through Atlassian's gateway,
//! `/ex/jira/{cloudId}/rest/api/3`). Sites, projects and issues are named as the pickers name
//! them: `<cloudId>`, `<cloudId>/<KEY>`, `<cloudId>/<KEY-12>`. Text goes out as Atlassian
//! Document Format (`atlassian::adf`). Moving to a named status takes two steps — list
//! the transitions, then take one by id — because an action plans a single request; a form
//! takes the id from the `jira.transition` picker, which lists an issue's transitions by the
//! status each moves it to.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::atlassian::{adf, site_url};
use super::picked::jira_transition;
use super::{action, items, string_param, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{list_summary, ActionOutput};

const FIELDS: &str = "summary,status,issuetype,priority,duedate,updated";

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("jira.my_open_issues", MyIssues, my_issues, read_issues_mine),
        action!("jira.search_issues", SearchIssues, search, read_issues_found),
        action!("jira.create_issue", CreateIssue, create, read_created),
        action!("jira.add_comment", AddComment, comment, read_comment),
        action!("jira.list_transitions", OneIssue, transitions, read_transitions),
        action!("jira.transition_issue", Transition, transition, read_transitioned),
    ]
}

string_param!(
    /// A site's cloud id, chosen with the site picker.
    Site,
    pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    picker = ("atlassian", "jira.site")
);
string_param!(
    /// `<cloudId>/<KEY>`, chosen with the project picker.
    Project,
    pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[A-Z][A-Z0-9_]{1,9}$",
    picker = ("atlassian", "jira.project")
);
string_param!(
    /// `<cloudId>/<KEY-12>`, chosen with the issue picker.
    Issue,
    pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[A-Z][A-Z0-9_]{1,9}-[0-9]{1,9}$",
    picker = ("atlassian", "jira.issue")
);

string_param!(
    /// A transition's id, chosen with the transition picker (opened at the issue), which names
    /// it after its issue: `<cloudId>/<KEY-12>:<id>`.
    TransitionId,
    pattern = "^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[A-Z][A-Z0-9_]{1,9}-[0-9]{1,9}:)?[0-9]{1,9}$",
    picker = ("atlassian", "jira.transition", within = "issue")
);

/// `cloud/rest` split at the first slash (the pattern guarantees one).
fn split(id: &str) -> (&str, &str) {
    id.split_once('/').unwrap_or((id, ""))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MyIssues {
    /// The Jira site.
    site: Site,
    /// Only those due within this many days from today (all if not given).
    #[serde(default)]
    #[schemars(range(min = 0, max = 366))]
    due_within_days: Option<u32>,
    /// At most this many (1–100, 50 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchIssues {
    /// The Jira site.
    site: Site,
    /// A JQL query.
    #[schemars(length(min = 1, max = 2000))]
    jql: String,
    /// At most this many (1–100, 50 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIssue {
    /// The project to create it in.
    project: Project,
    /// Its type: Task, Bug, Story, Epic…
    #[schemars(length(min = 1, max = 60))]
    issue_type: String,
    /// Its summary (one line).
    #[schemars(length(min = 1, max = 255), regex(pattern = r"^[^\r\n]*$"))]
    summary: String,
    /// Its description, in plain text.
    #[serde(default)]
    description: Option<String>,
    /// When it is due (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    due_date: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddComment {
    /// The issue to comment on.
    issue: Issue,
    /// The comment, in plain text.
    #[schemars(length(min = 1, max = 32767))]
    text: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneIssue {
    /// The issue.
    issue: Issue,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The issue to move.
    issue: Issue,
    /// The transition's id (from List an issue's transitions), chosen by its status.
    transition_id: TransitionId,
}

fn api(target: &Target<'_>, cloud: &str, rest: &[&str]) -> Result<url::Url, ToolError> {
    let mut path = vec!["rest", "api", "3"];
    path.extend_from_slice(rest);
    site_url(target, "jira", cloud, &path)
}

fn search_call(target: &Target<'_>, cloud: &str, jql: &str, limit: Option<u32>) -> Result<Call, ToolError> {
    let mut url = api(target, cloud, &["search", "jql"])?;
    url.query_pairs_mut()
        .append_pair("jql", jql)
        .append_pair("maxResults", &limit.unwrap_or(50).to_string())
        .append_pair("fields", FIELDS);
    Ok(Call::new(Method::Get, url))
}

fn my_issues(params: &MyIssues, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut jql = "assignee = currentUser() AND statusCategory != Done".to_owned();
    if let Some(days) = params.due_within_days {
        jql.push_str(&format!(" AND duedate <= \"{days}d\""));
    }
    jql.push_str(" ORDER BY duedate ASC, updated DESC");
    search_call(target, &params.site.0, &jql, params.limit)
}

fn search(params: &SearchIssues, target: &Target<'_>) -> Result<Call, ToolError> {
    search_call(target, &params.site.0, &params.jql, params.limit)
}

fn issues(answer: &Answer, site: &str) -> (String, Value) {
    let rows: Vec<Value> = items(answer.json.get("issues").unwrap_or(&Value::Null))
        .iter()
        .map(|issue| {
            let fields = issue.get("fields").cloned().unwrap_or(Value::Null);
            json!({
                "key": text(issue, "key"),
                "id": text(issue, "id").map(|id| format!("{site}/{}", text(issue, "key").unwrap_or(id))),
                "summary": text(&fields, "summary"),
                "status": fields.get("status").and_then(|status| text(status, "name")),
                "due": text(&fields, "duedate"),
            })
        })
        .collect();
    let lines = rows.iter().map(|row| {
        let due = text(row, "due").map(|due| format!(", due {due}")).unwrap_or_default();
        format!(
            "{} {} ({}{due})",
            text(row, "key").unwrap_or("?"),
            text(row, "summary").unwrap_or(""),
            text(row, "status").unwrap_or("?")
        )
    });
    (
        list_summary(rows.len(), "issues", lines.collect::<Vec<_>>()),
        Value::Array(rows),
    )
}

fn read_issues_mine(params: &MyIssues, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let (summary, data) = issues(answer, &params.site.0);
    Ok(ActionOutput::new(summary, data))
}

fn read_issues_found(params: &SearchIssues, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let (summary, data) = issues(answer, &params.site.0);
    Ok(ActionOutput::new(summary, data))
}

fn create(params: &CreateIssue, target: &Target<'_>) -> Result<Call, ToolError> {
    let (cloud, key) = split(&params.project.0);
    let mut fields = json!({
        "project": { "key": key },
        "issuetype": { "name": params.issue_type },
        "summary": params.summary,
    });
    if let Some(description) = &params.description {
        fields["description"] = adf(description);
    }
    if let Some(due) = &params.due_date {
        fields["duedate"] = json!(due);
    }
    Ok(Call::new(Method::Post, api(target, cloud, &["issue"])?).json(json!({ "fields": fields })))
}

fn read_created(params: &CreateIssue, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let key = text(&answer.json, "key").unwrap_or("?").to_owned();
    let summary = format!("Created {key} “{}”.", params.summary);
    let (cloud, _) = split(&params.project.0);
    Ok(ActionOutput::new(
        summary,
        json!({ "key": key, "issue": format!("{cloud}/{key}") }),
    ))
}

fn comment(params: &AddComment, target: &Target<'_>) -> Result<Call, ToolError> {
    let (cloud, key) = split(&params.issue.0);
    let url = api(target, cloud, &["issue", key, "comment"])?;
    Ok(Call::new(Method::Post, url).json(json!({ "body": adf(&params.text) })))
}

fn read_comment(params: &AddComment, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let (_, key) = split(&params.issue.0);
    Ok(ActionOutput::new(
        format!("Commented on {key}."),
        json!({ "id": text(&answer.json, "id") }),
    ))
}

fn transitions(params: &OneIssue, target: &Target<'_>) -> Result<Call, ToolError> {
    let (cloud, key) = split(&params.issue.0);
    Ok(Call::new(
        Method::Get,
        api(target, cloud, &["issue", key, "transitions"])?,
    ))
}

fn read_transitions(params: &OneIssue, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let rows: Vec<Value> = items(answer.json.get("transitions").unwrap_or(&Value::Null))
        .iter()
        .map(|transition| {
            json!({
                // Named after the issue, as the picker names it: an id belongs to its workflow.
                "id": text(transition, "id").map(|id| format!("{}:{id}", params.issue.0)),
                "name": text(transition, "name"),
                "to": transition.get("to").and_then(|to| text(to, "name")),
            })
        })
        .collect();
    let lines = rows.iter().map(|row| {
        format!(
            "{} → {} (id {})",
            text(row, "name").unwrap_or("?"),
            text(row, "to").unwrap_or("?"),
            text(row, "id").unwrap_or("?")
        )
    });
    let (_, key) = split(&params.issue.0);
    let noun = format!("ways to move {key}");
    Ok(ActionOutput::new(
        list_summary(rows.len(), &noun, lines.collect::<Vec<_>>()),
        Value::Array(rows),
    ))
}

fn transition(params: &Transition, target: &Target<'_>) -> Result<Call, ToolError> {
    let (cloud, key) = split(&params.issue.0);
    let id = jira_transition(&params.issue.0, &params.transition_id.0, "/transition_id")?;
    let url = api(target, cloud, &["issue", key, "transitions"])?;
    Ok(Call::new(Method::Post, url).json(json!({ "transition": { "id": id } })))
}

fn read_transitioned(params: &Transition, _: &Answer) -> Result<ActionOutput, ToolError> {
    let (_, key) = split(&params.issue.0);
    let id = jira_transition(&params.issue.0, &params.transition_id.0, "/transition_id")?;
    let summary = format!("Moved {key} (transition {id}).");
    Ok(ActionOutput::new(summary, json!({ "issue": key, "transition": id })))
}
