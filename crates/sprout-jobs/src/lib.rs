//! Sprout's scheduled and queued work (DESIGN.md, "Architecture"):
//!
//! - [`outbox`]: email goes through an outbox table and a sender job, so a
//!   failed send is retried, not lost. [`outbox::Sender`] has two
//!   implementations: a folder of `.eml` files (development) and SMTP.
//! - [`notices`]: the daily age-transition notices (ACCESS-POLICY.md, issue 3
//!   item 6): 30 days before the adolescent and the adult birthday, and, where
//!   the policy asks for it, when a teen's own account is created. Each notice
//!   is recorded under a unique key in the same transaction as its email, so it
//!   is sent once however many runs or nodes get there.
//! - [`messaging`]: overdue-message reminders to the staff pools and the
//!   removal of attachment files no message refers to.
//! - [`scheduler`]: the loop an app node runs: every few minutes, take the
//!   day's notice lease and run the notices, then drain the outbox.
//!
//! Access itself never waits for a job: bands are computed at read time from
//! the birth date. These jobs only tell people what is about to change, in
//! plain words and without health information.

pub mod messaging;
pub mod notices;
pub mod outbox;
pub mod scheduler;
mod texts;

use jiff::Timestamp;

/// 16 random bytes as 32 lowercase hex digits: ids for notices and outbox
/// messages (safe in file names and URLs).
pub(crate) fn random_id() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A time as the audit trail stores it: UTC RFC 3339, whole seconds.
pub(crate) fn rfc3339(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_hex_and_distinct() {
        let a = random_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_id());
    }

    #[test]
    fn audit_times_are_whole_seconds() {
        let t: Timestamp = "2026-05-01T10:00:00.5Z".parse().unwrap();
        assert_eq!(rfc3339(t), "2026-05-01T10:00:00Z");
    }
}
