//! A sign-in in the system browser: authorization code with PKCE, returning by loopback or by
//! deep link. `start` does everything that can fail at once (provider, products, client
//! settings, key, discovery, the listener) before the browser opens, then a task waits for the
//! callback (or Cancel, or the timeout), checks it, exchanges the code, names the account and
//! saves the connection, reporting each step as a `FlowUpdate`.

use std::sync::Arc;

use tokio::sync::oneshot;

use super::client_setup::{oauth_config, OAuthClient};
use super::error::ConnectionError as Error;
use super::identity::{identify, list_sites, AccountIdentity};
use super::saving::SignedIn;
use super::sign_ins::SignIns;
use super::{ConnectRequest, Connection, ConnectionView, FlowState, FlowUpdate};
use crate::catalog::{AuthKind, Provider, RedirectKind};
use crate::oauth::authorize::{AuthorizationRequest, AuthorizeEndpoint};
use crate::oauth::discovery::{discover, DiscoveryError, ServerMetadata};
use crate::oauth::http::HttpError;
use crate::oauth::id_token::{verify_id_token, Expected};
use crate::oauth::token::{exchange_code, TokenClient, TokenError, TokenSet};
use crate::oauth::{AuthorizationCallback, LoopbackListener, PendingFlow};

/// Where the callback will arrive.
enum Waiter {
    Loopback(LoopbackListener),
    DeepLink(oneshot::Receiver<AuthorizationCallback>),
}

struct Flow {
    id: String,
    provider: Provider,
    products: Vec<String>,
    scopes: Vec<String>,
    /// The connection a re-authorization renews (same id, same account).
    reauthorize: Option<Connection>,
    client: OAuthClient,
    request: AuthorizationRequest,
    metadata: Option<ServerMetadata>,
}

pub(super) async fn start(sign_ins: &Arc<SignIns>, request: &ConnectRequest) -> Result<FlowUpdate, Error> {
    let provider = sign_ins.context().provider(&request.provider)?.clone();
    let oauth = oauth_config(&provider)?.clone();
    let super::Asking {
        products,
        scopes,
        reauthorize,
    } = super::asking(sign_ins.store(), &provider, request)?;
    let client = sign_ins.apps().oauth_client(&provider, request.redirect, true)?;
    let metadata = match &oauth.issuer {
        Some(issuer) => Some(
            discover(issuer)
                .await
                .map_err(|error| discovery_error(&provider.name, error))?,
        ),
        None => None,
    };
    let endpoint = AuthorizeEndpoint {
        authorize_url: oauth.authorize_url.clone(),
        client_id: client.client_id.clone(),
        scopes: scopes.clone(),
        scope_separator: oauth.scope_separator.clone(),
        scope_param: oauth.scope_param,
        extra_params: oauth.extra_params.clone().into_iter().collect(),
        issuer: oauth.issuer.clone(),
        iss_parameter_supported: metadata
            .as_ref()
            .is_some_and(|m| m.authorization_response_iss_parameter_supported),
        openid: oauth.issuer.is_some(),
    };
    let invalid_endpoint = |error: HttpError| Error::SignInAddress {
        provider: provider.name.clone(),
        error,
    };
    let (authorization, waiter) = match client.redirect {
        RedirectKind::Loopback => {
            let listener = LoopbackListener::bind(&provider.id)
                .await
                .map_err(Error::ListenerFailed)?;
            let authorization =
                AuthorizationRequest::new(&endpoint, &listener.redirect_uri()).map_err(invalid_endpoint)?;
            (authorization, Waiter::Loopback(listener))
        }
        RedirectKind::DeepLink => {
            let redirect_uri = super::client_setup::redirect_uri_to_register(RedirectKind::DeepLink, &provider.id);
            let authorization = AuthorizationRequest::new(&endpoint, &redirect_uri).map_err(invalid_endpoint)?;
            let (pending, receiver) = PendingFlow::new(&provider.id, authorization.state(), sign_ins.context().now());
            sign_ins.pending().register(pending);
            (authorization, Waiter::DeepLink(receiver))
        }
    };
    let url = authorization.url().to_owned();
    let (flow_id, cancelled) = sign_ins.track(&url);
    let flow = Flow {
        id: flow_id.clone(),
        provider,
        products,
        scopes,
        reauthorize,
        client,
        request: authorization,
        metadata,
    };
    tracing::info!(provider = %flow.provider.id, redirect = ?flow.client.redirect, "sign-in started");
    let _ = sign_ins.open_browser(&url); // on failure the UI still offers "Copy link"
    let update = FlowUpdate {
        flow_id,
        provider: flow.provider.id.clone(),
        state: FlowState::WaitingForBrowser { authorize_url: url },
    };
    let sign_ins = sign_ins.clone();
    tokio::spawn(async move { run(sign_ins, flow, waiter, cancelled).await });
    Ok(update)
}

async fn run(sign_ins: Arc<SignIns>, flow: Flow, waiter: Waiter, cancelled: oneshot::Receiver<()>) {
    let timeout = sign_ins.settings().callback_timeout;
    let state = flow.request.state().to_owned();
    let callback = tokio::select! {
        _ = cancelled => None,
        callback = async {
            match waiter {
                Waiter::Loopback(listener) => listener.wait_for(&state, timeout).await.ok(),
                Waiter::DeepLink(receiver) => tokio::time::timeout(timeout, receiver).await.ok().and_then(Result::ok),
            }
        } => Some(callback),
    };
    let provider_id = flow.provider.id.clone();
    let outcome = match callback {
        None => FlowState::Cancelled,
        Some(None) => FlowState::failed(Error::SignInTimedOut {
            provider: flow.provider.name.clone(),
        }),
        Some(Some(callback)) => {
            sign_ins.publish_flow(&flow.id, &provider_id, FlowState::Finishing);
            match finish(&sign_ins, &flow, callback).await {
                Ok(connection) => FlowState::Connected {
                    connection: Box::new(ConnectionView::from(&connection)),
                },
                Err(error) => FlowState::failed(error),
            }
        }
    };
    match &outcome {
        FlowState::Connected { connection } => {
            tracing::info!(provider = %provider_id, id = %connection.id, "connected")
        }
        FlowState::Failed { message, .. } => tracing::warn!(provider = %provider_id, %message, "sign-in failed"),
        _ => tracing::info!(provider = %provider_id, "sign-in cancelled"),
    }
    sign_ins.publish_flow(&flow.id, &provider_id, outcome);
}

async fn finish(sign_ins: &SignIns, flow: &Flow, callback: AuthorizationCallback) -> Result<Connection, Error> {
    let name = &flow.provider.name;
    let code = flow.request.accept(callback).map_err(|error| Error::CallbackRefused {
        provider: name.clone(),
        error,
    })?;
    let oauth = oauth_config(&flow.provider)?;
    let client = TokenClient {
        token_url: &oauth.token_url,
        client_id: &flow.client.client_id,
        client_secret: flow.client.client_secret.as_ref(),
        quirk: oauth.token_quirk,
        auth: oauth.token_auth,
    };
    let tokens = exchange_code(&client, &code, flow.request.redirect_uri(), flow.request.verifier())
        .await
        .map_err(|error| token_error(name, error))?;
    let identity = identify_account(sign_ins, flow, &tokens).await?;
    super::check_same_account(flow.reauthorize.as_ref(), &identity, &flow.provider)?;
    let config = sites_config(flow, &tokens).await?;
    sign_ins.store().save_signed_in(
        SignedIn {
            provider: &flow.provider.id,
            products: &flow.products,
            asked_scopes: &flow.scopes,
            auth_kind: AuthKind::Oauth2,
            identity: &identity,
            config,
        },
        &tokens,
    )
}

/// OpenID Connect providers are named by the checked id_token, keyed by (iss, sub); others by
/// the catalogue's identity request.
async fn identify_account(sign_ins: &SignIns, flow: &Flow, tokens: &TokenSet) -> Result<AccountIdentity, Error> {
    let name = &flow.provider.name;
    let failed = |detail: String| Error::AccountNotConfirmed {
        provider: name.clone(),
        detail,
    };
    if let (Some(metadata), Some(nonce)) = (&flow.metadata, flow.request.nonce()) {
        let id_token = tokens
            .id_token
            .as_ref()
            .ok_or_else(|| failed("no identity token was returned".into()))?;
        let jwks_uri = metadata
            .jwks_uri
            .as_deref()
            .ok_or_else(|| failed("the provider publishes no signing keys".into()))?;
        let expected = Expected {
            issuer: &metadata.issuer,
            client_id: &flow.client.client_id,
            nonce,
            algorithms: &metadata.id_token_signing_alg_values_supported,
            now: sign_ins.context().now(),
        };
        let identity = verify_id_token(id_token, &expected, &sign_ins.jwks(jwks_uri))
            .await
            .map_err(|error| failed(error.to_string()))?;
        let label = identity
            .email
            .or(identity.name)
            .unwrap_or_else(|| identity.subject.clone());
        return Ok(AccountIdentity {
            id: format!("{}|{}", identity.issuer, identity.subject),
            label,
        });
    }
    let request = flow
        .provider
        .identity
        .as_ref()
        .ok_or_else(|| failed("the catalogue names no identity request".into()))?;
    identify(&flow.provider, request, &tokens.access_token, &Default::default())
        .await
        .map_err(|error| failed(error.to_string()))
}

/// Unreachable is worth a retry; a configuration naming another issuer (D10) is not.
fn discovery_error(name: &str, error: DiscoveryError) -> Error {
    let provider = name.to_owned();
    match error {
        DiscoveryError::Http(HttpError::Network { .. }) => Error::DiscoveryUnreachable { provider, error },
        other => Error::DiscoveryRefused { provider, error: other },
    }
}

/// A failed code exchange; its code says what to offer: a rejected client is a Settings
/// problem (SECURITY.md B7), never a reason to sign in again.
fn token_error(name: &str, error: TokenError) -> Error {
    Error::CodeExchange {
        provider: name.to_owned(),
        error,
    }
}

/// For providers whose tokens reach several sites (Atlassian), the sites and the one in use.
async fn sites_config(flow: &Flow, tokens: &TokenSet) -> Result<serde_json::Value, Error> {
    let Some(sites_url) = flow
        .provider
        .identity
        .as_ref()
        .and_then(|identity| identity.sites_url.as_deref())
    else {
        return Ok(serde_json::json!({}));
    };
    let name = &flow.provider.name;
    let sites = list_sites(&flow.provider, sites_url, &tokens.access_token)
        .await
        .map_err(|error| Error::SitesNotListed {
            provider: name.clone(),
            error,
        })?;
    let first = sites.first().ok_or_else(|| Error::NoSite { provider: name.clone() })?;
    Ok(serde_json::json!({ "site": first.id, "sites": sites }))
}
