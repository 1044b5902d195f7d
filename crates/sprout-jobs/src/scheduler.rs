//! The loop an app node runs for scheduled work: every few minutes, the day's
//! notices (once per day across all nodes, by a database lease) and a drain of
//! the outbox (every node; each message is claimed by one sender).
//!
//! Why a lease as well as the notices' unique key: the key already makes each
//! notice once, but the lease spares N nodes from all scanning the patients
//! every few minutes (DESIGN.md, "Scale-out": "scheduled jobs take a database
//! lease so N nodes run each once").

use crate::notices::{self, NoticeReport};
use crate::outbox::{self, OutboxReport, Sender};
use crate::random_id;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sprout_domain::policy::Policy;
use sprout_store::{Store, StoreResult};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// The notice job's lease name; the day's lease is `notices-daily:YYYY-MM-DD`.
pub const NOTICES_JOB: &str = "notices-daily";

/// How long a node holds the day's notice lease while it runs the notices;
/// if it dies, another node takes over after this.
pub const RUN_LEASE: SignedDuration = SignedDuration::from_secs(15 * 60);

/// How long the day's lease is kept once the day's notices ran: past the end
/// of that day in any time zone, so no node runs that day again; then it
/// expires and is deleted.
pub const DONE_LEASE: SignedDuration = SignedDuration::from_secs(36 * 60 * 60);

/// Settings of [`run_scheduler`].
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// Time between two ticks (default 5 minutes).
    pub interval: Duration,
    /// This node's name in leases (default: random per process).
    pub node: String,
    /// Messaging settings: when given, each tick also reminds pools of
    /// overdue threads and removes orphan attachment files
    /// ([`crate::messaging::run_once`]).
    pub messaging: Option<sprout_domain::messaging::Settings>,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(5 * 60),
            node: format!("node-{}", random_id()),
            messaging: None,
        }
    }
}

/// What one [`tick`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TickReport {
    /// The day's notices, when this node ran them in this tick; `None` when
    /// they ran already today or run on another node now.
    pub notices: Option<NoticeReport>,
    /// The outbox drain.
    pub outbox: OutboxReport,
}

/// The lease name of the notices of `today`.
pub fn notices_lease(today: Date) -> String {
    format!("{NOTICES_JOB}:{today}")
}

/// One round of scheduled work on this node, as `node`: takes the lease of
/// `today`'s notices and, when it gets it, runs them ([`notices::run_daily`])
/// and keeps the lease for [`DONE_LEASE`] (or gives it up if the run failed,
/// so that the next tick, here or elsewhere, tries again); deletes leases of
/// past days; then drains the outbox ([`outbox::run_once`]). `sprout jobs
/// run-once` is one tick.
///
/// # Errors
/// A store error taking a lease or draining the outbox. A failed notice run
/// is logged, not returned, so the outbox is drained anyway.
#[tracing::instrument(skip_all, fields(today = %today))]
pub async fn tick(
    store: &dyn Store,
    policy: &Policy,
    sender: &dyn Sender,
    today: Date,
    now: Timestamp,
    node: &str,
) -> StoreResult<TickReport> {
    let lease = notices_lease(today);
    let mut report = TickReport::default();
    let run_until = now.saturating_add(RUN_LEASE).unwrap_or(now);
    if store.acquire_lease(&lease, node, now, run_until).await? {
        match notices::run_daily(store, policy, today, now).await {
            Ok(r) => {
                let done_until = now.saturating_add(DONE_LEASE).unwrap_or(now);
                store.renew_lease(&lease, node, done_until).await?;
                report.notices = Some(r);
            }
            Err(e) => {
                tracing::warn!(error = %e, "notice run failed; will retry");
                store.release_lease(&lease, node).await?;
            }
        }
    }
    store.delete_expired_leases(now).await?;
    report.outbox = outbox::run_once(store, sender, now).await?;
    Ok(report)
}

/// Runs [`tick`] every `config.interval` (the first at once) until `shutdown`
/// completes; a tick under way is finished first. `clock` gives the
/// practice's calendar date and the current time on each tick (the real
/// clock in `sprout serve`; `sprout demo --today` may pass a fixed date).
/// Errors of a tick are logged and the loop goes on.
pub async fn run_scheduler<C, S>(
    store: Arc<dyn Store>,
    policy: Arc<Policy>,
    sender: Arc<dyn Sender>,
    clock: C,
    config: SchedulerConfig,
    shutdown: S,
) where
    C: Fn() -> (Date, Timestamp) + Send,
    S: Future<Output = ()> + Send,
{
    let mut every = tokio::time::interval(config.interval);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = every.tick() => {
                let (today, now) = clock();
                // Messaging first, so that its reminders leave with this
                // tick's outbox drain.
                if let Some(settings) = &config.messaging {
                    match crate::messaging::run_once(store.as_ref(), settings, now).await {
                        Ok(r) => tracing::debug!(?r, "messaging jobs ran"),
                        Err(e) => tracing::warn!(error = %e, "messaging jobs failed; will retry"),
                    }
                }
                match tick(store.as_ref(), &policy, sender.as_ref(), today, now, &config.node).await {
                    Ok(r) => tracing::debug!(?r, "scheduled jobs ran"),
                    Err(e) => tracing::warn!(error = %e, "scheduled jobs failed; will retry"),
                }
            }
        }
    }
    tracing::info!("scheduler stopped");
}
