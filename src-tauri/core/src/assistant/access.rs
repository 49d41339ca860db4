//! The Connect card: an account the run needs and does not have (the same sign-in as the
//! Integrations page, or the provider's set-up when it has no client yet), or more access on an
//! account it has (a re-authorization asking for just the missing scopes). Either way the run
//! waits and goes on by itself once the account can do what it asked.

use super::error::AssistantError as Error;
use super::model::Card;
use super::progress::{Run, RunState};
use super::service::Assistant;
use crate::ids::ConnectionId;
use crate::tools::info::in_words;

/// More access to ask for on an account the run already has.
pub struct Access {
    pub connection: ConnectionId,
    pub scopes: Vec<String>,
}

impl Assistant {
    pub(super) fn ask_to_connect(
        &self,
        run: &mut Run,
        provider: &str,
        product: &str,
        problem: Option<String>,
        access: Option<Access>,
    ) -> Result<(), Error> {
        let found = self.context.catalog().provider(provider);
        let provider_name = found.map_or_else(|| provider.to_owned(), |provider| provider.name.clone());
        let product_name = self.product_name(provider, product);
        let client_ready = match found {
            Some(found) => self.apps.client_ready(found)?,
            None => false,
        };
        let missing_access: Vec<String> = access
            .as_ref()
            .map(|access| {
                access
                    .scopes
                    .iter()
                    .map(|scope| in_words(found, scope).to_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        let text = match (&problem, &access) {
            (Some(problem), _) => format!("The sign-in didn't finish: {problem} You can try again."),
            (None, Some(_)) => format!(
                "{provider_name} hasn't allowed Switchboard to {} on this account yet. Allow more access and I'll carry on.",
                missing_access.join(", ")
            ),
            (None, None) => format!("To do this I need your {product_name} account. Connect it and I'll carry on."),
        };
        let card = Card::Connect {
            provider: provider.to_owned(),
            provider_name,
            product: product.to_owned(),
            product_name,
            needs_setup: !client_ready,
            problem,
            connection_id: access.as_ref().map(|access| access.connection),
            scopes: access.map(|access| access.scopes).unwrap_or_default(),
            missing_access,
        };
        self.stop_at(run, RunState::NeedsConnection, &text, &card)
    }
}
