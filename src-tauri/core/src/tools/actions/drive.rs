//! Google Drive's actions (Drive API v3): searching with Drive's `q` language (values quoted and
//! escaped as documented), a file's details, an upload from this computer (multipart/related:
//! the JSON metadata, then the bytes of a regular file, read once and at most `MAX_UPLOAD_BYTES`
//! when the run is planned, so the approval shows the path, type and size), a folder, a
//! permission, and the trash. Every request says the app supports shared drives
//! (`supportsAllDrives`), without which Drive does not find their files; a search also asks for
//! their items (`includeItemsFromAllDrives`).

use std::io::Read;
use std::path::Path;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{action, items, string_param, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, CallBody, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{list_summary, ActionOutput};

/// The largest file an upload takes (a simple multipart upload, not a resumable one).
pub const MAX_UPLOAD_BYTES: u64 = 5 * 1024 * 1024;
const FOLDER: &str = "application/vnd.google-apps.folder";
const FIELDS: &str = "id,name,mimeType,size,modifiedTime,parents,owners(displayName,emailAddress),webViewLink,trashed";

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("drive.search_files", Search, search, read_found),
        action!("drive.get_file", OneFile, get_file, read_file),
        action!("drive.upload_file", Upload, upload, read_uploaded),
        action!("drive.create_folder", CreateFolder, create_folder, read_folder),
        action!("drive.share_file", Share, share, read_shared),
        action!("drive.trash_file", OneFile, trash, read_trashed),
    ]
}

string_param!(
    FileId,
    pattern = "^[A-Za-z0-9_-]{1,200}$",
    picker = ("google", "drive.file")
);

string_param!(
    FolderId,
    pattern = "^[A-Za-z0-9_-]{1,200}$",
    picker = ("google", "drive.folder")
);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Search {
    /// Part of the name.
    #[serde(default)]
    name_contains: Option<String>,
    /// Only files of this MIME type.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+$"))]
    mime_type: Option<String>,
    /// Only files directly in this folder.
    #[serde(default)]
    folder: Option<FolderId>,
    /// Include files in the trash.
    #[serde(default)]
    include_trash: bool,
    /// At most this many (1–1000, 50 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 1000))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneFile {
    /// The file or folder.
    file: FileId,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// The file's full path on this computer.
    #[schemars(length(min = 1, max = 4096))]
    path: String,
    /// The folder to put it in (My Drive if not given).
    #[serde(default)]
    folder: Option<FolderId>,
    /// Its name in Drive (the file's own if not given).
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFolder {
    /// The folder's name.
    #[schemars(length(min = 1, max = 255))]
    name: String,
    /// The folder to create it in (My Drive if not given).
    #[serde(default)]
    parent: Option<FolderId>,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Reader,
    Commenter,
    Writer,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// The file or folder.
    file: FileId,
    /// The person's email.
    #[schemars(regex(pattern = r#"^[^\s@<>,;"]+@[^\s@<>,;"]+$"#))]
    email: String,
    /// What they may do: read, comment or edit.
    role: Role,
    /// Tell them by email (yes unless asked not to).
    #[serde(default = "yes")]
    notify: bool,
}

fn yes() -> bool {
    true
}

/// A value as a quoted Drive query string (`\` and `'` escaped).
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn files_url(target: &Target<'_>, file: Option<&str>) -> Result<url::Url, ToolError> {
    let mut segments = vec!["drive", "v3", "files"];
    segments.extend(file);
    drive_url(target, &segments)
}

/// A Drive API URL that says the app supports shared drives (files in them are "not found"
/// to an app that does not).
fn drive_url(target: &Target<'_>, segments: &[&str]) -> Result<url::Url, ToolError> {
    let mut url = target.url(segments)?;
    url.query_pairs_mut().append_pair("supportsAllDrives", "true");
    Ok(url)
}

fn search(params: &Search, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut terms = Vec::new();
    if let Some(name) = &params.name_contains {
        terms.push(format!("name contains {}", quoted(name)));
    }
    if let Some(mime) = &params.mime_type {
        terms.push(format!("mimeType = {}", quoted(mime)));
    }
    if let Some(folder) = &params.folder {
        terms.push(format!("{} in parents", quoted(&folder.0)));
    }
    if !params.include_trash {
        terms.push("trashed = false".into());
    }
    let mut url = files_url(target, None)?;
    url.query_pairs_mut()
        .append_pair("q", &terms.join(" and "))
        .append_pair("pageSize", &params.limit.unwrap_or(50).to_string())
        .append_pair("orderBy", "modifiedTime desc")
        .append_pair("fields", "files(id,name,mimeType,modifiedTime,webViewLink)")
        .append_pair("includeItemsFromAllDrives", "true");
    Ok(Call::new(Method::Get, url))
}

fn read_found(_: &Search, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let files: Vec<Value> = items(answer.json.get("files").unwrap_or(&Value::Null))
        .iter()
        .map(|file| {
            json!({
                "id": text(file, "id"),
                "name": text(file, "name"),
                "type": text(file, "mimeType"),
                "modified": text(file, "modifiedTime"),
                "url": text(file, "webViewLink"),
            })
        })
        .collect();
    let names = files.iter().map(|file| {
        format!(
            "{} ({})",
            text(file, "name").unwrap_or("?"),
            text(file, "id").unwrap_or("?")
        )
    });
    let summary = list_summary(files.len(), "files", names.collect::<Vec<_>>());
    Ok(ActionOutput::new(summary, Value::Array(files)))
}

fn get_file(params: &OneFile, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = files_url(target, Some(&params.file.0))?;
    url.query_pairs_mut().append_pair("fields", FIELDS);
    Ok(Call::new(Method::Get, url))
}

fn read_file(_: &OneFile, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let file = &answer.json;
    let link = text(file, "webViewLink").map(str::to_owned);
    let owners: Vec<&str> = items(file.get("owners").unwrap_or(&Value::Null))
        .iter()
        .filter_map(|owner| text(owner, "emailAddress"))
        .collect();
    let data = json!({
        "id": text(file, "id"),
        "name": text(file, "name"),
        "type": text(file, "mimeType"),
        "size": text(file, "size"),
        "modified": text(file, "modifiedTime"),
        "owners": owners.join(", "),
        "inTrash": file.get("trashed").and_then(Value::as_bool).unwrap_or(false),
    });
    let summary = format!(
        "{} ({}), changed {}.",
        text(file, "name").unwrap_or("?"),
        text(file, "mimeType").unwrap_or("?"),
        text(file, "modifiedTime").unwrap_or("?")
    );
    Ok(ActionOutput::new(summary, data).link(link))
}

/// The file at `path`, opened once and read no further than the cap whatever size it says it
/// has (`/proc`'s files say 0 and may never end); only a regular file (a fifo would wait for a
/// writer, a device may never end). `Err`: why not, in words for the `/path` field.
fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let unreadable = |error: std::io::Error| format!("cannot be read ({error})");
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a fifo waits for a writer: this open never waits, and the type is checked next.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(unreadable)?;
    if !file.metadata().map_err(unreadable)?.is_file() {
        return Err("is not a regular file (it is a folder, a device or a pipe)".into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_UPLOAD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if u64::try_from(bytes.len()).map_or(true, |read| read > MAX_UPLOAD_BYTES) {
        return Err(format!(
            "is larger than {} MB ({MAX_UPLOAD_BYTES} bytes), the most an upload takes",
            MAX_UPLOAD_BYTES / 1024 / 1024
        ));
    }
    Ok(bytes)
}

fn upload(params: &Upload, target: &Target<'_>) -> Result<Call, ToolError> {
    let path = Path::new(&params.path);
    let unusable = |why: &str| ToolError::InvalidArguments(vec![format!("/path: {} {why}", params.path)]);
    if !path.is_absolute() {
        return Err(unusable("is not a full path"));
    }
    let bytes = read_capped(path).map_err(|why| unusable(&why))?;
    let name = params
        .name
        .clone()
        .or_else(|| path.file_name().map(|name| name.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "upload".into());
    let mime = mime_guess::from_path(path)
        .first_or_octet_stream()
        .essence_str()
        .to_owned();
    let mut metadata = json!({ "name": name });
    if let Some(folder) = &params.folder {
        metadata["parents"] = json!([folder.0]);
    }
    let boundary = format!("switchboard-{:016x}", rand::random::<u64>());
    let mut body = format!(
        "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{metadata}\r\n--{boundary}\r\nContent-Type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let shown = format!(
        "{metadata}\n+ {} bytes of {mime} read from {}",
        bytes.len(),
        params.path
    );
    let mut url = drive_url(target, &["upload", "drive", "v3", "files"])?;
    url.query_pairs_mut()
        .append_pair("uploadType", "multipart")
        .append_pair("fields", "id,name,mimeType,webViewLink");
    let mut call = Call::new(Method::Post, url);
    call.body = Some(CallBody::Bytes {
        content_type: format!("multipart/related; boundary={boundary}"),
        bytes: body,
        shown,
    });
    Ok(call)
}

fn read_uploaded(params: &Upload, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let link = text(&answer.json, "webViewLink").map(str::to_owned);
    let summary = format!(
        "Uploaded {} to Drive as “{}”.",
        params.path,
        text(&answer.json, "name").unwrap_or("?")
    );
    Ok(ActionOutput::new(summary, json!({ "id": text(&answer.json, "id"), "url": link })).link(link))
}

fn create_folder(params: &CreateFolder, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut body = json!({ "name": params.name, "mimeType": FOLDER });
    if let Some(parent) = &params.parent {
        body["parents"] = json!([parent.0]);
    }
    let mut url = files_url(target, None)?;
    url.query_pairs_mut().append_pair("fields", "id,name,webViewLink");
    Ok(Call::new(Method::Post, url).json(body))
}

fn read_folder(params: &CreateFolder, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let link = text(&answer.json, "webViewLink").map(str::to_owned);
    let summary = format!("Created the folder “{}”.", params.name);
    Ok(ActionOutput::new(summary, json!({ "id": text(&answer.json, "id"), "url": link })).link(link))
}

fn share(params: &Share, target: &Target<'_>) -> Result<Call, ToolError> {
    let role = match params.role {
        Role::Reader => "reader",
        Role::Commenter => "commenter",
        Role::Writer => "writer",
    };
    let mut url = drive_url(target, &["drive", "v3", "files", &params.file.0, "permissions"])?;
    url.query_pairs_mut()
        .append_pair("sendNotificationEmail", if params.notify { "true" } else { "false" });
    let body = json!({ "type": "user", "role": role, "emailAddress": params.email });
    Ok(Call::new(Method::Post, url).json(body))
}

fn read_shared(params: &Share, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let role = text(&answer.json, "role").unwrap_or("?");
    let summary = format!("Shared {} with {} as {role}.", params.file.0, params.email);
    Ok(ActionOutput::new(
        summary,
        json!({ "permission": text(&answer.json, "id"), "role": role }),
    ))
}

fn trash(params: &OneFile, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = files_url(target, Some(&params.file.0))?;
    url.query_pairs_mut().append_pair("fields", "id,name,trashed");
    Ok(Call::new(Method::Patch, url).json(json!({ "trashed": true })))
}

fn read_trashed(params: &OneFile, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let name = text(&answer.json, "name").unwrap_or(&params.file.0);
    let summary = format!("Moved “{name}” to the trash (it can be restored from Drive for 30 days).");
    Ok(ActionOutput::new(
        summary,
        json!({ "id": params.file.0, "trashed": true }),
    ))
}
