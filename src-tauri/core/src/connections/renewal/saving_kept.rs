//! Saving what renewals kept in memory because the database refused it: the scheduler's
//! retries on their backoff, and a last run of tries before the process ends. Kept tokens die
//! with the process while the stored refresh token is already spent at the provider, so a
//! process about to end (a `switchboard-cli` command, the app quitting) keeps trying for a
//! while rather than drop them, and says plainly what it could not save.

use std::time::Duration;

use tokio::time::Instant;

use super::TokenRenewal;
use crate::ids::ConnectionId;

/// The pause between tries before the process ends (each try may itself wait for the
/// database's busy timeout).
const PAUSE_BEFORE_EXIT: Duration = Duration::from_millis(500);

impl TokenRenewal {
    /// Tries again to save what renewals kept in memory because the database refused it; the
    /// soonest later try, if something is still kept. For the scheduler.
    pub async fn save_unsaved(&self) -> Option<i64> {
        self.retry_kept(self.commits.due().0, None).await;
        self.commits.due().1
    }

    /// Before the process ends: tries to save everything kept, whatever its backoff, until it
    /// is saved or `within` has passed. What is still unsaved, one sentence per connection
    /// (empty when nothing was kept or everything is saved now). A try begun just before the
    /// deadline may still wait out the database's busy timeout.
    pub async fn save_before_exit(&self, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        loop {
            self.retry_kept(self.commits.all_kept(), Some(deadline)).await;
            let left = self.commits.left_unsaved();
            if left.is_empty() || Instant::now() >= deadline {
                return left;
            }
            tokio::time::sleep(PAUSE_BEFORE_EXIT).await;
        }
    }

    /// One try at each, in its connection's single flight; none begun past `deadline` (a renewal
    /// in flight may hold the lock through its whole request).
    async fn retry_kept(&self, ids: Vec<ConnectionId>, deadline: Option<Instant>) {
        for id in ids {
            let lock = self.lock_of(id);
            let _flight = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline, lock.lock()).await {
                    Ok(flight) => flight,
                    Err(_) => return,
                },
                None => lock.lock().await,
            };
            self.commits.retry(id);
        }
    }
}
