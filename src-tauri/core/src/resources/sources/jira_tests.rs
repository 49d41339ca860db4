use super::super::test_support::{answer, param, provider, query, url_of};
use super::*;
use crate::error::ErrorCode;

const CLOUD: &str = "11223344-a1b2-3b33-c444-def123456789";

#[test]
fn sites_come_from_the_catalogues_sites_url_on_the_gateway() {
    let mut provider = provider("atlassian");
    let plan = Jira.plan(&query(&provider, "jira.site", None)).expect("a plan");
    assert_eq!(
        url_of(&plan).as_str(),
        "http://127.0.0.1:9/atlassian/oauth/token/accessible-resources",
        "a relative sites_url is on the API base"
    );
    provider
        .identity
        .as_mut()
        .expect("atlassian names its identity")
        .sites_url = Some("http://127.0.0.1:9/elsewhere/sites".into());
    let plan = Jira.plan(&query(&provider, "jira.project", None)).expect("a plan");
    assert_eq!(
        url_of(&plan).as_str(),
        "http://127.0.0.1:9/elsewhere/sites",
        "an absolute one is used as is"
    );
}

#[test]
fn projects_are_searched_by_jira_in_name_order() {
    let provider = provider("atlassian");
    let mut asked = query(&provider, "jira.project", Some(CLOUD));
    let plan = Jira.plan(&asked).expect("a plan");
    assert_eq!(
        url_of(&plan).path(),
        format!("/atlassian/ex/jira/{CLOUD}/rest/api/3/project/search")
    );
    assert_eq!(param(&plan, "maxResults").as_deref(), Some("50"));
    assert_eq!(param(&plan, "orderBy").as_deref(), Some("name"));
    assert_eq!(param(&plan, "query"), None, "no search, no query");
    asked.search = Some("Web & \"app\"");
    let plan = Jira.plan(&asked).expect("a plan");
    assert_eq!(
        param(&plan, "query").as_deref(),
        Some("Web & \"app\""),
        "the search travels encoded"
    );
    assert!(Jira.searches(&asked), "Jira searches projects itself");
}

#[test]
fn issues_are_asked_for_with_jql_and_the_search_escaped() {
    let provider = provider("atlassian");
    let location = format!("{CLOUD}/WEB_2");
    let mut asked = query(&provider, "jira.issue", Some(&location));
    let plan = Jira.plan(&asked).expect("a plan");
    assert_eq!(
        url_of(&plan).path(),
        format!("/atlassian/ex/jira/{CLOUD}/rest/api/3/search/jql")
    );
    assert_eq!(
        param(&plan, "jql").as_deref(),
        Some("project = \"WEB_2\" ORDER BY updated DESC")
    );
    assert_eq!(param(&plan, "maxResults").as_deref(), Some("100"));
    assert_eq!(param(&plan, "fields").as_deref(), Some("summary,status,issuetype"));
    asked.search = Some(r#"x" OR project = "HR \"#);
    let plan = Jira.plan(&asked).expect("a plan");
    assert_eq!(
        param(&plan, "jql").as_deref(),
        Some(r#"project = "WEB_2" AND text ~ "x\" OR project = \"HR \\" ORDER BY updated DESC"#),
        "a search cannot close the JQL string and add clauses"
    );
    assert!(Jira.searches(&asked), "Jira searches issues itself");
    assert!(
        !Jira.searches(&query(&provider, "jira.issue", None)),
        "sites are filtered by the listing"
    );
}

#[test]
fn hostile_or_malformed_locations_are_refused() {
    let provider = provider("atlassian");
    let long = "a".repeat(65);
    for location in [
        "",
        "../../admin",
        "cloud id",
        "cloud?x=1",
        long.as_str(),
        &format!("{CLOUD}/"),
        &format!("{CLOUD}/web"),
        &format!("{CLOUD}/1WEB"),
        &format!("{CLOUD}/WEB-1"),
        &format!("{CLOUD}/WEB/X"),
        &format!("{CLOUD}/WEB\" OR 1=1"),
        &format!("{CLOUD}/{}", "A".repeat(33)),
    ] {
        let error = Jira
            .plan(&query(&provider, "jira.issue", Some(location)))
            .expect_err("not a Jira place");
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{location:?} must be refused");
    }
    for (kind, location) in [
        ("jira.site", CLOUD.to_owned()),
        ("jira.project", format!("{CLOUD}/WEB")),
    ] {
        let error = Jira
            .plan(&query(&provider, kind, Some(&location)))
            .expect_err("nothing to open there");
        assert_eq!(
            error.code(),
            ErrorCode::InvalidInput,
            "{kind} never leads to {location}"
        );
    }
}

#[test]
fn sites_read_from_the_accessible_resources_array() {
    let provider = provider("atlassian");
    let sites = serde_json::json!([
        {"id": CLOUD, "url": "https://acme.atlassian.net", "name": "<i>acme</i>",
         "scopes": ["read:jira-work"], "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png"},
        {"url": "https://no-id.atlassian.net", "name": "no id"},
        {"id": "x/../y", "name": "odd id"}
    ]);
    let picked = Jira
        .parse(&query(&provider, "jira.site", None), &answer(sites.clone()))
        .expect("parsed");
    assert_eq!(picked.items.len(), 1, "sites without a usable id are skipped");
    let site = &picked.items[0];
    assert_eq!(
        (site.id.as_str(), site.name.as_str()),
        (CLOUD, "<i>acme</i>"),
        "names stay text"
    );
    assert_eq!(site.detail.as_deref(), Some("https://acme.atlassian.net"));
    assert!(
        site.selectable && site.location.is_none(),
        "a site is the leaf for jira.site"
    );
    assert_eq!(picked.next, Next::Done);

    let on_the_way = Jira
        .parse(&query(&provider, "jira.issue", None), &answer(sites))
        .expect("parsed");
    assert_eq!(
        on_the_way.items[0].location.as_deref(),
        Some(CLOUD),
        "it opens to its projects"
    );
    assert!(!on_the_way.items[0].selectable);
}

#[test]
fn projects_read_with_their_key_and_page_by_start_at() {
    let provider = provider("atlassian");
    let asked = query(&provider, "jira.issue", Some(CLOUD));
    let next_page = format!("http://127.0.0.1:9/atlassian/ex/jira/{CLOUD}/rest/api/3/project/search?startAt=2");
    let page = serde_json::json!({
        "self": "…", "nextPage": next_page, "maxResults": 2, "startAt": 0, "total": 7, "isLast": false,
        "values": [
            {"id": "10000", "key": "EX", "name": "Example", "projectTypeKey": "software"},
            {"id": "10001", "key": "bad key", "name": "odd key"},
            {"id": "10002", "name": "no key"}
        ]
    });
    let parsed = Jira.parse(&asked, &answer(page)).expect("parsed");
    assert_eq!(parsed.items.len(), 1, "projects without a usable key are skipped");
    let project = &parsed.items[0];
    assert_eq!(project.id, format!("{CLOUD}/EX"));
    assert_eq!(
        (project.name.as_str(), project.detail.as_deref()),
        ("Example", Some("EX"))
    );
    assert_eq!(
        project.location.as_deref(),
        Some(project.id.as_str()),
        "for an issue, it opens"
    );
    assert!(!project.selectable);
    assert_eq!(
        parsed.next,
        Next::Param {
            name: "startAt",
            value: "3".into()
        },
        "the next page starts after the three that came, whatever host nextPage names"
    );

    let without_link = serde_json::json!({"startAt": 50, "isLast": false, "values": [{"key": "A", "name": "A"}]});
    assert_eq!(
        Jira.parse(&asked, &answer(without_link)).expect("parsed").next,
        Next::Param {
            name: "startAt",
            value: "51".into()
        },
        "the next page starts after what came"
    );
    let last = serde_json::json!({"startAt": 50, "isLast": true, "values": [{"key": "A", "name": "A"}]});
    assert_eq!(Jira.parse(&asked, &answer(last)).expect("parsed").next, Next::Done);

    let picked = Jira
        .parse(
            &query(&provider, "jira.project", Some(CLOUD)),
            &answer(serde_json::json!({"isLast": true, "values": [{"key": "EX", "name": "Example"}]})),
        )
        .expect("parsed");
    assert!(picked.items[0].selectable && picked.items[0].location.is_none());
}

#[test]
fn issues_read_with_key_status_and_type_and_page_by_token() {
    let provider = provider("atlassian");
    let location = format!("{CLOUD}/EX");
    let asked = query(&provider, "jira.issue", Some(&location));
    let page = serde_json::json!({
        "issues": [
            {"id": "10068", "key": "EX-12", "self": "…", "fields": {
                "summary": "<script>x</script> fails", "status": {"name": "In Progress", "id": "3"},
                "issuetype": {"name": "Bug", "id": "1"}}},
            {"id": "10069", "key": "EX-13", "fields": {}},
            {"id": "10070", "key": "EX-13; DROP", "fields": {"summary": "odd key"}},
            {"id": "10071", "fields": {"summary": "no key"}}
        ],
        "nextPageToken": "CAEaAggD"
    });
    let parsed = Jira.parse(&asked, &answer(page)).expect("parsed");
    let shown: Vec<(&str, &str, Option<&str>)> = parsed
        .items
        .iter()
        .map(|item| (item.id.as_str(), item.name.as_str(), item.detail.as_deref()))
        .collect();
    let (first, second) = (format!("{CLOUD}/EX-12"), format!("{CLOUD}/EX-13"));
    assert_eq!(
        shown,
        [
            (
                first.as_str(),
                "<script>x</script> fails",
                Some("EX-12 · In Progress · Bug")
            ),
            (second.as_str(), "EX-13", Some("EX-13")),
        ],
        "summaries stay text; an issue without one is named by its key; bad or missing keys are skipped"
    );
    assert!(parsed.items.iter().all(|item| item.selectable && item.item == "issue"));
    assert_eq!(
        parsed.next,
        Next::Param {
            name: "nextPageToken",
            value: "CAEaAggD".into()
        }
    );
    let last = serde_json::json!({"issues": [], "isLast": true});
    assert_eq!(Jira.parse(&asked, &answer(last)).expect("parsed").next, Next::Done);
}

#[test]
fn an_issues_transitions_are_listed_by_the_status_each_moves_it_to() {
    let provider = provider("atlassian");
    let location = format!("{CLOUD}/EX-12");
    let asked = query(&provider, "jira.transition", Some(&location));
    let plan = Jira.plan(&asked).expect("a plan");
    assert_eq!(
        url_of(&plan).path(),
        format!("/atlassian/ex/jira/{CLOUD}/rest/api/3/issue/EX-12/transitions"),
        "the issue's own transitions, on its site"
    );
    assert!(
        !Jira.searches(&asked),
        "Jira does not search transitions: the listing filters them"
    );
    let answer = answer(serde_json::json!({"expand": "transitions", "transitions": [
        {"id": "21", "name": "Start progress", "to": {"name": "In Progress", "id": "3"}},
        {"id": "31", "name": "Done", "to": {"name": "Done", "id": "10001"}},
        {"id": "4x", "name": "odd id", "to": {"name": "Odd"}},
        {"name": "no id", "to": {"name": "Nowhere"}}
    ]}));
    let parsed = Jira.parse(&asked, &answer).expect("parsed");
    let shown: Vec<(&str, &str, Option<&str>)> = parsed
        .items
        .iter()
        .map(|item| (item.id.as_str(), item.name.as_str(), item.detail.as_deref()))
        .collect();
    let (start, done) = (format!("{location}:21"), format!("{location}:31"));
    assert_eq!(
        shown,
        [
            (start.as_str(), "In Progress", Some("Start progress")),
            (done.as_str(), "Done", None)
        ],
        "the value is the id transition_issue takes, after the issue whose workflow it belongs \
         to; the label the status it leads to (its own name beside it when different); ids that \
         are not digits are skipped"
    );
    assert!(parsed
        .items
        .iter()
        .all(|item| item.selectable && item.item == "transition"));
    assert_eq!(parsed.next, Next::Done);
}

#[test]
fn for_a_transition_the_way_leads_through_a_sites_projects_and_a_projects_issues() {
    let provider = provider("atlassian");
    let project = format!("{CLOUD}/EX");
    let issues = serde_json::json!({"issues": [{"key": "EX-12", "fields": {"summary": "Fails"}}]});
    let parsed = Jira
        .parse(&query(&provider, "jira.transition", Some(&project)), &answer(issues))
        .expect("parsed");
    let issue = &parsed.items[0];
    assert!(
        !issue.selectable && issue.location.as_deref() == Some(format!("{CLOUD}/EX-12").as_str()),
        "an issue opens to its transitions: {issue:?}"
    );
    let projects = serde_json::json!({"isLast": true, "values": [{"key": "EX", "name": "Example"}]});
    let parsed = Jira
        .parse(&query(&provider, "jira.transition", Some(CLOUD)), &answer(projects))
        .expect("parsed");
    assert_eq!(
        parsed.items[0].location.as_deref(),
        Some(project.as_str()),
        "a project opens to its issues"
    );
    for kind in ["jira.issue", "jira.project", "jira.site"] {
        let error = Jira
            .plan(&query(&provider, kind, Some(&format!("{CLOUD}/EX-12"))))
            .expect_err("an issue opens only for a transition");
        assert_eq!(
            error.code(),
            ErrorCode::InvalidInput,
            "{kind} never leads into an issue"
        );
    }
}
