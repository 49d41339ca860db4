//! Notices for this session only: what the person must be told when the database itself is
//! what fails, so the notice cannot be stored. Each kind is raised at most once a session,
//! listed beside the stored notices with a negative id (so a dismissal finds its way back
//! here), and retired when its problem is over.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::db::notices::{Notice, NoticeKind};

#[derive(Default)]
pub struct SessionNotices {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    last_id: i64,
    active: Vec<Notice>,
    /// Kinds raised this session, shown or dismissed: each is said once.
    raised: Vec<NoticeKind>,
}

impl SessionNotices {
    /// Shows a notice of `kind` unless one was raised this session; `true` if this one shows.
    pub fn raise_once(&self, kind: NoticeKind, message: &str, detail: Option<&str>, now: i64) -> bool {
        let mut state = self.state();
        if state.raised.contains(&kind) {
            return false;
        }
        state.raised.push(kind);
        state.last_id -= 1;
        let id = state.last_id;
        state.active.push(Notice {
            id,
            kind,
            message: message.to_owned(),
            detail: detail.map(str::to_owned),
            created_at: now,
        });
        true
    }

    /// The problem is over: its notice stops showing (it is not raised again this session).
    pub fn retire(&self, kind: NoticeKind) {
        self.state().active.retain(|notice| notice.kind != kind);
    }

    pub fn active(&self) -> Vec<Notice> {
        self.state().active.clone()
    }

    /// Whether `id` names a session notice rather than a stored one.
    pub fn owns(id: i64) -> bool {
        id < 0
    }

    /// `false` when there is no such active notice.
    pub fn dismiss(&self, id: i64) -> bool {
        let mut state = self.state();
        let before = state.active.len();
        state.active.retain(|notice| notice.id != id);
        state.active.len() != before
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_told_once_a_session_even_after_it_is_dismissed() {
        let notices = SessionNotices::default();
        assert!(
            notices.raise_once(NoticeKind::StorageRefused, "full", None, 1),
            "the first one shows"
        );
        assert!(
            !notices.raise_once(NoticeKind::StorageRefused, "full", None, 2),
            "a second is not added"
        );
        let shown = notices.active();
        assert_eq!(shown.len(), 1, "one notice shows: {shown:?}");
        assert!(
            SessionNotices::owns(shown[0].id),
            "its id is a session id, never a stored row's"
        );
        assert!(notices.dismiss(shown[0].id), "it can be dismissed");
        assert!(!notices.dismiss(shown[0].id), "once");
        assert!(
            !notices.raise_once(NoticeKind::StorageRefused, "full", None, 3),
            "and stays said"
        );
        assert!(notices.active().is_empty(), "nothing shows after the dismissal");
    }

    #[test]
    fn a_retired_notice_stops_showing() {
        let notices = SessionNotices::default();
        notices.raise_once(NoticeKind::StorageRefused, "full", None, 1);
        notices.retire(NoticeKind::StorageRefused);
        assert!(notices.active().is_empty(), "the problem is over, so is its notice");
    }
}
