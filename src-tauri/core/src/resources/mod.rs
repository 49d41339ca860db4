//! Browsing what is in an account — Drive folders and files, spreadsheets and their tabs,
//! calendars, GitHub repositories, branches and files, Supabase tables and columns, Slack
//! channels and people, Jira sites, projects and issues — for pickers and the CLI. Listings
//! page as the provider answers, can be cancelled, are cached briefly per connection, honor
//! rate limits, renew a refused token once, and stop (marked partial) on a page token that
//! repeats or at the item cap. Names are untrusted text. Executing actions is not here.

mod api;
mod cache;
mod cancel;
pub mod error;
mod kinds;
mod listing;
mod model;
mod service;
pub mod source;
mod sources;
pub(crate) mod verdict;

pub use api::{api_client, ApiPolicy, Wait};
pub use cancel::Cancel;
pub use error::ResourceError;
pub use kinds::{all_kinds, kind, kinds_of, KindId};
pub use model::{ListRequest, ListingPage, ListingSummary, Resource, ResourceFilter, ResourceKind};
pub use service::Resources;
