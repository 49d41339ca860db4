//! The kinds of resource a picker can ask for, as data: which provider and products each
//! needs, what its hierarchy's top is called, and the filters and search it offers. The
//! listing itself is each provider's source module.

use super::model::{ResourceFilter, ResourceKind};

struct KindSpec {
    id: &'static str,
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

const KINDS: &[KindSpec] = &[
    KindSpec {
        id: "drive.file",
        provider: "google",
        products: &["drive"],
        name: "Drive file",
        root_name: "Drive",
        filters: DRIVE_FILE_FILTERS,
        searchable: true,
    },
    KindSpec {
        id: "drive.folder",
        provider: "google",
        products: &["drive"],
        name: "Drive folder",
        root_name: "Drive",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "sheets.spreadsheet",
        provider: "google",
        products: &["drive", "sheets"],
        name: "Spreadsheet",
        root_name: "Spreadsheets",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "sheets.sheet",
        provider: "google",
        products: &["drive", "sheets"],
        name: "Sheet (tab)",
        root_name: "Spreadsheets",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "calendar.calendar",
        provider: "google",
        products: &["calendar"],
        name: "Calendar",
        root_name: "Calendars",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "github.repo",
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
        id: "github.branch",
        provider: "github",
        products: &["github"],
        name: "Branch",
        root_name: "Repositories",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "github.file",
        provider: "github",
        products: &["github"],
        name: "File in a repository",
        root_name: "Repositories",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "supabase.table",
        provider: "supabase",
        products: &["supabase"],
        name: "Table or view",
        root_name: "Tables",
        filters: &[("all", "Tables and views"), ("table", "Tables"), ("view", "Views")],
        searchable: true,
    },
    KindSpec {
        id: "supabase.column",
        provider: "supabase",
        products: &["supabase"],
        name: "Column",
        root_name: "Tables",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "slack.channel",
        provider: "slack",
        products: &["slack"],
        name: "Channel",
        root_name: "Channels",
        filters: &[("all", "All channels"), ("public", "Public"), ("private", "Private")],
        searchable: true,
    },
    KindSpec {
        id: "slack.user",
        provider: "slack",
        products: &["slack"],
        name: "Person",
        root_name: "People",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "jira.site",
        provider: "atlassian",
        products: &["jira"],
        name: "Jira site",
        root_name: "Sites",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "jira.project",
        provider: "atlassian",
        products: &["jira"],
        name: "Jira project",
        root_name: "Sites",
        filters: &[],
        searchable: true,
    },
    KindSpec {
        id: "jira.issue",
        provider: "atlassian",
        products: &["jira"],
        name: "Jira issue",
        root_name: "Sites",
        filters: &[],
        searchable: true,
    },
];

impl KindSpec {
    fn to_kind(&self) -> ResourceKind {
        ResourceKind {
            id: self.id.to_owned(),
            provider: self.provider.to_owned(),
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
pub fn kind(id: &str) -> Option<ResourceKind> {
    KINDS.iter().find(|spec| spec.id == id).map(KindSpec::to_kind)
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
    fn kind_ids_are_unique() {
        let ids: std::collections::BTreeSet<String> = all_kinds().into_iter().map(|kind| kind.id).collect();
        assert_eq!(ids.len(), KINDS.len(), "two kinds share an id");
    }
}
