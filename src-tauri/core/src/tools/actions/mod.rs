//! The code of each action, by provider: its parameters type (the schema is derived from it),
//! the request it plans from valid arguments, and how its answer reads. Registered by id in
//! `all`; the catalogue joins them to their descriptions.

mod atlassian;
mod calendar;
mod confluence;
mod drive;
mod github;
mod github_contents;
mod gmail;
mod html_text;
mod jira;
mod notion;
mod picked;
mod sheets;
mod slack;
mod supabase;
mod telegram;

use serde::de::DeserializeOwned;
use url::Url;

use super::call::Call;
use super::error::ToolError;
use super::output::ActionOutput;
use crate::connections::Connection;
use crate::oauth::http::secure_url;

/// Where an action's requests go: the provider's API base and the connection they act for.
pub struct Target<'a> {
    pub api_base: &'a str,
    /// Its settings give some providers their API base (Supabase's project URL).
    pub connection: &'a Connection,
}

impl Target<'_> {
    /// The API base with `segments` appended (`api_url`).
    pub fn url(&self, segments: &[&str]) -> Result<Url, ToolError> {
        api_url(self.api_base, segments)
    }
}

/// `base` with `segments` appended, each percent-encoded as one path segment (a repository or
/// file name can never add a path of its own): a `%` is sent as itself (`%25`, by `url`), so
/// `%2e%2e` cannot climb, and a `.` or `..` segment is refused rather than resolved.
fn api_url(base: &str, segments: &[&str]) -> Result<Url, ToolError> {
    if let Some(dots) = segments.iter().find(|segment| matches!(**segment, "." | "..")) {
        return Err(ToolError::Plan(format!("a name or path cannot hold the part “{dots}”")));
    }
    // https, or plain http only to this computer, as every request of the core.
    let mut url = secure_url(base).map_err(|error| ToolError::Plan(error.to_string()))?;
    url.path_segments_mut()
        .map_err(|()| ToolError::Plan("the provider's address cannot take a path".into()))?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// A provider's answer to a sent request: its JSON (`Null` for an empty body).
pub struct Answer {
    pub json: serde_json::Value,
}

/// One action's code, its parameters type erased behind the schema and two functions.
pub struct ActionCode {
    pub id: &'static str,
    pub schema: fn() -> schemars::Schema,
    pub plan: fn(&serde_json::Value, &Target<'_>) -> Result<Call, ToolError>,
    pub read: fn(&serde_json::Value, &Answer) -> Result<ActionOutput, ToolError>,
}

/// Arguments already valid against the schema, as the parameters type.
fn parse<P: DeserializeOwned>(arguments: &serde_json::Value) -> Result<P, ToolError> {
    serde_json::from_value(arguments.clone()).map_err(|error| ToolError::InvalidArguments(vec![error.to_string()]))
}

/// Registers an action: its id, parameters type, and plan and read functions.
macro_rules! action {
    ($id:literal, $params:ty, $plan:path, $read:path) => {
        $crate::tools::actions::ActionCode {
            id: $id,
            schema: || schemars::schema_for!($params),
            plan: |arguments, target| $plan(&$crate::tools::actions::parse::<$params>(arguments)?, target),
            read: |arguments, answer| $read(&$crate::tools::actions::parse::<$params>(arguments)?, answer),
        }
    };
}
pub(crate) use action;

/// A string parameter of its own type, inlined in the schema as a `pattern` (and a `maxLength`),
/// and, where a picker can choose it, the provider and kind of resource it names; `within` names
/// the argument whose chosen value is the place that picker opens at (a file in the repository
/// chosen above, an issue's transitions), so a form need not browse there again.
macro_rules! string_param {
    ($(#[$meta:meta])* $name:ident, pattern = $pattern:expr $(, max_length = $max:expr)? $(, picker = ($provider:literal, $kind:literal $(, within = $within:literal)?))?) => {
        $(#[$meta])*
        #[derive(Debug, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                #[allow(unused_mut)]
                let mut schema = schemars::json_schema!({ "type": "string", "pattern": $pattern });
                $(schema.insert("maxLength".into(), serde_json::json!($max));)?
                $(
                    #[allow(unused_mut)]
                    let mut picker = serde_json::json!({ "provider": $provider, "kind": $kind });
                    $(picker["within"] = serde_json::json!($within);)?
                    schema.insert("x-resource-picker".into(), picker);
                )?
                schema
            }
        }
    };
}
pub(crate) use string_param;

pub fn all() -> Vec<ActionCode> {
    let mut all = github::actions();
    all.extend(gmail::actions());
    all.extend(calendar::actions());
    all.extend(drive::actions());
    all.extend(sheets::actions());
    all.extend(jira::actions());
    all.extend(confluence::actions());
    all.extend(notion::actions());
    all.extend(slack::actions());
    all.extend(supabase::actions());
    all.extend(telegram::actions());
    all
}

/// A text field of a JSON answer.
pub fn text<'a>(json: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    json.get(name).and_then(serde_json::Value::as_str)
}

/// The items of a JSON array answer (none when it is not one).
pub fn items(json: &serde_json::Value) -> &[serde_json::Value] {
    json.as_array().map(Vec::as_slice).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::api_url;

    #[test]
    fn a_path_from_the_arguments_cannot_climb_out_of_where_it_was_put() {
        let base = "https://api.github.com";
        let url = |segments: &[&str]| api_url(base, segments).map(|url| url.to_string()).ok();
        assert_eq!(
            url(&[
                "repos",
                "octocat",
                "hello-world",
                "contents",
                "%2e%2e",
                "%2E%2e",
                "secret"
            ])
            .as_deref(),
            Some("https://api.github.com/repos/octocat/hello-world/contents/%252e%252e/%252E%252e/secret"),
            "an encoded dot-dot is a file name, sent as typed, never a step up"
        );
        assert_eq!(
            url(&["repos", "o", "r", "contents", "100% done.md", "a/b?c#d"]).as_deref(),
            Some("https://api.github.com/repos/o/r/contents/100%25%20done.md/a%2Fb%3Fc%23d"),
            "a percent, a slash, a question mark and a hash stay inside their segment"
        );
        for dots in [".", ".."] {
            assert!(
                api_url(base, &["repos", "o", "r", "contents", dots, "x"]).is_err(),
                "a `{dots}` segment is refused, not resolved"
            );
        }
    }
}
