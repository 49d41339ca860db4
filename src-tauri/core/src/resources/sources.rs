//! Which source lists which kind.

use super::kinds::KindId;
use super::source::Source;

mod calendar;
mod github;
mod google;
mod jira;
mod slack;
mod supabase;
#[cfg(test)]
mod test_support;

/// The source that lists `kind`.
pub fn source_for(kind: KindId) -> &'static dyn Source {
    use KindId::*;
    match kind {
        DriveFile | DriveFolder | SheetsSpreadsheet | SheetsSheet => &google::Google,
        CalendarCalendar => &calendar::Calendar,
        GitHubRepo | GitHubBranch | GitHubFile => &github::GitHub,
        SlackChannel | SlackUser => &slack::Slack,
        JiraSite | JiraProject | JiraIssue | JiraTransition => &jira::Jira,
        SupabaseTable | SupabaseColumn => &supabase::Supabase,
    }
}
