//! Release rules: when an item of the record appears on the portal.
//!
//! A practice sets one [`ReleaseRule`] per [`ReleaseCategory`] (the `[release]`
//! section of its configuration): `immediate`, `after N hours`,
//! `on-staff-release` or `never`. The default is `immediate`, as the 21st
//! Century Cures Act information-blocking rule expects (45 CFR 171.103: a delay
//! that is not required by law or covered by an exception is information
//! blocking). A delay the patient asks for is allowed (45 CFR 171.202(e),
//! "respecting an individual's request not to share information"): a family
//! member may ask that new results be held until a clinician has talked to
//! them ([`ResultHold`]).
//!
//! [`availability`] is the one decision, pure, with "now" passed in. It applies
//! to what families see (the patient and proxies); staff see every item, and
//! release what waits for them.

use crate::record::UnknownCode;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

crate::record::code_enum!(
    /// A category of record items with its own release rule.
    ReleaseCategory, "release category", {
        /// Vital signs.
        Vitals = "vitals",
        /// Immunizations.
        Immunizations = "immunizations",
        /// Visits (Encounters) and visit summaries (after-visit documents).
        VisitSummaries = "visit-summaries",
        /// Laboratory results (Observations, laboratory DiagnosticReports).
        LabResults = "lab-results",
        /// Other diagnostic reports (imaging, pathology...).
        DiagnosticReports = "diagnostic-reports",
        /// Clinical notes (progress, history and physical, consult notes).
        ClinicalNotes = "clinical-notes",
        /// Other documents.
        Documents = "documents",
        /// Medications.
        Medications = "medications",
        /// Problems (Conditions).
        Problems = "problems",
        /// Allergies.
        Allergies = "allergies",
    }
);

impl ReleaseCategory {
    /// Whether a family member's hold ([`ResultHold`]) applies: new results
    /// (laboratory results and diagnostic reports).
    pub fn is_result(self) -> bool {
        matches!(self, Self::LabResults | Self::DiagnosticReports)
    }
}

/// When items of a category appear on the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ReleaseRule {
    /// As soon as they are in Sprout (the default).
    #[default]
    Immediate,
    /// This many hours after the item's time (a result's issue time, a
    /// document's date).
    AfterHours(u32),
    /// When a staff member releases each one.
    OnStaffRelease,
    /// Never shown on the portal.
    Never,
}

/// Longest delay a rule may set: 90 days.
pub const MAX_DELAY_HOURS: u32 = 90 * 24;

impl ReleaseRule {
    /// Parses a rule as written in configuration: `immediate`, `never`,
    /// `on-staff-release`, `after N hours` (also `after N hour`, `after Nh`),
    /// N from 1 to [`MAX_DELAY_HOURS`].
    ///
    /// # Errors
    /// [`UnknownCode`] for anything else.
    pub fn parse(text: &str) -> Result<Self, UnknownCode> {
        let t = text.trim();
        let bad = || UnknownCode {
            what: "release rule (immediate, after N hours, on-staff-release, never)",
            value: text.to_owned(),
        };
        match t {
            "immediate" => return Ok(Self::Immediate),
            "never" => return Ok(Self::Never),
            "on-staff-release" => return Ok(Self::OnStaffRelease),
            _ => {}
        }
        let rest = t.strip_prefix("after").ok_or_else(bad)?.trim();
        let number = rest
            .strip_suffix("hours")
            .or_else(|| rest.strip_suffix("hour"))
            .or_else(|| rest.strip_suffix('h'))
            .ok_or_else(bad)?
            .trim();
        let hours: u32 = number.parse().map_err(|_| bad())?;
        if hours == 0 || hours > MAX_DELAY_HOURS {
            return Err(bad());
        }
        Ok(Self::AfterHours(hours))
    }

    /// The rule as written in configuration (`after 72 hours`).
    pub fn text(self) -> String {
        match self {
            Self::Immediate => "immediate".to_owned(),
            Self::AfterHours(h) => format!("after {h} hours"),
            Self::OnStaffRelease => "on-staff-release".to_owned(),
            Self::Never => "never".to_owned(),
        }
    }
}

/// The practice's rules: one per category, `immediate` where none is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseRules {
    rules: BTreeMap<ReleaseCategory, ReleaseRule>,
}

impl ReleaseRules {
    /// The rule of a category.
    pub fn rule(&self, category: ReleaseCategory) -> ReleaseRule {
        self.rules.get(&category).copied().unwrap_or_default()
    }

    /// Sets the rule of a category.
    pub fn set(&mut self, category: ReleaseCategory, rule: ReleaseRule) {
        self.rules.insert(category, rule);
    }

    /// Builder form of [`ReleaseRules::set`].
    pub fn with(mut self, category: ReleaseCategory, rule: ReleaseRule) -> Self {
        self.set(category, rule);
        self
    }

    /// Reads the `[release]` table: `category = "rule"` lines.
    ///
    /// # Errors
    /// A message naming an unknown category, a value that is not text, or a
    /// rule that does not parse.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Result<Self, String> {
        let mut out = Self::default();
        for (key, value) in pairs {
            let category: ReleaseCategory = key.parse().map_err(|e: UnknownCode| {
                let all: Vec<&str> = ReleaseCategory::ALL.iter().map(|c| c.code()).collect();
                format!("{e} (one of {})", all.join(", "))
            })?;
            let value = value.ok_or_else(|| format!("[release] {key} must be text"))?;
            let rule = ReleaseRule::parse(value).map_err(|e| format!("[release] {key}: {e}"))?;
            out.set(category, rule);
        }
        Ok(out)
    }

    /// Whether every category is `immediate` (nothing is ever delayed by rule).
    pub fn all_immediate(&self) -> bool {
        self.rules.values().all(|r| *r == ReleaseRule::Immediate)
    }
}

/// A family member's request that a patient's new results be held until a
/// clinician has talked to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultHold {
    /// When it was asked for; results issued from then on are held.
    pub requested_at: Timestamp,
    /// When a clinician (or the requester) ended it; the held results appear
    /// then.
    pub ended_at: Option<Timestamp>,
}

impl ResultHold {
    /// Whether the hold is in force at `now`.
    pub fn active(&self, now: Timestamp) -> bool {
        self.requested_at <= now && self.ended_at.is_none_or(|e| now < e)
    }
}

/// Whether, and why not, an item is on the portal at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Availability {
    /// Shown.
    Available,
    /// Shown from `at` on (a delay rule).
    NotYet {
        /// When it appears.
        at: Timestamp,
    },
    /// Waits for a staff member to release it.
    AwaitingRelease,
    /// Held at the family's request until a clinician has talked to them.
    Held,
    /// The category is never shown on the portal.
    Never,
}

impl Availability {
    /// Whether the item is shown.
    pub fn is_available(self) -> bool {
        self == Self::Available
    }

    /// A short code for audit details (`not-yet`, `awaiting-release`...).
    pub fn code(self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::NotYet { .. } => "not-yet",
            Self::AwaitingRelease => "awaiting-release",
            Self::Held => "held",
            Self::Never => "never",
        }
    }
}

/// Whether an item is on the portal at `now`.
///
/// - `rule`: the item's category's rule; `never` wins over everything.
/// - `item_time`: when the item came to be (a result's issue time, a
///   document's date); `None` when the source gave none.
/// - `staff_released`: when a staff member released it, if they did; a
///   release shows the item from then on, whatever the delay or hold.
/// - `hold`: the patient's hold, if any ever was asked for; when `is_result`
///   and the hold covers the item (issued at or after the request, or without a
///   time) and is in force at `now`, the item is held.
/// - `after N hours` shows an item exactly N hours after `item_time` (at that
///   instant, not a second later); an item without a time under a delay rule
///   waits for a staff release (nothing to count from).
pub fn availability(
    rule: ReleaseRule,
    is_result: bool,
    item_time: Option<Timestamp>,
    staff_released: Option<Timestamp>,
    hold: Option<ResultHold>,
    now: Timestamp,
) -> Availability {
    if rule == ReleaseRule::Never {
        return Availability::Never;
    }
    if staff_released.is_some_and(|r| r <= now) {
        return Availability::Available;
    }
    if is_result {
        if let Some(h) = hold {
            let covered = item_time.is_none_or(|t| t >= h.requested_at);
            if covered && h.active(now) {
                return Availability::Held;
            }
        }
    }
    match rule {
        ReleaseRule::Immediate => Availability::Available,
        ReleaseRule::Never => Availability::Never,
        ReleaseRule::OnStaffRelease => Availability::AwaitingRelease,
        ReleaseRule::AfterHours(h) => match item_time {
            None => Availability::AwaitingRelease,
            Some(t) => {
                let at = t
                    .checked_add(SignedDuration::from_hours(i64::from(h)))
                    .unwrap_or(Timestamp::MAX);
                if now >= at {
                    Availability::Available
                } else {
                    Availability::NotYet { at }
                }
            }
        },
    }
}

/// Reads a FHIR `dateTime`/`instant`/`date` text as an instant: a full
/// date-time with its offset as written; a date (or year-month, year) alone as
/// the start of that day (month, year) in `tz`. `None` when it does not parse.
pub fn fhir_instant(text: &str, tz: &jiff::tz::TimeZone) -> Option<Timestamp> {
    let t = text.trim();
    if t.len() > 10 {
        return t.parse::<Timestamp>().ok();
    }
    let padded = match t.len() {
        4 => format!("{t}-01-01"),
        7 => format!("{t}-01"),
        10 => t.to_owned(),
        _ => return None,
    };
    let date: jiff::civil::Date = padded.parse().ok()?;
    date.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn rules_parse_and_print() {
        assert_eq!(ReleaseRule::parse("immediate"), Ok(ReleaseRule::Immediate));
        assert_eq!(
            ReleaseRule::parse("after 72 hours"),
            Ok(ReleaseRule::AfterHours(72))
        );
        assert_eq!(
            ReleaseRule::parse("after 1 hour"),
            Ok(ReleaseRule::AfterHours(1))
        );
        assert_eq!(
            ReleaseRule::parse(" after 24h "),
            Ok(ReleaseRule::AfterHours(24))
        );
        assert_eq!(
            ReleaseRule::parse("on-staff-release"),
            Ok(ReleaseRule::OnStaffRelease)
        );
        assert_eq!(ReleaseRule::parse("never"), Ok(ReleaseRule::Never));
        for bad in [
            "",
            "after",
            "after 0 hours",
            "after -3 hours",
            "after 3 days",
            "soon",
            "after 2161 hours",
        ] {
            assert!(ReleaseRule::parse(bad).is_err(), "{bad}");
        }
        for r in [
            ReleaseRule::Immediate,
            ReleaseRule::AfterHours(72),
            ReleaseRule::OnStaffRelease,
            ReleaseRule::Never,
        ] {
            assert_eq!(ReleaseRule::parse(&r.text()), Ok(r));
        }
    }

    #[test]
    fn default_is_immediate_and_table_reads() {
        let rules = ReleaseRules::default();
        for c in ReleaseCategory::ALL {
            assert_eq!(rules.rule(*c), ReleaseRule::Immediate);
        }
        let rules = ReleaseRules::from_pairs([
            ("visit-summaries", Some("after 72 hours")),
            ("clinical-notes", Some("never")),
        ])
        .unwrap();
        assert_eq!(
            rules.rule(ReleaseCategory::VisitSummaries),
            ReleaseRule::AfterHours(72)
        );
        assert_eq!(
            rules.rule(ReleaseCategory::ClinicalNotes),
            ReleaseRule::Never
        );
        assert_eq!(rules.rule(ReleaseCategory::Vitals), ReleaseRule::Immediate);
        let e = ReleaseRules::from_pairs([("labs", Some("never"))]).unwrap_err();
        assert!(e.contains("unknown release category `labs`"), "{e}");
        let e = ReleaseRules::from_pairs([("vitals", Some("later"))]).unwrap_err();
        assert!(e.contains("[release] vitals"), "{e}");
    }

    #[test]
    fn after_72_hours_is_exact() {
        let t = ts("2026-11-30T10:00:00Z");
        let rule = ReleaseRule::AfterHours(72);
        let at = ts("2026-12-03T10:00:00Z");
        let before = at - SignedDuration::from_secs(1);
        assert_eq!(
            availability(rule, false, Some(t), None, None, before),
            Availability::NotYet { at }
        );
        assert_eq!(
            availability(rule, false, Some(t), None, None, at),
            Availability::Available
        );
        // Without a time there is nothing to count from.
        assert_eq!(
            availability(rule, false, None, None, None, at),
            Availability::AwaitingRelease
        );
    }

    #[test]
    fn never_never_and_staff_release_releases() {
        let t = ts("2026-11-30T10:00:00Z");
        let far = ts("2036-11-30T10:00:00Z");
        assert_eq!(
            availability(ReleaseRule::Never, false, Some(t), Some(t), None, far),
            Availability::Never
        );
        let rule = ReleaseRule::OnStaffRelease;
        assert_eq!(
            availability(rule, true, Some(t), None, None, far),
            Availability::AwaitingRelease
        );
        let released = ts("2026-12-01T09:00:00Z");
        assert_eq!(
            availability(rule, true, Some(t), Some(released), None, released),
            Availability::Available
        );
        assert_eq!(
            availability(
                rule,
                true,
                Some(t),
                Some(released),
                None,
                released - SignedDuration::from_secs(1)
            ),
            Availability::AwaitingRelease
        );
    }

    #[test]
    fn a_hold_holds_new_results_until_it_ends() {
        let asked = ts("2026-11-30T08:00:00Z");
        let ended = ts("2026-12-02T08:00:00Z");
        let hold = ResultHold {
            requested_at: asked,
            ended_at: Some(ended),
        };
        let new = ts("2026-11-30T09:00:00Z");
        let old = ts("2026-11-29T09:00:00Z");
        let mid = ts("2026-12-01T08:00:00Z");
        let r = ReleaseRule::Immediate;
        assert_eq!(
            availability(r, true, Some(new), None, Some(hold), mid),
            Availability::Held
        );
        // Results from before the request, and items that are not results, are not held.
        assert_eq!(
            availability(r, true, Some(old), None, Some(hold), mid),
            Availability::Available
        );
        assert_eq!(
            availability(r, false, Some(new), None, Some(hold), mid),
            Availability::Available
        );
        // Once it ends, or the item is released, it shows.
        assert_eq!(
            availability(r, true, Some(new), None, Some(hold), ended),
            Availability::Available
        );
        assert_eq!(
            availability(r, true, Some(new), Some(mid), Some(hold), mid),
            Availability::Available
        );
    }

    #[test]
    fn fhir_times_read_as_instants() {
        let ny = jiff::tz::TimeZone::get("America/New_York").unwrap();
        assert_eq!(
            fhir_instant("2026-11-30T10:00:00+01:00", &ny),
            Some(ts("2026-11-30T09:00:00Z"))
        );
        assert_eq!(
            fhir_instant("2026-11-30", &ny),
            Some(ts("2026-11-30T05:00:00Z"))
        );
        assert_eq!(
            fhir_instant("2026-11", &ny),
            Some(ts("2026-11-01T04:00:00Z"))
        );
        assert_eq!(fhir_instant("tomorrow", &ny), None);
    }
}
