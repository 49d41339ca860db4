//! Gmail's actions through the executor, against the loopback doubles' Gmail API with a Google
//! account saved as signed in with Gmail's scopes: the sent message decoded from its `raw` and
//! checked header by header (RFC 2047 subject, recipients and blind copies, MIME headers, base64
//! body with the Drive links), a draft, a reply in its thread, search, a message read (an
//! HTML-only one as the text a person reads, F12), labels, and header injection refused by the
//! schema before anything is sent (SECURITY.md F3).

use crate::support::actions::{body_of, executor, received, run_approved, run_request};
use crate::support::doubles::ApiDoubles;
use crate::support::pasted;
use crate::support::saved::save_signed_in;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::Consent;

const MESSAGES: &str = "/google/gmail/v1/users/me/messages";
const SCOPES: [&str; 4] = [
    "openid",
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/gmail.send",
    "https://www.googleapis.com/auth/gmail.compose",
];

/// A sent message as Gmail reads it: its headers and its decoded body.
fn decoded(raw: &str) -> (Vec<(String, String)>, String) {
    let bytes = URL_SAFE_NO_PAD
        .decode(raw.trim_end_matches('='))
        .expect("raw is base64url");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("headers, a blank line, the body");
    let headers = head
        .replace("\r\n ", " ")
        .split("\r\n")
        .map(|line| {
            let (name, value) = line.split_once(": ").expect("a header line");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let body = STANDARD.decode(body.replace("\r\n", "")).expect("a base64 body");
    (headers, String::from_utf8(body).expect("a UTF-8 body"))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(found, _)| found == name)
        .map(|(_, value)| value.as_str())
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
}

/// `=?UTF-8?B?…?=` words back to text.
fn unencoded(value: &str) -> String {
    value
        .split(' ')
        .map(|word| {
            let inner = word
                .strip_prefix("=?UTF-8?B?")
                .and_then(|w| w.strip_suffix("?="))
                .expect("an encoded word");
            String::from_utf8(STANDARD.decode(inner).expect("base64")).expect("UTF-8")
        })
        .collect()
}

#[tokio::test]
async fn gmail_sends_drafts_replies_searches_and_reads_as_the_api_documents() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "google", "actions-gmail");
    let ana = save_signed_in(
        &harness,
        "google",
        "me@example.com",
        &["gmail"],
        &SCOPES,
        "ya29.gmailActions",
    );
    let executor = executor(&harness);

    let sent = run_approved(
        &executor,
        "gmail.send_email",
        &ana,
        json!({
            "to": ["ana@example.com"],
            "cc": ["bo@example.org"],
            "bcc": ["cy@example.net", "di@example.net"],
            "subject": "Q3 ✓ report — final",
            "body": "Hi Ana,\nhere it is. Ça va?",
            "drive_files": ["1Roadmap07Sheet"]
        }),
    )
    .await;
    let request = &received(&doubles, "POST", &format!("{MESSAGES}/send")).await[0];
    assert_eq!(request["bearer"], "ya29.gmailActions");
    let (headers, body) = decoded(body_of(request)["raw"].as_str().expect("raw"));
    assert_eq!(header(&headers, "To"), "ana@example.com");
    assert_eq!(header(&headers, "Cc"), "bo@example.org");
    assert_eq!(
        header(&headers, "Bcc"),
        "cy@example.net, di@example.net",
        "blind copies go in the raw message's Bcc header, which Gmail delivers to and removes"
    );
    assert!(
        header(&headers, "Subject").starts_with("=?UTF-8?B?"),
        "a UTF-8 subject is RFC 2047-encoded"
    );
    assert_eq!(
        unencoded(header(&headers, "Subject")),
        "Q3 ✓ report — final",
        "and decodes back"
    );
    assert_eq!(header(&headers, "MIME-Version"), "1.0");
    assert_eq!(header(&headers, "Content-Type"), "text/plain; charset=\"UTF-8\"");
    assert_eq!(header(&headers, "Content-Transfer-Encoding"), "base64");
    assert_eq!(
        body, "Hi Ana,\nhere it is. Ça va?\n\nhttps://drive.google.com/file/d/1Roadmap07Sheet/view",
        "the body, with the chosen Drive file as a link"
    );
    assert!(
        sent.data["id"].is_string() && sent.summary.starts_with("Sent “Q3 ✓ report — final” to 4"),
        "{}",
        sent.summary
    );

    run_approved(
        &executor,
        "gmail.create_draft",
        &ana,
        json!({"to": ["ana@example.com"], "subject": "Plan", "body": "<p>Draft</p>", "html": true}),
    )
    .await;
    let draft = &received(&doubles, "POST", "/google/gmail/v1/users/me/drafts").await[0];
    let (headers, body) = decoded(body_of(draft)["message"]["raw"].as_str().expect("message.raw"));
    assert_eq!(header(&headers, "Content-Type"), "text/html; charset=\"UTF-8\"");
    assert_eq!(body, "<p>Draft</p>");

    let found = run_approved(
        &executor,
        "gmail.search_messages",
        &ana,
        json!({"query": "from:ana", "limit": 5}),
    )
    .await;
    let search = &received(&doubles, "GET", MESSAGES).await[0];
    assert_eq!(search["query"], json!({"q": "from:ana", "maxResults": "5"}));
    assert_eq!(
        found.data.as_array().map(Vec::len),
        Some(2),
        "Ana's two messages: {}",
        found.data
    );

    let read = run_approved(&executor, "gmail.get_message", &ana, json!({"id": "18c0a1b2c3d4e600"})).await;
    let asked = &received(&doubles, "GET", &format!("{MESSAGES}/18c0a1b2c3d4e600")).await[0];
    assert_eq!(asked["query"], json!({"format": "full"}));
    assert_eq!(read.data["messageId"], "<lunch.bo@example.org>");
    assert_eq!(
        read.data["text"], "Lunch on Friday?\n\nFish & chips <or> soup? It's on me.\nBo",
        "F12: an HTML-only message is given as the text a person reads: blocks on their own \
         lines, entities decoded, no markup, no script or style text, no image address"
    );
    assert!(
        read.summary
            .ends_with("Lunch on Friday?\n\nFish & chips <or> soup? It's on me.\nBo")
            && !read.summary.contains("alert")
            && !read.summary.contains("tracker.example.net"),
        "the summary shows the same text: {}",
        read.summary
    );

    run_approved(
        &executor,
        "gmail.reply_to_message",
        &ana,
        json!({
            "thread_id": "18c0a1b2c3d4e600",
            "in_reply_to": "<lunch.bo@example.org>",
            "to": ["bo@example.org"],
            "subject": "Lunch Friday?",
            "body": "Yes!"
        }),
    )
    .await;
    let replies = received(&doubles, "POST", &format!("{MESSAGES}/send")).await;
    let reply = body_of(&replies[1]);
    assert_eq!(reply["threadId"], "18c0a1b2c3d4e600", "in the original's thread");
    let (headers, _) = decoded(reply["raw"].as_str().expect("raw"));
    assert_eq!(header(&headers, "Subject"), "Re: Lunch Friday?");
    assert_eq!(header(&headers, "In-Reply-To"), "<lunch.bo@example.org>");
    assert_eq!(header(&headers, "References"), "<lunch.bo@example.org>");

    let labels = run_approved(&executor, "gmail.list_labels", &ana, json!({})).await;
    let listed = received(&doubles, "GET", "/google/gmail/v1/users/me/labels").await;
    assert_eq!(listed.len(), 1, "one labels.list request: {listed:?}");
    assert_eq!(listed[0]["bearer"], "ya29.gmailActions", "as the signed-in account");
    assert_eq!(listed[0]["query"], json!({}), "labels.list takes no parameters");
    assert!(labels.summary.contains("Receipts"), "{}", labels.summary);
    assert_eq!(
        labels.data[2],
        json!({"id": "Label_12", "name": "Receipts", "type": "user"}),
        "each label's id, name and type: {}",
        labels.data
    );

    let before = doubles.requests().await.len();
    for injected in [
        json!({"to": ["ana@example.com"], "subject": "Hi\r\nBcc: eve@example.com", "body": "x"}),
        json!({"to": ["ana@example.com\r\nBcc: eve@example.com"], "subject": "Hi", "body": "x"}),
        json!({"to": ["Eve <eve@example.com>, ana@example.com"], "subject": "Hi", "body": "x"}),
    ] {
        let attempt = run_request("gmail.send_email", &ana, injected);
        let error = UserError::from(executor.run(&attempt, Consent::Approved).await.expect_err("refused"));
        assert_eq!(
            error.code,
            ErrorCode::InvalidInput,
            "F3: no header can be smuggled in: {}",
            error.message
        );
    }
    assert_eq!(doubles.requests().await.len(), before, "nothing was sent for them");
}
