use super::*;
use crate::catalog::{Catalog, Provider};
use crate::error::ErrorCode;
use crate::resources::KindId;

fn google() -> Provider {
    let catalog = Catalog::builtin().expect("the built-in catalogue");
    catalog.provider("google").expect("google is in the catalogue").clone()
}

fn query<'a>(provider: &'a Provider, kind: &'a str, location: Option<&'a str>, search: Option<&'a str>) -> Query<'a> {
    static CONFIG: serde_json::Value = serde_json::Value::Null;
    Query {
        kind: KindId::parse(kind).unwrap_or_else(|| panic!("{kind} is a kind")),
        location,
        search,
        filter: "",
        provider,
        config: &CONFIG,
    }
}

fn q_of(plan: &Plan) -> String {
    let url = &plan.request.as_ref().expect("a request").url;
    url.query_pairs()
        .find(|(name, _)| name == "q")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[test]
fn the_top_of_drive_is_the_places_then_the_shared_drives() {
    let provider = google();
    let plan = Google
        .plan(&query(&provider, "drive.file", None, None))
        .expect("a plan");
    let names: Vec<&str> = plan.leading.iter().map(|place| place.name.as_str()).collect();
    assert_eq!(names, ["My Drive", "Starred", "Recent"], "places lead the list");
    let url = plan.request.expect("shared drives are asked for").url;
    assert_eq!(url.path(), "/drive/v3/drives");
}

#[test]
fn a_folder_is_listed_by_parent_with_trashed_files_excluded_and_the_search_quoted() {
    let provider = google();
    let plan = Google
        .plan(&query(
            &provider,
            "drive.file",
            Some("folder_1-A"),
            Some("Ana's \\ plan"),
        ))
        .expect("a plan");
    assert_eq!(
        q_of(&plan),
        r"trashed = false and 'folder_1-A' in parents and name contains 'Ana\'s \\ plan'",
        "Drive's query language needs ' and \\ escaped"
    );
}

#[test]
fn a_type_filter_keeps_folders_so_one_can_still_navigate() {
    let provider = google();
    let mut asked = query(&provider, "drive.file", Some("root"), None);
    asked.filter = "spreadsheet";
    let q = q_of(&Google.plan(&asked).expect("a plan"));
    assert!(
        q.ends_with(&format!("(mimeType = '{FOLDER}' or mimeType = '{SPREADSHEET}')")),
        "got {q}"
    );
}

#[test]
fn a_shared_drive_is_listed_within_that_drive() {
    let provider = google();
    let plan = Google
        .plan(&query(&provider, "drive.file", Some("drive:0AB12"), None))
        .expect("a plan");
    let url = plan.request.expect("a request").url;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("corpora".into(), "drive".into())));
    assert!(pairs.contains(&("driveId".into(), "0AB12".into())));
}

#[test]
fn locations_that_are_not_drive_ids_are_refused() {
    let provider = google();
    for location in ["' or 1=1", "a/b", "", "drive:", "x y"] {
        let error = Google
            .plan(&query(&provider, "drive.file", Some(location), None))
            .expect_err("not an id");
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{location:?} must be refused");
    }
}

#[test]
fn files_become_resources_folders_lead_somewhere_and_names_stay_text() {
    let provider = google();
    let asked = query(&provider, "drive.file", Some("root"), None);
    let answer = ApiAnswer {
        json: serde_json::json!({
            "nextPageToken": "t2",
            "files": [
                {"id": "f1", "name": "Plans", "mimeType": FOLDER},
                {"id": "f2", "name": "<img src=x onerror=alert(1)>", "mimeType": SPREADSHEET, "modifiedTime": "2026-03-12T10:00:00.000Z"},
                {"name": "no id"}
            ]
        }),
        link_next: None,
    };
    let parsed = Google.parse(&asked, &answer).expect("parsed");
    assert_eq!(parsed.items.len(), 2, "an entry without an id is skipped");
    assert_eq!(parsed.items[0].location.as_deref(), Some("f1"));
    assert!(!parsed.items[0].selectable, "a folder is not a file");
    assert_eq!(
        parsed.items[1].name, "<img src=x onerror=alert(1)>",
        "names are kept as text"
    );
    assert_eq!(parsed.items[1].detail.as_deref(), Some("Spreadsheet · 2026-03-12"));
    assert_eq!(
        parsed.next,
        Next::Param {
            name: "pageToken",
            value: "t2".into()
        }
    );
}

#[test]
fn tabs_come_from_the_sheets_host_and_are_named_with_their_spreadsheet() {
    let mut provider = google();
    provider
        .api_bases
        .insert("sheets".into(), "http://127.0.0.1:9/sheets".into());
    let asked = query(&provider, "sheets.sheet", Some("ss1"), None);
    let plan = Google.plan(&asked).expect("a plan");
    let url = plan.request.expect("a request").url;
    assert_eq!(url.path(), "/sheets/v4/spreadsheets/ss1");
    let answer = ApiAnswer {
        json: serde_json::json!({"sheets": [{"properties": {"sheetId": 0, "title": "Q3", "index": 0,
            "gridProperties": {"rowCount": 1000, "columnCount": 26}}}]}),
        link_next: None,
    };
    let parsed = Google.parse(&asked, &answer).expect("parsed");
    assert_eq!(parsed.items[0].id, "ss1#0");
    assert_eq!(parsed.items[0].detail.as_deref(), Some("1000 rows × 26 columns"));
    assert!(!Google.searches(&asked), "tabs are filtered by the listing");
}
