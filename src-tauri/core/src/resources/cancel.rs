//! Cancelling a listing: a flag any number of waits watch, set once; every wait ends at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// Set when the person no longer wants the listing; every wait ends at once.
#[derive(Clone, Default)]
pub struct Cancel(Arc<(AtomicBool, Notify)>);

impl Cancel {
    pub fn cancel(&self) {
        self.0 .0.store(true, Ordering::SeqCst);
        self.0 .1.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0 .0.load(Ordering::SeqCst)
    }

    pub(super) fn inner(&self) -> &Arc<(AtomicBool, Notify)> {
        &self.0
    }

    /// Returns once cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0 .1.notified(); // registered before the check: no lost wake-up
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn cancelling_ends_a_wait_that_started_before() {
        let cancel = Cancel::default();
        let waiting = tokio::spawn({
            let cancel = cancel.clone();
            async move { cancel.cancelled().await }
        });
        tokio::task::yield_now().await;
        cancel.cancel();
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("a cancelled wait ends at once")
            .expect("the task ran");
        assert!(cancel.is_cancelled());
    }
}
