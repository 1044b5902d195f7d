//! A node's view of whether the data that decides who may see what has
//! changed, so the web layer may keep sessions and families in memory
//! between requests without serving a revoked access.
//!
//! Every backend marks such data with database triggers (accounts, their
//! security settings, sessions ended or re-authenticated, patients, proxy
//! relationships): SQLite bumps a counter row that the node polls,
//! PostgreSQL sends a notification at commit that every node listens for.
//! Whoever commits the change (this node, another node, a command-line
//! import, a scheduled job) is seen the same way. A watcher
//! ([`crate::SecurityStore::watch_access_changes`]) turns those into
//! [`AccessSignal::changed`]; a cache keeps an entry only while the epoch it
//! was read under is current, and only while the watcher is live.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A counter of access changes seen by this node, and whether the watcher
/// that advances it is running (shared by the watcher and the caches).
#[derive(Debug, Default)]
pub struct AccessSignal {
    epoch: AtomicU64,
    live: AtomicBool,
}

impl AccessSignal {
    /// A signal with no watcher yet: not live, so nothing may be cached.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current epoch. An entry read while the epoch was `e` is current
    /// only while this still returns `e`. Read it *before* reading the data.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Something that decides access may have changed: every entry read
    /// before now is out of date.
    pub fn changed(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// Whether a watcher is delivering changes; when not, caches must read
    /// the database on every request.
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// The watcher started (`true`) or lost its connection (`false`). Either
    /// way everything read before is out of date: changes may have been
    /// missed while no watcher ran.
    pub fn set_live(&self, live: bool) {
        self.changed();
        self.live.store(live, Ordering::Release);
        self.changed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_or_a_watcher_restart_moves_the_epoch() {
        let s = AccessSignal::new();
        assert!(!s.is_live());
        let e0 = s.epoch();
        s.set_live(true);
        assert!(s.is_live());
        let e1 = s.epoch();
        assert_ne!(e0, e1);
        s.changed();
        assert_ne!(e1, s.epoch());
        let e2 = s.epoch();
        s.set_live(false);
        assert!(!s.is_live());
        assert_ne!(e2, s.epoch());
    }
}
