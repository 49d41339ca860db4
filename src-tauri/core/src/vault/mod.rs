//! The only code that touches secrets: `Sensitive<T>`, the master key in the OS keyring (or a
//! session-only key) and the key holder that keeps it for a run, sealing with
//! XChaCha20-Poly1305 and the store of sealed secrets. It knows nothing about providers: owners
//! and names are opaque strings.

mod cipher;
mod key_holder;
mod key_storage;
mod master_key;
mod session_sealed;
mod store;

pub use crate::sensitive::Sensitive;
pub use cipher::CipherError;
pub use key_holder::{KeyHolder, KeyMode};
pub use key_storage::{probe_key_storage, KeyStorageStatus, KEYRING_SERVICE, MASTER_KEY_ENTRY};
pub use master_key::{KeyError, KeyOrigin, KeyringSlot, MasterKey, KEY_LEN};
pub use session_sealed::SealedForSession;
pub use store::{SecretStore, VaultError};
