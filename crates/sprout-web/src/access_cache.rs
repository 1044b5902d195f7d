//! Sessions and families kept in memory between requests, so a signed-in
//! page does not read the same session, account, relationships and
//! patients from the database every time (the family dashboard read them
//! in 4 statements a request; bench/run, issue 11).
//!
//! Correctness rests on [`sprout_store::AccessSignal`]: every entry carries
//! the epoch that was current *before* it was read, and is used only while
//! that epoch is still current and the store's watcher is live. Any
//! committed change to accounts, account security, sessions (ended or
//! re-authenticated), patients or proxy relationships moves the epoch, from
//! database triggers, whoever made it (see the backends' migration 10); this
//! node also moves it as soon as one of its own state-changing requests
//! finishes ([`crate::context`]), so a revocation made here holds from the
//! very next request. Changes made elsewhere hold within the watcher's delay
//! (PostgreSQL: the notification's trip; SQLite: at most
//! `sprout_store_sql::watch::SQLITE_POLL`). With no live watcher nothing is
//! kept. Decisions are still made on every request, from the kept facts and
//! today's date, so birthdays, expiry dates and idle timeouts need no
//! change to be noticed; a session the kept facts would end is read again
//! before it is ended.
//!
//! No health data is kept: sessions, accounts with their security settings
//! (as every request read them before), proxy relationships, and the
//! patients' demographics that the family switcher and the policy use.

use sprout_domain::people::{Account, ProxyRelationship};
use sprout_domain::record::Patient;
use sprout_domain::{AccountId, PatientId};
use sprout_store::security::SessionContext;
use sprout_store::AccessSignal;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Entries kept per map before all are dropped (about 2 kB each; one per
/// signed-in session and one per signed-in family).
const MAX_ENTRIES: usize = 20_000;

/// Oldest entry used, whatever the signal says: a bound on how long a
/// change the watcher missed could go unseen.
const MAX_AGE: Duration = Duration::from_secs(300);

/// What a family member's pages are decided from: the user's proxy
/// relationships, the patients they could see (their own record and their
/// relationships' patients, in the store's order) and those patients' own
/// logins (not the user's own).
#[derive(Debug, Clone, Default)]
pub(crate) struct Family {
    pub relationships: Vec<ProxyRelationship>,
    pub patients: Vec<Patient>,
    pub logins: BTreeMap<PatientId, Account>,
}

struct Entry<T> {
    epoch: u64,
    at: Instant,
    value: T,
}

struct Map<K, T> {
    entries: Mutex<HashMap<K, Entry<T>>>,
}

impl<K: Eq + Hash, T: Clone> Map<K, T> {
    fn new() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Entry<T>>> {
        // A panic while holding the lock leaves nothing half-written that
        // matters: every entry is checked on use.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get<Q>(&self, key: &Q, epoch: u64) -> Option<T>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let mut map = self.lock();
        let fresh = map
            .get(key)
            .is_some_and(|e| e.epoch == epoch && e.at.elapsed() < MAX_AGE);
        if fresh {
            map.get(key).map(|e| e.value.clone())
        } else {
            map.remove(key);
            None
        }
    }

    fn put(&self, key: K, epoch: u64, value: T) {
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(
            key,
            Entry {
                epoch,
                at: Instant::now(),
                value,
            },
        );
    }

    fn remove<Q>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.lock().remove(key);
    }
}

/// The node's kept sessions (by token hash) and families (by account).
pub(crate) struct AccessCache {
    signal: Arc<AccessSignal>,
    sessions: Map<String, SessionContext>,
    families: Map<AccountId, Arc<Family>>,
}

impl std::fmt::Debug for AccessCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessCache")
            .field("live", &self.signal.is_live())
            .finish_non_exhaustive()
    }
}

impl AccessCache {
    pub(crate) fn new(signal: Arc<AccessSignal>) -> Self {
        Self {
            signal,
            sessions: Map::new(),
            families: Map::new(),
        }
    }

    /// The signal the store's watcher drives.
    pub(crate) fn signal(&self) -> &Arc<AccessSignal> {
        &self.signal
    }

    /// The epoch to tag what is about to be read with, or `None` when
    /// nothing may be kept (no live watcher). Call before reading.
    pub(crate) fn epoch(&self) -> Option<u64> {
        // Epoch first: were the watcher to stop in between, the epoch moves.
        let epoch = self.signal.epoch();
        self.signal.is_live().then_some(epoch)
    }

    /// A kept session context, if still current, with the epoch it was
    /// read under (to keep it again, updated, under the same).
    pub(crate) fn session(&self, token_hash: &str) -> Option<(u64, SessionContext)> {
        let epoch = self.epoch()?;
        let found = self.sessions.get(token_hash, epoch)?;
        Some((epoch, found))
    }

    /// Keeps a session context read under `epoch` (from [`Self::epoch`]).
    pub(crate) fn keep_session(&self, token_hash: &str, epoch: Option<u64>, value: SessionContext) {
        if let Some(epoch) = epoch {
            self.sessions.put(token_hash.to_owned(), epoch, value);
        }
    }

    /// Drops a kept session (it ended, or its kept facts would end it).
    pub(crate) fn forget_session(&self, token_hash: &str) {
        self.sessions.remove(token_hash);
    }

    /// A kept family, if still current.
    pub(crate) fn family(&self, account: &AccountId) -> Option<Arc<Family>> {
        let epoch = self.epoch()?;
        self.families.get(account, epoch)
    }

    /// Keeps a family read under `epoch` (from [`Self::epoch`]).
    pub(crate) fn keep_family(&self, account: &AccountId, epoch: Option<u64>, value: Arc<Family>) {
        if let Some(epoch) = epoch {
            self.families.put(account.clone(), epoch, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: u8) -> AccountId {
        AccountId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02}")).unwrap()
    }

    #[test]
    fn nothing_is_kept_without_a_live_watcher() {
        let cache = AccessCache::new(Arc::new(AccessSignal::new()));
        let epoch = cache.epoch();
        assert_eq!(epoch, None);
        cache.keep_family(&account(1), epoch, Arc::default());
        assert!(cache.family(&account(1)).is_none());
    }

    #[test]
    fn an_entry_read_before_a_change_is_never_used_after_it() {
        let signal = Arc::new(AccessSignal::new());
        signal.set_live(true);
        let cache = AccessCache::new(signal.clone());
        let before = cache.epoch();
        assert!(before.is_some());
        cache.keep_family(&account(1), before, Arc::default());
        assert!(cache.family(&account(1)).is_some());
        // A change lands while another request is still reading.
        let reading = cache.epoch();
        signal.changed();
        cache.keep_family(&account(2), reading, Arc::default());
        assert!(cache.family(&account(1)).is_none());
        assert!(cache.family(&account(2)).is_none());
        // The watcher stops: nothing is used, even when read just now.
        let now = cache.epoch();
        cache.keep_family(&account(3), now, Arc::default());
        assert!(cache.family(&account(3)).is_some());
        signal.set_live(false);
        assert!(cache.family(&account(3)).is_none());
        assert_eq!(cache.epoch(), None);
    }
}
