//! Connected accounts, as services that each own their state: the store (accounts, their
//! sealed secrets, the audit), provider apps (OAuth clients), sign-ins (browser, device code,
//! pasted keys), token renewal (single flight), revocations, and what a person does to a
//! connection (operations); the scheduler keeps them healthy in the background. It draws no
//! UI and speaks OAuth only through `oauth`.

mod browser_flow;
pub mod client_setup;
mod credentials;
mod device_flow;
pub mod error;
pub mod events;
pub mod identity;
mod in_flight;
mod model;
pub mod operations;
pub mod owners;
pub mod process_locks;
pub mod provider_apps;
pub mod renewal;
mod renewal_commit;
mod request_auth;
pub mod retry_schedule;
pub mod revocation;
mod saving;
pub mod scheduler;
pub mod sign_ins;
pub mod status;
pub mod store;
pub mod unsaved;
mod view;

pub use crate::db::audit::AuditEntry;
pub use crate::db::revocations::PendingRevocation;
pub use client_setup::{ClientIdSource, ProductScopes, ProviderSetup, ProviderSetupUpdate};
pub use credentials::credential_warnings;
pub use error::ConnectionError;
pub use events::{ConnectionEvent, Notifier};
pub use in_flight::RenewalsInFlight;
pub use model::{
    ConnectMethod, ConnectRequest, Connection, ConnectionStatus, CredentialsRequest, FlowState, FlowUpdate, Health,
    Integration,
};
pub use operations::ConnectionOperations;
pub use operations::{ConnectionTest, DeleteOutcome, RevocationOutcome};
pub use owners::{connection_context, SecretOwner};
pub use provider_apps::ProviderApps;
pub use renewal::TokenRenewal;
pub use request_auth::{KeySite, RequestAuth};
pub use revocation::RevocationRetries;
pub use revocation::Revocations;
pub use sign_ins::{BrowserOpener, SignInSettings, SignIns};
pub use store::{display_name, ConnectionStore};
pub use view::ConnectionView;

use crate::catalog::Provider;
use error::ConnectionError as Error;

/// The products asked for, checked against the provider; none means all of them.
fn chosen_products(provider: &Provider, asked: &[String]) -> Result<Vec<String>, Error> {
    if asked.is_empty() {
        return Ok(provider.products.iter().map(|product| product.id.clone()).collect());
    }
    let mut chosen = Vec::new();
    for id in asked {
        if !provider.products.iter().any(|product| &product.id == id) {
            return Err(Error::UnknownProduct {
                provider: provider.name.clone(),
                product: id.clone(),
            });
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

fn asking(store: &ConnectionStore, provider: &Provider, request: &ConnectRequest) -> Result<Asking, Error> {
    let reauthorize = match request.connection {
        Some(id) => {
            let existing = store.get(id)?;
            if existing.provider != provider.id {
                return Err(Error::NotThisProvider {
                    provider: provider.name.clone(),
                });
            }
            Some(existing)
        }
        None => None,
    };
    let mut asked = reauthorize.as_ref().map(|c| c.products.clone()).unwrap_or_default();
    asked.extend(request.products.iter().cloned());
    let products = chosen_products(provider, &asked)?;
    let mut scopes = reauthorize.as_ref().map(|c| c.scopes.clone()).unwrap_or_default();
    for scope in scopes_for(provider, &products)
        .into_iter()
        .chain(request.scopes.iter().cloned())
    {
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
) -> Result<(), Error> {
    match reauthorize {
        Some(existing) if existing.account_id != identity.id => Err(Error::WrongAccount {
            provider: provider.name.clone(),
            signed_in_as: identity.label.clone(),
            connected_as: existing.account_label.clone(),
        }),
        _ => Ok(()),
    }
}
