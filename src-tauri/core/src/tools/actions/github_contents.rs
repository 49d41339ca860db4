//! GitHub's file contents action: a text file of a repository at a branch, tag or commit
//! (`GET /repos/{owner}/{repo}/contents/{path}?ref=`), its path and ref as typed or as the file
//! and branch pickers name them (`picked`), its base64 content decoded and cut to a size.

use base64::Engine;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::github::Repository;
use super::{picked, string_param, text, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{bounded, ActionOutput, MAX_SUMMARY_BYTES};

/// How much of a file's text a run keeps.
const MAX_FILE_TEXT: usize = 100 * 1024;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetFileContent {
    /// The repository, as owner/name.
    repository: Repository,
    /// The file's path in the repository, such as docs/README.md.
    path: FilePath,
    /// A branch, tag or commit (if not given: the branch the file was chosen on, or the default).
    #[serde(default, rename = "ref")]
    reference: Option<Reference>,
}

string_param!(
    /// A file's path in the repository (`docs/README.md`), or the file as the file picker names
    /// it (`owner/repo:branch:docs/README.md`, in the repository chosen above).
    FilePath,
    pattern = r"^[^\x00-\x1f\x7f]+$",
    max_length = 4096,
    picker = ("github", "github.file", within = "repository")
);

string_param!(
    /// A branch, tag or commit, or a branch as the branch picker names it (`owner/repo:branch`,
    /// in the repository chosen above).
    Reference,
    pattern = r"^([A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}:)?[^\s:~^?*\[\\\x00-\x1f\x7f]+$",
    max_length = 400,
    picker = ("github", "github.branch", within = "repository")
);

impl GetFileContent {
    /// The path and the ref to read it at, from the arguments as typed or as picked.
    fn file(&self) -> Result<(&str, Option<&str>), ToolError> {
        let repository = &self.repository.0;
        let (path, picked_on) = picked::github_file(repository, &self.path.0, "/path")?;
        let given = self
            .reference
            .as_ref()
            .map(|reference| picked::github_ref(repository, &reference.0, "/ref"))
            .transpose()?;
        Ok((path, picked::github_file_ref(given, picked_on, "/ref")?))
    }
}

pub(super) fn file_content(params: &GetFileContent, target: &Target<'_>) -> Result<Call, ToolError> {
    let (owner, name) = params.repository.parts();
    let (path, reference) = params.file()?;
    let mut segments = vec!["repos", owner, name, "contents"];
    segments.extend(path.split('/').filter(|segment| !segment.is_empty()));
    let mut url = target.url(&segments)?;
    if let Some(reference) = reference {
        url.query_pairs_mut().append_pair("ref", reference);
    }
    Ok(Call::new(Method::Get, url))
}

pub(super) fn read_file_content(params: &GetFileContent, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let path = params.file().map_or(params.path.0.as_str(), |(path, _)| path);
    if text(&answer.json, "type") != Some("file") {
        return Err(ToolError::Plan(format!("{path} is a folder, not a file")));
    }
    let encoded: String = text(&answer.json, "content")
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| ToolError::Unreadable {
            provider: "GitHub".into(),
        })?;
    let whole = String::from_utf8_lossy(&bytes);
    let content = bounded(&whole, MAX_FILE_TEXT);
    let link = text(&answer.json, "html_url").map(str::to_owned);
    let summary = bounded(
        &format!("{path} in {} ({} bytes):\n{whole}", params.repository.0, bytes.len()),
        MAX_SUMMARY_BYTES,
    );
    let data = json!({ "path": path, "size": bytes.len(), "text": content, "cut": content.len() < whole.len() });
    Ok(ActionOutput::new(summary, data).link(link))
}

#[cfg(test)]
mod tests {
    use super::GetFileContent;

    fn file_of(arguments: serde_json::Value) -> Option<(String, Option<String>)> {
        let params: GetFileContent = serde_json::from_value(arguments).expect("arguments of the schema's shape");
        let (path, reference) = params.file().ok()?;
        Some((path.to_owned(), reference.map(str::to_owned)))
    }

    #[test]
    fn a_file_and_branch_chosen_with_the_pickers_are_read_where_they_were_chosen() {
        let typed = serde_json::json!({"repository": "octocat/hello-world", "path": "docs/guide.md", "ref": "develop"});
        assert_eq!(
            file_of(typed),
            Some(("docs/guide.md".into(), Some("develop".into()))),
            "typed"
        );
        let picked = serde_json::json!({"repository": "octocat/hello-world", "path": "octocat/hello-world:develop:docs/guide.md"});
        assert_eq!(
            file_of(picked),
            Some(("docs/guide.md".into(), Some("develop".into()))),
            "a picked file is read on the branch it was chosen on"
        );
        let both = serde_json::json!({
            "repository": "octocat/hello-world",
            "path": "octocat/hello-world:develop:docs/guide.md",
            "ref": "octocat/hello-world:develop"
        });
        assert_eq!(
            file_of(both),
            Some(("docs/guide.md".into(), Some("develop".into()))),
            "both picked"
        );
        let disagree = serde_json::json!({
            "repository": "octocat/hello-world",
            "path": "octocat/hello-world:main:docs/guide.md",
            "ref": "develop"
        });
        assert_eq!(file_of(disagree), None, "a file chosen on main is not read on develop");
    }
}
