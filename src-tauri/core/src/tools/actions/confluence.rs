//! Confluence Cloud's actions through Atlassian's gateway: a page search with CQL (REST v1
//! `search`, the only API with CQL; v2 has no search) and creating a page (REST v2 `pages`, a
//! space's numeric id and a body in storage format). The site is chosen as for Jira (the
//! `site` parameter, else the connection's); links are the site's own, from the answer's
//! `_links.base`.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::atlassian::{cloud_id, site_url};
use super::jira::Site;
use super::{action, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{bounded, list_summary, ActionOutput};

/// How much of a search excerpt a result keeps.
const MAX_EXCERPT: usize = 300;

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("confluence.search_pages", SearchPages, search_pages, read_pages),
        action!("confluence.create_page", CreatePage, create_page, read_created),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchPages {
    /// Words to find in pages' titles and text.
    #[schemars(length(min = 1, max = 500))]
    query: String,
    /// Only pages in this space, by its key (such as ENG).
    #[serde(default)]
    #[schemars(regex(pattern = r"^~?[A-Za-z0-9_]{1,255}$"))]
    space: Option<String>,
    /// The site (the connection's site if not given).
    #[serde(default)]
    site: Option<Site>,
    /// How many (1–50, 10 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 50))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePage {
    /// The space's numeric id (confluence.search_pages gives each page's space id).
    #[schemars(regex(pattern = r"^[0-9]{1,20}$"))]
    space_id: String,
    /// The page's title (unique in its space).
    #[schemars(length(min = 1, max = 255))]
    title: String,
    /// The page's text, as plain text (blank lines separate paragraphs).
    #[schemars(length(min = 1, max = 100000))]
    body: String,
    /// The id of the page to put it under (the space's home page if not given).
    #[serde(default)]
    #[schemars(regex(pattern = r"^[0-9]{1,20}$"))]
    parent_id: Option<String>,
    /// The site (the connection's site if not given).
    #[serde(default)]
    site: Option<Site>,
}

/// Text inside a CQL double-quoted string.
fn cql_string(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn search_pages(params: &SearchPages, target: &Target<'_>) -> Result<Call, ToolError> {
    let cloud = cloud_id(target, params.site.as_ref().map(|site| site.0.as_str()))?;
    let mut cql = format!("type=page AND text ~ \"{}\"", cql_string(&params.query));
    if let Some(space) = &params.space {
        cql.push_str(&format!(" AND space = \"{}\"", cql_string(space)));
    }
    let mut url = site_url(target, "confluence", cloud, &["wiki", "rest", "api", "search"])?;
    url.query_pairs_mut()
        .append_pair("cql", &cql)
        .append_pair("limit", &params.limit.unwrap_or(10).to_string())
        .append_pair("expand", "content.space");
    Ok(Call::new(Method::Get, url))
}

/// The site's wiki address from an answer's `_links.base`, if it is one.
fn base_of(json: &Value) -> Option<&str> {
    json.get("_links")
        .and_then(|links| text(links, "base"))
        .filter(|base| base.starts_with("https://") || base.starts_with("http://"))
}

/// Confluence marks the words it matched with `@@@hl@@@…@@@endhl@@@`.
fn unmarked(text: &str) -> String {
    text.replace("@@@hl@@@", "").replace("@@@endhl@@@", "")
}

fn read_pages(_: &SearchPages, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let base = base_of(&answer.json);
    let pages: Vec<Value> = answer
        .json
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|result| {
            let content = result.get("content");
            let space = content.and_then(|content| content.get("space"));
            let title = content
                .and_then(|content| text(content, "title"))
                .or_else(|| text(result, "title"))
                .map(unmarked);
            json!({
                "id": content.and_then(|content| text(content, "id")),
                "title": title,
                "space": space.and_then(|space| text(space, "key")),
                "spaceId": space.and_then(|space| space.get("id")).map(|id| match id {
                    Value::Number(number) => number.to_string(),
                    other => other.as_str().unwrap_or_default().to_owned(),
                }),
                "excerpt": bounded(&unmarked(text(result, "excerpt").unwrap_or_default()), MAX_EXCERPT),
                "url": base.zip(text(result, "url")).map(|(base, path)| format!("{base}{path}")),
            })
        })
        .collect();
    let lines = pages.iter().map(|page| {
        format!(
            "{} (page {}, space {} id {})",
            text(page, "title").unwrap_or("?"),
            text(page, "id").unwrap_or("?"),
            text(page, "space").unwrap_or("?"),
            text(page, "spaceId").unwrap_or("?")
        )
    });
    let summary = list_summary(pages.len(), "pages", lines.collect::<Vec<_>>());
    Ok(ActionOutput::new(summary, Value::Array(pages)))
}

/// Text escaped for Confluence's storage format (XHTML).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Plain text as storage format: a `<p>` per blank-line-separated block, `<br/>` per line break.
fn storage(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|block| block.trim_matches('\n'))
        .filter(|block| !block.trim().is_empty())
        .map(|block| format!("<p>{}</p>", escaped(block).replace('\n', "<br/>")))
        .collect()
}

fn create_page(params: &CreatePage, target: &Target<'_>) -> Result<Call, ToolError> {
    let cloud = cloud_id(target, params.site.as_ref().map(|site| site.0.as_str()))?;
    let mut body = json!({
        "spaceId": params.space_id,
        "status": "current",
        "title": params.title,
        "body": { "representation": "storage", "value": storage(&params.body) },
    });
    if let Some(parent) = &params.parent_id {
        body["parentId"] = json!(parent);
    }
    let url = site_url(target, "confluence", cloud, &["wiki", "api", "v2", "pages"])?;
    Ok(Call::new(Method::Post, url).json(body))
}

fn read_created(params: &CreatePage, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let id = text(&answer.json, "id");
    let link = base_of(&answer.json)
        .zip(answer.json.get("_links").and_then(|links| text(links, "webui")))
        .map(|(base, path)| format!("{base}{path}"));
    let summary = format!("Created the page “{}” (id {}).", params.title, id.unwrap_or("?"));
    Ok(ActionOutput::new(summary, json!({ "id": id, "title": params.title, "url": link })).link(link))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_into_paragraphs() {
        assert_eq!(
            storage("a <b> & \"c\"\nd\n\n\ne"),
            "<p>a &lt;b&gt; &amp; &quot;c&quot;<br/>d</p><p>e</p>"
        );
    }
}
