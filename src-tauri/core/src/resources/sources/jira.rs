//! Jira (through Atlassian's API gateway): the sites the token reaches
//! (`accessible-resources`), a site's projects (`project/search`), a project's issues
//! (`search/jql`, latest updated first) and an issue's transitions (`issue/{key}/transitions`,
//! each named by the status it moves the issue to). Not boards, sprints or comments.
//!
//! A connection made with an API token reaches only its own site, on the site itself
//! (`{site_url}/rest/api/3/…`): its sites are the one it recorded, listed without a request.
//!
//! Locations: none is the sites; `<cloudId>` a site's projects; `<cloudId>/<KEY>` a project's
//! issues; `<cloudId>/<KEY-12>` an issue's transitions. Ids: `<cloudId>` (a site),
//! `<cloudId>/<KEY>` (a project), `<cloudId>/<KEY-12>` (an issue), and
//! `<cloudId>/<KEY-12>:<id>` (a transition: its id is only meaningful for the issue it was
//! listed for, whose workflow it belongs to, so it names that issue). Jira searches projects and issues
//! itself; sites and transitions are filtered by the listing.

use super::super::model::Resource;
use super::super::source::{
    api_url, array, bad_location, joined_detail, next_param, plain_id, text_field, ApiAnswer, Next, Parsed, Plan,
    Query, Source,
};
use crate::connections::KeySite;
use crate::resources::error::ResourceError;
use crate::resources::KindId;

pub struct Jira;

/// Where the sites are listed when the catalogue does not say.
const SITES_PATH: &str = "/oauth/token/accessible-resources";
const ISSUE_FIELDS: &str = "summary,status,issuetype";

/// A place in Jira, as a location names it (checked).
enum Place<'a> {
    Sites,
    Site(&'a str),
    Project { cloud: &'a str, key: &'a str },
    Issue { cloud: &'a str, key: &'a str },
}

impl Source for Jira {
    fn plan(&self, query: &Query) -> Result<Plan, ResourceError> {
        let base = &query.provider.api_base_url;
        let url = match place_of(query)? {
            Place::Sites if KeySite::of(query.config).is_some() => {
                let recorded = query.config.get("sites").and_then(serde_json::Value::as_array);
                return Ok(Plan {
                    leading: recorded
                        .into_iter()
                        .flatten()
                        .filter_map(|entry| site(query, entry))
                        .collect(),
                    request: None,
                });
            }
            Place::Sites => {
                let sites = query
                    .provider
                    .identity
                    .as_ref()
                    .and_then(|identity| identity.sites_url.as_deref());
                // Relative to the gateway, like the catalogue's identity URLs, or absolute.
                match sites.unwrap_or(SITES_PATH) {
                    relative if relative.starts_with('/') => api_url(base, relative)?,
                    absolute => api_url(absolute, "")?,
                }
            }
            Place::Site(cloud) => {
                let mut url = site_api(query, cloud, "/rest/api/3/project/search")?;
                url.query_pairs_mut()
                    .append_pair("maxResults", "50")
                    .append_pair("orderBy", "name");
                if let Some(search) = query.search {
                    url.query_pairs_mut().append_pair("query", search);
                }
                url
            }
            Place::Project { cloud, key } => {
                let mut jql = format!("project = \"{key}\"");
                if let Some(search) = query.search {
                    jql.push_str(&format!(" AND text ~ \"{}\"", jql_string(search)));
                }
                jql.push_str(" ORDER BY updated DESC");
                let mut url = site_api(query, cloud, "/rest/api/3/search/jql")?;
                url.query_pairs_mut()
                    .append_pair("jql", &jql)
                    .append_pair("maxResults", "100")
                    .append_pair("fields", ISSUE_FIELDS);
                url
            }
            Place::Issue { cloud, key } => site_api(query, cloud, &format!("/rest/api/3/issue/{key}/transitions"))?,
        };
        Ok(Plan::get(url))
    }

    fn parse(&self, query: &Query, answer: &ApiAnswer) -> Result<Parsed, ResourceError> {
        let json = &answer.json;
        Ok(match place_of(query)? {
            Place::Sites => Parsed {
                items: json
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|entry| site(query, entry))
                    .collect(),
                next: Next::Done,
            },
            Place::Site(cloud) => Parsed {
                items: array(json, "values")
                    .filter_map(|entry| project(query, cloud, entry))
                    .collect(),
                next: projects_next(json),
            },
            Place::Project { cloud, .. } => Parsed {
                items: array(json, "issues")
                    .filter_map(|entry| issue(query, cloud, entry))
                    .collect(),
                next: next_param("nextPageToken", text_field(json, "nextPageToken")),
            },
            Place::Issue { cloud, key } => Parsed {
                items: array(json, "transitions")
                    .filter_map(|entry| transition(cloud, key, entry))
                    .collect(),
                next: Next::Done,
            },
        })
    }

    fn searches(&self, query: &Query) -> bool {
        matches!(place_of(query), Ok(Place::Site(_) | Place::Project { .. }))
    }
}

/// The query's location read and checked against what its kind can open: sites lead nowhere
/// for `jira.site`, projects nowhere for `jira.project`, issues only to their transitions.
fn place_of<'a>(query: &Query<'a>) -> Result<Place<'a>, ResourceError> {
    let Some(location) = query.location else {
        return Ok(Place::Sites);
    };
    let place = match location.split_once('/') {
        None if is_cloud_id(location) => Place::Site(location),
        Some((cloud, key)) if is_cloud_id(cloud) && is_project_key(key) => Place::Project { cloud, key },
        Some((cloud, key)) if is_cloud_id(cloud) && is_issue_key(key) => Place::Issue { cloud, key },
        _ => return Err(bad_location(location)),
    };
    let opens = match (&place, query.kind) {
        (Place::Site(_), kind) => matches!(kind, KindId::JiraProject | KindId::JiraIssue | KindId::JiraTransition),
        (Place::Project { .. }, kind) => matches!(kind, KindId::JiraIssue | KindId::JiraTransition),
        (Place::Issue { .. }, kind) => kind == KindId::JiraTransition,
        (Place::Sites, _) => false,
    };
    if opens {
        Ok(place)
    } else {
        Err(bad_location(location))
    }
}

/// `rest` (`/rest/api/3/…`) at site `cloud`: through the gateway for a signed-in account, on
/// the site itself for an API token, which reaches no other site.
fn site_api(query: &Query, cloud: &str, rest: &str) -> Result<url::Url, ResourceError> {
    match KeySite::of(query.config) {
        Some(site) if site.id == cloud => api_url(site.url, rest),
        Some(_) => Err(bad_location(cloud)),
        None => api_url(&query.provider.api_base_url, &format!("/ex/jira/{cloud}{rest}")),
    }
}

/// A cloud id is a UUID: letters, digits and `-`.
fn is_cloud_id(text: &str) -> bool {
    plain_id(text, 64, b"-")
}

/// A project key: an upper-case letter, then upper-case letters, digits and `_`.
fn is_project_key(text: &str) -> bool {
    text.len() <= 32
        && text.starts_with(|c: char| c.is_ascii_uppercase())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit() || byte == b'_')
}

/// An issue key: a project key, `-`, a number.
fn is_issue_key(text: &str) -> bool {
    text.rsplit_once('-').is_some_and(|(project, number)| {
        is_project_key(project) && plain_id(number, 12, b"") && number.bytes().all(|byte| byte.is_ascii_digit())
    })
}

/// Text inside a JQL double-quoted string: `\` and `"` escaped with a backslash.
fn jql_string(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn site(query: &Query, entry: &serde_json::Value) -> Option<Resource> {
    let cloud = entry.get("id")?.as_str().filter(|id| is_cloud_id(id))?;
    let leads = query.kind != KindId::JiraSite;
    Some(Resource {
        id: cloud.to_owned(),
        name: text_field(entry, "name").unwrap_or_else(|| cloud.to_owned()),
        item: "site".to_owned(),
        detail: text_field(entry, "url"),
        location: leads.then(|| cloud.to_owned()),
        selectable: !leads,
    })
}

fn project(query: &Query, cloud: &str, entry: &serde_json::Value) -> Option<Resource> {
    let key = entry.get("key")?.as_str().filter(|key| is_project_key(key))?;
    let id = format!("{cloud}/{key}");
    let leads = matches!(query.kind, KindId::JiraIssue | KindId::JiraTransition);
    Some(Resource {
        name: text_field(entry, "name").unwrap_or_else(|| key.to_owned()),
        item: "project".to_owned(),
        detail: Some(key.to_owned()),
        location: leads.then(|| id.clone()),
        selectable: !leads,
        id,
    })
}

fn issue(query: &Query, cloud: &str, entry: &serde_json::Value) -> Option<Resource> {
    let key = entry.get("key")?.as_str().filter(|key| is_issue_key(key))?;
    let fields = entry.get("fields");
    let named = |field: &str| {
        fields
            .and_then(|fields| fields.get(field))
            .and_then(|of| text_field(of, "name"))
    };
    let id = format!("{cloud}/{key}");
    let leads = query.kind == KindId::JiraTransition;
    Some(Resource {
        name: fields
            .and_then(|fields| text_field(fields, "summary"))
            .unwrap_or_else(|| key.to_owned()),
        item: "issue".to_owned(),
        detail: joined_detail([Some(key.to_owned()), named("status"), named("issuetype")]),
        location: leads.then(|| id.clone()),
        selectable: !leads,
        id,
    })
}

/// A transition, named by the status it moves the issue to ("Done"), its own name beside it
/// when that says something else ("Start progress").
fn transition(cloud: &str, key: &str, entry: &serde_json::Value) -> Option<Resource> {
    // Digits, as `jira.transition_issue` takes them after the issue.
    let id = (entry.get("id")?.as_str())
        .filter(|id| plain_id(id, 9, b"") && id.bytes().all(|byte| byte.is_ascii_digit()))?;
    let id = format!("{cloud}/{key}:{id}");
    let name = text_field(entry, "name");
    let status = entry.get("to").and_then(|to| text_field(to, "name"));
    let detail = name.clone().filter(|name| Some(name) != status.as_ref());
    Some(Resource {
        name: status.or(name).unwrap_or_else(|| id.clone()),
        id,
        item: "transition".to_owned(),
        detail,
        location: None,
        selectable: true,
    })
}

/// `project/search` pages by `startAt` until `isLast`. Its `nextPage` URL is not followed: it
/// may name the site's own host rather than the gateway the token is for, and the listing never
/// sends a token to another origin, so following it could end the list early.
fn projects_next(json: &serde_json::Value) -> Next {
    let last = json.get("isLast").and_then(serde_json::Value::as_bool) != Some(false);
    let got = array(json, "values").count() as u64;
    if last || got == 0 {
        return Next::Done;
    }
    let start = json.get("startAt").and_then(serde_json::Value::as_u64).unwrap_or(0);
    next_param("startAt", Some((start + got).to_string()))
}

#[cfg(test)]
#[path = "jira_tests.rs"]
mod tests;
