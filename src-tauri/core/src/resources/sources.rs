//! Which source lists which kind: the kind id's first part names the product family.

use super::source::Source;

mod calendar;
mod github;
mod google;
mod jira;
mod slack;
mod supabase;
#[cfg(test)]
mod test_support;

/// The source for a kind id, if there is one.
pub fn source_for(kind: &str) -> Option<&'static dyn Source> {
    let family = kind.split_once('.').map_or(kind, |(family, _)| family);
    match family {
        "drive" | "sheets" => Some(&google::Google),
        "calendar" => Some(&calendar::Calendar),
        "github" => Some(&github::GitHub),
        "slack" => Some(&slack::Slack),
        "jira" => Some(&jira::Jira),
        "supabase" => Some(&supabase::Supabase),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_source() {
        for kind in super::super::all_kinds() {
            assert!(
                source_for(&kind.id).is_some(),
                "{} can be asked for but nothing lists it",
                kind.id
            );
        }
    }
}
