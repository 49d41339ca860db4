//! The catalogue's own checks: data and code name the same actions, every scope is described
//! in plain words and listed narrowest first, every parameter naming a resource has a picker,
//! and bad arguments are named by their JSON pointer.

use super::*;

#[test]
fn every_action_has_its_description_and_its_code() {
    let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
    assert!(catalog.all().count() > 0, "there are actions");
    for action in catalog.all() {
        let meta = &action.meta;
        assert!(
            meta.id.starts_with(&format!("{}.", meta.product)),
            "{}: an id starts with its product",
            meta.id
        );
        let builtin = crate::catalog::Catalog::builtin().expect("the providers' catalogue");
        let provider = builtin.provider(&meta.provider).expect("the action's provider exists");
        assert!(
            provider.products.iter().any(|product| product.id == meta.product),
            "{}: its product is one of {}'s",
            meta.id,
            provider.name
        );
        assert!(
            !meta.scopes.iter().any(Vec::is_empty),
            "{}: each need names a scope",
            meta.id
        );
        assert_eq!(
            action.schema.get("additionalProperties"),
            Some(&serde_json::Value::Bool(false)),
            "{}: unknown parameters are refused by the schema",
            meta.id
        );
    }
}

#[test]
fn every_scope_an_action_lists_is_described_in_plain_words() {
    let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
    let builtin = crate::catalog::Catalog::builtin().expect("the providers' catalogue");
    for action in catalog.all() {
        let meta = &action.meta;
        let provider = builtin.provider(&meta.provider).expect("the action's provider exists");
        for scope in meta.scopes.iter().flatten() {
            assert!(
                provider.scope_descriptions.contains_key(scope),
                "{}: the Needs line and the consent request say `{scope}` in words, so {}'s \
                 scope_descriptions must describe it",
                meta.id,
                provider.name
            );
        }
    }
}

#[test]
fn a_need_lists_its_narrower_scope_before_a_broader_one() {
    const GOOGLE: &str = "https://www.googleapis.com/auth/";
    // (narrower, broader): wherever a need accepts both, the consent request (which asks for
    // a need's first scope) must ask for the narrower.
    let pairs = [
        ("public_repo", "repo"),
        ("drive.file", "spreadsheets"),
        ("drive.file", "drive"),
        ("drive.metadata.readonly", "drive.readonly"),
        ("drive.readonly", "drive"),
        ("spreadsheets.readonly", "spreadsheets"),
        ("calendar.events.readonly", "calendar.events"),
        ("calendar.events", "calendar"),
        ("gmail.send", "gmail.compose"),
        ("gmail.readonly", "gmail.modify"),
        ("gmail.compose", "gmail.modify"),
    ];
    let google = |scope: &str| {
        if scope.contains('.') || ["drive", "calendar", "spreadsheets"].contains(&scope) {
            format!("{GOOGLE}{scope}")
        } else {
            scope.to_owned()
        }
    };
    let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
    let mut checked = 0;
    for action in catalog.all() {
        for need in &action.meta.scopes {
            for (narrower, broader) in pairs.map(|(narrower, broader)| (google(narrower), google(broader))) {
                let at = |scope: &str| need.iter().position(|listed| listed == scope);
                if let (Some(narrower_at), Some(broader_at)) = (at(&narrower), at(&broader)) {
                    checked += 1;
                    assert!(
                        narrower_at < broader_at,
                        "{}: `{narrower}` is narrower than `{broader}`, so it comes first: {need:?}",
                        action.meta.id
                    );
                }
            }
        }
    }
    assert!(checked > 10, "the pairs meet the catalogue's needs ({checked} checked)");
    let first = |id: &str| catalog.action(id).expect("the action").meta.scopes[0][0].clone();
    for (id, narrowest) in [
        ("sheets.create_spreadsheet", google("drive.file")),
        ("drive.search_files", google("drive.metadata.readonly")),
        ("drive.get_file", google("drive.metadata.readonly")),
        ("github.create_issue", "public_repo".to_owned()),
        ("github.comment_on_issue", "public_repo".to_owned()),
        ("github.list_issues", "public_repo".to_owned()),
        ("github.get_file_content", "public_repo".to_owned()),
    ] {
        assert_eq!(
            first(id),
            narrowest,
            "{id}: its narrowest scope suffices and is asked for first"
        );
    }
}

#[test]
fn bad_arguments_are_named_by_their_json_pointer() {
    let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
    let star = catalog.action("github.star_repository").expect("the action");
    let picker = &star.schema["properties"]["repository"]["x-resource-picker"];
    assert_eq!(
        picker["kind"], "github.repo",
        "a repository parameter gets the picker: {}",
        star.schema
    );
    let problems = star.invalid_arguments(&serde_json::json!({"repository": "no slash", "extra": 1}));
    assert!(
        problems.iter().any(|problem| problem.starts_with("/repository: ")),
        "F3: the bad field is named by its pointer: {problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|problem| problem.starts_with("/: ") && problem.contains("extra")),
        "F3: an unknown field is refused: {problems:?}"
    );
    assert!(star
        .invalid_arguments(&serde_json::json!({"repository": "octocat/hello-world"}))
        .is_empty());
    let missing = star.invalid_arguments(&serde_json::json!({}));
    assert!(
        missing.iter().any(|problem| problem.contains("repository")),
        "a missing field is named: {missing:?}"
    );
}

/// Parameter names that name a resource: each must be chosen with a picker.
const RESOURCE_NAMES: &[&str] = &[
    "branch",
    "calendar",
    "calendar_id",
    "channel",
    "chat_id",
    "column",
    "columns",
    "database_id",
    "drive_files",
    "event_id",
    "file",
    "file_id",
    "folder",
    "folder_id",
    "id",
    "in_reply_to",
    "issue",
    "message_id",
    "page_id",
    "parent",
    "parent_id",
    "path",
    "project",
    "ref",
    "repository",
    "site",
    "space",
    "space_id",
    "spreadsheet",
    "spreadsheet_id",
    "table",
    "thread_id",
    "thread_ts",
    "transition_id",
    "user",
];

/// (action, or `*` for every one; parameter; why it has no picker yet).
const NO_PICKER_YET: &[(&str, &str, &str)] = &[
    ("*", "event_id", "no kind lists a calendar's events yet"),
    ("gmail.get_message", "id", "no kind lists Gmail messages yet"),
    (
        "*",
        "in_reply_to",
        "a Message-ID header, read from a message no kind lists yet",
    ),
    ("*", "thread_id", "no kind lists Gmail threads yet"),
    ("*", "thread_ts", "no kind lists Slack messages yet"),
    ("*", "database_id", "no kind lists Notion databases yet"),
    ("*", "page_id", "no kind lists Notion pages yet"),
    ("*", "space", "no kind lists Confluence spaces yet"),
    ("*", "space_id", "no kind lists Confluence spaces yet"),
    ("*", "parent_id", "no kind lists Confluence pages yet"),
    ("*", "chat_id", "no kind lists a Telegram bot's chats yet"),
    (
        "drive.upload_file",
        "path",
        "a file on this computer, not in any account",
    ),
];

/// Whether `schema` (through `$ref`s, `anyOf`/`oneOf` branches and array items) carries a picker.
fn has_picker(schema: &serde_json::Value, root: &serde_json::Value) -> bool {
    if schema.get("x-resource-picker").is_some() {
        return true;
    }
    if let Some(target) = schema["$ref"]
        .as_str()
        .and_then(|at| root.pointer(at.trim_start_matches('#')))
    {
        return has_picker(target, root);
    }
    let branches = ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|key| schema[*key].as_array());
    branches
        .flatten()
        .chain(schema.get("items"))
        .any(|inner| has_picker(inner, root))
}

/// Every (pointer, name, schema) of the object properties in `schema`, nested ones included.
fn properties<'a>(
    schema: &'a serde_json::Value,
    root: &'a serde_json::Value,
    at: &str,
    found: &mut Vec<(String, &'a str, &'a serde_json::Value)>,
) {
    if let Some(target) = schema["$ref"]
        .as_str()
        .and_then(|to| root.pointer(to.trim_start_matches('#')))
    {
        return properties(target, root, at, found);
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        found.push((format!("{at}/{name}"), name, property));
        properties(property, root, &format!("{at}/{name}"), found);
    }
    let branches = ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|key| schema[*key].as_array());
    for inner in branches.flatten() {
        properties(inner, root, at, found);
    }
    if let Some(items) = schema.get("items") {
        properties(items, root, &format!("{at}/*"), found);
    }
}

#[test]
fn every_parameter_that_names_a_resource_is_chosen_with_a_picker() {
    let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
    let mut named = 0;
    for action in catalog.all() {
        let mut found = Vec::new();
        properties(&action.schema, &action.schema, "", &mut found);
        for (pointer, name, schema) in found {
            if !RESOURCE_NAMES.contains(&name) {
                continue;
            }
            named += 1;
            let excused = NO_PICKER_YET
                .iter()
                .any(|(id, parameter, _)| (*id == "*" || *id == action.meta.id) && *parameter == name);
            assert!(
                excused || has_picker(schema, &action.schema),
                "{}{pointer}: it names a resource, so the window and the CLI offer a picker for it \
                 (`picker = (provider, kind)`), or NO_PICKER_YET says why not",
                action.meta.id
            );
        }
    }
    assert!(
        named > 20,
        "the names meet the catalogue's parameters ({named} checked)"
    );
}

#[test]
fn a_github_file_and_branch_supabase_columns_and_a_jira_transition_are_picked() {
    let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
    let kind = |id: &str, pointer: &str| {
        let schema = &catalog.action(id).expect("the action").schema;
        let mut found = Vec::new();
        properties(schema, schema, "", &mut found);
        let (_, _, property) = found.into_iter().find(|(at, _, _)| at == pointer).expect(pointer);
        let mut kinds = Vec::new();
        collect_kinds(property, schema, &mut kinds);
        kinds
    };
    for (id, pointer, expected) in [
        ("github.get_file_content", "/path", "github.file"),
        ("github.get_file_content", "/ref", "github.branch"),
        ("supabase.select_rows", "/columns", "supabase.column"),
        ("supabase.select_rows", "/filters/*/column", "supabase.column"),
        ("supabase.select_rows", "/order/column", "supabase.column"),
        ("jira.transition_issue", "/transition_id", "jira.transition"),
    ] {
        assert_eq!(
            kind(id, pointer),
            [expected],
            "{id}{pointer}: chosen from the {expected} picker"
        );
    }
}

#[test]
fn a_picker_that_opens_within_another_argument_names_one_chosen_by_a_picker_of_its_provider() {
    let catalog = ActionCatalog::build().unwrap_or_else(|problem| panic!("the catalogue: {problem}"));
    let mut opened_within = Vec::new();
    for action in catalog.all() {
        let mut pickers = Vec::new();
        pickers_in(&action.schema, &mut pickers);
        for picker in pickers {
            let Some(within) = picker["within"].as_str() else {
                continue;
            };
            let id = &action.meta.id;
            let mut kinds = Vec::new();
            collect_kinds(&action.schema["properties"][within], &action.schema, &mut kinds);
            assert!(
                !kinds.is_empty(),
                "{id}: {picker} opens within {within}, which must be an argument chosen with a picker"
            );
            let mut parent = Vec::new();
            pickers_in(&action.schema["properties"][within], &mut parent);
            assert!(
                parent.iter().all(|parent| parent["provider"] == picker["provider"]),
                "{id}: {within} is of the same provider as {picker}"
            );
            opened_within.push(format!("{id} {} in {within}", picker["kind"].as_str().unwrap_or("?")));
        }
    }
    for expected in [
        "github.get_file_content github.file in repository",
        "github.get_file_content github.branch in repository",
        "supabase.select_rows supabase.column in table",
        "jira.transition_issue jira.transition in issue",
    ] {
        assert!(
            opened_within.iter().any(|found| found == expected),
            "{expected}: the picker opens where the form already is: {opened_within:?}"
        );
    }
}

/// Every `x-resource-picker` object anywhere in `schema`.
fn pickers_in<'a>(schema: &'a serde_json::Value, found: &mut Vec<&'a serde_json::Value>) {
    match schema {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if key == "x-resource-picker" {
                    found.push(value);
                } else {
                    pickers_in(value, found);
                }
            }
        }
        serde_json::Value::Array(values) => values.iter().for_each(|value| pickers_in(value, found)),
        _ => {}
    }
}

/// The picker kinds `schema` carries, through the same branches as `has_picker`.
fn collect_kinds(schema: &serde_json::Value, root: &serde_json::Value, kinds: &mut Vec<String>) {
    if let Some(kind) = schema["x-resource-picker"]["kind"].as_str() {
        kinds.push(kind.to_owned());
    }
    if let Some(target) = schema["$ref"]
        .as_str()
        .and_then(|at| root.pointer(at.trim_start_matches('#')))
    {
        collect_kinds(target, root, kinds);
    }
    let branches = ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|key| schema[*key].as_array());
    for inner in branches.flatten().chain(schema.get("items")) {
        collect_kinds(inner, root, kinds);
    }
}
