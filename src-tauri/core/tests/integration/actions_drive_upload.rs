//! An upload from this computer reads the file it names once, and never more than the cap,
//! whatever size the file says it has: a file that says it is empty and never ends
//! (`/proc/self/pagemap`), a fifo that would wait for a writer, a folder and a device are all
//! refused quickly, by the `/path` field, and nothing is sent (SECURITY.md F4).

use std::sync::mpsc;
use std::time::Duration;

use crate::support::actions::{executor, run_request};
use crate::support::doubles::ApiDoubles;
use crate::support::saved::ana_on_google;

use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::Consent;

const SCOPES: [&str; 2] = ["openid", "https://www.googleapis.com/auth/drive.file"];

/// Long enough for a refusal on a slow machine; far too short to read a never-ending file.
const DEADLINE: Duration = Duration::from_secs(10);

#[tokio::test]
async fn an_upload_reads_no_more_than_the_cap_and_only_from_a_regular_file() {
    let doubles = ApiDoubles::start();
    let (harness, ana) = ana_on_google(
        &doubles,
        "actions-drive-upload",
        &["drive"],
        &SCOPES,
        "ya29.driveUpload",
    );
    let executor = executor(&harness);
    let folder = tempfile::tempdir().expect("a folder");
    let fifo = folder.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "a fifo to upload");
    let mut cases = vec![
        (fifo.to_str().expect("UTF-8").to_owned(), "not a regular file"),
        (folder.path().to_str().expect("UTF-8").to_owned(), "not a regular file"),
        ("/dev/zero".to_owned(), "not a regular file"),
    ];
    if std::fs::File::open("/proc/self/pagemap").is_ok() {
        // Says it is 0 bytes long; reads on for as long as the address space is.
        cases.push(("/proc/self/pagemap".to_owned(), "/path"));
    }

    // Refusals come back on a channel, so a read that never ends fails the test, not hangs it.
    let (sender, refusals) = mpsc::channel();
    let requests: Vec<_> = cases
        .iter()
        .map(|(path, _)| run_request("drive.upload_file", &ana, json!({ "path": path })))
        .collect();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        for request in requests {
            let outcome = runtime.block_on(executor.run(&request, Consent::Approved));
            if sender.send(outcome.map(|_| ()).map_err(UserError::from)).is_err() {
                return;
            }
        }
    });
    for (path, why) in &cases {
        let outcome = refusals
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("an upload of {path} is refused at once, not read on past the cap"));
        let error = outcome.expect_err("refused");
        assert_eq!(error.code, ErrorCode::InvalidInput, "{path}: {}", error.message);
        assert!(
            error.message.contains("/path") && error.message.contains(why),
            "{path}: the field is named and why ({why}): {}",
            error.message
        );
    }
    assert!(doubles.requests().await.is_empty(), "a refused upload sends nothing");
}
