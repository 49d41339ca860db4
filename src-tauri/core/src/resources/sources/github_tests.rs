use super::super::test_support::{answer, param, provider, query, url_of};
use super::*;
use crate::error::ErrorCode;

#[test]
fn repositories_are_asked_for_by_affiliation_sorted_a_hundred_a_page() {
    let provider = provider("github");
    for (filter, affiliation) in [
        ("all", "owner,collaborator,organization_member"),
        ("", "owner,collaborator,organization_member"),
        ("owner", "owner"),
        ("organization_member", "organization_member"),
    ] {
        let mut asked = query(&provider, "github.repo", None);
        asked.filter = filter;
        let plan = GitHub.plan(&asked).expect("a plan");
        assert_eq!(url_of(&plan).path(), "/github/user/repos");
        assert_eq!(
            param(&plan, "affiliation").as_deref(),
            Some(affiliation),
            "filter {filter:?} chooses whose repositories are listed"
        );
        assert_eq!(
            param(&plan, "per_page").as_deref(),
            Some("100"),
            "GitHub's largest page"
        );
        assert_eq!(param(&plan, "sort").as_deref(), Some("full_name"));
    }
}

#[test]
fn a_repository_lists_its_branches() {
    let provider = provider("github");
    let plan = GitHub
        .plan(&query(&provider, "github.branch", Some("octo-org/hello.world")))
        .expect("a plan");
    assert_eq!(url_of(&plan).path(), "/github/repos/octo-org/hello.world/branches");
    assert_eq!(param(&plan, "per_page").as_deref(), Some("100"));
}

#[test]
fn a_branch_lists_its_top_directory_with_the_branch_only_as_the_ref() {
    let provider = provider("github");
    let plan = GitHub
        .plan(&query(&provider, "github.file", Some("octo/app:feature/a&b=c")))
        .expect("a plan");
    assert_eq!(url_of(&plan).path(), "/github/repos/octo/app/contents");
    assert_eq!(
        param(&plan, "ref").as_deref(),
        Some("feature/a&b=c"),
        "the branch travels encoded in `ref`, never in the path"
    );
}

#[test]
fn a_directory_path_is_encoded_segment_by_segment() {
    let provider = provider("github");
    let plan = GitHub
        .plan(&query(&provider, "github.file", Some("octo/app:main:docs/a b/c%d#e?f")))
        .expect("a plan");
    assert_eq!(
        url_of(&plan).path(),
        "/github/repos/octo/app/contents/docs/a%20b/c%25d%23e%3Ff",
        "each segment is percent-encoded so it cannot end the path or start a query"
    );
    assert_eq!(url_of(&plan).query(), Some("ref=main"), "only the ref is in the query");
}

#[test]
fn hostile_or_malformed_locations_are_refused() {
    let provider = provider("github");
    for location in [
        "",
        "octo",
        "octo/",
        "/app",
        "../app",
        "octo/..",
        "octo/app/extra",
        "octo/a pp",
        "octo/app?x=1",
        &format!("octo/{}", "a".repeat(101)),
        "octo/app:",
        "octo/app:-rf",
        "octo/app:/main",
        "octo/app:a..b",
        "octo/app:a b",
        "octo/app:a~1",
        "octo/app:a^",
        "octo/app:a*",
        "octo/app:a[",
        "octo/app:a\\b",
        "octo/app:a\u{7}",
        "octo/app:a@{1}",
        "octo/app:topic.lock",
        &format!("octo/app:{}", "b".repeat(256)),
        "octo/app:main:",
        "octo/app:main:docs//x",
        "octo/app:main:docs/../../secrets",
        "octo/app:main:./docs",
        "octo/app:main:docs\n",
    ] {
        let error = GitHub
            .plan(&query(&provider, "github.file", Some(location)))
            .expect_err("not a GitHub place");
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{location:?} must be refused");
    }
}

#[test]
fn a_kind_opens_only_the_places_on_its_way() {
    let provider = provider("github");
    for (kind, location) in [
        ("github.repo", "octo/app"),
        ("github.branch", "octo/app:main"),
        ("github.branch", "octo/app:main:src"),
    ] {
        let error = GitHub
            .plan(&query(&provider, kind, Some(location)))
            .expect_err("nothing to open there");
        assert_eq!(
            error.code(),
            ErrorCode::InvalidInput,
            "{kind} never leads to {location}, so it is not a place for it"
        );
    }
}

#[test]
fn repositories_become_resources_with_their_state_and_description_as_text() {
    let provider = provider("github");
    let repos = serde_json::json!([
        {"id": 1, "full_name": "octo/app", "private": true, "archived": false,
         "description": "<script>alert(1)</script>"},
        {"id": 2, "full_name": "octo/old", "private": false, "archived": true, "description": null},
        {"id": 3, "name": "no full name"},
        {"id": 4, "full_name": "octo/../evil"}
    ]);
    let picked = GitHub
        .parse(&query(&provider, "github.repo", None), &answer(repos.clone()))
        .expect("parsed");
    assert_eq!(picked.items.len(), 2, "entries without a usable full_name are skipped");
    let app = &picked.items[0];
    assert_eq!(
        (app.id.as_str(), app.name.as_str(), app.item.as_str()),
        ("octo/app", "octo/app", "repo")
    );
    assert_eq!(
        app.detail.as_deref(),
        Some("Private · <script>alert(1)</script>"),
        "the description is kept verbatim, as text"
    );
    assert!(
        app.selectable && app.location.is_none(),
        "a repository is the leaf for github.repo"
    );
    assert_eq!(picked.items[1].detail.as_deref(), Some("Archived"));

    let on_the_way = GitHub
        .parse(&query(&provider, "github.file", None), &answer(repos))
        .expect("parsed");
    assert_eq!(
        on_the_way.items[0].location.as_deref(),
        Some("octo/app"),
        "it opens to its branches"
    );
    assert!(!on_the_way.items[0].selectable, "a repository is not a file");
}

#[test]
fn branches_are_named_with_their_repository() {
    let provider = provider("github");
    let branches = serde_json::json!([
        {"name": "main", "commit": {"sha": "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc"}, "protected": true},
        {"name": "feature/<b>x</b>", "commit": {"sha": "abc"}, "protected": false},
        {"name": "bad..name"},
        {"commit": {"sha": "no name"}}
    ]);
    let asked = query(&provider, "github.branch", Some("octo/app"));
    let parsed = GitHub.parse(&asked, &answer(branches.clone())).expect("parsed");
    let ids: Vec<&str> = parsed.items.iter().map(|item| item.id.as_str()).collect();
    assert_eq!(
        ids,
        ["octo/app:main", "octo/app:feature/<b>x</b>"],
        "branches git would refuse, or without a name, are skipped"
    );
    assert_eq!(parsed.items[0].detail.as_deref(), Some("Protected"));
    assert!(parsed.items[0].selectable && parsed.items[0].location.is_none());

    let for_files = GitHub
        .parse(&query(&provider, "github.file", Some("octo/app")), &answer(branches))
        .expect("parsed");
    assert_eq!(
        for_files.items[0].location.as_deref(),
        Some("octo/app:main"),
        "for a file, a branch opens to its top directory"
    );
    assert!(!for_files.items[0].selectable);
}

#[test]
fn contents_put_directories_first_and_leave_out_links_and_submodules() {
    let provider = provider("github");
    let contents = serde_json::json!([
        {"type": "file", "name": "README.md", "path": "docs/README.md", "size": 2150},
        {"type": "symlink", "name": "link", "path": "docs/link", "size": 12},
        {"type": "dir", "name": "img", "path": "docs/img", "size": 0},
        {"type": "submodule", "name": "vendor", "path": "docs/vendor", "size": 0},
        {"type": "file", "name": "tiny.txt", "path": "docs/tiny.txt", "size": 1},
        {"type": "file", "name": "no path"}
    ]);
    let asked = query(&provider, "github.file", Some("octo/app:main:docs"));
    let parsed = GitHub.parse(&asked, &answer(contents)).expect("parsed");
    let names: Vec<&str> = parsed.items.iter().map(|item| item.name.as_str()).collect();
    assert_eq!(
        names,
        ["img", "README.md", "tiny.txt"],
        "directories lead, then files in GitHub's order"
    );
    let dir = &parsed.items[0];
    assert_eq!(dir.location.as_deref(), Some("octo/app:main:docs/img"));
    assert!(!dir.selectable, "a directory is on the way to a file");
    let readme = &parsed.items[1];
    assert_eq!(readme.id, "octo/app:main:docs/README.md");
    assert_eq!(readme.detail.as_deref(), Some("2.1 KB"));
    assert!(readme.selectable && readme.location.is_none());
    assert_eq!(parsed.items[2].detail.as_deref(), Some("1 byte"));
}

#[test]
fn the_next_page_is_the_link_headers_next() {
    let provider = provider("github");
    let asked = query(&provider, "github.repo", None);
    let mut paged = answer(serde_json::json!([]));
    paged.link_next = Some("http://127.0.0.1:9/github/user/repos?page=2".into());
    assert_eq!(
        GitHub.parse(&asked, &paged).expect("parsed").next,
        Next::Url("http://127.0.0.1:9/github/user/repos?page=2".into())
    );
    assert_eq!(
        GitHub
            .parse(&asked, &answer(serde_json::json!([])))
            .expect("parsed")
            .next,
        Next::Done,
        "no Link rel=\"next\" is the last page"
    );
    assert!(!GitHub.searches(&asked), "GitHub's lists are filtered by the listing");
}

#[test]
fn sizes_read_as_words() {
    assert_eq!(size_in_words(0), "0 bytes");
    assert_eq!(size_in_words(1023), "1023 bytes");
    assert_eq!(size_in_words(1024), "1.0 KB");
    assert_eq!(size_in_words(5 * 1024 * 1024), "5.0 MB");
}
