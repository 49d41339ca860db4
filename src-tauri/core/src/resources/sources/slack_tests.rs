use super::super::super::source::Next;
use super::super::test_support::{answer, param, provider, query, url_of};
use super::*;
use crate::error::ErrorCode;

#[test]
fn channels_are_asked_for_by_type_without_the_archived() {
    let provider = provider("slack");
    for (filter, types) in [
        ("all", "public_channel,private_channel"),
        ("public", "public_channel"),
        ("private", "private_channel"),
    ] {
        let mut asked = query(&provider, "slack.channel", None);
        asked.filter = filter;
        let plan = Slack.plan(&asked).expect("a plan");
        assert_eq!(url_of(&plan).path(), "/slack/conversations.list");
        assert_eq!(param(&plan, "types").as_deref(), Some(types), "filter {filter:?}");
        assert_eq!(param(&plan, "exclude_archived").as_deref(), Some("true"));
        assert_eq!(param(&plan, "limit").as_deref(), Some("200"));
    }
}

#[test]
fn people_are_asked_for_from_users_list() {
    let provider = provider("slack");
    let plan = Slack.plan(&query(&provider, "slack.user", None)).expect("a plan");
    assert_eq!(url_of(&plan).path(), "/slack/users.list");
    assert_eq!(param(&plan, "limit").as_deref(), Some("200"));
}

#[test]
fn slack_lists_have_no_locations() {
    let provider = provider("slack");
    for (kind, location) in [("slack.channel", "C012AB3CD"), ("slack.user", "../../auth.test?x=")] {
        let error = Slack
            .plan(&query(&provider, kind, Some(location)))
            .expect_err("nothing opens");
        assert_eq!(
            error.code(),
            ErrorCode::InvalidInput,
            "{kind} is flat, so {location:?} is refused"
        );
    }
}

#[test]
fn channels_read_with_privacy_members_and_topic_and_names_stay_text() {
    let provider = provider("slack");
    let asked = query(&provider, "slack.channel", None);
    let listed = serde_json::json!({
        "ok": true,
        "channels": [
            {"id": "C012AB3CD", "name": "general", "is_channel": true, "is_private": false,
             "is_archived": false, "num_members": 12,
             "topic": {"value": "Company-wide", "creator": "", "last_set": 0},
             "purpose": {"value": "This channel is for everyone", "creator": "", "last_set": 0}},
            {"id": "G0AB12", "name": "<b>secret</b>", "is_private": true, "num_members": 1,
             "topic": {"value": ""}, "purpose": {"value": "Plans"}},
            {"id": "C999", "name": "old", "is_archived": true},
            {"name": "no id"},
            {"id": "C1 OR 1", "name": "odd id"}
        ],
        "response_metadata": {"next_cursor": "dGVhbTpDMDYxRkE1UEI="}
    });
    let parsed = Slack.parse(&asked, &answer(listed)).expect("parsed");
    let ids: Vec<&str> = parsed.items.iter().map(|item| item.id.as_str()).collect();
    assert_eq!(
        ids,
        ["C012AB3CD", "G0AB12"],
        "archived channels and missing or odd ids are skipped"
    );
    assert_eq!(parsed.items[0].name, "general", "the name has no #");
    assert_eq!(parsed.items[0].detail.as_deref(), Some("12 members · Company-wide"));
    assert_eq!(parsed.items[1].name, "<b>secret</b>", "names are kept as text");
    assert_eq!(
        parsed.items[1].detail.as_deref(),
        Some("Private · 1 member · Plans"),
        "with no topic, the purpose says what it is for"
    );
    assert!(parsed
        .items
        .iter()
        .all(|item| item.selectable && item.location.is_none()));
    assert_eq!(
        parsed.next,
        Next::Param {
            name: "cursor",
            value: "dGVhbTpDMDYxRkE1UEI=".into()
        }
    );
}

#[test]
fn people_are_named_as_they_show_and_deactivated_ones_are_left_out() {
    let provider = provider("slack");
    let asked = query(&provider, "slack.user", None);
    let listed = serde_json::json!({
        "ok": true,
        "members": [
            {"id": "W012A3CDE", "name": "spengler", "deleted": false, "real_name": "Egon Spengler",
             "profile": {"real_name": "Egon Spengler", "display_name": "spengler"}, "is_bot": false},
            {"id": "U0BOT", "name": "deploybot", "profile": {"real_name": ""}, "is_bot": true},
            {"id": "USLACKBOT", "name": "slackbot", "profile": {"real_name": "Slackbot"}, "is_bot": false},
            {"id": "U0GONE", "name": "gone", "deleted": true},
            {"name": "no id"}
        ],
        "response_metadata": {"next_cursor": ""}
    });
    let parsed = Slack.parse(&asked, &answer(listed)).expect("parsed");
    let shown: Vec<(&str, &str, Option<&str>)> = parsed
        .items
        .iter()
        .map(|item| (item.id.as_str(), item.name.as_str(), item.detail.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            ("W012A3CDE", "Egon Spengler", Some("@spengler")),
            ("U0BOT", "deploybot", Some("@deploybot · bot")),
            ("USLACKBOT", "Slackbot", Some("@slackbot · bot")),
        ],
        "the real name when there is one, else the handle; deleted people and missing ids are skipped"
    );
    assert_eq!(parsed.next, Next::Done, "an empty next_cursor is the last page");
    assert!(!Slack.searches(&asked), "Slack's lists are filtered by the listing");
}
