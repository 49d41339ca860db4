//! The key holder: this run's master key, read from the OS keyring at first need (and created
//! there on first use), or a session-only key the person chose. A keyring that errors never
//! gets a new key (that would orphan every sealed row). Nothing else in the core keeps the key.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use ts_rs::TS;

use super::{KeyError, KeyOrigin, KeyringSlot, MasterKey};

/// Where this run's master key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum KeyMode {
    Keyring,
    /// In memory only: connections made now are forgotten at exit.
    SessionOnly,
}

pub struct KeyHolder {
    slot: KeyringSlot,
    key: Mutex<Option<Arc<MasterKey>>>,
}

impl KeyHolder {
    pub fn new(slot: KeyringSlot) -> Self {
        Self {
            slot,
            key: Mutex::new(None),
        }
    }

    pub fn slot(&self) -> &KeyringSlot {
        &self.slot
    }

    /// The master key, read from the keyring (created there on first use), or the session key
    /// chosen earlier. A keyring that errors never gets a new key.
    pub fn key(&self) -> Result<Arc<MasterKey>, KeyError> {
        let mut held = self.held();
        if let Some(key) = held.as_ref() {
            return Ok(key.clone());
        }
        let key = Arc::new(MasterKey::load_or_create(&self.slot)?);
        *held = Some(key.clone());
        Ok(key)
    }

    /// The key if it is already loaded (nothing asked of the keyring).
    pub fn loaded(&self) -> Option<Arc<MasterKey>> {
        self.held().clone()
    }

    /// The keyring's key if it has one, never creating it (at start); kept once found.
    pub fn load_existing(&self) -> Result<Option<Arc<MasterKey>>, KeyError> {
        let Some(found) = MasterKey::load_existing(&self.slot)? else {
            return Ok(None);
        };
        let mut held = self.held();
        Ok(Some(held.get_or_insert_with(|| Arc::new(found)).clone()))
    }

    /// Goes on without the keyring: a key in memory for this run only.
    pub fn use_session_only(&self) {
        let mut held = self.held();
        if held.is_none() {
            tracing::warn!("continuing with a session-only key: connections made now are forgotten at exit");
            *held = Some(Arc::new(MasterKey::session_only()));
        }
    }

    pub fn mode(&self) -> KeyMode {
        match self.loaded().map(|key| key.origin()) {
            Some(KeyOrigin::SessionOnly) => KeyMode::SessionOnly,
            _ => KeyMode::Keyring,
        }
    }

    fn held(&self) -> MutexGuard<'_, Option<Arc<MasterKey>>> {
        self.key.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
