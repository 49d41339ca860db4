//! Google Drive (v3 `files.list` and `drives.list`) and spreadsheets (a Drive query by type,
//! then Sheets' `spreadsheets.get` for the tabs). Calendars are `calendar.rs`.
//!
//! Drive locations: none is the places (My Drive, Starred, Recent and each shared drive);
//! `root`, `starred`, `recent`, `drive:<id>` (a shared drive's top) or a folder id. Searching
//! from the places searches all of Drive; inside a folder, that folder. Trashed files never
//! show; folders always do (they lead somewhere) whatever the type filter.

use url::Url;

use super::super::model::Resource;
use super::super::source::{
    api_url, array, bad_location, next_param, text_field, ApiAnswer, ApiRequest, Next, Parsed, Plan, Query, Source,
};
use crate::resources::error::ResourceError;
use crate::resources::KindId;

pub struct Google;

const FOLDER: &str = "application/vnd.google-apps.folder";
const SPREADSHEET: &str = "application/vnd.google-apps.spreadsheet";
const DOCUMENT: &str = "application/vnd.google-apps.document";
const PRESENTATION: &str = "application/vnd.google-apps.presentation";
const FILE_FIELDS: &str = "nextPageToken,incompleteSearch,files(id,name,mimeType,modifiedTime)";
/// Drive's largest page.
const DRIVE_PAGE: &str = "1000";
/// "Recent" is the latest hundred, not the whole Drive by date.
const RECENT_PAGE: &str = "100";
const DEFAULT_SHEETS_BASE: &str = "https://sheets.googleapis.com";

impl Source for Google {
    fn plan(&self, query: &Query) -> Result<Plan, ResourceError> {
        match query.kind {
            KindId::SheetsSheet if query.location.is_some() => plan_tabs(query),
            KindId::SheetsSpreadsheet | KindId::SheetsSheet => plan_spreadsheets(query),
            _ => plan_drive(query),
        }
    }

    fn parse(&self, query: &Query, answer: &ApiAnswer) -> Result<Parsed, ResourceError> {
        let json = &answer.json;
        if json.get("drives").is_some() {
            let items = array(json, "drives").filter_map(shared_drive).collect();
            return Ok(Parsed {
                items,
                next: page_token(json),
            });
        }
        if json.get("files").is_some() {
            let items = array(json, "files")
                .filter_map(|file| drive_file(query, file))
                .collect();
            let recent = query.location == Some("recent");
            return Ok(Parsed {
                items,
                next: if recent { Next::Done } else { page_token(json) },
            });
        }
        if json.get("sheets").is_some() {
            let spreadsheet = query.location.unwrap_or_default();
            let items = array(json, "sheets")
                .filter_map(|sheet| tab(spreadsheet, sheet))
                .collect();
            return Ok(Parsed {
                items,
                next: Next::Done,
            });
        }
        Err(ResourceError::Unreadable {
            provider: "Google".to_owned(),
        })
    }

    fn searches(&self, query: &Query) -> bool {
        // Drive searches by name itself; a spreadsheet's tabs are filtered by the listing.
        !(query.kind == KindId::SheetsSheet && query.location.is_some())
    }
}

fn plan_drive(query: &Query) -> Result<Plan, ResourceError> {
    let location = query.location;
    if location.is_none() && query.search.is_none() {
        let mut url = api_url(&query.provider.api_base_url, "/drive/v3/drives")?;
        url.query_pairs_mut().append_pair("pageSize", "100");
        return Ok(Plan {
            leading: places(),
            request: Some(ApiRequest { url }),
        });
    }
    let mut clauses = vec!["trashed = false".to_owned()];
    let mut url = files_url(query)?;
    {
        let mut pairs = url.query_pairs_mut();
        match location {
            None => {
                pairs.append_pair("corpora", "allDrives");
            }
            Some("starred") => {
                clauses.push("starred = true".into());
                pairs.append_pair("corpora", "allDrives");
            }
            Some("recent") => {
                pairs.append_pair("corpora", "allDrives");
            }
            Some(place) => {
                let (parent, drive) = match place.strip_prefix("drive:") {
                    Some(drive) => (checked_id(drive, place)?, Some(drive)),
                    None => (checked_id(place, place)?, None),
                };
                clauses.push(format!("'{}' in parents", quoted(parent)));
                match drive {
                    Some(drive) => pairs.append_pair("corpora", "drive").append_pair("driveId", drive),
                    None => pairs.append_pair("corpora", "allDrives"),
                };
            }
        }
        if let Some(search) = query.search {
            clauses.push(format!("name contains '{}'", quoted(search)));
        }
        if let Some(types) = type_clause(query) {
            clauses.push(types);
        }
        let recent = location == Some("recent");
        pairs
            .append_pair("q", &clauses.join(" and "))
            .append_pair("orderBy", if recent { "viewedByMeTime desc" } else { "folder,name" })
            .append_pair("pageSize", if recent { RECENT_PAGE } else { DRIVE_PAGE });
    }
    Ok(Plan {
        leading: Vec::new(),
        request: Some(ApiRequest { url }),
    })
}

fn plan_spreadsheets(query: &Query) -> Result<Plan, ResourceError> {
    if let Some(location) = query.location {
        return Err(bad_location(location));
    }
    let mut clauses = vec!["trashed = false".to_owned(), format!("mimeType = '{SPREADSHEET}'")];
    if let Some(search) = query.search {
        clauses.push(format!("name contains '{}'", quoted(search)));
    }
    let mut url = files_url(query)?;
    url.query_pairs_mut()
        .append_pair("corpora", "allDrives")
        .append_pair("q", &clauses.join(" and "))
        .append_pair("orderBy", "modifiedTime desc")
        .append_pair("pageSize", DRIVE_PAGE);
    Ok(Plan {
        leading: Vec::new(),
        request: Some(ApiRequest { url }),
    })
}

fn plan_tabs(query: &Query) -> Result<Plan, ResourceError> {
    let location = query.location.unwrap_or_default();
    let id = checked_id(location, location)?;
    let base = query
        .provider
        .api_bases
        .get("sheets")
        .map_or(DEFAULT_SHEETS_BASE, String::as_str);
    let mut url = api_url(base, &format!("/v4/spreadsheets/{id}"))?;
    url.query_pairs_mut().append_pair(
        "fields",
        "sheets.properties(sheetId,title,index,gridProperties(rowCount,columnCount))",
    );
    Ok(Plan {
        leading: Vec::new(),
        request: Some(ApiRequest { url }),
    })
}

/// `files.list` with the parameters every Drive query shares.
fn files_url(query: &Query) -> Result<Url, ResourceError> {
    let mut url = api_url(&query.provider.api_base_url, "/drive/v3/files")?;
    url.query_pairs_mut()
        .append_pair("fields", FILE_FIELDS)
        .append_pair("supportsAllDrives", "true")
        .append_pair("includeItemsFromAllDrives", "true");
    Ok(url)
}

/// The `mimeType` clause for the kind and filter; folders always pass (they lead somewhere).
fn type_clause(query: &Query) -> Option<String> {
    if query.kind == KindId::DriveFolder {
        return Some(format!("mimeType = '{FOLDER}'"));
    }
    let wanted = match query.filter {
        "spreadsheet" => format!("mimeType = '{SPREADSHEET}'"),
        "document" => format!("mimeType = '{DOCUMENT}'"),
        "presentation" => format!("mimeType = '{PRESENTATION}'"),
        "pdf" => "mimeType = 'application/pdf'".to_owned(),
        "image" => "mimeType contains 'image/'".to_owned(),
        _ => return None,
    };
    Some(format!("(mimeType = '{FOLDER}' or {wanted})"))
}

/// Drive's query strings are single-quoted: `\` and `'` are escaped with a backslash.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Drive ids are letters, digits, `-` and `_`; anything else is not a location.
fn checked_id<'a>(id: &'a str, location: &str) -> Result<&'a str, ResourceError> {
    let valid = !id.is_empty()
        && id.len() <= 200
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    valid.then_some(id).ok_or_else(|| bad_location(location))
}

fn places() -> Vec<Resource> {
    [("root", "My Drive"), ("starred", "Starred"), ("recent", "Recent")]
        .into_iter()
        .map(|(location, name)| Resource {
            id: location.to_owned(),
            name: name.to_owned(),
            item: "place".to_owned(),
            detail: None,
            location: Some(location.to_owned()),
            selectable: false,
        })
        .collect()
}

fn shared_drive(drive: &serde_json::Value) -> Option<Resource> {
    let id = text_field(drive, "id")?;
    Some(Resource {
        name: text_field(drive, "name").unwrap_or_else(|| id.clone()),
        item: "drive".to_owned(),
        detail: Some("Shared drive".to_owned()),
        location: Some(format!("drive:{id}")),
        selectable: false,
        id,
    })
}

fn drive_file(query: &Query, file: &serde_json::Value) -> Option<Resource> {
    let id = text_field(file, "id")?;
    let mime = text_field(file, "mimeType").unwrap_or_default();
    let folder = mime == FOLDER;
    let spreadsheet = mime == SPREADSHEET;
    let (item, selectable, location) = match query.kind {
        KindId::DriveFolder => ("folder", folder, folder.then(|| id.clone())),
        KindId::SheetsSpreadsheet => ("spreadsheet", spreadsheet, None),
        KindId::SheetsSheet => ("spreadsheet", false, spreadsheet.then(|| id.clone())),
        _ if folder => ("folder", false, Some(id.clone())),
        _ => (if spreadsheet { "spreadsheet" } else { "file" }, true, None),
    };
    let modified = text_field(file, "modifiedTime").map(|time| time.chars().take(10).collect::<String>());
    let detail = [Some(type_label(&mime)), modified]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    Some(Resource {
        name: text_field(file, "name").unwrap_or_else(|| id.clone()),
        item: item.to_owned(),
        detail: Some(detail),
        location,
        selectable,
        id,
    })
}

/// A file type in words.
fn type_label(mime: &str) -> String {
    let label = match mime {
        FOLDER => "Folder",
        SPREADSHEET => "Spreadsheet",
        DOCUMENT => "Document",
        PRESENTATION => "Presentation",
        "application/pdf" => "PDF",
        _ if mime.starts_with("image/") => "Image",
        _ if mime.starts_with("video/") => "Video",
        _ if mime.starts_with("text/") => "Text",
        _ => "File",
    };
    label.to_owned()
}

fn tab(spreadsheet: &str, sheet: &serde_json::Value) -> Option<Resource> {
    let properties = sheet.get("properties")?;
    let id = text_field(properties, "sheetId")?;
    let grid = properties.get("gridProperties");
    let size = grid.and_then(|grid| Some((text_field(grid, "rowCount")?, text_field(grid, "columnCount")?)));
    Some(Resource {
        name: text_field(properties, "title").unwrap_or_else(|| id.clone()),
        item: "sheet".to_owned(),
        detail: size.map(|(rows, columns)| format!("{rows} rows × {columns} columns")),
        location: None,
        selectable: true,
        id: if spreadsheet.is_empty() {
            id
        } else {
            format!("{spreadsheet}#{id}")
        },
    })
}

pub(super) fn page_token(json: &serde_json::Value) -> Next {
    next_param("pageToken", text_field(json, "nextPageToken"))
}

#[cfg(test)]
#[path = "google_tests.rs"]
mod tests;
