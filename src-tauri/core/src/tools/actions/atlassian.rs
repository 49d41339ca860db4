//! What Jira's and Confluence's actions share: which Atlassian site (cloud id) a request goes
//! to, through the API gateway (`{api_base}/ex/<product>/{cloudId}/…`) or, for an API token, on
//! the site itself (`{site_url}/…`); and plain text as an Atlassian Document Format document.
//!
//! The site is the action's `site` parameter (the site picker's id), else the connection's site
//! (its `config.site`, where connecting recorded one); Jira's picked projects and issues carry
//! their own (`<cloudId>/<KEY>`).

use serde_json::{json, Value};

use super::Target;
use crate::connections::KeySite;
use crate::tools::error::ToolError;

/// The cloud id to use: `given` (the site picker's id), else the connection's site.
pub fn cloud_id<'a>(target: &'a Target<'_>, given: Option<&'a str>) -> Result<&'a str, ToolError> {
    given
        .or_else(|| target.connection.config.get("site").and_then(Value::as_str))
        .filter(|id| !id.is_empty() && id.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-'))
        .ok_or_else(|| ToolError::Plan("no Atlassian site was given and the connection has none; choose a site".into()))
}

/// The URL of `path` on `product` ("jira" or "confluence") at site `cloud`: through the gateway
/// for a signed-in account, on the site itself for an API token (which reaches no other site).
pub fn site_url(target: &Target<'_>, product: &str, cloud: &str, path: &[&str]) -> Result<url::Url, ToolError> {
    match KeySite::of(&target.connection.config) {
        Some(site) if site.id == cloud => {
            let on_site = Target {
                api_base: site.url,
                ..*target
            };
            on_site.url(path)
        }
        Some(site) => Err(ToolError::Plan(format!(
            "this connection's API token reaches only {}; choose a project there",
            site.url
        ))),
        None => {
            let mut segments = vec!["ex", product, cloud];
            segments.extend_from_slice(path);
            target.url(&segments)
        }
    }
}

/// Plain text as an ADF document: a paragraph per blank-line-separated block, its single line
/// breaks kept as hard breaks (ADF has no empty text nodes).
pub fn adf(text: &str) -> Value {
    let paragraphs: Vec<Value> = text
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(|block| block.trim_matches('\n'))
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut content = Vec::new();
            for (n, line) in block.split('\n').enumerate() {
                if n > 0 {
                    content.push(json!({ "type": "hardBreak" }));
                }
                if !line.is_empty() {
                    content.push(json!({ "type": "text", "text": line }));
                }
            }
            json!({ "type": "paragraph", "content": content })
        })
        .collect();
    json!({ "type": "doc", "version": 1, "content": paragraphs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_paragraphs_with_hard_breaks() {
        let doc = adf("One\ntwo\n\n\nThree");
        assert_eq!(
            doc,
            json!({"type": "doc", "version": 1, "content": [
                {"type": "paragraph", "content": [
                    {"type": "text", "text": "One"}, {"type": "hardBreak"}, {"type": "text", "text": "two"}
                ]},
                {"type": "paragraph", "content": [{"type": "text", "text": "Three"}]}
            ]})
        );
    }
}
