//! What the integration tests share: the core as the app opens it, real servers on loopback
//! (oidc-provider, the provider API doubles, fakes for quirks), the keyring, the CLI.

pub mod actions;
pub mod chat;
pub mod cli_run;
pub mod connector;
pub mod doubles;
pub mod fake_issuer;
pub mod fake_provider;
pub mod google_flow;
pub mod keyring;
pub mod kill_trials;
pub mod model;
pub mod node;
pub mod oidc;
pub mod oidc_device;
pub mod operations_cases;
pub mod pasted;
pub mod refresh;
pub mod refresh_cases;
pub mod resources;
pub mod saved;
pub mod small_disk;
pub mod storage_refused;
