//! Dates, times and durations in a request, read against the person's clock and time zone.
//! Days go through `interim` (ISO and month-name dates, weekdays with "next"/"this", "tomorrow",
//! "3/14") once the phrase is cut out and tidied ("on the 14th" → "March 14", "in 3 days" →
//! "3 days"); clock times ("3pm", "9:30", "noon") and durations ("for 45 minutes") are simple
//! enough to read here. `jiff` does the calendar arithmetic in the zone, so a day across a
//! daylight-saving change still starts at its own midnight.

use std::sync::LazyLock;

use jiff::civil::{Date, Time};
use jiff::{Span, Zoned};
use regex::Regex;

/// What a request says about when.
#[derive(Debug, Clone, Default)]
pub struct When {
    /// The day named, if any.
    pub day: Option<Date>,
    /// A range of days named ("this week", "next 3 days"): the first day and the day after the last.
    pub days: Option<(Date, Date)>,
    /// The clock time named, if any.
    pub time: Option<Time>,
    /// An end time ("from 3pm to 4:30pm").
    pub until: Option<Time>,
    /// A moment relative to now ("in 2 hours").
    pub moment: Option<Zoned>,
    /// How long ("for 30 minutes").
    pub duration: Option<Span>,
    /// "all day".
    pub all_day: bool,
    /// The text's spans that said it, to be left out of titles and messages.
    pub spans: Vec<(usize, usize)>,
}

static WEEK_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(this week|next week|this weekend|next weekend|(?:next|coming) (\d{1,3}) days)\b")
        .expect("a valid pattern")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bin (\d{1,3}|an?|one|two|three) (minutes?|mins?|hours?|hrs?|days?|weeks?)\b")
        .expect("a valid pattern")
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bfor (\d{1,3}(?:\.5)?|an?|one|two|three|half an?) ?(minutes?|mins?|m|hours?|hrs?|h)\b")
        .expect("a valid pattern")
});
static TIME_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:from |between )?(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\s*(?:-|–|to|until|and)\s*(\d{1,2}(?::\d{2})?\s*(?:am|pm))\b").expect("a valid pattern")
});
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:at |@ ?|by )?(noon|midday|midnight|\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))(?:\b|$)")
        .expect("a valid pattern")
});
static ALL_DAY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\ball[- ]day\b").expect("a valid pattern"));
static ORDINAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:on )?the (\d{1,2})(?:st|nd|rd|th)\b").expect("a valid pattern"));
/// A day phrase for `interim`: one of these, with what may come around it.
static DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:on |by |due |for )?(",
        r"today|tonight|tomorrow|tmrw|tmr|yesterday",
        r"|(?:next |this |coming )?(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?",
        r"|\d{4}-\d{2}-\d{2}",
        r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?",
        r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?",
        r"|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*(?: \d{4})?",
        r")\b"
    ))
    .expect("a valid pattern")
});

impl When {
    /// `text` with the phrases that said when blanked out.
    pub fn cut_from(&self, text: &str) -> String {
        let mut text = text.to_owned();
        let mut spans = self.spans.clone();
        spans.sort_by_key(|span| std::cmp::Reverse(span.0));
        for (start, end) in spans {
            if start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end) {
                text.replace_range(start..end, " ");
            }
        }
        text
    }
}

/// Reads what `text` says about when, against `now`.
pub fn read(text: &str, now: &Zoned) -> When {
    let mut when = When::default();
    let today = now.date();
    if let Some(found) = WEEK_WORDS.captures(text) {
        let whole = found.get(0).map_or((0, 0), |m| (m.start(), m.end()));
        when.spans.push(whole);
        let phrase = found[1].to_lowercase();
        let monday = next_weekday(today, jiff::civil::Weekday::Monday);
        when.days = Some(if phrase == "this week" {
            (today, monday)
        } else if phrase == "next week" {
            (monday, add_days(monday, 7))
        } else if phrase.contains("weekend") {
            let saturday = if today.weekday() == jiff::civil::Weekday::Saturday {
                today
            } else {
                next_weekday(today, jiff::civil::Weekday::Saturday)
            };
            let saturday = if phrase.starts_with("next") {
                add_days(saturday, 7)
            } else {
                saturday
            };
            (saturday, add_days(saturday, 2))
        } else {
            let count = found.get(2).and_then(|m| m.as_str().parse::<i64>().ok()).unwrap_or(7);
            (today, add_days(today, count))
        });
    }
    if let Some(found) = RELATIVE.captures(text) {
        let whole = found.get(0).map_or((0, 0), |m| (m.start(), m.end()));
        let amount = small_number(&found[1]);
        if let Some(span) = unit_span(&found[2], amount) {
            if let Ok(moment) = now.checked_add(span) {
                when.spans.push(whole);
                when.moment = Some(moment);
            }
        }
    }
    if let Some(found) = DURATION.captures(text) {
        let amount_text = found[1].to_lowercase();
        let unit = found[2].to_lowercase();
        let minutes = if amount_text.starts_with("half") {
            30
        } else {
            let amount: f64 = match amount_text.as_str() {
                "a" | "an" | "one" => 1.0,
                "two" => 2.0,
                "three" => 3.0,
                other => other.parse().unwrap_or(1.0),
            };
            if unit.starts_with('h') {
                (amount * 60.0) as i64
            } else {
                amount as i64
            }
        };
        when.duration = Some(Span::new().minutes(minutes));
        when.spans.push(found.get(0).map_or((0, 0), |m| (m.start(), m.end())));
    }
    if let Some(found) = TIME_RANGE.captures(text) {
        let end = clock_time(&found[2]);
        let start_text = found[1].to_string();
        // "3-4:30pm": the start takes the end's am/pm.
        let start = clock_time(&start_text).or_else(|| {
            let suffix = if found[2].to_lowercase().contains("pm") {
                "pm"
            } else {
                "am"
            };
            clock_time(&format!("{start_text}{suffix}"))
        });
        if let (Some(start), Some(end)) = (start, end) {
            let start = if !start_text.to_lowercase().contains('m')
                && found[2].to_lowercase().contains("pm")
                && start.hour() < 12
                && start < end.saturating_sub(Span::new().hours(12))
            {
                start.saturating_add(Span::new().hours(12))
            } else {
                start
            };
            when.time = Some(start);
            when.until = Some(end);
            when.spans.push(found.get(0).map_or((0, 0), |m| (m.start(), m.end())));
        }
    }
    if when.time.is_none() {
        if let Some(found) = CLOCK.captures(text) {
            if let Some(time) = clock_time(&found[1]) {
                when.time = Some(time);
                when.spans.push(found.get(0).map_or((0, 0), |m| (m.start(), m.end())));
            }
        }
    }
    if let Some(found) = ALL_DAY.find(text) {
        when.all_day = true;
        when.spans.push((found.start(), found.end()));
    }
    if when.days.is_none() {
        read_day(text, now, &mut when);
    }
    when
}

fn read_day(text: &str, now: &Zoned, when: &mut When) {
    let today = now.date();
    if let Some(found) = ORDINAL.captures(text) {
        if let Ok(day) = found[1].parse::<i8>() {
            let this_month = Date::new(today.year(), today.month(), day).ok();
            let date = match this_month {
                Some(date) if date >= today => Some(date),
                _ => today
                    .first_of_month()
                    .checked_add(Span::new().months(1))
                    .ok()
                    .and_then(|next| Date::new(next.year(), next.month(), day).ok()),
            };
            if let Some(date) = date {
                when.day = Some(date);
                when.spans.push(found.get(0).map_or((0, 0), |m| (m.start(), m.end())));
                return;
            }
        }
    }
    for found in DAY.captures_iter(text) {
        let phrase = found[1].to_lowercase();
        let tidy = match phrase.as_str() {
            "tonight" => "today".to_owned(),
            "tmrw" | "tmr" => "tomorrow".to_owned(),
            other => other.replace("coming ", "next ").replace("this ", ""),
        };
        let tidy = tidy.trim_end_matches('.').to_owned();
        let tidy = strip_ordinal(&tidy);
        if let Ok(parsed) = interim::parse_date_string(&tidy, now.clone(), interim::Dialect::Us) {
            let mut date = parsed.date();
            // A weekday means the next one after today ("wednesday" on a Wednesday: next week).
            if is_weekday_phrase(&phrase) && date <= today {
                date = add_days(date, 7);
            }
            when.day = Some(date);
            if phrase == "tonight" && when.time.is_none() {
                when.time = Time::new(19, 0, 0, 0).ok();
            }
            when.spans.push(found.get(0).map_or((0, 0), |m| (m.start(), m.end())));
            return;
        }
    }
}

fn is_weekday_phrase(phrase: &str) -> bool {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().any(|day| {
        phrase
            .trim_start_matches("next ")
            .trim_start_matches("this ")
            .trim_start_matches("coming ")
            .starts_with(day)
    })
}

fn strip_ordinal(phrase: &str) -> String {
    static ORDINAL_SUFFIX: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\d)(?:st|nd|rd|th)\b").expect("a valid pattern"));
    ORDINAL_SUFFIX.replace_all(phrase, "$1").replace(" of ", " ")
}

/// "3pm", "9:30", "9:30am", "noon".
pub fn clock_time(text: &str) -> Option<Time> {
    let text = text.trim().to_lowercase().replace(' ', "");
    match text.as_str() {
        "noon" | "midday" => return Time::new(12, 0, 0, 0).ok(),
        "midnight" => return Time::new(0, 0, 0, 0).ok(),
        _ => {}
    }
    let (digits, meridiem) = if let Some(rest) = text.strip_suffix("am") {
        (rest, Some(false))
    } else if let Some(rest) = text.strip_suffix("pm") {
        (rest, Some(true))
    } else {
        (text.as_str(), None)
    };
    let (hour, minute) = match digits.split_once(':') {
        Some((hour, minute)) => (hour.parse::<i8>().ok()?, minute.parse::<i8>().ok()?),
        None => (digits.parse::<i8>().ok()?, 0),
    };
    if meridiem.is_none() && !digits.contains(':') {
        return None;
    }
    let hour = match meridiem {
        Some(true) if hour < 12 => hour + 12,
        Some(false) if hour == 12 => 0,
        _ => hour,
    };
    Time::new(hour, minute, 0, 0).ok()
}

fn small_number(text: &str) -> i64 {
    match text.to_lowercase().as_str() {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        other => other.parse().unwrap_or(1),
    }
}

fn unit_span(unit: &str, amount: i64) -> Option<Span> {
    let unit = unit.to_lowercase();
    if unit.starts_with("min") {
        Span::new().try_minutes(amount).ok()
    } else if unit.starts_with('h') {
        Span::new().try_hours(amount).ok()
    } else if unit.starts_with('d') {
        Span::new().try_days(amount).ok()
    } else {
        Span::new().try_weeks(amount).ok()
    }
}

pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Span::new().days(days)).unwrap_or(date)
}

/// The first `weekday` after `date`.
fn next_weekday(date: Date, weekday: jiff::civil::Weekday) -> Date {
    let ahead = (weekday.to_monday_zero_offset() - date.weekday().to_monday_zero_offset()).rem_euclid(7);
    add_days(date, if ahead == 0 { 7 } else { i64::from(ahead) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Zoned {
        jiff::civil::date(2026, 3, 11)
            .at(10, 0, 0, 0)
            .in_tz("America/New_York")
            .expect("the test's zone")
    }

    #[test]
    fn days_and_times_are_read_against_the_clock() {
        let when = read("lunch tomorrow at 3pm for 30 minutes", &now());
        assert_eq!(when.day, Some(jiff::civil::date(2026, 3, 12)));
        assert_eq!(when.time, Time::new(15, 0, 0, 0).ok());
        assert_eq!(when.duration.map(|span| span.get_minutes()), Some(30));
        let when = read("next tuesday at 9:30", &now());
        assert_eq!(when.day, Some(jiff::civil::date(2026, 3, 17)), "the coming Tuesday");
        assert_eq!(when.time, Time::new(9, 30, 0, 0).ok());
        assert_eq!(read("on the 14th", &now()).day, Some(jiff::civil::date(2026, 3, 14)));
        assert_eq!(
            read("wednesday", &now()).day,
            Some(jiff::civil::date(2026, 3, 18)),
            "not today"
        );
        let later = read("in 2 hours", &now()).moment.expect("a moment");
        assert_eq!(later.hour(), 12);
    }

    #[test]
    fn ranges_of_days_and_times() {
        let week = read("what's on this week", &now()).days;
        assert_eq!(
            week,
            Some((jiff::civil::date(2026, 3, 11), jiff::civil::date(2026, 3, 16)))
        );
        let when = read("from 3pm to 4:30pm", &now());
        assert_eq!(
            (when.time, when.until),
            (Time::new(15, 0, 0, 0).ok(), Time::new(16, 30, 0, 0).ok())
        );
        let apples = read("3 apples", &now());
        assert!(
            apples.time.is_none() && apples.day.is_none(),
            "a bare number is not a time"
        );
    }
}
