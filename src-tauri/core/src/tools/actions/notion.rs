//! Notion's actions, on its API (the `Notion-Version` the catalogue sends with every request):
//! search the pages and databases shared with the integration (`POST search`), add a page to a
//! database (`POST pages`, its title in the database's title property, whose id is always
//! `title` whatever its name) and append paragraphs to a page (`PATCH blocks/{id}/children`).
//! Notion's request limits: at most 100 blocks a request, 100 rich text items a block and 2000
//! characters an item, so longer text is sent as several items, and paragraphs past the 99th
//! share the last block.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{action, text, ActionCode, Answer, Target};
use crate::tools::call::{Call, Method};
use crate::tools::error::ToolError;
use crate::tools::output::{list_summary, ActionOutput};

/// The most characters one rich text item holds (counted as JavaScript does, in UTF-16 units:
/// an emoji is two).
const RICH_TEXT_MAX: usize = 2000;
/// The most blocks one request adds, and rich text items one block holds.
const MAX_BLOCKS: usize = 100;
const MAX_RICH_TEXT_ITEMS: usize = 100;
/// A Notion id: 32 hex digits, with or without its dashes.
const ID_PATTERN: &str = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$";

pub fn actions() -> Vec<ActionCode> {
    vec![
        action!("notion.search", Search, search, read_search),
        action!(
            "notion.create_page_in_database",
            CreatePageInDatabase,
            create_page,
            read_created
        ),
        action!("notion.append_paragraph", AppendParagraph, append, read_appended),
    ]
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Only {
    Page,
    Database,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Search {
    /// Words in the title (everything shared with the integration if not given).
    #[serde(default)]
    #[schemars(length(max = 500))]
    query: Option<String>,
    /// Only pages, or only databases.
    #[serde(default)]
    only: Option<Only>,
    /// How many (1–100, 10 if not given).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePageInDatabase {
    /// The database's id (notion.search with only = database finds it).
    #[schemars(regex(pattern = ID_PATTERN))]
    database_id: String,
    /// The new page's title.
    #[schemars(length(min = 1, max = 2000))]
    title: String,
    /// The name of the database's title property (if not given, its id `title`, which every
    /// database's title property has, whatever its name).
    #[serde(default)]
    #[schemars(length(min = 1, max = 100))]
    title_property: Option<String>,
    /// Text for the page's body, as plain text (blank lines separate paragraphs).
    #[serde(default)]
    #[schemars(length(max = 20000))]
    text: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppendParagraph {
    /// The page's id (notion.search finds it).
    #[schemars(regex(pattern = ID_PATTERN))]
    page_id: String,
    /// The text to add at the end of the page (blank lines separate paragraphs).
    #[schemars(length(min = 1, max = 20000))]
    text: String,
}

fn search(params: &Search, target: &Target<'_>) -> Result<Call, ToolError> {
    let mut body = json!({ "page_size": params.limit.unwrap_or(10) });
    if let Some(query) = params.query.as_deref().filter(|query| !query.is_empty()) {
        body["query"] = json!(query);
    }
    if let Some(only) = params.only {
        let value = match only {
            Only::Page => "page",
            Only::Database => "database",
        };
        body["filter"] = json!({ "property": "object", "value": value });
    }
    Ok(Call::new(Method::Post, target.url(&["search"])?).json(body))
}

/// Rich text as plain text.
fn plain(rich: Option<&Value>) -> String {
    rich.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| text(item, "plain_text"))
        .collect()
}

/// A page's title (its title property's) or a database's.
fn title_of(item: &Value) -> String {
    if text(item, "object") == Some("database") {
        return plain(item.get("title"));
    }
    item.get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(_, property)| text(property, "type") == Some("title"))
        .map(|(_, property)| plain(property.get("title")))
        .unwrap_or_default()
}

fn read_search(_: &Search, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let found: Vec<Value> = answer
        .json
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|item| {
            json!({
                "id": text(item, "id"),
                "kind": text(item, "object"),
                "title": title_of(item),
                "edited": text(item, "last_edited_time"),
                "url": text(item, "url"),
            })
        })
        .collect();
    let lines = found.iter().map(|item| {
        format!(
            "{} “{}” (id {})",
            text(item, "kind").unwrap_or("?"),
            text(item, "title").unwrap_or_default(),
            text(item, "id").unwrap_or("?")
        )
    });
    let mut summary = list_summary(found.len(), "results", lines.collect::<Vec<_>>());
    if answer.json.get("has_more") == Some(&Value::Bool(true)) {
        summary.push_str(" (more match)");
    }
    Ok(ActionOutput::new(summary, Value::Array(found)))
}

/// `text` as rich text items of at most `RICH_TEXT_MAX` characters.
fn rich_text(text: &str) -> Vec<Value> {
    let mut items: Vec<String> = Vec::new();
    let mut units = 0;
    for char in text.chars() {
        match items.last_mut() {
            Some(item) if units + char.len_utf16() <= RICH_TEXT_MAX => item.push(char),
            _ => {
                items.push(char.to_string());
                units = 0;
            }
        }
        units += char.len_utf16();
    }
    items
        .into_iter()
        .map(|content| json!({ "type": "text", "text": { "content": content } }))
        .collect()
}

/// Plain text (the `field` argument) as paragraph blocks, one per blank-line-separated block,
/// at most `MAX_BLOCKS`: those past the 99th go in the last one, a blank line apart.
fn paragraphs(field: &str, text: &str) -> Result<Vec<Value>, ToolError> {
    let text = text.replace("\r\n", "\n");
    let mut blocks: Vec<String> = text
        .split("\n\n")
        .map(|block| block.trim_matches('\n'))
        .filter(|block| !block.trim().is_empty())
        .map(str::to_owned)
        .collect();
    if blocks.len() > MAX_BLOCKS {
        let rest = blocks.split_off(MAX_BLOCKS - 1).join("\n\n");
        blocks.push(rest);
    }
    blocks
        .iter()
        .map(|block| {
            let rich = rich_text(block);
            if rich.len() > MAX_RICH_TEXT_ITEMS {
                return Err(ToolError::InvalidArguments(vec![format!(
                    "/{field}: too long for one Notion request (at most {MAX_BLOCKS} paragraphs of \
                     {} characters)",
                    MAX_RICH_TEXT_ITEMS * RICH_TEXT_MAX
                )]));
            }
            Ok(json!({ "object": "block", "type": "paragraph", "paragraph": { "rich_text": rich } }))
        })
        .collect()
}

fn create_page(params: &CreatePageInDatabase, target: &Target<'_>) -> Result<Call, ToolError> {
    let property = params.title_property.as_deref().unwrap_or("title");
    let mut body = json!({
        "parent": { "database_id": params.database_id },
        "properties": { property: { "title": rich_text(&params.title) } },
    });
    if let Some(text) = params.text.as_deref() {
        let children = paragraphs("text", text)?;
        if !children.is_empty() {
            body["children"] = Value::Array(children);
        }
    }
    Ok(Call::new(Method::Post, target.url(&["pages"])?).json(body))
}

fn read_created(params: &CreatePageInDatabase, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let link = text(&answer.json, "url").map(str::to_owned);
    let id = text(&answer.json, "id");
    let summary = format!("Added the page “{}” (id {}).", params.title, id.unwrap_or("?"));
    Ok(ActionOutput::new(summary, json!({ "id": id, "url": link })).link(link))
}

fn append(params: &AppendParagraph, target: &Target<'_>) -> Result<Call, ToolError> {
    let url = target.url(&["blocks", &params.page_id, "children"])?;
    Ok(Call::new(Method::Patch, url).json(json!({ "children": paragraphs("text", &params.text)? })))
}

fn read_appended(params: &AppendParagraph, answer: &Answer) -> Result<ActionOutput, ToolError> {
    let added = answer.json.get("results").and_then(Value::as_array).map_or(0, Vec::len);
    let link = format!("https://www.notion.so/{}", params.page_id.replace('-', ""));
    Ok(ActionOutput::new(
        format!("Added {added} paragraph(s) to the page {}.", params.page_id),
        json!({ "page": params.page_id, "added": added }),
    )
    .link(Some(link)))
}

#[cfg(test)]
mod tests {
    use super::{paragraphs, rich_text, MAX_BLOCKS, RICH_TEXT_MAX};
    use crate::tools::error::ToolError;

    fn contents(block: &serde_json::Value) -> Vec<String> {
        block["paragraph"]["rich_text"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["text"]["content"].as_str().map(str::to_owned))
            .collect()
    }

    #[test]
    fn rich_text_items_hold_at_most_2000_characters_as_notion_counts_them() {
        let text = "\u{1f680}".repeat(1500);
        let items = rich_text(&text);
        let lengths: Vec<usize> = items
            .iter()
            .filter_map(|item| item["text"]["content"].as_str())
            .map(|content| content.encode_utf16().count())
            .collect();
        assert_eq!(
            lengths,
            [2000, 1000],
            "an emoji is two of Notion's characters, never split in half"
        );
        assert!(rich_text("").is_empty(), "no text, no item");
    }

    #[test]
    fn paragraphs_past_the_hundredth_block_share_the_last_and_too_much_is_refused() {
        let text = (1..=250).map(|n| format!("p{n}")).collect::<Vec<_>>().join("\r\n\r\n");
        let blocks = paragraphs("text", &text).expect("fits");
        assert_eq!(blocks.len(), MAX_BLOCKS);
        assert_eq!(contents(&blocks[98]), ["p99"]);
        let rest = (100..=250).map(|n| format!("p{n}")).collect::<Vec<_>>().join("\n\n");
        assert_eq!(
            contents(&blocks[99]),
            [rest],
            "every paragraph kept, a blank line apart"
        );

        let huge = format!("{}\n\n{}", "a".repeat(10), "b".repeat(101 * RICH_TEXT_MAX));
        match paragraphs("text", &huge) {
            Err(ToolError::InvalidArguments(problems)) => {
                assert!(problems[0].starts_with("/text: "), "the field is named: {problems:?}")
            }
            other => panic!("more than 100 rich text items in a block is refused: {other:?}"),
        }
    }
}
