//! Connected accounts: connecting them (browser sign-in, device code, pasted keys), naming
//! them, storing them with their secrets sealed in the vault, and listing them. It draws no
//! UI and speaks OAuth only through `oauth`.

pub mod browser_flow;
pub mod client_setup;
mod connector;
pub mod credentials;
pub mod device_flow;
pub mod identity;
mod model;
pub mod operations;
pub mod refresh;
pub mod revocation;
pub mod scheduler;
pub mod status;
mod store;

pub use crate::db::audit::AuditEntry;
pub use crate::db::revocations::PendingRevocation;
pub use client_setup::{ClientIdSource, ProductScopes, ProviderSetup, ProviderSetupUpdate};
pub use connector::{
    connection_context, connection_owner, BrowserOpener, Connector, ConnectorConfig, EventSink, KeyMode,
};
pub use model::{
    ConnectMethod, ConnectRequest, Connection, ConnectionStatus, CredentialsRequest, FlowState, FlowUpdate, Health,
    Integration,
};
pub use operations::{ConnectionTest, DeleteOutcome, RevocationOutcome};
pub use revocation::RevocationRetries;

use crate::catalog::Provider;
use crate::error::{ErrorCode, UserError};

/// The products asked for, checked against the provider; none means all of them.
fn chosen_products(provider: &Provider, asked: &[String]) -> Result<Vec<String>, UserError> {
    if asked.is_empty() {
        return Ok(provider.products.iter().map(|product| product.id.clone()).collect());
    }
    let mut chosen = Vec::new();
    for id in asked {
        if !provider.products.iter().any(|product| &product.id == id) {
            return Err(UserError::new(
                ErrorCode::InvalidInput,
                format!("{} has no product called “{id}”.", provider.name),
            ));
        }
        if !chosen.contains(id) {
            chosen.push(id.clone());
        }
    }
    Ok(chosen)
}

/// The provider's own scopes and those of each chosen product, each once, in order.
fn scopes_for(provider: &Provider, products: &[String]) -> Vec<String> {
    let own = provider.oauth.iter().flat_map(|oauth| oauth.scopes.iter());
    let of_products = provider
        .products
        .iter()
        .filter(|product| products.contains(&product.id))
        .flat_map(|product| product.scopes.iter());
    let mut scopes: Vec<String> = Vec::new();
    for scope in own.chain(of_products) {
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    scopes
}

/// What a sign-in asks for: the products (for a re-authorization, the connection's plus those
/// asked) and the scopes (for a re-authorization, the granted ones plus what those products
/// need, so nothing granted is lost), and the connection being re-authorized, if any.
struct Asking {
    products: Vec<String>,
    scopes: Vec<String>,
    reauthorize: Option<Connection>,
}

fn asking(connector: &Connector, provider: &Provider, request: &ConnectRequest) -> Result<Asking, UserError> {
    let reauthorize = match request.connection {
        Some(id) => {
            let existing = connector.connection(id)?;
            if existing.provider != provider.id {
                return Err(UserError::new(
                    ErrorCode::InvalidInput,
                    format!("That connection is not a {} account.", provider.name),
                ));
            }
            Some(existing)
        }
        None => None,
    };
    let mut asked = reauthorize.as_ref().map(|c| c.products.clone()).unwrap_or_default();
    asked.extend(request.products.iter().cloned());
    let products = chosen_products(provider, &asked)?;
    let mut scopes = reauthorize.as_ref().map(|c| c.scopes.clone()).unwrap_or_default();
    for scope in scopes_for(provider, &products) {
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    Ok(Asking {
        products,
        scopes,
        reauthorize,
    })
}

/// A re-authorization must come back as the same account.
fn check_same_account(
    reauthorize: Option<&Connection>,
    identity: &identity::AccountIdentity,
    provider: &Provider,
) -> Result<(), UserError> {
    match reauthorize {
        Some(existing) if existing.account_id != identity.id => Err(UserError::new(
            ErrorCode::ProviderRejected,
            format!(
                "You signed in to {} as {}, but this connection is {}. Sign in as {} to renew it, or connect {} as another account.",
                provider.name, identity.label, existing.account_label, existing.account_label, identity.label
            ),
        )),
        _ => Ok(()),
    }
}
