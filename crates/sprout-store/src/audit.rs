//! The audit trail's tamper evidence and its reports (DESIGN.md, capability 9;
//! issue 8).
//!
//! **Append-only.** Audit events are only ever inserted: both backends' tables
//! refuse `UPDATE` and `DELETE` (and PostgreSQL `TRUNCATE`) by trigger, and no
//! code path deletes an event. Retention is therefore "forever"; a practice's
//! stated retention ([`Retention`]) may only be longer than the
//! [`MIN_RETENTION_YEARS`] floor, never shorter.
//!
//! **Hash chain.** Every event appended gets the next number of the chain
//! (`seq`, 1, 2, 3... with no gaps), the hash of the event before it
//! (`prev_hash`; [`GENESIS_HASH`] for the first) and its own hash
//! ([`event_hash`]: SHA-256 over the previous hash and the event's content).
//! The store keeps the chain's head (the last number and hash) in a row that is
//! updated in the very transaction of each append, which also serialises
//! appenders across connections and app nodes, so the chain never forks.
//!
//! [`verify`] walks the chain in order and reports the first event that was
//! altered (its content no longer matches its hash), deleted (a number is
//! missing, or the chain ends before its head), or inserted out of order (an
//! event whose successor does not link to it, or one past the head). A chain
//! can only show tampering by someone who could not also recompute every later
//! hash and the head: keep the head that `sprout audit verify` prints
//! somewhere the database's users cannot write (a backup log, a ticket), and a
//! rewritten tail shows as a head that went back or changed.
//!
//! Events written before the chain existed (migration 4) are counted as
//! *unchained* and cannot be checked.

use crate::{AuditEvent, StoreResult};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sprout_domain::{AccountId, PatientId};
use std::collections::VecDeque;
use std::fmt;

/// The `prev_hash` of the first event of a chain: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The shortest retention of audit events a practice may state: 10 years.
/// Source: HIPAA keeps documentation 6 years (45 CFR 164.316(b)(2)); several
/// states keep a minor's records until years past majority, so Sprout keeps
/// the trail at least 10 years, and in fact never deletes it.
pub const MIN_RETENTION_YEARS: u32 = 10;

/// How long the practice keeps audit events, in years: at least
/// [`MIN_RETENTION_YEARS`]. A statement only: no code path deletes events, so
/// a longer value needs no job; a shorter one is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retention(u32);

/// A stated retention shorter than [`MIN_RETENTION_YEARS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("audit retention of {0} years is shorter than the minimum of {MIN_RETENTION_YEARS}; it may only be raised")]
pub struct RetentionTooShort(pub u32);

impl Retention {
    /// The retention of a configuration value (`None`: the minimum).
    ///
    /// # Errors
    /// [`RetentionTooShort`] below [`MIN_RETENTION_YEARS`].
    pub fn from_years(years: Option<u32>) -> Result<Self, RetentionTooShort> {
        match years {
            None => Ok(Self(MIN_RETENTION_YEARS)),
            Some(y) if y < MIN_RETENTION_YEARS => Err(RetentionTooShort(y)),
            Some(y) => Ok(Self(y)),
        }
    }

    /// The years.
    pub fn years(self) -> u32 {
        self.0
    }
}

impl Default for Retention {
    fn default() -> Self {
        Self(MIN_RETENTION_YEARS)
    }
}

/// The columns of an event's content, in the order [`event_hash`] reads them
/// (the table's column names).
pub const CONTENT_COLUMNS: [&str; 13] = [
    "at",
    "account_id",
    "actor_role",
    "on_behalf_of",
    "patient_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "reason",
    "client_addr",
    "request_id",
    "detail",
];

/// An event's content as stored, one value per [`CONTENT_COLUMNS`] entry
/// (`None` for SQL `NULL`). Raw text, so a tampered value that no longer
/// parses is still hashed (and found out) rather than failing the read.
pub type Content = [Option<String>; 13];

impl AuditEvent {
    /// The event's content in [`CONTENT_COLUMNS`] order, as it is stored.
    pub fn content(&self) -> Content {
        let s = |v: &str| Some(v.to_owned());
        [
            s(&self.at),
            self.account_id.as_ref().map(|a| a.as_str().to_owned()),
            s(&self.actor_role),
            self.on_behalf_of.clone(),
            self.patient_id.as_ref().map(|p| p.as_str().to_owned()),
            s(&self.action),
            s(&self.object_type),
            self.object_id.clone(),
            s(&self.outcome),
            self.reason.clone(),
            self.client_addr.clone(),
            self.request_id.clone(),
            self.detail.clone(),
        ]
    }
}

/// The hash of an event: lowercase hex SHA-256 of
/// `"sprout-audit-v1\n"`, then `prev_hash` (64 hex characters), then each of
/// the 13 content values in [`CONTENT_COLUMNS`] order, each as one byte `0`
/// when absent, or one byte `1`, its UTF-8 length as 8 bytes big-endian, and
/// its UTF-8 bytes. The encoding is unambiguous (no two contents give the same
/// bytes) and simple to recompute outside Sprout.
pub fn event_hash(prev_hash: &str, content: &Content) -> String {
    let mut h = Sha256::new();
    h.update(b"sprout-audit-v1\n");
    h.update(prev_hash.as_bytes());
    for value in content {
        match value {
            None => h.update([0u8]),
            Some(v) => {
                h.update([1u8]);
                h.update((v.len() as u64).to_be_bytes());
                h.update(v.as_bytes());
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// One event as the chain holds it, for [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedEvent {
    /// Its place in the chain.
    pub seq: i64,
    /// The hash of the event before it, as stored (`None`: written before the
    /// chain existed, or inserted around it).
    pub prev_hash: Option<String>,
    /// Its own hash, as stored.
    pub hash: Option<String>,
    /// Its content, as stored.
    pub content: Content,
}

/// The chain's head, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    /// The number of the last event appended (equal to `chain_start` while no
    /// event has been chained).
    pub seq: i64,
    /// That event's hash ([`GENESIS_HASH`] while none).
    pub hash: String,
    /// Events numbered up to this one were written before the chain existed
    /// (0 on a database created with the chain).
    pub chain_start: i64,
}

/// The first fault [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "fault", rename_all = "kebab-case")]
pub enum ChainFault {
    /// The event's content or stored hashes no longer give its hash.
    Altered {
        /// The event.
        seq: i64,
    },
    /// Events `first..=last` are missing: deleted.
    Deleted {
        /// The first missing number.
        first: i64,
        /// The last missing number.
        last: i64,
    },
    /// Events `first..=last` are in the chain's place but were not appended
    /// through it: the event after them links to the event before them (or
    /// they carry no chain hashes, or lie past the head).
    Inserted {
        /// The first inserted event.
        first: i64,
        /// The last inserted event.
        last: i64,
    },
    /// The event does not link to the one before it, and to no event shortly
    /// before that either: an event was replaced, or the chain was rebuilt.
    Unlinked {
        /// The event whose `prev_hash` is wrong.
        seq: i64,
    },
    /// The last event's hash is not the head's: the tail was rewritten.
    HeadMismatch {
        /// The head's number.
        seq: i64,
    },
}

impl ChainFault {
    /// The first bad event's number.
    pub fn first_bad(&self) -> i64 {
        match self {
            Self::Altered { seq } | Self::Unlinked { seq } | Self::HeadMismatch { seq } => *seq,
            Self::Deleted { first, .. } | Self::Inserted { first, .. } => *first,
        }
    }
}

impl fmt::Display for ChainFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Altered { seq } => write!(
                f,
                "event {seq} was altered: its content does not match its hash"
            ),
            Self::Deleted { first, last } if first == last => {
                write!(f, "event {first} was deleted: it is missing from the chain")
            }
            Self::Deleted { first, last } => write!(
                f,
                "events {first} to {last} were deleted: they are missing from the chain"
            ),
            Self::Inserted { first, last } if first == last => write!(
                f,
                "event {first} was inserted out of order: it was not appended through the chain"
            ),
            Self::Inserted { first, last } => write!(
                f,
                "events {first} to {last} were inserted out of order: they were not appended through the chain"
            ),
            Self::Unlinked { seq } => write!(
                f,
                "event {seq} does not follow the event before it: an earlier event was replaced"
            ),
            Self::HeadMismatch { seq } => write!(
                f,
                "event {seq} is not the one the chain's head recorded: the end of the chain was rewritten"
            ),
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Chained events checked (up to the first fault).
    pub checked: u64,
    /// Events from before the chain existed, not checkable.
    pub unchained: u64,
    /// The head as stored.
    pub head: ChainHead,
    /// The first fault, if any: `None` means the chain is intact.
    pub fault: Option<ChainFault>,
}

impl ChainReport {
    /// Whether the chain is intact.
    pub fn is_intact(&self) -> bool {
        self.fault.is_none()
    }
}

/// How many recent hashes the walk remembers to tell an insertion from a
/// replacement.
const RECENT: usize = 1024;

/// Checks events one by one, in chain order.
#[derive(Debug)]
struct Walker {
    chain_start: i64,
    expected: i64,
    prev: String,
    /// Recent events, oldest first: number and hash.
    recent: VecDeque<(i64, String)>,
    checked: u64,
    unchained: u64,
}

impl Walker {
    fn new(head: &ChainHead) -> Self {
        Self {
            chain_start: head.chain_start,
            expected: head.chain_start + 1,
            prev: GENESIS_HASH.to_owned(),
            // The chain's start counts as an event to link to.
            recent: VecDeque::from([(head.chain_start, GENESIS_HASH.to_owned())]),
            checked: 0,
            unchained: 0,
        }
    }

    /// The fault `e` shows, if any; `e` is then the chain's last good event.
    fn step(&mut self, e: &ChainedEvent, head: &ChainHead) -> Option<ChainFault> {
        if e.seq <= self.chain_start {
            self.unchained += 1;
            return None;
        }
        if e.seq > head.seq {
            return Some(ChainFault::Inserted {
                first: e.seq.max(self.expected),
                last: e.seq,
            });
        }
        if e.seq > self.expected {
            return Some(ChainFault::Deleted {
                first: self.expected,
                last: e.seq - 1,
            });
        }
        let (Some(prev_hash), Some(hash)) = (&e.prev_hash, &e.hash) else {
            return Some(ChainFault::Altered { seq: e.seq });
        };
        if event_hash(prev_hash, &e.content) != *hash {
            return Some(ChainFault::Altered { seq: e.seq });
        }
        if *prev_hash != self.prev {
            // Linking to an earlier event means the ones after that were slipped in.
            return Some(
                match self.recent.iter().rev().find(|(_, h)| h == prev_hash) {
                    Some((s, _)) => ChainFault::Inserted {
                        first: s + 1,
                        last: e.seq - 1,
                    },
                    None => ChainFault::Unlinked { seq: e.seq },
                },
            );
        }
        self.prev = hash.clone();
        self.recent.push_back((e.seq, hash.clone()));
        if self.recent.len() > RECENT {
            self.recent.pop_front();
        }
        self.expected = e.seq + 1;
        self.checked += 1;
        None
    }

    /// A fault at an event that does not hash (`Altered`) made precise with the events after it (`ahead`, in
    /// order): when a later event links to the last good one, the events
    /// between were slipped in, not altered.
    fn refine(&self, fault: ChainFault, ahead: &[ChainedEvent]) -> ChainFault {
        let ChainFault::Altered { seq: first } = fault else {
            return fault;
        };
        let resumes = ahead.iter().find(|n| {
            n.seq > first
                && n.prev_hash.as_deref() == Some(self.prev.as_str())
                && n.hash.as_deref() == Some(event_hash(&self.prev, &n.content).as_str())
        });
        match resumes {
            Some(n) => ChainFault::Inserted {
                first,
                last: n.seq - 1,
            },
            None => fault,
        }
    }

    /// The fault at the end of the walk, if any.
    fn finish(&self, head: &ChainHead) -> Option<ChainFault> {
        let last = self.expected - 1;
        if last < head.seq {
            return Some(ChainFault::Deleted {
                first: self.expected,
                last: head.seq,
            });
        }
        (self.prev != head.hash).then_some(ChainFault::HeadMismatch { seq: head.seq })
    }
}

/// Events read per round trip by [`verify`].
const VERIFY_BATCH: u32 = 1000;

/// Walks the whole chain, in order, and reports the first fault (see the
/// module's documentation). Reads [`VERIFY_BATCH`] events at a time, so it runs
/// in constant memory however long the trail is.
///
/// # Errors
/// The store's, when reading fails.
pub async fn verify(store: &dyn crate::AuditStore) -> StoreResult<ChainReport> {
    let head = store.audit_chain_head().await?;
    let mut walker = Walker::new(&head);
    let mut after = i64::MIN;
    let mut fault = None;
    'walk: loop {
        let batch = store.audit_chain(after, VERIFY_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for e in &batch {
            if let Some(f) = walker.step(e, &head) {
                let ahead = store.audit_chain(e.seq, RECENT as u32).await?;
                fault = Some(walker.refine(f, &ahead));
                break 'walk;
            }
        }
    }
    let fault = fault.or_else(|| walker.finish(&head));
    Ok(ChainReport {
        checked: walker.checked,
        unchained: walker.unchained,
        head,
        fault,
    })
}

/// A column of the staff audit report, to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditColumn {
    /// The chain number (the order of writing).
    Seq,
    /// The time.
    #[default]
    At,
    /// The user, by email.
    User,
    /// The user's role.
    Role,
    /// The patient, by MRN (then Sprout id).
    Patient,
    /// The action.
    Action,
    /// The object type.
    Object,
    /// The outcome.
    Outcome,
    /// The client address.
    Client,
}

impl AuditColumn {
    /// Every column, in the report's order.
    pub const ALL: [Self; 9] = [
        Self::At,
        Self::User,
        Self::Role,
        Self::Patient,
        Self::Action,
        Self::Object,
        Self::Outcome,
        Self::Client,
        Self::Seq,
    ];

    /// Its code in URLs (`at`, `user`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Self::Seq => "seq",
            Self::At => "at",
            Self::User => "user",
            Self::Role => "role",
            Self::Patient => "patient",
            Self::Action => "action",
            Self::Object => "object",
            Self::Outcome => "outcome",
            Self::Client => "client",
        }
    }

    /// The column of a code, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A query of the audit trail for a report: filters, sort and page.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only events about this patient.
    pub patient_id: Option<PatientId>,
    /// Only events by this account.
    pub account_id: Option<AccountId>,
    /// Only events *not* by this account (events of no account are kept).
    pub not_account_id: Option<AccountId>,
    /// Only these actions (empty: any).
    pub actions: Vec<String>,
    /// Only this outcome.
    pub outcome: Option<String>,
    /// Only events at or after this time (UTC RFC 3339, whole seconds, as
    /// stored).
    pub from: Option<String>,
    /// Only events before this time (same form).
    pub until: Option<String>,
    /// The column to sort by; ties by `seq` in the same direction.
    pub sort: AuditColumn,
    /// Largest first.
    pub descending: bool,
    /// Entries skipped.
    pub offset: u64,
    /// Entries returned at most (0 = 100; at most 10,000).
    pub limit: u32,
}

/// One event in a report, with the names a reader needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Its chain number.
    pub seq: i64,
    /// The event.
    pub event: AuditEvent,
    /// The acting account's email, when it still exists.
    pub user_email: Option<String>,
    /// The acting account's display name, when it still exists.
    pub user_name: Option<String>,
    /// The patient's medical record number, when known.
    pub patient_mrn: Option<String>,
}

/// A page of a report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AuditPage {
    /// Events matching the filters, in all pages.
    pub total: u64,
    /// This page's entries.
    pub entries: Vec<AuditEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u32) -> AuditEvent {
        AuditEvent {
            at: format!("2026-01-01T00:00:{n:02}Z"),
            account_id: AccountId::parse("acct"),
            actor_role: "parent".into(),
            on_behalf_of: Some("rel-1".into()),
            patient_id: PatientId::parse("pat"),
            action: "read".into(),
            object_type: "vitals".into(),
            object_id: None,
            outcome: "success".into(),
            reason: Some("allowed".into()),
            client_addr: Some("127.0.0.1".into()),
            request_id: Some(format!("req-{n}")),
            detail: None,
        }
    }

    fn chain(n: u32) -> (Vec<ChainedEvent>, ChainHead) {
        let mut prev = GENESIS_HASH.to_owned();
        let mut out = Vec::new();
        for i in 1..=n {
            let content = event(i).content();
            let hash = event_hash(&prev, &content);
            out.push(ChainedEvent {
                seq: i64::from(i),
                prev_hash: Some(prev.clone()),
                hash: Some(hash.clone()),
                content,
            });
            prev = hash;
        }
        let head = ChainHead {
            seq: i64::from(n),
            hash: prev,
            chain_start: 0,
        };
        (out, head)
    }

    /// As [`verify`] does, over events in memory.
    fn walk(events: &[ChainedEvent], head: &ChainHead) -> Option<ChainFault> {
        let mut w = Walker::new(head);
        for (i, e) in events.iter().enumerate() {
            if let Some(f) = w.step(e, head) {
                return Some(w.refine(f, &events[i + 1..]));
            }
        }
        w.finish(head)
    }

    #[test]
    fn the_hash_is_sha256_of_the_documented_bytes() {
        let mut content: Content = Default::default();
        content[0] = Some("ab".into());
        let mut bytes = b"sprout-audit-v1\n".to_vec();
        bytes.extend_from_slice(GENESIS_HASH.as_bytes());
        bytes.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0, 2, b'a', b'b']);
        bytes.extend_from_slice(&[0; 12]);
        let expected: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(event_hash(GENESIS_HASH, &content), expected);
        // Absent and empty differ; moving text between fields changes the hash.
        let mut empty = content.clone();
        empty[1] = Some(String::new());
        assert_ne!(event_hash(GENESIS_HASH, &empty), expected);
        let mut moved: Content = Default::default();
        moved[0] = Some("a".into());
        moved[1] = Some("b".into());
        assert_ne!(event_hash(GENESIS_HASH, &moved), expected);
    }

    #[test]
    fn an_intact_chain_has_no_fault() {
        let (events, head) = chain(5);
        assert_eq!(walk(&events, &head), None);
        let empty = ChainHead {
            seq: 0,
            hash: GENESIS_HASH.into(),
            chain_start: 0,
        };
        assert_eq!(walk(&[], &empty), None);
    }

    #[test]
    fn each_kind_of_tampering_names_the_first_bad_event() {
        let (events, head) = chain(6);

        let mut altered = events.clone();
        altered[2].content[6] = Some("lab-results".into());
        assert_eq!(walk(&altered, &head), Some(ChainFault::Altered { seq: 3 }));

        let mut deleted = events.clone();
        deleted.remove(3);
        assert_eq!(
            walk(&deleted, &head),
            Some(ChainFault::Deleted { first: 4, last: 4 })
        );

        let tail_cut = &events[..4];
        assert_eq!(
            walk(tail_cut, &head),
            Some(ChainFault::Deleted { first: 5, last: 6 })
        );

        // A forged event hashed properly after event 3, the rest renumbered.
        let mut inserted = events[..3].to_vec();
        let content = event(40).content();
        let prev = events[2].hash.clone().unwrap();
        inserted.push(ChainedEvent {
            seq: 4,
            hash: Some(event_hash(&prev, &content)),
            prev_hash: Some(prev),
            content,
        });
        for e in &events[3..] {
            inserted.push(ChainedEvent {
                seq: e.seq + 1,
                ..e.clone()
            });
        }
        let longer = ChainHead {
            seq: 7,
            ..head.clone()
        };
        assert_eq!(
            walk(&inserted, &longer),
            Some(ChainFault::Inserted { first: 4, last: 4 })
        );

        // An event past the head, and one without chain hashes.
        let mut past = events.clone();
        past.push(ChainedEvent {
            seq: 7,
            ..events[5].clone()
        });
        assert_eq!(
            walk(&past, &head),
            Some(ChainFault::Inserted { first: 7, last: 7 })
        );
        let mut bare = events.clone();
        bare[1].hash = None;
        assert_eq!(walk(&bare, &head), Some(ChainFault::Altered { seq: 2 }));

        // A forged event with a made-up hash (or none), the rest renumbered.
        let mut garbage = inserted.clone();
        garbage[3].hash = Some("f".repeat(64));
        assert_eq!(
            walk(&garbage, &longer),
            Some(ChainFault::Inserted { first: 4, last: 4 })
        );
        garbage[3].hash = None;
        garbage[3].prev_hash = None;
        assert_eq!(
            walk(&garbage, &longer),
            Some(ChainFault::Inserted { first: 4, last: 4 })
        );

        // Two forged events before the first one.
        let mut front: Vec<ChainedEvent> = (1..=2)
            .map(|i| ChainedEvent {
                seq: i,
                prev_hash: None,
                hash: None,
                content: event(50).content(),
            })
            .collect();
        front.extend(events.iter().map(|e| ChainedEvent {
            seq: e.seq + 2,
            ..e.clone()
        }));
        let front_head = ChainHead {
            seq: 8,
            ..head.clone()
        };
        assert_eq!(
            walk(&front, &front_head),
            Some(ChainFault::Inserted { first: 1, last: 2 })
        );

        // A rehashed event: its own hash fits, its successor's link does not.
        let mut rehashed = events.clone();
        rehashed[1].content[0] = Some("2020-01-01T00:00:00Z".into());
        rehashed[1].hash = Some(event_hash(
            rehashed[1].prev_hash.as_deref().unwrap(),
            &rehashed[1].content,
        ));
        assert_eq!(
            walk(&rehashed, &head),
            Some(ChainFault::Unlinked { seq: 3 })
        );

        // A rewritten last event.
        let mut last = events.clone();
        last[5].content[2] = Some("nurse".into());
        last[5].hash = Some(event_hash(
            last[5].prev_hash.as_deref().unwrap(),
            &last[5].content,
        ));
        assert_eq!(
            walk(&last, &head),
            Some(ChainFault::HeadMismatch { seq: 6 })
        );
    }

    #[test]
    fn events_before_the_chain_are_counted_not_checked() {
        let (events, head) = chain(3);
        let shifted: Vec<ChainedEvent> = events
            .iter()
            .map(|e| ChainedEvent {
                seq: e.seq + 2,
                ..e.clone()
            })
            .collect();
        let head = ChainHead {
            seq: 5,
            chain_start: 2,
            ..head
        };
        let legacy = |seq| ChainedEvent {
            seq,
            prev_hash: None,
            hash: None,
            content: event(0).content(),
        };
        let mut all = vec![legacy(1), legacy(2)];
        all.extend(shifted);
        let mut w = Walker::new(&head);
        for e in &all {
            assert_eq!(w.step(e, &head), None);
        }
        assert_eq!(w.finish(&head), None);
        assert_eq!((w.checked, w.unchained), (3, 2));
    }

    #[test]
    fn retention_may_only_be_raised() {
        assert_eq!(Retention::from_years(None).unwrap().years(), 10);
        assert_eq!(Retention::from_years(Some(25)).unwrap().years(), 25);
        assert_eq!(
            Retention::from_years(Some(7)).unwrap_err(),
            RetentionTooShort(7)
        );
        assert_eq!(Retention::default().years(), MIN_RETENTION_YEARS);
    }

    #[test]
    fn sort_columns_round_trip_their_codes() {
        for c in AuditColumn::ALL {
            assert_eq!(AuditColumn::from_code(c.code()), Some(c));
        }
        assert_eq!(AuditColumn::from_code("password"), None);
    }
}
