//! Google Drive's actions through the executor, against the loopback doubles' Drive API with a
//! Google account saved as signed in with Drive's scopes: a search in Drive's `q` language (a
//! quote in a name escaped), a file's details, an upload from this computer as multipart/related
//! (metadata, then the bytes; the approval shows the path and size, never the bytes), a folder,
//! a share, and the trash (destructive). Every request says the app supports shared drives, or
//! Drive would not find their files.

use crate::support::actions::{body_of, executor, received, run_approved, run_request};
use crate::support::doubles::{seed, ApiDoubles};
use crate::support::saved::ana_on_google;

use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::{Consent, Policy, RunOutcome};

const SCOPES: [&str; 3] = [
    "openid",
    "https://www.googleapis.com/auth/drive.file",
    "https://www.googleapis.com/auth/drive.readonly",
];

#[tokio::test]
async fn drive_searches_reads_uploads_creates_shares_and_trashes_as_the_api_documents() {
    let doubles = ApiDoubles::start();
    let (harness, ana) = ana_on_google(&doubles, "actions-drive", &["drive"], &SCOPES, "ya29.driveActions");
    let executor = executor(&harness);

    let found = run_approved(
        &executor,
        "drive.search_files",
        &ana,
        json!({"name_contains": "Ana's \"budget\"", "folder": seed::DRIVE_ROOT, "limit": 10}),
    )
    .await;
    let asked = &received(&doubles, "GET", "/google/drive/v3/files").await[0];
    assert_eq!(
        asked["query"]["q"], "name contains 'Ana\\'s \"budget\"' and '0AAnaMyDriveRoot' in parents and trashed = false",
        "Drive's q language, the quote in the name escaped"
    );
    assert_eq!(found.data[0]["id"], seed::QUOTED_BUDGET_SHEET, "{}", found.data);

    let details = run_approved(
        &executor,
        "drive.get_file",
        &ana,
        json!({"file": seed::ROADMAP_07_SHEET}),
    )
    .await;
    let fetched = received(
        &doubles,
        "GET",
        &format!("/google/drive/v3/files/{}", seed::ROADMAP_07_SHEET),
    )
    .await;
    assert_eq!(fetched.len(), 1, "one files.get request: {fetched:?}");
    assert_eq!(fetched[0]["bearer"], "ya29.driveActions", "as the signed-in account");
    assert_eq!(
        fetched[0]["query"],
        json!({"fields": "id,name,mimeType,size,modifiedTime,parents,owners(displayName,emailAddress),webViewLink,trashed", "supportsAllDrives": "true"}),
        "files.get asks for the fields it reads (v3 answers only id, name and type otherwise)"
    );
    assert_eq!(details.data["name"], seed::ROADMAP_07_NAME);
    assert!(details.link.is_some(), "a link to open it");

    let local = tempfile::NamedTempFile::with_suffix(".txt").expect("a local file");
    std::fs::write(local.path(), "Q3 numbers\n").expect("write it");
    let path = local.path().to_str().expect("UTF-8").to_owned();
    let upload = run_request(
        "drive.upload_file",
        &ana,
        json!({"path": path, "folder": seed::PROJECTS_FOLDER}),
    );
    let preview = match executor.run(&upload, Consent::NotYet).await.map_err(UserError::from) {
        Ok(RunOutcome::NeedsApproval(pending)) => pending.request,
        other => panic!("an upload asks first: {other:?}"),
    };
    let refused = executor
        .set_policy("drive.upload_file", Some(ana.id), Some(Policy::Allow))
        .map_err(UserError::from);
    assert_eq!(
        refused.map_err(|error| error.code),
        Err(ErrorCode::InvalidInput),
        "an upload of a local file can never be set to run without asking"
    );
    let shown = preview.body.expect("the body as shown");
    assert!(
        shown.contains("11 bytes of text/plain") && shown.contains(&path),
        "the path and size, not the bytes: {shown}"
    );
    assert!(!shown.contains("Q3 numbers"), "never the file's content: {shown}");
    let uploaded = run_approved(
        &executor,
        "drive.upload_file",
        &ana,
        json!({"path": path, "folder": seed::PROJECTS_FOLDER}),
    )
    .await;
    let sent = &received(&doubles, "POST", "/google/upload/drive/v3/files").await[0];
    assert_eq!(sent["query"]["uploadType"], "multipart");
    let content_type = sent["headers"]["content-type"].as_str().expect("a content type");
    assert!(
        content_type.starts_with("multipart/related; boundary="),
        "{content_type}"
    );
    let body = sent["body"].as_str().expect("the body");
    let name = local.path().file_name().and_then(|name| name.to_str()).expect("a name");
    assert!(
        body.contains(&format!(
            "{{\"name\":\"{name}\",\"parents\":[\"{}\"]}}",
            seed::PROJECTS_FOLDER
        )) && body.contains("Content-Type: text/plain\r\n\r\nQ3 numbers\n"),
        "the JSON metadata, then the bytes with their type: {body}"
    );
    assert!(uploaded
        .link
        .is_some_and(|link| link.starts_with("https://drive.google.com/file/d/1Made")));

    let folder = run_approved(
        &executor,
        "drive.create_folder",
        &ana,
        json!({"name": "Q4", "parent": seed::PROJECTS_FOLDER}),
    )
    .await;
    let created = received(&doubles, "POST", "/google/drive/v3/files").await;
    assert_eq!(
        body_of(&created[0]),
        json!({"name": "Q4", "mimeType": "application/vnd.google-apps.folder", "parents": [seed::PROJECTS_FOLDER]})
    );
    let folder_id = folder.data["id"].as_str().expect("the folder's id").to_owned();

    run_approved(
        &executor,
        "drive.share_file",
        &ana,
        json!({"file": folder_id, "email": "bo@example.org", "role": "writer", "notify": false}),
    )
    .await;
    let shared = &received(
        &doubles,
        "POST",
        &format!("/google/drive/v3/files/{folder_id}/permissions"),
    )
    .await[0];
    assert_eq!(shared["query"]["sendNotificationEmail"], "false");
    assert_eq!(
        body_of(shared),
        json!({"type": "user", "role": "writer", "emailAddress": "bo@example.org"})
    );

    let trashed = run_approved(&executor, "drive.trash_file", &ana, json!({"file": folder_id})).await;
    let patched = &received(&doubles, "PATCH", &format!("/google/drive/v3/files/{folder_id}")).await[0];
    assert_eq!(body_of(patched), json!({"trashed": true}));
    assert!(trashed.summary.contains("trash"), "{}", trashed.summary);

    let large = tempfile::NamedTempFile::with_suffix(".bin").expect("a local file");
    large
        .as_file()
        .set_len(5 * 1024 * 1024 + 1)
        .expect("one byte over the cap");
    let large_path = large.path().to_str().expect("UTF-8").to_owned();
    let before = doubles.requests().await.len();
    for (arguments, why) in [
        (json!({"path": "relative/notes.txt"}), "not a full path"),
        (json!({"path": "/"}), "not a regular file"),
        (json!({"path": large_path}), "larger than 5 MB"),
    ] {
        let refused = run_request("drive.upload_file", &ana, arguments);
        let error = UserError::from(executor.run(&refused, Consent::Approved).await.expect_err("refused"));
        assert_eq!(error.code, ErrorCode::InvalidInput, "{}", error.message);
        assert!(error.message.contains(why), "{why}: {}", error.message);
    }
    assert_eq!(
        doubles.requests().await.len(),
        before,
        "a refused upload sends nothing, not even the part under the cap"
    );
}

#[tokio::test]
async fn every_drive_action_supports_shared_drives_so_their_files_are_found() {
    let doubles = ApiDoubles::start();
    let (harness, ana) = ana_on_google(
        &doubles,
        "actions-drive-shared",
        &["drive"],
        &SCOPES,
        "ya29.driveShared",
    );
    let executor = executor(&harness);
    let unsupported = reqwest::Client::new()
        .get(format!(
            "{}/drive/v3/files/{}",
            doubles.base("google"),
            seed::TEAM_PLAN_SHEET
        ))
        .bearer_auth("ya29.driveShared")
        .send()
        .await
        .expect("the double answers");
    assert_eq!(
        unsupported.status(),
        404,
        "the double, like Drive, finds a shared drive's file only for an app that says it supports them"
    );
    doubles.reset().await;

    run_approved(&executor, "drive.search_files", &ana, json!({"name_contains": "plan"})).await;
    let listed = &received(&doubles, "GET", "/google/drive/v3/files").await[0];
    assert_eq!(
        (
            &listed["query"]["supportsAllDrives"],
            &listed["query"]["includeItemsFromAllDrives"]
        ),
        (&json!("true"), &json!("true")),
        "files.list lists shared drives' items only with both: {listed}"
    );

    let details = run_approved(
        &executor,
        "drive.get_file",
        &ana,
        json!({"file": seed::TEAM_PLAN_SHEET}),
    )
    .await;
    assert_eq!(
        details.data["name"], "Team plan 2026",
        "a shared drive's file is found by id"
    );
    let local = tempfile::NamedTempFile::with_suffix(".txt").expect("a local file");
    std::fs::write(local.path(), "minutes\n").expect("write it");
    let path = local.path().to_str().expect("UTF-8");
    run_approved(
        &executor,
        "drive.upload_file",
        &ana,
        json!({"path": path, "folder": seed::TEAM_DRIVE}),
    )
    .await;
    run_approved(
        &executor,
        "drive.create_folder",
        &ana,
        json!({"name": "Q4", "parent": seed::TEAM_DRIVE}),
    )
    .await;
    run_approved(
        &executor,
        "drive.share_file",
        &ana,
        json!({"file": seed::TEAM_PLAN_SHEET, "email": "bo@example.org", "role": "reader"}),
    )
    .await;
    run_approved(
        &executor,
        "drive.trash_file",
        &ana,
        json!({"file": seed::TEAM_PLAN_SHEET}),
    )
    .await;

    let sent = doubles.requests().await;
    assert_eq!(sent.len(), 6, "one request an action: {sent:?}");
    for request in &sent {
        assert_eq!(
            request["query"]["supportsAllDrives"], "true",
            "files.get, files.list, files.create (an upload too), files.update and \
             permissions.create all need it for shared drives: {request}"
        );
    }
}
