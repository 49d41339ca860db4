//! IPC commands, one file per UI area; each delegates to core in a few lines.

pub mod actions;
pub mod chat;
pub mod connections;
pub mod events;
pub mod integrations;
pub mod model;
pub mod resources;
pub mod settings;
