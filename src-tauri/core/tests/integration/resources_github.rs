//! Browsing GitHub (SECURITY.md F7, F8, F10 and the 401 rule for pasted tokens): a connection
//! made with a personal access token (verified by the doubles' `GET /user`), its API the
//! loopback doubles seeded with 500 repositories. Repositories paged by Link headers and
//! narrowed by affiliation, 250 branches, the contents tree, a search applied locally, the
//! secondary rate limit waited out, the primary one refused without a retry, a refused token
//! without any renewal, a next page on another origin never followed, and names that are
//! markup arriving as plain text.

use crate::support::connector;
use crate::support::doubles;
use crate::support::pasted;
use crate::support::resources as resources_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use doubles::{seed, ApiDoubles};
use resources_support::{list, refreshed, request, requests_to, resources, TEST_SECOND};
use switchboard_core::connections::{Connection, ConnectionStatus};
use switchboard_core::error::ErrorCode;
use switchboard_core::resources::{ApiPolicy, Resources};

const REPOS: &str = "/github/user/repos";
const TOKEN: &str = "ghp_switchboardTestToken0001";

/// A GitHub connection by personal access token, its API at the doubles.
async fn github(doubles: &ApiDoubles, test: &str) -> (connector::Harness, Connection) {
    let harness = pasted::harness_for(doubles, "github", test);
    let connection = pasted::paste(&harness, "github", &[("token", TOKEN)]).await;
    assert_eq!(
        connection.account_label,
        seed::GITHUB_LOGIN,
        "the token was verified with GET /user"
    );
    doubles.reset().await; // the identity request is not part of any listing
    (harness, connection)
}

#[tokio::test]
async fn repositories_page_through_link_headers_and_filters_narrow_by_affiliation() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "github-repos").await;
    let resources = resources(&harness);

    let all = list(&resources, &request(&octocat, "github.repo", None))
        .await
        .expect("the repositories list");
    assert_eq!(
        all.items().len(),
        seed::GITHUB_REPOS,
        "every repository the token reaches is listed"
    );
    assert!(
        !all.summary.partial,
        "a listing that reached the last page is complete: {:?}",
        all.summary
    );
    let asked = requests_to(&doubles, REPOS).await;
    assert_eq!(
        asked.len(),
        5,
        "500 repositories at 100 a page is five requests, one per Link"
    );
    assert_eq!(
        asked[0]["query"]["per_page"], "100",
        "GitHub's largest page is asked for"
    );
    assert_eq!(
        asked[0]["query"]["affiliation"], "owner,collaborator,organization_member",
        "no filter: every affiliation"
    );
    let pages: Vec<&str> = asked[1..]
        .iter()
        .filter_map(|request| request["query"]["page"].as_str())
        .collect();
    assert_eq!(
        pages,
        ["2", "3", "4", "5"],
        "each next page is the Link header's rel=\"next\""
    );
    assert!(
        asked.iter().all(|request| request["bearer"] == TOKEN),
        "every page carries the pasted token"
    );
    let hello = all.named("octocat/hello-world");
    assert_eq!(hello.id, "octocat/hello-world", "a repository's id is owner/repo");
    assert!(
        hello.selectable && hello.location.is_none(),
        "picking a repository, it is a leaf"
    );
    assert!(
        all.items().iter().any(|item| item
            .detail
            .as_deref()
            .is_some_and(|detail| detail.contains("<img src=x onerror=alert('repo')>"))),
        "F10: a description with markup arrives as the same text, not cleaned into something else"
    );

    doubles.reset().await;
    let mut owned = request(&octocat, "github.repo", None);
    owned.filter = Some("owner".into());
    let owned = list(&resources, &owned).await.expect("the owned repositories list");
    assert_eq!(owned.items().len(), 300, "the seed's owned repositories only");
    assert!(
        owned.items().iter().all(|item| item.id.starts_with("octocat/")),
        "nothing of an organization's is among them"
    );
    let asked = requests_to(&doubles, REPOS).await;
    assert_eq!(asked.len(), 3, "300 at 100 a page");
    assert_eq!(
        asked[0]["query"]["affiliation"], "owner",
        "GitHub is asked to narrow, not the listing"
    );

    doubles.reset().await;
    let mut orgs = request(&octocat, "github.repo", None);
    orgs.filter = Some("organization_member".into());
    let orgs = list(&resources, &orgs)
        .await
        .expect("the organizations' repositories list");
    assert_eq!(orgs.items().len(), 190, "the acme and switchboard-dev repositories");
    assert!(
        orgs.items()
            .iter()
            .all(|item| item.id.starts_with("acme/") || item.id.starts_with("switchboard-dev/")),
        "only repositories of organizations the account is a member of"
    );
    assert_eq!(
        requests_to(&doubles, REPOS).await[0]["query"]["affiliation"],
        "organization_member"
    );
}

#[tokio::test]
async fn a_search_is_applied_to_the_names_as_github_cannot_search_this_list() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "github-search").await;
    let resources = resources(&harness);
    let all = list(&resources, &request(&octocat, "github.repo", None))
        .await
        .expect("the repositories list");
    let expected: Vec<&str> = all
        .names()
        .into_iter()
        .filter(|name| name.to_lowercase().contains("cli"))
        .collect();
    assert!(!expected.is_empty(), "the seed has command-line repositories to find");

    doubles.reset().await;
    let mut searched = request(&octocat, "github.repo", None);
    searched.search = Some("CLI".into());
    let found = list(&resources, &searched).await.expect("searched");
    assert_eq!(
        found.names(),
        expected,
        "exactly the names containing the search, case aside, in GitHub's order"
    );
    assert_eq!(
        found.summary.total as usize,
        expected.len(),
        "the summary counts what was kept"
    );
    let asked = requests_to(&doubles, REPOS).await;
    assert_eq!(asked.len(), 5, "every page is read to find them all");
    assert!(
        asked.iter().all(|request| request["query"].get("q").is_none()),
        "the search is not sent to an endpoint that ignores it"
    );
}

#[tokio::test]
async fn branches_page_to_the_end_and_the_tree_opens_one_level_at_a_time() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "github-tree").await;
    let resources = resources(&harness);

    let branches = list(&resources, &request(&octocat, "github.branch", Some(seed::BIG_REPO)))
        .await
        .expect("big-repo's branches list");
    assert_eq!(branches.items().len(), seed::BIG_REPO_BRANCHES, "all 250 branches");
    assert_eq!(
        requests_to(&doubles, "/github/repos/octocat/big-repo/branches")
            .await
            .len(),
        3,
        "250 at 100 a page"
    );
    let main = branches.named("main");
    assert_eq!(main.id, "octocat/big-repo:main", "a branch's id is owner/repo:branch");
    assert!(main.selectable, "picking a branch, a branch is chosen");
    assert!(
        branches
            .items()
            .iter()
            .any(|item| item.id == "octocat/big-repo:feature/branch-249"),
        "the last page's branches are there, slashes and all"
    );

    let hello_branches = list(
        &resources,
        &request(&octocat, "github.file", Some("octocat/hello-world")),
    )
    .await
    .expect("hello-world's branches, on the way to a file");
    let main = hello_branches.named("main");
    assert!(!main.selectable, "picking a file, a branch is a step on the way");
    let top = main.location.clone().expect("a branch opens to its top directory");
    assert_eq!(top, "octocat/hello-world:main");

    let root = list(&resources, &request(&octocat, "github.file", Some(&top)))
        .await
        .expect("the top directory lists");
    assert_eq!(
        root.names(),
        [".github", "docs", "src", ".gitignore", "LICENSE", "README.md"],
        "directories first, then files, each in GitHub's order"
    );
    let contents = requests_to(&doubles, "/github/repos/octocat/hello-world/contents").await;
    assert_eq!(contents.len(), 1, "the top directory is one request");
    assert_eq!(contents[0]["query"]["ref"], "main", "the branch is asked for by ref");
    let src = root.named("src");
    assert_eq!(src.item, "dir");
    assert!(!src.selectable, "a directory is not a file");
    let src = src.location.clone().expect("a directory opens");
    assert_eq!(src, "octocat/hello-world:main:src");

    let inside = list(&resources, &request(&octocat, "github.file", Some(&src)))
        .await
        .expect("src lists");
    assert_eq!(
        inside.names(),
        ["util", "lib.rs", "main.rs"],
        "one level deeper: src's own entries, not the whole tree"
    );
    assert_eq!(
        inside.named("util").location.as_deref(),
        Some("octocat/hello-world:main:src/util"),
        "and a directory there opens further"
    );
    let file = inside.named("main.rs");
    assert!(file.selectable, "a file is what the picker asks for");
    assert_eq!(
        file.id, "octocat/hello-world:main:src/main.rs",
        "a file's id is owner/repo:branch:path"
    );
    assert!(file.location.is_none(), "a file opens nothing");
    assert_eq!(
        requests_to(&doubles, "/github/repos/octocat/hello-world/contents/src")
            .await
            .len(),
        1,
        "src was asked for by its path"
    );
}

#[tokio::test]
async fn a_file_named_with_markup_arrives_as_text() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "github-markup").await;
    let resources = resources(&harness);
    let docs = list(
        &resources,
        &request(&octocat, "github.file", Some("octocat/hello-world:main:docs")),
    )
    .await
    .expect("docs lists");
    let name = "<img src=x onerror=alert('path')>.md";
    let marked = docs.named(name);
    assert_eq!(
        marked.name, name,
        "F10: the name is GitHub's, verbatim, neither escaped nor stripped"
    );
    assert_eq!(
        marked.id,
        format!("octocat/hello-world:main:docs/{name}"),
        "and the id keeps the path as GitHub gave it"
    );
    assert!(marked.selectable, "a file with markup in its name is just a file");
    assert_eq!(docs.items().len(), 3, "beside guide.md and index.md");
}

#[tokio::test]
async fn a_secondary_rate_limit_is_waited_out_and_a_primary_one_is_not_retried() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "github-limits").await;
    // Longer protocol seconds than elsewhere, so the wait stands out from the paging's own time.
    let second = std::time::Duration::from_millis(250);
    let policy = ApiPolicy {
        second,
        ..ApiPolicy::default()
    };
    let resources = Resources::new(
        harness.services.context.clone(),
        harness.services.store.clone(),
        harness.services.renewal.clone(),
        policy,
    );
    let secondary = serde_json::json!({
        "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        "status": "403"
    });

    // The first page is refused once with the secondary limit's shape.
    let started = Instant::now();
    doubles
        .fault(REPOS, 403, &[("retry-after", "2")], Some(secondary), 1)
        .await;
    let listed = list(&resources, &request(&octocat, "github.repo", None))
        .await
        .expect("the listing goes on after the wait");
    assert!(
        started.elapsed() >= second * 2,
        "F7: retry-after: 2 is waited out before asking again (took {:?})",
        started.elapsed()
    );
    assert_eq!(
        listed.items().len(),
        seed::GITHUB_REPOS,
        "and the listing still reaches the end"
    );
    assert!(!listed.summary.partial, "nothing was lost to the wait");
    assert_eq!(
        requests_to(&doubles, REPOS).await.len(),
        6,
        "five pages and exactly one repeat of the limited one"
    );

    doubles.reset().await;
    let reset = (std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        .to_string();
    doubles
        .fault(
            REPOS,
            403,
            &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)],
            None,
            5,
        )
        .await;
    let error = list(&resources, &refreshed(request(&octocat, "github.repo", None)))
        .await
        .err()
        .expect("an hour's wait is not waited");
    assert_eq!(
        error.code,
        ErrorCode::Network,
        "a limit is a passing condition: {error:?}"
    );
    assert!(
        error.message.contains("wait") && error.message.contains("60 min"),
        "the message says how long to wait: {}",
        error.message
    );
    assert_eq!(
        requests_to(&doubles, REPOS).await.len(),
        1,
        "F7: no retry while the primary limit is exhausted"
    );

    doubles.reset().await;
    let unsaid = serde_json::json!({
        "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    });
    doubles.fault(REPOS, 403, &[], Some(unsaid), 5).await;
    let error = list(&resources, &refreshed(request(&octocat, "github.repo", None)))
        .await
        .err()
        .expect("a secondary limit without retry-after asks for at least a minute");
    assert_eq!(
        error.code,
        ErrorCode::Network,
        "a limit, not a refusal of access: {error:?}"
    );
    assert!(error.message.contains("a minute"), "{}", error.message);
    assert_eq!(
        requests_to(&doubles, REPOS).await.len(),
        1,
        "and is not hammered meanwhile"
    );
}

#[tokio::test]
async fn a_refused_personal_access_token_needs_a_new_one_without_any_renewal() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "github-401").await;
    let resources = resources(&harness);
    doubles.reject_token(TOKEN).await;

    let error = list(&resources, &request(&octocat, "github.repo", None))
        .await
        .err()
        .expect("a refused token lists nothing");
    assert_eq!(error.code, ErrorCode::NeedsAuth, "{error:?}");
    assert!(
        error.message.contains("connect the account again"),
        "the message says what to do: {}",
        error.message
    );
    assert_eq!(
        doubles.requests().await.len(),
        1,
        "a pasted token has nothing to renew it with: one request, no second try"
    );
    let status = harness.services.store.get(octocat.id).expect("still there").status;
    assert!(
        matches!(status, ConnectionStatus::NeedsReauthorization { .. }),
        "the connection now asks for a new token, got {status:?}"
    );
}

#[tokio::test]
async fn a_next_page_on_another_origin_is_not_followed_and_the_list_says_it_stopped() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "github-origin").await;
    let resources = resources(&harness);
    // Another server, counting who connects to it.
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a second port");
    let other = format!("http://{}", elsewhere.local_addr().expect("its address"));
    let connections = Arc::new(AtomicUsize::new(0));
    tokio::spawn({
        let connections = Arc::clone(&connections);
        async move {
            while let Ok((_stream, _)) = elsewhere.accept().await {
                connections.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let link = format!("<{other}/github/user/repos?per_page=100&page=2>; rel=\"next\"");
    let page = serde_json::json!([
        {"id": 1, "full_name": "octocat/hello-world", "private": false, "description": null},
        {"id": 2, "full_name": "octocat/big-repo", "private": true, "description": "Many branches"}
    ]);
    doubles.fault(REPOS, 200, &[("link", &link)], Some(page), 1).await;

    let listed = list(&resources, &request(&octocat, "github.repo", None))
        .await
        .expect("what the first page gave is kept");
    assert_eq!(
        listed.names(),
        ["octocat/hello-world", "octocat/big-repo"],
        "the first page's repositories"
    );
    assert!(
        listed.summary.partial,
        "the list is marked partial: {:?}",
        listed.summary
    );
    let note = listed.summary.note.clone().unwrap_or_default();
    assert!(note.contains("another server"), "and says why: {note}");
    assert_eq!(
        requests_to(&doubles, REPOS).await.len(),
        1,
        "no further page was asked for"
    );
    tokio::time::sleep(TEST_SECOND * 5).await;
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the token never travels to the other origin"
    );
}

#[tokio::test]
async fn a_next_link_back_to_the_same_page_stops_the_list_as_partial() {
    let doubles = ApiDoubles::start();
    let (harness, octocat) = github(&doubles, "github-repeat").await;
    let resources = resources(&harness);
    doubles.repeat_page_token(REPOS).await;

    let listed = list(&resources, &request(&octocat, "github.repo", None))
        .await
        .expect("a stuck provider still gives what it gave");
    assert!(
        listed.summary.partial,
        "F8: the list is marked partial: {:?}",
        listed.summary
    );
    let note = listed.summary.note.clone().unwrap_or_default();
    assert!(note.contains("same page twice"), "and says why: {note}");
    assert_eq!(
        requests_to(&doubles, REPOS).await.len(),
        2,
        "page 2 linking to page 2 is seen at once, not asked for again"
    );
    assert_eq!(listed.items().len(), 200, "the two pages it did get are kept");
}
