//! Whether an action runs without asking: the person's allow / ask / deny, per action and per
//! account, persisted; absent, reads are allowed and writes ask. A destructive action, and one
//! the catalogue marks `always_asks` (uploading a file from this computer), always asks:
//! "always allow" is refused for it (SECURITY.md F4).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::catalog::SideEffect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Runs without asking.
    Allow,
    /// Shows the exact request and waits for approval.
    Ask,
    /// Never runs.
    Deny,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Ask => "ask",
            Self::Deny => "deny",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "allow" => Some(Self::Allow),
            "ask" => Some(Self::Ask),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }

    /// Before the person chose: reads run, the rest ask.
    pub fn default_for(side_effect: SideEffect) -> Self {
        match side_effect {
            SideEffect::Read => Self::Allow,
            SideEffect::Write | SideEffect::Destructive => Self::Ask,
        }
    }

    /// What applies, given what is stored: an action that must ask (a destructive one, or one
    /// marked `always_asks`) asks even if a stored row, from an older build or an edited file,
    /// says allow.
    pub fn effective(stored: Option<&str>, side_effect: SideEffect, must_ask: bool) -> Self {
        let chosen = stored.and_then(Self::parse).unwrap_or(Self::default_for(side_effect));
        match chosen {
            Self::Allow if must_ask => Self::Ask,
            chosen => chosen,
        }
    }

    /// Whether the person may choose this for an action that must ask (or not).
    pub fn allowed_for(self, must_ask: bool) -> bool {
        !(self == Self::Allow && must_ask)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_run_writes_ask_and_what_must_ask_always_asks() {
        assert_eq!(Policy::effective(None, SideEffect::Read, false), Policy::Allow);
        assert_eq!(Policy::effective(None, SideEffect::Write, false), Policy::Ask);
        assert_eq!(
            Policy::effective(Some("allow"), SideEffect::Write, false),
            Policy::Allow
        );
        assert_eq!(
            Policy::effective(Some("allow"), SideEffect::Destructive, true),
            Policy::Ask,
            "F4: a stored 'allow' never lets a destructive action run unasked"
        );
        assert_eq!(
            Policy::effective(Some("allow"), SideEffect::Write, true),
            Policy::Ask,
            "nor one marked always_asks (an upload of a local file)"
        );
        assert_eq!(Policy::effective(Some("deny"), SideEffect::Read, false), Policy::Deny);
        assert_eq!(
            Policy::effective(Some("garbage"), SideEffect::Read, false),
            Policy::Allow
        );
        assert!(!Policy::Allow.allowed_for(true));
        assert!(Policy::Deny.allowed_for(true));
        assert!(Policy::Allow.allowed_for(false));
    }
}
