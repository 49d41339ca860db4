//! What the sources' tests share: a catalogue provider pointed at loopback, a query with the
//! defaults, a plan's URL and parameters, an answer from JSON.

use url::Url;

use super::super::source::{ApiAnswer, Plan, Query};
use crate::catalog::{Catalog, Provider};
use crate::resources::KindId;

/// The built-in provider with its API base moved to a loopback address.
pub fn provider(id: &str) -> Provider {
    let catalog = Catalog::builtin().expect("the built-in catalogue loads");
    let mut provider = catalog
        .provider(id)
        .unwrap_or_else(|| panic!("{id} is in the catalogue"))
        .clone();
    provider.api_base_url = format!("http://127.0.0.1:9/{id}");
    provider
}

/// A query for `kind` at `location`, unsearched, unfiltered, with no connection settings.
pub fn query<'a>(provider: &'a Provider, kind: &'a str, location: Option<&'a str>) -> Query<'a> {
    static NO_CONFIG: serde_json::Value = serde_json::Value::Null;
    Query {
        kind: KindId::parse(kind).unwrap_or_else(|| panic!("{kind} is a kind")),
        location,
        search: None,
        filter: "",
        provider,
        config: &NO_CONFIG,
    }
}

/// The URL a plan asks first.
pub fn url_of(plan: &Plan) -> &Url {
    &plan.request.as_ref().expect("the plan sends a request").url
}

/// One query parameter of the plan's URL, decoded.
pub fn param(plan: &Plan, name: &str) -> Option<String> {
    url_of(plan)
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

pub fn answer(json: serde_json::Value) -> ApiAnswer {
    ApiAnswer { json, link_next: None }
}
