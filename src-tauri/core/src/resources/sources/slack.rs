//! Slack: a workspace's channels (`conversations.list`, public and private, archived left
//! out) and people (`users.list`, deactivated accounts left out). Not messages or direct
//! conversations.
//!
//! No locations: both lists are flat (any location is refused). Ids: a channel's (`C…`) or a
//! person's (`U…`). Pages follow `response_metadata.next_cursor`; Slack does not search these
//! lists, so the listing filters them by name. An `ok: false` answer is the sender's to read.

use super::super::model::Resource;
use super::super::source::{
    api_url, array, bad_location, count_of, flag, joined_detail, next_param, plain_id, text_field, ApiAnswer, Parsed,
    Plan, Query, Source,
};
use crate::resources::error::ResourceError;
use crate::resources::KindId;

pub struct Slack;

/// Slack's recommended page size (it allows up to 1000 but may answer fewer).
const PAGE: &str = "200";

impl Source for Slack {
    fn plan(&self, query: &Query) -> Result<Plan, ResourceError> {
        if let Some(location) = query.location {
            return Err(bad_location(location));
        }
        let base = &query.provider.api_base_url;
        if query.kind == KindId::SlackUser {
            let mut url = api_url(base, "/users.list")?;
            url.query_pairs_mut().append_pair("limit", PAGE);
            return Ok(Plan::get(url));
        }
        let types = match query.filter {
            "public" => "public_channel",
            "private" => "private_channel",
            _ => "public_channel,private_channel",
        };
        let mut url = api_url(base, "/conversations.list")?;
        url.query_pairs_mut()
            .append_pair("types", types)
            .append_pair("exclude_archived", "true")
            .append_pair("limit", PAGE);
        Ok(Plan::get(url))
    }

    fn parse(&self, query: &Query, answer: &ApiAnswer) -> Result<Parsed, ResourceError> {
        let json = &answer.json;
        let items = if query.kind == KindId::SlackUser {
            array(json, "members").filter_map(person).collect()
        } else {
            array(json, "channels").filter_map(channel).collect()
        };
        let cursor = json
            .get("response_metadata")
            .and_then(|metadata| text_field(metadata, "next_cursor"));
        Ok(Parsed {
            items,
            next: next_param("cursor", cursor),
        })
    }

    fn searches(&self, _query: &Query) -> bool {
        false
    }
}

/// Slack's ids are upper-case letters and digits.
fn slack_id(entry: &serde_json::Value) -> Option<String> {
    let id = entry.get("id")?.as_str()?;
    plain_id(id, 32, b"").then(|| id.to_owned())
}

fn channel(entry: &serde_json::Value) -> Option<Resource> {
    if flag(entry, "is_archived") {
        return None;
    }
    let id = slack_id(entry)?;
    let members = entry.get("num_members").and_then(serde_json::Value::as_u64);
    let about = ["topic", "purpose"]
        .into_iter()
        .find_map(|field| entry.get(field).and_then(|about| text_field(about, "value")));
    Some(Resource {
        name: text_field(entry, "name").unwrap_or_else(|| id.clone()),
        item: "channel".to_owned(),
        detail: joined_detail([
            flag(entry, "is_private").then(|| "Private".to_owned()),
            members.map(|count| count_of(count, "member")),
            about,
        ]),
        location: None,
        selectable: true,
        id,
    })
}

fn person(entry: &serde_json::Value) -> Option<Resource> {
    if flag(entry, "deleted") {
        return None;
    }
    let id = slack_id(entry)?;
    let handle = text_field(entry, "name");
    let name = entry
        .get("profile")
        .and_then(|profile| text_field(profile, "real_name"))
        .or_else(|| text_field(entry, "real_name"))
        .or_else(|| handle.clone())
        .unwrap_or_else(|| id.clone());
    // Slackbot is a bot without the flag.
    let bot = flag(entry, "is_bot") || id == "USLACKBOT";
    Some(Resource {
        name,
        item: "user".to_owned(),
        detail: joined_detail([handle.map(|handle| format!("@{handle}")), bot.then(|| "bot".to_owned())]),
        location: None,
        selectable: true,
        id,
    })
}

#[cfg(test)]
#[path = "slack_tests.rs"]
mod tests;
