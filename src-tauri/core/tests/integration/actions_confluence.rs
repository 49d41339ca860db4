//! Confluence's actions through the executor, against the loopback doubles' Confluence (through
//! the gateway's `/ex/confluence/{cloudId}/wiki`) with an Atlassian account saved as signed in
//! with Confluence's scopes: a CQL search (the words' quotes escaped) and a page made in storage
//! format (the text escaped), each checked against the documented shape.

use crate::support::actions::{body_of, executor, received, run_approved};
use crate::support::doubles::{seed, ApiDoubles};
use crate::support::pasted;
use crate::support::saved::save_signed_in;

use serde_json::json;

const SCOPES: [&str; 3] = ["read:me", "search:confluence", "write:page:confluence"];

#[tokio::test]
async fn confluence_searches_and_creates_pages_as_the_api_documents() {
    let doubles = ApiDoubles::start();
    let harness = pasted::harness_for(&doubles, "atlassian", "actions-confluence");
    let ana = save_signed_in(
        &harness,
        "atlassian",
        "ana@example.com",
        &["confluence"],
        &SCOPES,
        "atl.confluenceActions",
    );
    let executor = executor(&harness);
    let site = seed::ATLASSIAN_SITE;
    let wiki = format!("/atlassian/ex/confluence/{site}/wiki");

    let found = run_approved(
        &executor,
        "confluence.search_pages",
        &ana,
        json!({"site": site, "query": "release \"notes\"", "space": "ENG"}),
    )
    .await;
    let sent = &received(&doubles, "GET", &format!("{wiki}/rest/api/search")).await[0];
    assert_eq!(sent["bearer"], "atl.confluenceActions");
    assert_eq!(
        sent["query"],
        json!({"cql": "type=page AND text ~ \"release \\\"notes\\\"\" AND space = \"ENG\"", "limit": "10", "expand": "content.space"}),
        "CQL with the words' quotes escaped, the space's key, and the space expanded"
    );
    let pages = found.data.as_array().expect("a table of pages");
    assert_eq!(pages.len(), 1, "{pages:?}");
    assert_eq!(pages[0]["title"], "Release process");
    assert_eq!(
        pages[0]["url"],
        "https://acme.atlassian.net/wiki/spaces/ENG/pages/65540/Release+process"
    );

    let created = run_approved(
        &executor,
        "confluence.create_page",
        &ana,
        json!({"site": site, "space_id": "98306", "title": "Release 1.2", "body": "Ana's <draft> & notes\nline 2\n\nNext"}),
    )
    .await;
    let sent = &received(&doubles, "POST", &format!("{wiki}/api/v2/pages")).await[0];
    assert_eq!(
        body_of(sent),
        json!({"spaceId": "98306", "status": "current", "title": "Release 1.2",
               "body": {"representation": "storage",
                        "value": "<p>Ana&#39;s &lt;draft&gt; &amp; notes<br/>line 2</p><p>Next</p>"}}),
        "v2's page fields, the text escaped into storage format"
    );
    let link = created.link.expect("a link to the page");
    assert!(
        link.starts_with("https://acme.atlassian.net/wiki/spaces/ENG/pages/"),
        "{link}"
    );
}
