//! A value chosen with a picker, where an action wants a plain name. A picker's id names an
//! item with its parents, as `resources/sources` write ids: a GitHub branch
//! `owner/repo:branch`, a file `owner/repo:branch:path`, a Supabase column `table.column`, a
//! Jira transition `<cloudId>/<KEY-12>:<id>`.
//! These read either form (as typed, or as picked) back into the name, and refuse an item
//! picked under another parent than the one the action was given. No I/O.

use crate::tools::error::ToolError;

/// An argument that cannot be used, named by its JSON pointer.
fn refused(pointer: &str, why: String) -> ToolError {
    ToolError::InvalidArguments(vec![format!("{pointer}: {why}")])
}

/// A GitHub branch, tag or commit as typed, or a branch as the branch picker names it
/// (`owner/repo:branch`: a ref never holds `:`).
pub fn github_ref<'a>(repository: &str, reference: &'a str, pointer: &str) -> Result<&'a str, ToolError> {
    match reference.split_once(':') {
        None => Ok(reference),
        Some((repo, branch)) if repo.eq_ignore_ascii_case(repository) => Ok(branch),
        Some((repo, _)) => Err(refused(
            pointer,
            format!("the branch was chosen in {repo}, not in {repository}"),
        )),
    }
}

/// A file's path in a repository and the branch it was picked on: `docs/a.md` as typed (no
/// branch), or `owner/repo:branch:docs/a.md` as the file picker names it. Only a path that
/// starts with the action's own repository and `:` is read as picked.
pub fn github_file<'a>(
    repository: &str,
    path: &'a str,
    pointer: &str,
) -> Result<(&'a str, Option<&'a str>), ToolError> {
    let picked = path
        .get(..repository.len())
        .filter(|start| start.eq_ignore_ascii_case(repository))
        .and_then(|_| path[repository.len()..].strip_prefix(':'));
    let Some(rest) = picked else {
        return Ok((path, None));
    };
    match rest.split_once(':') {
        Some((branch, file)) if !branch.is_empty() && !file.is_empty() => Ok((file, Some(branch))),
        _ => Err(refused(
            pointer,
            "a picked file is named owner/repo:branch:path".to_owned(),
        )),
    }
}

/// The ref a file is read at: the one given, else the branch the file was picked on; both given
/// must agree.
pub fn github_file_ref<'a>(
    given: Option<&'a str>,
    picked_on: Option<&'a str>,
    pointer: &str,
) -> Result<Option<&'a str>, ToolError> {
    match (given, picked_on) {
        (Some(given), Some(branch)) if given != branch => Err(refused(
            pointer,
            format!("the file was chosen on {branch}, not on {given}"),
        )),
        (given, picked_on) => Ok(given.or(picked_on)),
    }
}

/// A column's name as typed, or as the column picker names it (`table.column`: a name never
/// holds `.`), which must be a column of `table`.
pub fn supabase_column<'a>(table: &str, column: &'a str, pointer: &str) -> Result<&'a str, ToolError> {
    match column.split_once('.') {
        None => Ok(column),
        Some((of, name)) if of == table => Ok(name),
        Some((of, _)) => Err(refused(
            pointer,
            format!("the column was chosen in the table {of}, not in {table}"),
        )),
    }
}

/// A Jira transition's id as typed (digits), or as the transition picker names it
/// (`<cloudId>/<KEY-12>:<id>`), which must have been listed for `issue` (`<cloudId>/<KEY-12>`):
/// ids belong to a workflow, so one listed for another issue could move this one elsewhere.
pub fn jira_transition<'a>(issue: &str, transition: &'a str, pointer: &str) -> Result<&'a str, ToolError> {
    match transition.rsplit_once(':') {
        None => Ok(transition),
        Some((of, id)) if of == issue => Ok(id),
        Some((of, _)) => {
            let key = |id: &'a str| id.rsplit('/').next().unwrap_or(id);
            Err(refused(
                pointer,
                format!(
                    "the status was chosen for {}, not for {}; choose it again for this issue",
                    key(of),
                    issue.rsplit('/').next().unwrap_or(issue)
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picked_id_reads_back_as_the_name_its_action_sends() {
        let repo = "octocat/hello-world";
        assert_eq!(github_ref(repo, "develop", "/ref").ok(), Some("develop"), "typed");
        assert_eq!(
            github_ref(repo, "octocat/hello-world:develop", "/ref").ok(),
            Some("develop"),
            "as the branch picker names it"
        );
        assert_eq!(
            github_file(repo, "docs/guide.md", "/path").ok(),
            Some(("docs/guide.md", None)),
            "typed: no branch"
        );
        assert_eq!(
            github_file(repo, "octocat/hello-world:main:docs/a:b.md", "/path").ok(),
            Some(("docs/a:b.md", Some("main"))),
            "as the file picker names it (everything after the branch is the path)"
        );
        assert_eq!(supabase_column("todos", "task", "/columns/0").ok(), Some("task"));
        assert_eq!(supabase_column("todos", "todos.task", "/columns/0").ok(), Some("task"));
        let issue = "11223344-5566-7788-99aa-bbccddeeff00/EX-12";
        assert_eq!(jira_transition(issue, "31", "/transition_id").ok(), Some("31"), "typed");
        assert_eq!(
            jira_transition(issue, &format!("{issue}:31"), "/transition_id").ok(),
            Some("31"),
            "as the transition picker names it"
        );
    }

    #[test]
    fn an_item_picked_under_another_parent_is_refused_by_its_pointer() {
        let repo = "octocat/hello-world";
        let refusals = [
            github_ref(repo, "monalisa/other:main", "/ref").map(|_| ()),
            github_file(repo, "octocat/hello-world:main", "/path").map(|_| ()),
            github_file_ref(Some("develop"), Some("main"), "/ref").map(|_| ()),
            supabase_column("todos", "users.email", "/order/column").map(|_| ()),
            jira_transition(
                "11223344-5566-7788-99aa-bbccddeeff00/EX-12",
                "11223344-5566-7788-99aa-bbccddeeff00/OPS-4:31",
                "/transition_id",
            )
            .map(|_| ()),
        ];
        let pointers = ["/ref", "/path", "/ref", "/order/column", "/transition_id"];
        for (refusal, pointer) in refusals.into_iter().zip(pointers) {
            match refusal {
                Err(ToolError::InvalidArguments(problems)) => assert!(
                    problems[0].starts_with(&format!("{pointer}: ")),
                    "the field at fault is named: {problems:?}"
                ),
                other => panic!("{pointer}: a mismatched parent is refused before anything is sent: {other:?}"),
            }
        }
        assert_eq!(
            github_file_ref(None, Some("main"), "/ref").ok(),
            Some(Some("main")),
            "no ref given: the file is read on the branch it was picked on"
        );
    }
}
