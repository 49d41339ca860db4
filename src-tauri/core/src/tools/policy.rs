//! Whether an action runs without asking: the person's allow / ask / deny, per action and per
//! account, persisted; absent, reads are allowed and writes ask. A destructive action always
//! asks: "always allow" is refused for it (SECURITY.md F4).

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

    /// What applies, given what is stored (a destructive action asks even if a stored row,
    /// from an older build or an edited file, says allow).
    pub fn effective(stored: Option<&str>, side_effect: SideEffect) -> Self {
        let chosen = stored.and_then(Self::parse).unwrap_or(Self::default_for(side_effect));
        match (chosen, side_effect) {
            (Self::Allow, SideEffect::Destructive) => Self::Ask,
            (chosen, _) => chosen,
        }
    }

    /// Whether the person may choose this for an action of `side_effect`.
    pub fn allowed_for(self, side_effect: SideEffect) -> bool {
        !(self == Self::Allow && side_effect == SideEffect::Destructive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_run_writes_ask_and_a_destructive_action_always_asks() {
        assert_eq!(Policy::effective(None, SideEffect::Read), Policy::Allow);
        assert_eq!(Policy::effective(None, SideEffect::Write), Policy::Ask);
        assert_eq!(Policy::effective(Some("allow"), SideEffect::Write), Policy::Allow);
        assert_eq!(
            Policy::effective(Some("allow"), SideEffect::Destructive),
            Policy::Ask,
            "F4: a stored 'allow' never lets a destructive action run unasked"
        );
        assert_eq!(Policy::effective(Some("deny"), SideEffect::Read), Policy::Deny);
        assert_eq!(Policy::effective(Some("garbage"), SideEffect::Read), Policy::Allow);
        assert!(!Policy::Allow.allowed_for(SideEffect::Destructive));
        assert!(Policy::Deny.allowed_for(SideEffect::Destructive));
    }
}
