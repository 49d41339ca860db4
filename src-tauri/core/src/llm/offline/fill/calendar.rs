//! Calendar: the range a listing covers, and an event's title, time (in the person's zone),
//! length and guests.

use jiff::civil::Time;
use jiff::{Span, ToSpan};
use serde_json::json;

use super::{put, remainder, Reading, ASKING};
use crate::llm::offline::extract;
use crate::llm::offline::when::add_days;
use crate::llm::plan::PlannedStep;

pub fn fill(step: &mut PlannedStep, reading: &Reading<'_>) {
    match step.action.as_str() {
        "calendar.list_events" => {
            list_events(step, reading);
            put(step, "text", reading.quoted.first().cloned());
        }
        "calendar.create_event" => create_event(step, reading),
        "calendar.update_event_time" => {
            put(step, "event_id", extract::pasted_id(reading.text, &["event", "id"]));
            event_times(step, reading);
        }
        "calendar.delete_event" => put(step, "event_id", extract::pasted_id(reading.text, &["event", "id"])),
        _ => {}
    }
}

fn list_events(step: &mut PlannedStep, reading: &Reading<'_>) {
    let today = reading.now.date();
    let (first, after) = match (reading.when.days, reading.when.day) {
        (Some(days), _) => days,
        (None, Some(day)) => (day, add_days(day, 1)),
        (None, None) => (today, add_days(today, 7)),
    };
    put(step, "from", reading.stamp(first, Time::midnight()));
    put(step, "to", reading.stamp(after, Time::midnight()));
}

fn create_event(step: &mut PlannedStep, reading: &Reading<'_>) {
    let title = extract::called(reading.text)
        .or_else(|| reading.quoted.first().cloned())
        .or_else(|| {
            remainder(reading, &[ASKING, EVENT_WORDS].concat()).filter(|title| title.split_whitespace().count() <= 8)
        });
    put(step, "title", title);
    let attendees = extract::emails(reading.text);
    if !attendees.is_empty() {
        step.arguments.insert("attendees".into(), json!(attendees));
    }
    event_times(step, reading);
}

const EVENT_WORDS: &[&str] = &[
    "schedule",
    "add",
    "create",
    "new",
    "event",
    "put",
    "set",
    "up",
    "book",
    "block",
    "on",
    "calendar",
    "calender",
    "my",
    "to",
    "in",
    "invite",
    "plan",
    "an",
    "called",
    "meeting",
    "appointment",
    "titled",
    "at",
    "and",
    "all",
    "day",
];

/// `start`, `end` and `time_zone` from what the request says about when.
fn event_times(step: &mut PlannedStep, reading: &Reading<'_>) {
    let when = &reading.when;
    if let Some(moment) = &when.moment {
        let end = moment.checked_add(when.duration.unwrap_or_else(|| 1.hour())).ok();
        put(
            step,
            "start",
            reading.stamp(
                moment.date(),
                moment.time().with().second(0).build().unwrap_or(moment.time()),
            ),
        );
        if let Some(end) = end {
            put(step, "end", reading.stamp(end.date(), end.time()));
        }
        put(step, "time_zone", reading.zone_name());
        return;
    }
    match (when.day, when.time) {
        (day, Some(time)) if !when.all_day => {
            let day = day.unwrap_or_else(|| reading.now.date());
            put(step, "start", reading.stamp(day, time));
            let end = when.until.map(|until| (day, until)).or_else(|| {
                let span: Span = when.duration.unwrap_or_else(|| 1.hour());
                day.to_datetime(time)
                    .checked_add(span)
                    .ok()
                    .map(|end| (end.date(), end.time()))
            });
            if let Some((end_day, end_time)) = end {
                put(step, "end", reading.stamp(end_day, end_time));
            }
            put(step, "time_zone", reading.zone_name());
        }
        (Some(day), _) => {
            put(step, "start", Some(day.to_string()));
            put(step, "end", Some(add_days(day, 1).to_string()));
        }
        _ => {}
    }
}
