//! Which source lists which kind: the kind id's first part names the product family.

use super::source::Source;

mod google;

/// The source for a kind id, if there is one.
pub fn source_for(kind: &str) -> Option<&'static dyn Source> {
    let family = kind.split_once('.').map_or(kind, |(family, _)| family);
    match family {
        "drive" | "sheets" | "calendar" => Some(&google::Google),
        _ => None,
    }
}
