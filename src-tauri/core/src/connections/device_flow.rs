//! A sign-in by device code (RFC 8628, GitHub): the provider gives a short code, the person
//! types it on the provider's page (opened for them), and Switchboard polls until they approve,
//! decline, let it expire, or press Cancel. Then the account is named by the catalogue's
//! identity request and saved like any other connection.

use std::sync::Arc;

use tokio::sync::{oneshot, watch};

use super::client_setup::oauth_config;
use super::error::ConnectionError as Error;
use super::identity::identify;
use super::saving::SignedIn;
use super::sign_ins::SignIns;
use super::{ConnectRequest, Connection, ConnectionView, FlowState, FlowUpdate};
use crate::catalog::{AuthKind, Provider};
use crate::oauth::device::{self, DeviceAuthorization, DeviceError};
use crate::oauth::token::{TokenClient, TokenSet};

pub(super) async fn start(sign_ins: &Arc<SignIns>, request: &ConnectRequest) -> Result<FlowUpdate, Error> {
    let provider = sign_ins.context().provider(&request.provider)?.clone();
    let oauth = oauth_config(&provider)?.clone();
    let device_url = oauth
        .device_authorization_url
        .clone()
        .ok_or_else(|| Error::NoDeviceCode {
            provider: provider.name.clone(),
        })?;
    let super::Asking {
        products,
        scopes,
        reauthorize,
    } = super::asking(sign_ins.store(), &provider, request)?;
    // The device flow is for public clients: no secret is sent, so none is required.
    let client = sign_ins.apps().oauth_client(&provider, None, false)?;
    let policy = sign_ins.settings().request_policy.clone();
    let authorization = device::start_with(&device_url, &client.client_id, &scopes, &oauth.scope_separator, &policy)
        .await
        .map_err(|error| device_error(&provider, error))?;
    let page = authorization
        .verification_uri_complete
        .clone()
        .unwrap_or_else(|| authorization.verification_uri.clone());
    let (flow_id, cancelled) = sign_ins.track(&page);
    let _ = sign_ins.open_browser(&page);
    let expires_at = sign_ins
        .context()
        .now()
        .saturating_add(i64::try_from(authorization.expires_in).unwrap_or(i64::MAX));
    let update = FlowUpdate {
        flow_id: flow_id.clone(),
        provider: provider.id.clone(),
        state: FlowState::WaitingForDeviceCode {
            user_code: authorization.user_code.clone(),
            verification_uri: authorization.verification_uri.clone(),
            expires_at,
        },
    };
    tracing::info!(provider = %provider.id, "device sign-in started");
    let sign_ins = sign_ins.clone();
    let flow = DeviceFlow {
        id: flow_id,
        provider,
        products,
        scopes,
        reauthorize,
        client_id: client.client_id,
        authorization,
    };
    tokio::spawn(async move { run(sign_ins, flow, cancelled).await });
    Ok(update)
}

struct DeviceFlow {
    id: String,
    provider: Provider,
    products: Vec<String>,
    scopes: Vec<String>,
    reauthorize: Option<Connection>,
    client_id: String,
    authorization: DeviceAuthorization,
}

async fn run(sign_ins: Arc<SignIns>, flow: DeviceFlow, cancelled: oneshot::Receiver<()>) {
    let oauth = match oauth_config(&flow.provider) {
        Ok(oauth) => oauth,
        Err(error) => return sign_ins.publish_flow(&flow.id, &flow.provider.id, FlowState::failed(error)),
    };
    let client = TokenClient {
        token_url: &oauth.token_url,
        client_id: &flow.client_id,
        client_secret: None,
        quirk: oauth.token_quirk,
        auth: oauth.token_auth,
    };
    let (_keep_polling, never_cancelled) = watch::channel(false);
    let policy = sign_ins.settings().request_policy.clone();
    let polled = tokio::select! {
        _ = cancelled => Err(DeviceError::Cancelled),
        polled = device::poll(&client, &flow.authorization, &policy, never_cancelled) => polled,
    };
    let outcome = match polled {
        Err(DeviceError::Cancelled) => FlowState::Cancelled,
        Err(error) => FlowState::failed(device_error(&flow.provider, error)),
        Ok(tokens) => {
            sign_ins.publish_flow(&flow.id, &flow.provider.id, FlowState::Finishing);
            match finish(&sign_ins, &flow, &tokens).await {
                Ok(connection) => FlowState::Connected {
                    connection: Box::new(ConnectionView::from(&connection)),
                },
                Err(error) => FlowState::failed(error),
            }
        }
    };
    sign_ins.publish_flow(&flow.id, &flow.provider.id, outcome);
}

async fn finish(sign_ins: &SignIns, flow: &DeviceFlow, tokens: &TokenSet) -> Result<Connection, Error> {
    let name = &flow.provider.name;
    let request = flow
        .provider
        .identity
        .as_ref()
        .ok_or_else(|| Error::NoIdentityRequest { provider: name.clone() })?;
    let identity = identify(&flow.provider, request, &tokens.access_token, &Default::default())
        .await
        .map_err(|error| Error::AccountNotConfirmed {
            provider: name.clone(),
            detail: error.to_string(),
        })?;
    super::check_same_account(flow.reauthorize.as_ref(), &identity, &flow.provider)?;
    sign_ins.store().save_signed_in(
        SignedIn {
            provider: &flow.provider.id,
            products: &flow.products,
            asked_scopes: &flow.scopes,
            auth_kind: AuthKind::DeviceCode,
            identity: &identity,
            config: serde_json::json!({}),
        },
        tokens,
    )
}

fn device_error(provider: &Provider, error: DeviceError) -> Error {
    Error::DeviceCode {
        provider: provider.name.clone(),
        error,
    }
}
