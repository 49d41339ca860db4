//! The only code that touches secrets: the `Sensitive<T>` wrapper and the OS keyring that will
//! hold the master key. It knows nothing about providers.

mod key_storage;
mod sensitive;

pub use key_storage::{probe_key_storage, KeyStorageStatus, KEYRING_SERVICE, MASTER_KEY_ENTRY};
pub use sensitive::Sensitive;
