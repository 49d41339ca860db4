//! GitHub: the repositories the account reaches (`GET /user/repos`), a repository's branches,
//! and a branch's directories and files (the contents API). Not issues or pull requests.
//!
//! Locations: none is the repositories; `owner/repo` its branches; `owner/repo:branch` the
//! branch's top directory; `owner/repo:branch:path/to/dir` a directory (a branch never holds
//! `:`, so everything after the second one is the path). Ids: `owner/repo`,
//! `owner/repo:branch`, `owner/repo:branch:path/to/file`. Pages follow the Link header; GitHub
//! does not search these lists, so the listing filters them by name.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::super::model::Resource;
use super::super::source::{
    api_url, bad_location, count_of, flag, joined_detail, plain_id, text_field, ApiAnswer, Next, Parsed, Plan, Query,
    Source,
};
use crate::resources::error::ResourceError;
use crate::resources::KindId;

pub struct GitHub;

/// What a path segment keeps unescaped: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A place in GitHub, as a location names it.
struct Place<'a> {
    /// `owner/repo`, checked.
    repo: &'a str,
    branch: Option<&'a str>,
    /// A directory under the branch's top, checked.
    path: Option<&'a str>,
}

impl Source for GitHub {
    fn plan(&self, query: &Query) -> Result<Plan, ResourceError> {
        let Some(place) = place_of(query)? else {
            return plan_repos(query);
        };
        let (owner, name) = place.repo.split_once('/').unwrap_or_default();
        let Some(branch) = place.branch else {
            let mut url = api_url(&query.provider.api_base_url, &format!("/repos/{owner}/{name}/branches"))?;
            url.query_pairs_mut().append_pair("per_page", "100");
            return Ok(Plan::get(url));
        };
        let mut path = format!("/repos/{owner}/{name}/contents");
        for segment in place.path.into_iter().flat_map(|path| path.split('/')) {
            path.push('/');
            path.extend(utf8_percent_encode(segment, SEGMENT));
        }
        let mut url = api_url(&query.provider.api_base_url, &path)?;
        url.query_pairs_mut().append_pair("ref", branch);
        Ok(Plan::get(url))
    }

    fn parse(&self, query: &Query, answer: &ApiAnswer) -> Result<Parsed, ResourceError> {
        let json = &answer.json;
        let items = match place_of(query)? {
            None => listed(json).filter_map(|entry| repo(query, entry)).collect(),
            Some(Place { repo, branch: None, .. }) => {
                listed(json).filter_map(|entry| branch_of(query, repo, entry)).collect()
            }
            Some(Place {
                repo,
                branch: Some(branch),
                ..
            }) => {
                let mut items: Vec<Resource> = listed(json)
                    .filter_map(|entry| content(query, repo, branch, entry))
                    .collect();
                // Directories first, each group in GitHub's order.
                items.sort_by_key(|item| item.item != "dir");
                items
            }
        };
        let next = answer.link_next.clone().map_or(Next::Done, Next::Url);
        Ok(Parsed { items, next })
    }

    fn searches(&self, _query: &Query) -> bool {
        false
    }
}

fn plan_repos(query: &Query) -> Result<Plan, ResourceError> {
    let affiliation = match query.filter {
        "owner" => "owner",
        "organization_member" => "organization_member",
        _ => "owner,collaborator,organization_member",
    };
    let mut url = api_url(&query.provider.api_base_url, "/user/repos")?;
    url.query_pairs_mut()
        .append_pair("per_page", "100")
        .append_pair("sort", "full_name")
        .append_pair("affiliation", affiliation);
    Ok(Plan::get(url))
}

/// The query's location read and checked against what its kind can open: repositories lead
/// nowhere for `github.repo`, branches nowhere for `github.branch`.
fn place_of<'a>(query: &Query<'a>) -> Result<Option<Place<'a>>, ResourceError> {
    let Some(location) = query.location else {
        return Ok(None);
    };
    let place = parse_place(location).ok_or_else(|| bad_location(location))?;
    let opens = match query.kind {
        KindId::GitHubFile => true,
        KindId::GitHubBranch => place.branch.is_none(),
        _ => false,
    };
    opens.then_some(Some(place)).ok_or_else(|| bad_location(location))
}

fn parse_place(location: &str) -> Option<Place<'_>> {
    let mut parts = location.splitn(3, ':');
    let repo = parts.next().filter(|repo| is_repo(repo))?;
    let branch = parts.next();
    if branch.is_some_and(|branch| !is_branch(branch)) {
        return None;
    }
    let path = parts.next();
    if path.is_some_and(|path| !is_path(path)) {
        return None;
    }
    Some(Place { repo, branch, path })
}

/// `owner/repo`: each part GitHub's letters, digits, `.`, `_` and `-`, at most 100, not `.`
/// or `..`.
fn is_repo(text: &str) -> bool {
    let part = |part: &str| plain_id(part, 100, b"._-") && part != "." && part != "..";
    text.split_once('/')
        .is_some_and(|(owner, name)| part(owner) && part(name))
}

/// A branch name as git allows it (`git check-ref-format`): no control character, space,
/// `~^:?*[\`, `..` or `@{`; not starting with `-` or `/`, not ending with `/`, `.` or `.lock`;
/// no empty part; at most 255 bytes.
fn is_branch(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && !text
            .chars()
            .any(|c| c.is_control() || c == ' ' || "~^:?*[\\".contains(c))
        && !text.contains("..")
        && !text.contains("@{")
        && !text.contains("//")
        && !text.starts_with(['-', '/'])
        && !text.ends_with(['/', '.'])
        && !text.ends_with(".lock")
}

/// A path in a repository: no empty, `.` or `..` segment, no control character.
fn is_path(text: &str) -> bool {
    text.len() <= 4096
        && !text.chars().any(char::is_control)
        && text
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

/// GitHub's list answers are arrays; the contents of a path that is a file is one object.
fn listed(json: &serde_json::Value) -> Box<dyn Iterator<Item = &serde_json::Value> + '_> {
    match json {
        serde_json::Value::Array(entries) => Box::new(entries.iter()),
        serde_json::Value::Object(_) => Box::new(std::iter::once(json)),
        _ => Box::new(std::iter::empty()),
    }
}

fn repo(query: &Query, entry: &serde_json::Value) -> Option<Resource> {
    let full_name = entry.get("full_name")?.as_str().filter(|name| is_repo(name))?;
    let leads = query.kind != KindId::GitHubRepo;
    Some(Resource {
        id: full_name.to_owned(),
        name: full_name.to_owned(),
        item: "repo".to_owned(),
        detail: joined_detail([
            flag(entry, "private").then(|| "Private".to_owned()),
            flag(entry, "archived").then(|| "Archived".to_owned()),
            text_field(entry, "description"),
        ]),
        location: leads.then(|| full_name.to_owned()),
        selectable: !leads,
    })
}

fn branch_of(query: &Query, repo: &str, entry: &serde_json::Value) -> Option<Resource> {
    let branch = entry.get("name")?.as_str().filter(|name| is_branch(name))?;
    let id = format!("{repo}:{branch}");
    let leads = query.kind == KindId::GitHubFile;
    Some(Resource {
        name: branch.to_owned(),
        item: "branch".to_owned(),
        detail: flag(entry, "protected").then(|| "Protected".to_owned()),
        location: leads.then(|| id.clone()),
        selectable: !leads,
        id,
    })
}

/// A directory or a file; symbolic links and submodules are left out (they lead elsewhere).
fn content(query: &Query, repo: &str, branch: &str, entry: &serde_json::Value) -> Option<Resource> {
    let path = entry.get("path")?.as_str().filter(|path| is_path(path))?;
    let name = text_field(entry, "name").unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).to_owned());
    let id = format!("{repo}:{branch}:{path}");
    let (item, detail, location) = match entry.get("type")?.as_str()? {
        "dir" => ("dir", None, Some(id.clone())),
        "file" => {
            let size = entry.get("size").and_then(serde_json::Value::as_u64);
            ("file", size.map(size_in_words), None)
        }
        _ => return None,
    };
    Some(Resource {
        name,
        item: item.to_owned(),
        detail,
        selectable: item == "file" && query.kind == KindId::GitHubFile,
        location,
        id,
    })
}

/// A file size for people: "512 bytes", "2.1 KB", "3.0 MB".
fn size_in_words(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return count_of(bytes, "byte");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
#[path = "github_tests.rs"]
mod tests;
