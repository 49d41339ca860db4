//! `switchboard-cli browse <connection> <kind>`: what a picker would show, from the command line.
//! Rows print as the provider's pages arrive; `--parent` opens a place (a row's `>` target),
//! `--search` and `--filter` narrow it, `--json` prints the whole listing as one object.

use std::path::Path;

use switchboard_core::resources::{ListRequest, ListingPage, Resource};

use crate::connect::{block_on, open_core};
use crate::report::said;

pub fn browse(request: &ListRequest, overrides: Option<&Path>, json: bool) -> Result<(), String> {
    block_on(async {
        let (services, _events) = open_core(overrides, false)?;
        let resources = &services.resources;
        let mut items: Vec<Resource> = Vec::new();
        let mut on_page = |page: ListingPage| match json {
            true => items.extend(page.items),
            false => page.items.iter().for_each(print_row),
        };
        let summary = resources.list("cli", request, &mut on_page).await.map_err(said)?;
        if json {
            let listing = serde_json::json!({ "items": items, "summary": summary });
            let text =
                serde_json::to_string_pretty(&listing).map_err(|error| format!("could not encode JSON: {error}"))?;
            println!("{text}");
        } else if let Some(note) = &summary.note {
            eprintln!("note: {note}");
        }
        Ok(())
    })
}

/// `item  name  id  [> location]`: names are printed without control characters (they are).
fn print_row(item: &Resource) {
    let opens = item
        .location
        .as_deref()
        .map(|location| format!("  > {location}"))
        .unwrap_or_default();
    let choose = if item.selectable { "" } else { "  (not selectable)" };
    println!("{:<12} {}  [{}]{opens}{choose}", item.item, item.name, item.id);
}
