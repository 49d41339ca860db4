//! Google Calendar's actions through the executor, against the loopback doubles' Calendar API
//! with a Google account saved as signed in with Calendar's scope: RFC 3339 times with and
//! without an offset (then with the time zone), all-day dates, attendees, a move, and a delete —
//! a destructive action, which always asks and can never be set to run without asking (F4). A
//! move between all day and a time clears the other kind (a patch merges), and a list's bounds
//! given as a date or without an offset are sent with this computer's offset.

use crate::support::actions::{body_of, executor, received, run_approved, run_request};
use crate::support::doubles::{seed, ApiDoubles};
use crate::support::saved::ana_on_google;

use serde_json::json;
use switchboard_core::error::{ErrorCode, UserError};
use switchboard_core::tools::{Consent, Policy, RunOutcome};

const EVENTS: &str = "/google/calendar/v3/calendars/ana@example.com/events";
const SCOPES: [&str; 2] = ["openid", "https://www.googleapis.com/auth/calendar.events"];

#[tokio::test]
async fn calendar_lists_creates_moves_and_deletes_events_as_the_api_documents() {
    let doubles = ApiDoubles::start();
    let (harness, ana) = ana_on_google(
        &doubles,
        "actions-calendar",
        &["calendar"],
        &SCOPES,
        "ya29.calendarActions",
    );
    let executor = executor(&harness);

    let week = run_approved(
        &executor,
        "calendar.list_events",
        &ana,
        json!({"calendar": seed::PRIMARY_CALENDAR, "from": "2026-12-07T00:00:00Z", "to": "2026-12-14T00:00:00Z"}),
    )
    .await;
    let asked = &received(&doubles, "GET", EVENTS).await[0];
    assert_eq!(
        asked["query"],
        json!({"timeMin": "2026-12-07T00:00:00Z", "timeMax": "2026-12-14T00:00:00Z", "singleEvents": "true", "orderBy": "startTime", "maxResults": "50"})
    );
    assert_eq!(
        week.data.as_array().map(Vec::len),
        Some(2),
        "the week's two events: {}",
        week.data
    );

    let made = run_approved(
        &executor,
        "calendar.create_event",
        &ana,
        json!({
            "title": "Planning ✓",
            "start": "2026-12-10T09:30:00",
            "end": "2026-12-10T10:30:00",
            "time_zone": "Europe/Lisbon",
            "location": "Room 2",
            "attendees": ["bo@example.org"]
        }),
    )
    .await;
    let primary = "/google/calendar/v3/calendars/primary/events";
    let created = &received(&doubles, "POST", primary).await[0];
    assert_eq!(
        created["query"],
        json!({"sendUpdates": "all"}),
        "the attendees get invitations"
    );
    assert_eq!(
        body_of(created),
        json!({
            "summary": "Planning ✓",
            "start": {"dateTime": "2026-12-10T09:30:00", "timeZone": "Europe/Lisbon"},
            "end": {"dateTime": "2026-12-10T10:30:00", "timeZone": "Europe/Lisbon"},
            "location": "Room 2",
            "attendees": [{"email": "bo@example.org"}]
        }),
        "RFC 3339 without an offset, read in the IANA time zone"
    );
    assert!(made
        .link
        .is_some_and(|link| link.starts_with("https://www.google.com/calendar/event?eid=")));
    let id = made.data["id"].as_str().expect("the event's id").to_owned();

    run_approved(
        &executor,
        "calendar.create_event",
        &ana,
        json!({"title": "Off", "start": "2026-12-24", "end": "2026-12-27"}),
    )
    .await;
    let all_day = &received(&doubles, "POST", primary).await[1];
    assert_eq!(
        body_of(all_day)["start"],
        json!({"date": "2026-12-24"}),
        "an all-day event has dates"
    );
    let mixed = run_request(
        "calendar.create_event",
        &ana,
        json!({"title": "x", "start": "2026-12-24", "end": "2026-12-24T10:00:00Z"}),
    );
    let error = UserError::from(executor.run(&mixed, Consent::Approved).await.expect_err("a mix"));
    assert_eq!(error.code, ErrorCode::InvalidInput, "{}", error.message);
    let no_zone = run_request(
        "calendar.create_event",
        &ana,
        json!({"title": "x", "start": "2026-12-24T09:00:00", "end": "2026-12-24T10:00:00"}),
    );
    let error = UserError::from(executor.run(&no_zone, Consent::Approved).await.expect_err("no zone"));
    assert!(
        error.message.contains("/time_zone"),
        "the missing field is named: {}",
        error.message
    );

    run_approved(
        &executor,
        "calendar.update_event_time",
        &ana,
        json!({"event_id": id, "start": "2026-12-11T09:30:00+00:00", "end": "2026-12-11T10:30:00+00:00"}),
    )
    .await;
    let moved = &received(&doubles, "PATCH", &format!("{primary}/{id}")).await[0];
    assert_eq!(
        body_of(moved),
        json!({"start": {"dateTime": "2026-12-11T09:30:00+00:00", "date": null}, "end": {"dateTime": "2026-12-11T10:30:00+00:00", "date": null}}),
        "a patch merges into what is there: a date the event may have is cleared"
    );
    assert_eq!(
        moved["query"],
        json!({"sendUpdates": "all"}),
        "the attendees are told of the move"
    );

    run_approved(
        &executor,
        "calendar.update_event_time",
        &ana,
        json!({"event_id": id, "start": "2026-12-11T14:00:00", "end": "2026-12-11T15:00:00", "time_zone": "America/New_York"}),
    )
    .await;
    let zoned = &received(&doubles, "PATCH", &format!("{primary}/{id}")).await[1];
    assert_eq!(
        body_of(zoned),
        json!({
            "start": {"dateTime": "2026-12-11T14:00:00", "timeZone": "America/New_York", "date": null},
            "end": {"dateTime": "2026-12-11T15:00:00", "timeZone": "America/New_York", "date": null}
        }),
        "a move to times without an offset says the IANA zone they are read in"
    );

    let refused = executor
        .set_policy("calendar.delete_event", Some(ana.id), Some(Policy::Allow))
        .map_err(UserError::from);
    assert_eq!(
        refused.map_err(|error| error.code),
        Err(ErrorCode::InvalidInput),
        "F4: never always-allowed"
    );
    let delete = run_request("calendar.delete_event", &ana, json!({"event_id": id}));
    let pending = executor.run(&delete, Consent::NotYet).await.map_err(UserError::from);
    assert!(
        matches!(&pending, Ok(RunOutcome::NeedsApproval(approval)) if !approval.can_always_allow),
        "F4: a delete asks, with no always-allow: {pending:?}"
    );
    run_approved(&executor, "calendar.delete_event", &ana, json!({"event_id": id})).await;
    let deleted = &received(&doubles, "DELETE", &format!("{primary}/{id}")).await[0];
    assert_eq!(deleted["query"], json!({"sendUpdates": "all"}));
    let again = UserError::from(
        executor
            .run(&delete, Consent::Approved)
            .await
            .expect_err("already gone"),
    );
    assert_eq!(again.code, ErrorCode::ProviderRejected, "{}", again.message);
}

#[tokio::test]
async fn a_move_between_all_day_and_a_time_clears_the_other_kind_of_time() {
    let doubles = ApiDoubles::start();
    let (harness, ana) = ana_on_google(
        &doubles,
        "actions-calendar-kinds",
        &["calendar"],
        &SCOPES,
        "ya29.calendarKinds",
    );
    let executor = executor(&harness);
    let holiday = format!("{EVENTS}/evholiday1225");

    run_approved(
        &executor,
        "calendar.update_event_time",
        &ana,
        json!({"calendar": seed::PRIMARY_CALENDAR, "event_id": "evholiday1225",
               "start": "2026-12-25T10:00:00", "end": "2026-12-25T12:00:00", "time_zone": "Europe/Lisbon"}),
    )
    .await;
    let timed = &received(&doubles, "PATCH", &holiday).await[0];
    assert_eq!(
        body_of(timed)["start"],
        json!({"dateTime": "2026-12-25T10:00:00", "timeZone": "Europe/Lisbon", "date": null}),
        "an all-day event given a time loses its date, or it would have both and Google refuses it"
    );

    run_approved(
        &executor,
        "calendar.update_event_time",
        &ana,
        json!({"calendar": seed::PRIMARY_CALENDAR, "event_id": "evholiday1225", "start": "2026-12-26", "end": "2026-12-27"}),
    )
    .await;
    let all_day = &received(&doubles, "PATCH", &holiday).await[1];
    assert_eq!(
        body_of(all_day)["end"],
        json!({"date": "2026-12-27", "dateTime": null, "timeZone": null}),
        "a timed event made all day loses its time and zone"
    );
    let listed = run_approved(
        &executor,
        "calendar.list_events",
        &ana,
        json!({"calendar": seed::PRIMARY_CALENDAR, "from": "2026-12-26T00:00:00Z", "to": "2026-12-27T00:00:00Z"}),
    )
    .await;
    assert_eq!(
        listed.data[0]["start"], "2026-12-26",
        "the event is all day again: {}",
        listed.data
    );
}

#[tokio::test]
async fn list_bounds_given_as_a_date_or_without_an_offset_are_sent_with_this_computers_offset() {
    let doubles = ApiDoubles::start();
    let (harness, ana) = ana_on_google(
        &doubles,
        "actions-calendar-bounds",
        &["calendar"],
        &SCOPES,
        "ya29.calendarBounds",
    );
    let executor = executor(&harness);

    run_approved(
        &executor,
        "calendar.list_events",
        &ana,
        json!({"calendar": seed::PRIMARY_CALENDAR, "from": "2026-12-07", "to": "2026-12-14T08:30"}),
    )
    .await;
    let local = |date: jiff::civil::DateTime| {
        date.to_zoned(jiff::tz::TimeZone::system())
            .expect("a local time")
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    let asked = &received(&doubles, "GET", EVENTS).await[0];
    assert_eq!(
        (&asked["query"]["timeMin"], &asked["query"]["timeMax"]),
        (
            &json!(local(jiff::civil::date(2026, 12, 7).at(0, 0, 0, 0))),
            &json!(local(jiff::civil::date(2026, 12, 14).at(8, 30, 0, 0)))
        ),
        "events.list takes only RFC 3339 with an offset: a date is the start of that day, a time \
         without an offset that time, both where this computer is"
    );
}
