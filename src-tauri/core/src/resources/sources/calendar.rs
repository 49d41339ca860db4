//! Google Calendar: the calendars in the person's list (`calendarList.list`, paged by
//! `pageToken`), named as the person renamed them, the primary one marked. No locations; the
//! listing filters by name.

use super::super::model::Resource;
use super::super::source::{
    api_url, array, bad_location, clean_text, text_field, ApiAnswer, ApiRequest, Parsed, Plan, Query, Source,
};
use super::google::page_token;
use crate::resources::error::ResourceError;

pub struct Calendar;

impl Source for Calendar {
    fn plan(&self, query: &Query) -> Result<Plan, ResourceError> {
        plan_calendars(query)
    }

    fn parse(&self, _query: &Query, answer: &ApiAnswer) -> Result<Parsed, ResourceError> {
        let json = &answer.json;
        let items = array(json, "items").filter_map(calendar).collect();
        Ok(Parsed {
            items,
            next: page_token(json),
        })
    }

    fn searches(&self, _query: &Query) -> bool {
        false
    }
}

fn plan_calendars(query: &Query) -> Result<Plan, ResourceError> {
    if let Some(location) = query.location {
        return Err(bad_location(location));
    }
    let mut url = api_url(&query.provider.api_base_url, "/calendar/v3/users/me/calendarList")?;
    url.query_pairs_mut().append_pair("maxResults", "250");
    Ok(Plan {
        leading: Vec::new(),
        request: Some(ApiRequest { url }),
    })
}

fn calendar(entry: &serde_json::Value) -> Option<Resource> {
    let id = text_field(entry, "id")?;
    let name = text_field(entry, "summaryOverride")
        .or_else(|| text_field(entry, "summary"))
        .unwrap_or_else(|| id.clone());
    let primary = entry.get("primary").and_then(serde_json::Value::as_bool) == Some(true);
    let role = match entry.get("accessRole").and_then(serde_json::Value::as_str) {
        Some("owner") => "Owner",
        Some("writer") => "Can edit",
        Some("reader") => "Can see events",
        Some("freeBusyReader") => "Free/busy only",
        _ => "",
    };
    let detail = if primary {
        format!("Primary · {role}")
    } else {
        role.to_owned()
    };
    Some(Resource {
        name,
        item: "calendar".to_owned(),
        detail: Some(clean_text(detail.trim_end_matches(" · "))).filter(|text| !text.is_empty()),
        location: None,
        selectable: true,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::resources::source::Next;
    use crate::resources::KindId;

    #[test]
    fn calendars_are_named_as_the_person_renamed_them() {
        let catalog = Catalog::builtin().expect("the built-in catalogue");
        let provider = catalog.provider("google").expect("google").clone();
        let config = serde_json::Value::Null;
        let asked = Query {
            kind: KindId::CalendarCalendar,
            location: None,
            search: None,
            filter: "",
            provider: &provider,
            config: &config,
        };
        let url = Calendar.plan(&asked).expect("a plan").request.expect("a request").url;
        assert_eq!(url.path(), "/calendar/v3/users/me/calendarList");
        let answer = ApiAnswer {
            json: serde_json::json!({"items": [
                {"id": "ana@example.com", "summary": "ana@example.com", "primary": true, "accessRole": "owner"},
                {"id": "c2", "summary": "Team", "summaryOverride": "Team (mine)", "accessRole": "reader"}
            ]}),
            link_next: None,
        };
        let parsed = Calendar.parse(&asked, &answer).expect("parsed");
        assert_eq!(parsed.items[0].detail.as_deref(), Some("Primary · Owner"));
        assert_eq!(parsed.items[1].name, "Team (mine)", "the person's own name for it wins");
        assert_eq!(parsed.next, Next::Done);
        assert!(!Calendar.searches(&asked), "calendars are filtered by the listing");
    }
}
