//! Messaging's scheduled work (issue 5):
//!
//! - [`remind_overdue`]: a thread past its reply-due time gets one reminder
//!   to its pool (per due time: a new family message sets a new due time,
//!   which may be reminded of again). The reminder names no patient and says
//!   nothing of the message.
//! - [`clean_orphans`]: files in the attachments folder that no message refers
//!   to, older than the grace period, are removed: the leftovers of uploads
//!   refused or interrupted (a crash between writing the files and the
//!   message's transaction). Temporary files (`tmp-...`) older than the grace
//!   period are removed too.
//!
//! Both are safe to run on several nodes at once: a reminder is recorded in
//! the same transaction as its email and only once per due time, and removing
//! a file twice is harmless.

use crate::random_id;
use jiff::Timestamp;
use serde::Serialize;
use sprout_domain::messaging::Settings;
use sprout_store::{NewEmail, Store, StoreResult};
use std::path::Path;

/// Threads reminded of per run, at most.
const REMINDER_BATCH: u32 = 200;

/// What one [`run_once`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MessagingReport {
    /// Overdue threads whose pool was reminded.
    pub reminders: u32,
    /// Files removed from the attachments folder.
    pub orphans_removed: u32,
}

/// Runs both jobs once at `now`.
///
/// # Errors
/// A store error. A file that cannot be listed or removed is logged, not
/// returned.
pub async fn run_once(
    store: &dyn Store,
    settings: &Settings,
    now: Timestamp,
) -> StoreResult<MessagingReport> {
    Ok(MessagingReport {
        reminders: remind_overdue(store, settings, now).await?,
        orphans_removed: clean_orphans(store, &settings.attachments_dir, settings, now).await?,
    })
}

/// Sends one reminder per overdue thread and due time to the thread's pool
/// (its configured address, else every active nurse and clinician); returns
/// how many threads were reminded.
///
/// # Errors
/// A store error.
pub async fn remind_overdue(
    store: &dyn Store,
    settings: &Settings,
    now: Timestamp,
) -> StoreResult<u32> {
    let mut sent = 0;
    // The care team's addresses, read once a run rather than once a thread: a
    // backlog of overdue threads (after an outage, or a seeded practice) made
    // each reminder scan the accounts table (58 ms at 68,000 accounts,
    // bench/run at 100,000 patients).
    let mut care_team: Option<Vec<String>> = None;
    for thread in store.overdue_unreminded(now, REMINDER_BATCH).await? {
        let Some(due) = thread.due_at else { continue };
        let to = match settings.pool_emails.get(&thread.pool) {
            Some(a) => vec![a.clone()],
            None => match &care_team {
                Some(all) => all.clone(),
                None => care_team
                    .insert(store.staff_emails(&["nurse", "clinician"]).await?)
                    .clone(),
            },
        };
        let emails: Vec<NewEmail> = to
            .into_iter()
            .map(|addr| NewEmail {
                id: format!("reminder-{}", random_id()),
                to_address: addr,
                subject:
                    "A message is past its reply time / Un mensaje tiene la respuesta atrasada"
                        .into(),
                body_text: format!(
                    "A message in the pool \"{pool}\" of the Sprout inbox is past its reply \
                     time. Sign in to answer it.\n\nUn mensaje del grupo \"{pool}\" de la \
                     bandeja de Sprout tiene la respuesta atrasada. Inicie sesión para \
                     responderlo.\n",
                    pool = thread.pool
                ),
                body_html: None,
                locale: "en".into(),
            })
            .collect();
        if store.record_reminder(&thread.id, due, &emails, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Removes files of `dir` that no message refers to and that are older than
/// the grace period; returns how many were removed. Names that are not an
/// attachment id (32 hex digits) or a temporary file (`tmp-` then 32 hex
/// digits) are left alone.
///
/// # Errors
/// A store error.
pub async fn clean_orphans(
    store: &dyn Store,
    dir: &Path,
    settings: &Settings,
    now: Timestamp,
) -> StoreResult<u32> {
    let cutoff = now
        .checked_sub(settings.orphan_grace)
        .unwrap_or(Timestamp::MIN);
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => {
            tracing::warn!(error = %e, "cannot list the attachments folder");
            return Ok(0);
        }
    };
    let mut old_ids = Vec::new();
    let mut old_temps = Vec::new();
    loop {
        let entry = match entries.next_entry().await {
            Ok(Some(e)) => e,
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "cannot list the attachments folder");
                break;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_hex = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
        let temp = name.strip_prefix("tmp-").is_some_and(is_hex);
        if !temp && !is_hex(&name) {
            continue;
        }
        let Ok(meta) = entry.metadata().await else {
            continue;
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|m| Timestamp::try_from(m).ok());
        if !meta.is_file() || modified.is_none_or(|m| m > cutoff) {
            continue;
        }
        if temp {
            old_temps.push(name);
        } else {
            old_ids.push(name);
        }
    }
    let referenced = store.referenced_attachments(&old_ids).await?;
    let mut removed = 0;
    for name in old_temps
        .into_iter()
        .chain(old_ids.into_iter().filter(|n| !referenced.contains(n)))
    {
        match tokio::fs::remove_file(dir.join(&name)).await {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(error = %e, "cannot remove an orphan attachment"),
        }
    }
    if removed > 0 {
        tracing::info!(removed, "removed attachment files no message refers to");
    }
    Ok(removed)
}
