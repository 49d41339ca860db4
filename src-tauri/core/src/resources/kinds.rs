//! The kinds of resource a picker can ask for, as data: which provider and products each
//! needs, what its hierarchy's top is called, and the filters and search it offers. The
//! listing itself is each provider's source module.

use super::model::{ResourceFilter, ResourceKind};
use crate::ids::ProviderId;

/// A kind of resource, by what it is (its wire name is `as_str`: `drive.file`, `slack.user`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KindId {
    DriveFile,
    DriveFolder,
    SheetsSpreadsheet,
    SheetsSheet,
    CalendarCalendar,
    GitHubRepo,
    GitHubBranch,
    GitHubFile,
    SupabaseTable,
    SupabaseColumn,
    SlackChannel,
    SlackUser,
    JiraSite,
    JiraProject,
    JiraIssue,
    JiraTransition,
}

impl KindId {
    pub const ALL: [KindId; 16] = [
        KindId::DriveFile,
        KindId::DriveFolder,
        KindId::SheetsSpreadsheet,
        KindId::SheetsSheet,
        KindId::CalendarCalendar,
        KindId::GitHubRepo,
        KindId::GitHubBranch,
        KindId::GitHubFile,
        KindId::SupabaseTable,
        KindId::SupabaseColumn,
        KindId::SlackChannel,
        KindId::SlackUser,
        KindId::JiraSite,
        KindId::JiraProject,
        KindId::JiraIssue,
        KindId::JiraTransition,
    ];

    /// The id pickers, the CLI and action schemas use.
    pub fn as_str(self) -> &'static str {
        match self {
            KindId::DriveFile => "drive.file",
            KindId::DriveFolder => "drive.folder",
            KindId::SheetsSpreadsheet => "sheets.spreadsheet",
            KindId::SheetsSheet => "sheets.sheet",
            KindId::CalendarCalendar => "calendar.calendar",
            KindId::GitHubRepo => "github.repo",
            KindId::GitHubBranch => "github.branch",
            KindId::GitHubFile => "github.file",
            KindId::SupabaseTable => "supabase.table",
            KindId::SupabaseColumn => "supabase.column",
            KindId::SlackChannel => "slack.channel",
            KindId::SlackUser => "slack.user",
            KindId::JiraSite => "jira.site",
            KindId::JiraProject => "jira.project",
            KindId::JiraIssue => "jira.issue",
            KindId::JiraTransition => "jira.transition",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == id)
    }
}

struct KindSpec {
    id: KindId,
    provider: &'static str,
    products: &'static [&'static str],
    name: &'static str,
    root_name: &'static str,
    filters: &'static [(&'static str, &'static str)],
    searchable: bool,
}

/// Drive's file-type filters: the id is what the source turns into a `mimeType` clause.
const DRIVE_FILE_FILTERS: &[(&str, &str)] = &[
    ("any", "All files"),
    ("spreadsheet", "Spreadsheets"),
    ("document", "Documents"),
    ("presentation", "Presentations"),
    ("pdf", "PDFs"),
    ("image", "Images"),
];

/// In `KindId::ALL`'s order: `KINDS[id as usize]` is `id`'s spec (a test checks it).
const KINDS: [KindSpec; KindId::ALL.len()] = [
    KindSpec {
        id: KindId::DriveFile,
        provider: "google",
        products: &["drive"],
        name: "Drive file",
        root_name: "Drive",
        filters: DRIVE_FILE_FILTERS,
        searchable: true,
    },
    KindSpec {
        id: KindId::DriveFolder,
        provider: "google",
        products: &["drive"],
        name: "Drive folder",
        root_name: "Drive",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::SheetsSpreadsheet,
        provider: "google",
        products: &["drive", "sheets"],
        name: "Spreadsheet",
        root_name: "Spreadsheets",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::SheetsSheet,
        provider: "google",
        products: &["drive", "sheets"],
        name: "Sheet (tab)",
        root_name: "Spreadsheets",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::CalendarCalendar,
        provider: "google",
        products: &["calendar"],
        name: "Calendar",
        root_name: "Calendars",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::GitHubRepo,
        provider: "github",
        products: &["github"],
        name: "Repository",
        root_name: "Repositories",
        filters: &[
            ("all", "All repositories"),
            ("owner", "Yours"),
            ("organization_member", "Your organizations'"),
        ],
        searchable: true,
    },
    KindSpec {
        id: KindId::GitHubBranch,
        provider: "github",
        products: &["github"],
        name: "Branch",
        root_name: "Repositories",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::GitHubFile,
        provider: "github",
        products: &["github"],
        name: "File in a repository",
        root_name: "Repositories",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::SupabaseTable,
        provider: "supabase",
        products: &["supabase"],
        name: "Table or view",
        root_name: "Tables",
        filters: &[("all", "Tables and views"), ("table", "Tables"), ("view", "Views")],
        searchable: true,
    },
    KindSpec {
        id: KindId::SupabaseColumn,
        provider: "supabase",
        products: &["supabase"],
        name: "Column",
        root_name: "Tables",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::SlackChannel,
        provider: "slack",
        products: &["slack"],
        name: "Channel",
        root_name: "Channels",
        filters: &[("all", "All channels"), ("public", "Public"), ("private", "Private")],
        searchable: true,
    },
    KindSpec {
        id: KindId::SlackUser,
        provider: "slack",
        products: &["slack"],
        name: "Person",
        root_name: "People",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::JiraSite,
        provider: "atlassian",
        products: &["jira"],
        name: "Jira site",
        root_name: "Sites",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::JiraProject,
        provider: "atlassian",
        products: &["jira"],
        name: "Jira project",
        root_name: "Sites",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::JiraIssue,
        provider: "atlassian",
        products: &["jira"],
        name: "Jira issue",
        root_name: "Sites",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: KindId::JiraTransition,
        provider: "atlassian",
        products: &["jira"],
        name: "Status to move an issue to",
        root_name: "Sites",
        filters: &[],
        searchable: true,
    },
];

impl KindSpec {
    fn to_kind(&self) -> ResourceKind {
        ResourceKind {
            id: self.id.as_str().to_owned(),
            provider: ProviderId::from(self.provider),
            products: self.products.iter().map(|&product| product.to_owned()).collect(),
            name: self.name.to_owned(),
            root_name: self.root_name.to_owned(),
            filters: self
                .filters
                .iter()
                .map(|&(id, label)| ResourceFilter {
                    id: id.to_owned(),
                    label: label.to_owned(),
                })
                .collect(),
            searchable: self.searchable,
        }
    }
}

/// Every kind, in the order pickers and Browse tabs show them.
pub fn all_kinds() -> Vec<ResourceKind> {
    KINDS.iter().map(KindSpec::to_kind).collect()
}

/// One kind by id.
pub fn kind(id: KindId) -> ResourceKind {
    KINDS[id as usize].to_kind()
}

/// The kinds a provider's connections can browse.
pub fn kinds_of(provider: &str) -> Vec<ResourceKind> {
    KINDS
        .iter()
        .filter(|spec| spec.provider == provider)
        .map(KindSpec::to_kind)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_kind_names_a_provider_and_products_of_the_catalogue() {
        let catalog = Catalog::builtin().expect("the built-in catalogue loads");
        for kind in all_kinds() {
            let provider = catalog
                .provider(&kind.provider)
                .unwrap_or_else(|| panic!("{} names an unknown provider {}", kind.id, kind.provider));
            for product in &kind.products {
                assert!(
                    provider.products.iter().any(|known| &known.id == product),
                    "{} needs product {product}, which {} does not have",
                    kind.id,
                    provider.id
                );
            }
            assert!(
                kind.id.split_once('.').is_some(),
                "{}: kind ids are `product.thing`",
                kind.id
            );
        }
    }

    #[test]
    fn kind_ids_are_unique_and_each_has_one_spec() {
        let ids: std::collections::BTreeSet<String> = all_kinds().into_iter().map(|kind| kind.id).collect();
        assert_eq!(ids.len(), KINDS.len(), "two kinds share an id");
        for (index, id) in KindId::ALL.into_iter().enumerate() {
            assert_eq!(KINDS[index].id, id, "KINDS is in KindId::ALL's order");
            assert_eq!(id as usize, index, "{} is at its own index", id.as_str());
            assert_eq!(KindId::parse(id.as_str()), Some(id), "{} reads back", id.as_str());
        }
    }
}
