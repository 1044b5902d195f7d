//! What the refill and appointment pages share (issue 6): the practice's
//! `[appointments]` settings, times shown in the practice's time zone, the
//! email that tells a family their request was decided (no health
//! information), random ids, and the forms' text limits.

use crate::error::WebResult;
use crate::i18n::{Arg, Locale, Tr};
use crate::AppState;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use sprout_domain::appointment::WindowSettings;
use sprout_domain::AccountId;
use sprout_store::NewEmail;

/// A document the practice asks families to sign at pre-check-in (a privacy
/// notice, a financial policy, consent to treat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeDocument {
    /// Stable id (letters, digits, `-`), stored with each signature.
    pub id: String,
    /// Title shown above it.
    pub title: String,
    /// The full text shown and signed.
    pub text: String,
}

impl PracticeDocument {
    /// SHA-256 of the text, lowercase hex: stored with a signature so that
    /// what was signed can be proved later even if the text changes.
    pub fn sha256(&self) -> String {
        Sha256::digest(self.text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The `[appointments]` settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppointmentSettings {
    /// Confirm, cancel, pre-check-in and video windows.
    pub windows: WindowSettings,
    /// The practice's video visit link (any video service); `None`: video
    /// visits show no link.
    pub video_url: Option<String>,
    /// Copay shown at pre-check-in when no visit type matches, in cents.
    pub default_copay_cents: Option<u32>,
    /// Copay per visit type (matched case-insensitively against the
    /// appointment's type), in cents.
    pub copays: Vec<(String, u32)>,
    /// Documents to sign at pre-check-in.
    pub documents: Vec<PracticeDocument>,
}

impl AppointmentSettings {
    /// The copay due for a visit type, in cents, if the practice shows one.
    pub fn copay_cents(&self, visit_type: Option<&str>) -> Option<u32> {
        visit_type
            .and_then(|v| {
                self.copays
                    .iter()
                    .find(|(t, _)| t.eq_ignore_ascii_case(v.trim()))
                    .map(|(_, c)| *c)
            })
            .or(self.default_copay_cents)
    }
}

/// Longest free text accepted in these forms (notes, reasons, messages).
pub(crate) const MAX_TEXT: usize = 2000;
/// Longest short field (pharmacy, insurer, member id, names).
pub(crate) const MAX_FIELD: usize = 200;

/// Trims a form value; `Err` with what was typed when it is too long.
pub(crate) fn clean(value: &str, max: usize) -> Result<String, String> {
    let v = value.trim();
    if v.chars().count() > max {
        Err(v.chars().take(max * 2).collect())
    } else {
        Ok(v.to_owned())
    }
}

/// A new random id (32 hex digits).
pub(crate) fn new_id() -> String {
    crate::auth::random_id_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A time in the practice's time zone, in words: "December 3, 2026 at 9:00 AM".
pub(crate) fn when(t: &Tr<'_>, at: Timestamp, tz: &TimeZone) -> String {
    let z = at.to_zoned(tz.clone());
    let time = clock(t, at, tz);
    t.with(
        "care-date-time",
        &[
            ("date", Arg::Text(&t.date(z.date()))),
            ("time", Arg::Text(&time)),
        ],
    )
}

/// The time of day in the practice's time zone ("9:00 AM", "9:00").
pub(crate) fn clock(t: &Tr<'_>, at: Timestamp, tz: &TimeZone) -> String {
    let z = at.to_zoned(tz.clone());
    match t.locale {
        Locale::En => z.strftime("%-I:%M %p").to_string(),
        Locale::Es => z.strftime("%-H:%M").to_string(),
    }
}

/// Cents as money ("$25.00", "25,00 $").
pub(crate) fn money(t: &Tr<'_>, cents: u32) -> String {
    let amount = format!("{}.{:02}", cents / 100, cents % 100);
    let amount = if t.locale.decimal_separator() == '.' {
        amount
    } else {
        amount.replace('.', &t.locale.decimal_separator().to_string())
    };
    t.with("care-money", &[("amount", Arg::Text(&amount))])
}

/// Audits a decision that changed nothing because the request was decided
/// already (by someone else, a moment before).
pub(crate) async fn audit_stale(
    state: &AppState,
    ctx: &crate::context::Ctx,
    user: &crate::context::SignedIn,
    opened: &crate::read::Opened<'_>,
    object_type: &str,
    id: &str,
) -> WebResult<()> {
    crate::audit::record(
        state,
        ctx,
        crate::audit::Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &opened.role,
            patient_id: Some(&opened.patient.id),
            action: "update",
            object_type,
            object_id: Some(id),
            outcome: crate::audit::Outcome::Failure,
            reason: Some("not-pending"),
            detail: None,
        },
    )
    .await
}

/// Queues the email that tells `account` a request was decided: it names the
/// practice and says to sign in, and carries no health information (no
/// patient name, no medication, no visit). Sent by the outbox job.
pub(crate) async fn notify_decided(state: &AppState, account: &AccountId) -> WebResult<()> {
    let Some(a) = state.store().account(account).await? else {
        return Ok(());
    };
    let locale = a
        .locale
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or_default();
    let t = state.i18n().tr(locale);
    let practice = state.config().practice_name.clone();
    let link = state.config().public_origin.clone().unwrap_or_default();
    let body = t.with(
        "care-notice-body",
        &[
            ("practice", Arg::Text(&practice)),
            ("link", Arg::Text(&link)),
        ],
    );
    let email = NewEmail {
        id: format!("care-{}", new_id()),
        to_address: a.email.clone(),
        subject: t.with("care-notice-subject", &[("practice", Arg::Text(&practice))]),
        body_text: body,
        body_html: None,
        locale: locale.code().to_owned(),
    };
    state
        .store()
        .enqueue_email(&email, state.clock().now())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copay_by_visit_type_then_default() {
        let s = AppointmentSettings {
            default_copay_cents: Some(2500),
            copays: vec![("Well child visit".into(), 0)],
            ..Default::default()
        };
        assert_eq!(s.copay_cents(Some("well child VISIT")), Some(0));
        assert_eq!(s.copay_cents(Some("Sick visit")), Some(2500));
        assert_eq!(s.copay_cents(None), Some(2500));
        assert_eq!(AppointmentSettings::default().copay_cents(None), None);
    }

    #[test]
    fn document_hash_is_sha256_of_the_text() {
        let d = PracticeDocument {
            id: "x".into(),
            title: "X".into(),
            text: "abc".into(),
        };
        assert_eq!(
            d.sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
