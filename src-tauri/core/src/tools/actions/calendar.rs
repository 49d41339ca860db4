//! Google Calendar's actions (Calendar API v3). Times are RFC 3339: a date-time with an offset,
//! or without one and an IANA time zone (Calendar then reads it in that zone), or a date alone
//! for an all-day event (`{"date": …}`, the end day excluded). Attendees are told of changes
//! (`sendUpdates=all`). A move is a patch, merged into the event: it clears the other kind of
//! time (`null`), or an event would have both a date and a date-time. A list's bounds must have
//! an offset: a date, or a time without one, is read in this computer's time zone.

use jiff::civil;
use jiff::tz::TimeZone as Zone;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{action, items, string_param, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{list_summary, ActionOutput};

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("calendar.list_events", ListEvents, list_events, read_events),
        action!("calendar.create_event", CreateEvent, create_event, read_event),
        action!("calendar.update_event_time", MoveEvent, move_event, read_moved),
        action!("calendar.delete_event", OneEvent, delete_event, read_deleted),
    ]
}

string_param!(
    /// A calendar's id, chosen with the calendar picker (`primary` if not given).
    CalendarId,
    pattern = r"^[^\s/?#]{1,254}$",
    picker = ("google", "calendar.calendar")
);

string_param!(
    /// A date (`2026-12-10`, all day) or a date-time (`2026-12-10T09:30:00`, with or without an
    /// offset).
    When,
    pattern = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$"
);

string_param!(
    /// An IANA time zone such as `Europe/Lisbon`.
    TimeZone,
    pattern = r"^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$"
);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListEvents {
    /// The calendar (the primary one if not given).
    #[serde(default)]
    calendar: Option<CalendarId>,
    /// From this time: a date-time with an offset (2026-12-07T09:00:00Z), or without one or a
    /// date (the start of that day), read in this computer's time zone.
    from: When,
    /// Until this time (given as `from` is).
    to: When,
    /// Only events matching this text.
    #[serde(default)]
    text: Option<String>,
    /// At most this many (1–250, 50 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 250))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEvent {
    /// The calendar (the primary one if not given).
    #[serde(default)]
    calendar: Option<CalendarId>,
    /// The event's title.
    #[schemars(length(min = 1, max = 1024))]
    title: String,
    /// When it starts: a date-time, or a date for an all-day event.
    start: When,
    /// When it ends: a date-time, or the day after the last for an all-day event.
    end: When,
    /// The time zone of times given without an offset.
    #[serde(default)]
    time_zone: Option<TimeZone>,
    /// What it is about.
    #[serde(default)]
    description: Option<String>,
    /// Where it is.
    #[serde(default)]
    location: Option<String>,
    /// Emails of the people to invite.
    #[serde(default)]
    attendees: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveEvent {
    /// The calendar (the primary one if not given).
    #[serde(default)]
    calendar: Option<CalendarId>,
    /// The event's id (from List events).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,1024}$"))]
    event_id: String,
    /// The new start.
    start: When,
    /// The new end.
    end: When,
    /// The time zone of times given without an offset.
    #[serde(default)]
    time_zone: Option<TimeZone>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneEvent {
    /// The calendar (the primary one if not given).
    #[serde(default)]
    calendar: Option<CalendarId>,
    /// The event's id (from List events).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,1024}$"))]
    event_id: String,
}

fn events_url(target: &Target<'_>, calendar: Option<&CalendarId>, event: Option<&str>) -> Result<url::Url, ToolError> {
    let calendar = calendar.map_or("primary", |calendar| calendar.0.as_str());
    let mut segments = vec!["calendar", "v3", "calendars", calendar, "events"];
    segments.extend(event);
    target.url(&segments)
}

/// Calendar's `{"dateTime", "timeZone"}` or `{"date"}` for a time (`field` names it in errors).
fn time(field: &str, when: &When, zone: Option<&TimeZone>) -> Result<Value, ToolError> {
    if !when.0.contains('T') {
        return Ok(json!({ "date": when.0 }));
    }
    match (offset_at(&when.0).is_some(), zone) {
        (_, Some(zone)) => Ok(json!({ "dateTime": when.0, "timeZone": zone.0 })),
        (true, None) => Ok(json!({ "dateTime": when.0 })),
        (false, None) => Err(ToolError::InvalidArguments(vec![format!(
            "/{field}: a time without an offset needs /time_zone"
        )])),
    }
}

/// Where a date-time's offset (`Z`, `+01:00`, `-05:00`) begins, if it has one (past the date,
/// whose own `-` are not an offset).
fn offset_at(text: &str) -> Option<usize> {
    Some(text.get(10..)?.find(['Z', '+', '-'])? + 10)
}

/// Both dates, or both date-times: Calendar refuses a mix.
fn span(start: &When, end: &When, zone: Option<&TimeZone>) -> Result<(Value, Value), ToolError> {
    if start.0.contains('T') != end.0.contains('T') {
        return Err(ToolError::InvalidArguments(vec![
            "/end: give both times as dates (all day) or both as date-times".into(),
        ]));
    }
    Ok((time("start", start, zone)?, time("end", end, zone)?))
}

/// A time as a patch sets it: the other kind cleared (a date-time's date; a date's date-time
/// and zone), since a patch merges into what the event has.
fn replacing(mut time: Value) -> Value {
    if time.get("date").is_some() {
        time["dateTime"] = Value::Null;
        time["timeZone"] = Value::Null;
    } else {
        time["date"] = Value::Null;
    }
    time
}

/// events.list's `timeMin`/`timeMax`, RFC 3339 with an offset: a date is the start of that
/// day, and a date-time without an offset that time, in `zone`; an offset given is kept.
fn bound(field: &str, when: &When, zone: &Zone) -> Result<String, ToolError> {
    let invalid = || ToolError::InvalidArguments(vec![format!("/{field}: not a real date or time")]);
    let text = when.0.as_str();
    let (local, offset) = text.split_at(offset_at(text).unwrap_or(text.len()));
    let at: civil::DateTime = match local.len() {
        10 => local.parse::<civil::Date>().map_err(|_| invalid())?.into(),
        _ => local.parse().map_err(|_| invalid())?,
    };
    if !offset.is_empty() {
        return Ok(format!("{}{offset}", at.strftime("%Y-%m-%dT%H:%M:%S%.f")));
    }
    let zoned = at.to_zoned(zone.clone()).map_err(|_| invalid())?;
    Ok(zoned.strftime("%Y-%m-%dT%H:%M:%S%.f%:z").to_string())
}

fn list_events(params: &ListEvents, target: &Target<'_>) -> Result<Call, ToolError> {
    let zone = Zone::system();
    let mut url = events_url(target, params.calendar.as_ref(), None)?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("timeMin", &bound("from", &params.from, &zone)?)
            .append_pair("timeMax", &bound("to", &params.to, &zone)?)
            .append_pair("singleEvents", "true")
            .append_pair("orderBy", "startTime")
            .append_pair("maxResults", &params.limit.unwrap_or(50).to_string());
        if let Some(text) = &params.text {
            query.append_pair("q", text);
        }
    }
    Ok(Call::new(Method::Get, url))
}

fn when_of(event: &Value, edge: &str) -> Option<String> {
    let at = event.get(edge)?;
    text(at, "dateTime").or_else(|| text(at, "date")).map(str::to_owned)
}

fn read_events(_: &ListEvents, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let events: Vec<Value> = items(answer.json.get("items").unwrap_or(&Value::Null))
        .iter()
        .map(|event| {
            json!({
                "id": text(event, "id"),
                "title": text(event, "summary"),
                "start": when_of(event, "start"),
                "end": when_of(event, "end"),
                "url": text(event, "htmlLink"),
            })
        })
        .collect();
    let lines = events.iter().map(|event| {
        format!(
            "{} {} (id {})",
            event["start"].as_str().unwrap_or("?"),
            text(event, "title").unwrap_or(""),
            text(event, "id").unwrap_or("?")
        )
    });
    let summary = list_summary(events.len(), "events", lines.collect::<Vec<_>>());
    Ok(ActionOutput::new(summary, Value::Array(events)))
}

fn create_event(params: &CreateEvent, target: &Target<'_>) -> Result<Call, ToolError> {
    let (start, end) = span(&params.start, &params.end, params.time_zone.as_ref())?;
    let mut body = json!({ "summary": params.title, "start": start, "end": end });
    if let Some(description) = &params.description {
        body["description"] = json!(description);
    }
    if let Some(location) = &params.location {
        body["location"] = json!(location);
    }
    if !params.attendees.is_empty() {
        let attendees: Vec<Value> = params.attendees.iter().map(|email| json!({ "email": email })).collect();
        body["attendees"] = json!(attendees);
    }
    let mut url = events_url(target, params.calendar.as_ref(), None)?;
    url.query_pairs_mut().append_pair("sendUpdates", "all");
    Ok(Call::new(Method::Post, url).json(body))
}

fn read_event(params: &CreateEvent, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let link = text(&answer.json, "htmlLink").map(str::to_owned);
    let summary = format!("Created “{}” starting {}.", params.title, params.start.0);
    Ok(ActionOutput::new(summary, json!({ "id": text(&answer.json, "id"), "url": link })).link(link))
}

fn move_event(params: &MoveEvent, target: &Target<'_>) -> Result<Call, ToolError> {
    let (start, end) = span(&params.start, &params.end, params.time_zone.as_ref())?;
    let mut url = events_url(target, params.calendar.as_ref(), Some(&params.event_id))?;
    url.query_pairs_mut().append_pair("sendUpdates", "all");
    let body = json!({ "start": replacing(start), "end": replacing(end) });
    Ok(Call::new(Method::Patch, url).json(body))
}

fn read_moved(params: &MoveEvent, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let link = text(&answer.json, "htmlLink").map(str::to_owned);
    let title = text(&answer.json, "summary").unwrap_or("The event");
    let summary = format!("Moved “{title}” to {} – {}.", params.start.0, params.end.0);
    Ok(ActionOutput::new(summary, json!({ "id": params.event_id, "url": link })).link(link))
}

fn delete_event(params: &OneEvent, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut url = events_url(target, params.calendar.as_ref(), Some(&params.event_id))?;
    url.query_pairs_mut().append_pair("sendUpdates", "all");
    Ok(Call::new(Method::Delete, url))
}

fn read_deleted(params: &OneEvent, _: &Answer) -> Result<ActionOutput, ToolError> {
    let summary = format!("Deleted the event {}; its attendees were told.", params.event_id);
    Ok(ActionOutput::new(summary, json!({ "id": params.event_id })))
}

#[cfg(test)]
mod tests {
    use super::{bound, When};

    #[test]
    fn list_bounds_are_rfc_3339_with_an_offset() {
        // Lisbon: UTC in winter, +01:00 in summer.
        let zone = jiff::tz::TimeZone::posix("WET0WEST,M3.5.0/1,M10.5.0").expect("a zone");
        let sent = |text: &str| bound("from", &When(text.into()), &zone).map_err(|error| error.to_string());
        assert_eq!(
            sent("2026-12-07").as_deref(),
            Ok("2026-12-07T00:00:00+00:00"),
            "a date: its start"
        );
        assert_eq!(
            sent("2026-07-07").as_deref(),
            Ok("2026-07-07T00:00:00+01:00"),
            "in summer time"
        );
        assert_eq!(
            sent("2026-07-07T09:30").as_deref(),
            Ok("2026-07-07T09:30:00+01:00"),
            "seconds added"
        );
        assert_eq!(
            sent("2026-07-07T09:30:00.25").as_deref(),
            Ok("2026-07-07T09:30:00.25+01:00")
        );
        assert_eq!(
            sent("2026-07-07T09:30Z").as_deref(),
            Ok("2026-07-07T09:30:00Z"),
            "an offset kept"
        );
        assert_eq!(
            sent("2026-07-07T09:30:00-05:00").as_deref(),
            Ok("2026-07-07T09:30:00-05:00")
        );
        assert_eq!(
            sent("2026-03-29T01:30").as_deref(),
            Ok("2026-03-29T02:30:00+01:00"),
            "a time the clocks skip is read as after the change"
        );
        assert!(
            sent("2026-02-30").is_err_and(|error| error.contains("/from")),
            "not a real date: the field is named"
        );
    }
}
