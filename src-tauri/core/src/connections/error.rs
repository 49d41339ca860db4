//! What can go wrong with connections, said where it happens: each variant names the fact and
//! carries what the message needs (`provider` is the provider's display name). How it reads to
//! a person is its `Display`; which `ErrorCode` the UI switches on is decided once, in `code`,
//! and the two meet in `UserError` only at the boundary.

use std::path::PathBuf;

use crate::context::UnknownProvider;
use crate::db::DbError;
use crate::error::{ErrorCode, UserError};
use crate::oauth::authorize::CallbackError;
use crate::oauth::device::DeviceError;
use crate::oauth::discovery::DiscoveryError;
use crate::oauth::http::HttpError;
use crate::oauth::token::TokenError;
use crate::oauth::LoopbackError;
use crate::vault::{KeyError, VaultError};

use super::identity::IdentityError;
use super::operations::MAX_LABEL_CHARS;
use super::process_locks::ProcessLockError;

#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    // What was asked does not exist (any more).
    #[error(transparent)]
    UnknownProvider(#[from] UnknownProvider),
    #[error("{provider} has no product called “{product}”.")]
    UnknownProduct { provider: String, product: String },
    #[error("That connection no longer exists.")]
    ConnectionGone,
    #[error("That sign-in has already ended.")]
    SignInEnded,

    // The request itself is wrong.
    #[error("That connection is not a {provider} account.")]
    NotThisProvider { provider: String },
    #[error("{provider} is connected with a key or token, not by signing in.")]
    PastedKeyProvider { provider: String },
    #[error("{provider} is connected by signing in, not with a pasted key.")]
    SignInProvider { provider: String },
    #[error("{provider} does not offer sign-in with a code.")]
    NoDeviceCode { provider: String },
    /// Re-authorizing is signing in again; a pasted key or token is replaced by pasting one.
    #[error("{name} was connected with a key or token: paste a new one in the window to replace it.")]
    NotSignedIn { name: String },
    #[error("{provider} has no field called “{field}”.")]
    UnknownField { provider: String, field: String },
    #[error("Enter the {label}.")]
    MissingField { label: String },
    #[error("The {label} is not valid.")]
    InvalidField { label: String },
    #[error("A name can be at most {MAX_LABEL_CHARS} characters.")]
    LabelTooLong,
    #[error("A name cannot contain line breaks or other control characters.")]
    LabelControlCharacters,
    #[error("That client ID is not valid.")]
    InvalidClientId,
    #[error("{provider} does not support that redirect.")]
    UnsupportedRedirect { provider: String },

    // The connection cannot be used as it is.
    #[error("{name} is turned off. Enable it to use it.")]
    Disabled { name: String },
    /// Its stored verdict: the person must sign in again (`reason` says why).
    #[error("{reason}")]
    NeedsReauthorization { reason: String },
    #[error("This connection has no saved sign-in; connect it again.")]
    NoSavedSignIn,
    /// This connection's sealed secret does not open: sealed by another key, or damaged.
    #[error("{}", unreadable_reason(.0))]
    SecretUnreadable(VaultError),

    // This computer: the keyring, the database, the disk.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// `key` is what the keyring's refusal reads as to a person.
    #[error("{key} Switchboard needs it to revoke its access at {provider} before the connection is deleted.")]
    KeyNeededToRevoke { key: String, provider: String },
    #[error("The client secret can only be saved encrypted, and the keyring is not available.")]
    KeyNeededForSecret,
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("{0}")]
    Vault(VaultError),
    /// `{0}` says why (a full disk, a read-only folder, another Switchboard holding the file).
    #[error("The account could not be saved ({0}). Nothing was stored; try again once that is fixed.")]
    NotSaved(String),
    #[error("The connection could not be deleted ({0}). Nothing was removed; try again once that is fixed.")]
    NotDeleted(String),
    #[error("The renewed sign-in could not be saved: {0}.")]
    RenewalNotSaved(String),
    /// The database refused the write that comes before a token request, so none was sent
    /// (it would spend the refresh token with nowhere to keep its successor).
    #[error("The sign-in was not renewed because Switchboard can't save to its data folder: {0}. Try again once that is fixed.")]
    RenewalNotStarted(DbError),
    /// The lock that keeps two processes from renewing one connection at once.
    #[error("The sign-in could not be renewed: {0}. Try again in a moment.")]
    RenewalLock(#[from] ProcessLockError),
    #[error("The audit log could not be exported to {}: {error}.", dir.display())]
    ExportFailed { dir: PathBuf, error: std::io::Error },
    #[error("An audit entry could not be encoded: {0}.")]
    AuditNotEncoded(serde_json::Error),

    // The provider's app in Settings.
    #[error("{provider} needs {what} before you can connect. Create an OAuth app at {setup_url} and enter it in Settings › Provider apps.")]
    NotConfigured {
        provider: String,
        what: &'static str,
        setup_url: String,
    },
    #[error("{0}: enter the client secret in Settings again.")]
    ClientSecretUnreadable(VaultError),
    #[error("{provider}'s sign-in address is not usable: {error}.")]
    SignInAddress { provider: String, error: HttpError },

    // Signing in.
    #[error("The sign-in could not start: {0}.")]
    ListenerFailed(LoopbackError),
    #[error("The browser could not be opened ({0}). Copy the link and open it yourself.")]
    BrowserUnavailable(String),
    #[error("The sign-in with {provider} was not finished in the browser in time. Start again when you are ready.")]
    SignInTimedOut { provider: String },
    #[error("Connecting {provider} did not work: {error}.")]
    CallbackRefused { provider: String, error: CallbackError },
    #[error("Connecting {provider} did not work: {error}.")]
    CodeExchange { provider: String, error: TokenError },
    #[error("{provider}'s sign-in service could not be reached: {error}.")]
    DiscoveryUnreachable { provider: String, error: DiscoveryError },
    #[error("{provider}'s sign-in service is not usable: {error}.")]
    DiscoveryRefused { provider: String, error: DiscoveryError },
    #[error("{provider} signed you in, but the account could not be confirmed: {detail}.")]
    AccountNotConfirmed { provider: String, detail: String },
    #[error("{provider} signed you in, but its sites could not be listed: {error}.")]
    SitesNotListed { provider: String, error: IdentityError },
    #[error(
        "Your {provider} account has no site this app was allowed to reach. Grant access to a site and connect again."
    )]
    NoSite { provider: String },
    #[error("You signed in to {provider} as {signed_in_as}, but this connection is {connected_as}. Sign in as {connected_as} to renew it, or connect {signed_in_as} as another account.")]
    WrongAccount {
        provider: String,
        signed_in_as: String,
        connected_as: String,
    },
    #[error("Connecting {provider} with a code did not work: {error}.")]
    DeviceCode { provider: String, error: DeviceError },
    #[error("{provider} could not be connected: {error}.")]
    NotVerified { provider: String, error: IdentityError },
    #[error("{provider} has no way to verify a key in this build.")]
    NoVerification { provider: String },
    #[error("{provider} has no identity request in the catalogue.")]
    NoIdentityRequest { provider: String },
    #[error("The form has no secret field.")]
    NoSecretField,

    // Renewing.
    /// `invalid_grant` and its kin: the grant is gone.
    #[error("{reason}")]
    RenewalRefused { reason: String },
    /// `invalid_client`: the client settings were refused.
    #[error("{0}.")]
    ClientRefused(TokenError),
    /// The provider could not renew now; a retry is scheduled.
    #[error("{message}. Switchboard will try again.")]
    RenewalPending { message: String },
}

/// Why a connection's saved sign-in cannot be used when the keyring's key is not the one that
/// sealed it (removed or replaced): the same for every connection of that key.
pub const KEY_REPLACED_REASON: &str = "Switchboard's key in the system keyring was removed or replaced, so this account's saved sign-in can no longer be read. Connect it again.";
/// Why, when this connection's own sealed row does not open (altered, or swapped with another's).
pub const SIGN_IN_DAMAGED_REASON: &str =
    "This account's saved sign-in is damaged in Switchboard's database and was not used. Connect it again.";

/// What a person reads when a saved secret does not open.
pub fn unreadable_reason(error: &VaultError) -> &'static str {
    match error {
        VaultError::SealedByAnotherKey { .. } => KEY_REPLACED_REASON,
        _ => SIGN_IN_DAMAGED_REASON,
    }
}

impl ConnectionError {
    /// What the UI offers for it: decided here, once.
    pub fn code(&self) -> ErrorCode {
        use ConnectionError::*;
        match self {
            UnknownProvider(_) | ConnectionGone | SignInEnded => ErrorCode::NotFound,
            UnknownProduct { .. }
            | NotThisProvider { .. }
            | PastedKeyProvider { .. }
            | SignInProvider { .. }
            | NoDeviceCode { .. }
            | NotSignedIn { .. }
            | UnknownField { .. }
            | MissingField { .. }
            | InvalidField { .. }
            | LabelTooLong
            | LabelControlCharacters
            | InvalidClientId
            | UnsupportedRedirect { .. } => ErrorCode::InvalidInput,
            Disabled { .. } => ErrorCode::Disabled,
            NeedsReauthorization { .. } | NoSavedSignIn | SecretUnreadable(_) | RenewalRefused { .. } => {
                ErrorCode::NeedsAuth
            }
            Key(_) | KeyNeededToRevoke { .. } | KeyNeededForSecret => ErrorCode::KeyringUnavailable,
            Database(_)
            | Vault(_)
            | NotSaved(_)
            | NotDeleted(_)
            | RenewalNotSaved(_)
            | RenewalNotStarted(_)
            | RenewalLock(_)
            | ExportFailed { .. } => ErrorCode::Storage,
            NotConfigured { .. } | ClientSecretUnreadable(_) | SignInAddress { .. } | ClientRefused(_) => {
                ErrorCode::NotConfigured
            }
            CodeExchange { error, .. } => match error {
                TokenError::InvalidClient { .. } => ErrorCode::NotConfigured,
                TokenError::Http(HttpError::Network { .. }) | TokenError::Unavailable { .. } => ErrorCode::Network,
                _ => ErrorCode::ProviderRejected,
            },
            DeviceCode { error, .. } => match error {
                DeviceError::Token(TokenError::Http(HttpError::Network { .. })) => ErrorCode::Network,
                _ => ErrorCode::ProviderRejected,
            },
            NotVerified { error, .. } => match error {
                IdentityError::Http(HttpError::Network { .. }) => ErrorCode::Network,
                IdentityError::Http(_) => ErrorCode::InvalidInput,
                _ => ErrorCode::ProviderRejected,
            },
            SignInTimedOut { .. } | DiscoveryUnreachable { .. } | RenewalPending { .. } => ErrorCode::Network,
            CallbackRefused { .. }
            | DiscoveryRefused { .. }
            | AccountNotConfirmed { .. }
            | SitesNotListed { .. }
            | NoSite { .. }
            | WrongAccount { .. } => ErrorCode::ProviderRejected,
            ListenerFailed(_)
            | BrowserUnavailable(_)
            | NoVerification { .. }
            | NoIdentityRequest { .. }
            | NoSecretField
            | AuditNotEncoded(_) => ErrorCode::Internal,
        }
    }
}

/// The boundary: what crosses into the webview (and the CLI's one line).
impl From<ConnectionError> for UserError {
    fn from(error: ConnectionError) -> Self {
        match error {
            ConnectionError::Key(error) => UserError::from(error),
            ConnectionError::Database(error) => UserError::from(error),
            other => UserError::new(other.code(), other.to_string()),
        }
    }
}
