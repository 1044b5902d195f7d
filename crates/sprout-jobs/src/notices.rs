//! The daily age-transition notices (ACCESS-POLICY.md, "Age"; issue 3 item 6).
//!
//! Why a job at all, when access changes by itself at midnight of the birthday
//! (bands are computed at read time): families should not find out from a
//! page that suddenly shows less. So, ahead of time:
//!
//! - [`DAYS_AHEAD`] days before the **adolescent** and the **adult** birthday,
//!   every proxy whose relationship is in force, and the patient through an own
//!   account if there is one, are told what will change and what to do;
//! - where the policy lists ages in `notify_proxies_of_teen_account_at_ages`
//!   (the `massachusetts` preset: 13 and 14), the proxies are told when a
//!   patient of such an age has an own account.
//!
//! Each notice is sent once. Its row in `notices_sent` carries a unique key
//! (kind, patient, recipient, occasion) and is written in one transaction with
//! its email and its audit event ([`NoticeStore::record_notice_and_enqueue`]):
//! a second run, on this node or another, at the same moment or a day later,
//! hits the key and writes nothing. The occasion of a birthday notice is the
//! birthday itself, so a run that was missed is made up by the next one (any
//! birthday from tomorrow to [`DAYS_AHEAD`] days ahead not yet noticed is
//! noticed), and the occasion of a teen-account notice is the account.
//!
//! The notices carry no health information: the patient's first name, the
//! day, and what the practice's policy does (see `texts`).
//!
//! [`NoticeStore::record_notice_and_enqueue`]: sprout_store::NoticeStore::record_notice_and_enqueue

use crate::texts::{self, Facts, Lang, Role};
use crate::{random_id, rfc3339};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use sprout_domain::age::age_in_years;
use sprout_domain::people::{Account, AccountStatus, RelationshipKind};
use sprout_domain::policy::{next_band_change, AgeBand, Policy};
use sprout_domain::record::Patient;
use sprout_domain::PatientId;
use sprout_store::{AuditEvent, NewEmail, NoticeRecord, Store, StoreResult};
use std::collections::BTreeMap;

/// How many days before a band-changing birthday its notice is sent.
/// Source: issue 3 item 6 ("30 days before the adolescent and the adult
/// birthday").
pub const DAYS_AHEAD: i32 = 30;

/// What a notice is about; its code is stored in `notices_sent.kind` and in
/// the audit event's `reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// The patient reaches `adolescent_age`: proxies need the teen's approval
    /// (`patient-approval`) or see `limited_sections` only (`limited`).
    AdolescentBirthday,
    /// The patient reaches `adult_age`: parents' and guardians' access ends,
    /// except a court-appointed guardian's with papers on file.
    AdultBirthday,
    /// A patient at one of `notify_proxies_of_teen_account_at_ages` has an own
    /// account (proxies only).
    TeenAccount,
}

impl NoticeKind {
    /// The stored code: `adolescent-birthday`, `adult-birthday`, `teen-account`.
    pub fn code(self) -> &'static str {
        match self {
            Self::AdolescentBirthday => "adolescent-birthday",
            Self::AdultBirthday => "adult-birthday",
            Self::TeenAccount => "teen-account",
        }
    }
}

/// A birthday notice due for a patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthdayNotice {
    /// Adolescent or adult birthday.
    pub kind: NoticeKind,
    /// The birthday: the first day in the new band (29 February births per
    /// `leap_day_birthday`).
    pub birthday: Date,
    /// The age reached that day, in completed years.
    pub age: u8,
}

/// The birthday notice due on `today` for a patient born on `birth_date`, if
/// any: when the next band change ([`next_band_change`]) falls from tomorrow
/// to [`DAYS_AHEAD`] days after `today`, both included. Pure.
pub fn birthday_notice_due(
    policy: &Policy,
    birth_date: Date,
    today: Date,
) -> Option<BirthdayNotice> {
    let (birthday, band) = next_band_change(policy, birth_date, today)?;
    let first = today.checked_add(1.day()).ok()?;
    let last = today.checked_add(DAYS_AHEAD.days()).ok()?;
    if birthday < first || birthday > last {
        return None;
    }
    let (kind, age) = match band {
        AgeBand::Adolescent => (NoticeKind::AdolescentBirthday, policy.adolescent_age),
        AgeBand::Adult => (NoticeKind::AdultBirthday, policy.adult_age),
        AgeBand::Child => return None,
    };
    Some(BirthdayNotice {
        kind,
        birthday,
        age,
    })
}

/// The patient's age on `today` when it is one of the policy's
/// `notify_proxies_of_teen_account_at_ages`: a patient of that age who has an
/// own account is the subject of a teen-account notice. Pure.
pub fn teen_account_notice_age(policy: &Policy, birth_date: Date, today: Date) -> Option<u8> {
    let age = age_in_years(birth_date, today, policy.leap_day_birthday);
    policy
        .notify_proxies_of_teen_account_at_ages
        .iter()
        .copied()
        .find(|a| i32::from(*a) == age)
}

/// `d` minus `years` years, then plus `days` days (saturating at the ends of
/// the calendar).
fn shift(d: Date, years: i32, days: i32) -> Date {
    d.checked_sub(years.years())
        .and_then(|d| d.checked_add(days.days()))
        .unwrap_or(d)
}

/// Birth-date ranges (both ends included) holding every patient who may be
/// due a birthday notice on `today`: births whose adolescent or adult birthday
/// falls in the notice window. Widened by two days at each end, so that
/// 29 February births are in whatever `leap_day_birthday` says; the exact
/// test is [`birthday_notice_due`].
fn birthday_ranges(policy: &Policy, today: Date) -> Vec<(Date, Date)> {
    let mut ages = vec![policy.adolescent_age, policy.adult_age];
    ages.dedup();
    ages.into_iter()
        .map(|age| {
            let age = i32::from(age);
            (shift(today, age, 1 - 2), shift(today, age, DAYS_AHEAD + 2))
        })
        .collect()
}

/// The birth-date range (both ends included) holding every patient whose age
/// on `today` is one of the teen-account ages, widened by two days at each
/// end; `None` when the policy lists none. The exact test is
/// [`teen_account_notice_age`].
fn teen_range(policy: &Policy, today: Date) -> Option<(Date, Date)> {
    let ages = &policy.notify_proxies_of_teen_account_at_ages;
    let youngest = i32::from(*ages.iter().min()?);
    let oldest = i32::from(*ages.iter().max()?);
    Some((shift(today, oldest + 1, -2), shift(today, youngest, 2)))
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NoticeReport {
    /// Occasions found (a patient's coming birthday, a teen's account).
    pub occasions: u64,
    /// Notices recorded and queued by this run.
    pub recorded: u64,
    /// Notices found recorded already (by an earlier or a concurrent run).
    pub already_sent: u64,
    /// Notices that failed to be recorded (logged; the next run tries again).
    pub failed: u64,
}

/// One occasion for notices: a patient, what is coming, and when.
struct Occasion {
    patient: Patient,
    kind: NoticeKind,
    /// The birthday, or `today` for a teen-account notice.
    day: Date,
    age: u8,
    /// The unique key's occasion: the birthday (`YYYY-MM-DD`) or the teen's
    /// account id.
    key: String,
}

/// A recipient of a notice.
struct Recipient {
    account: Account,
    role: Role,
}

fn usable(account: &Account) -> bool {
    account.status != AccountStatus::Deactivated && account.staff_role.is_none()
}

/// The patient's proxies with a relationship in force on `today`, one entry
/// per account, accounts that are not deactivated. A court-appointed
/// guardian's papers count when they are on file on `on` (the birthday).
async fn proxies(
    store: &dyn Store,
    patient: &PatientId,
    today: Date,
    on: Date,
) -> StoreResult<Vec<Recipient>> {
    let mut papers: BTreeMap<_, bool> = BTreeMap::new();
    for rel in store.relationships_of_patient(patient).await? {
        if !rel.in_force(today) {
            continue;
        }
        let guardian =
            rel.kind == RelationshipKind::CourtAppointedGuardian && rel.evidence_on_file_on(on);
        *papers.entry(rel.account_id).or_default() |= guardian;
    }
    let mut out = Vec::with_capacity(papers.len());
    for (id, guardian_papers) in papers {
        if let Some(account) = store.account(&id).await? {
            if usable(&account) {
                out.push(Recipient {
                    account,
                    role: Role::Proxy { guardian_papers },
                });
            }
        }
    }
    Ok(out)
}

/// The first of the patient's given names.
fn first_name(p: &Patient) -> &str {
    p.given_name.split_whitespace().next().unwrap_or("")
}

/// Records and queues the notice of `occasion` for `to`, unless it was sent
/// before; `true` when newly recorded.
async fn notify(
    store: &dyn Store,
    policy: &Policy,
    occasion: &Occasion,
    patient_has_account: bool,
    to: &Recipient,
    now: Timestamp,
) -> StoreResult<bool> {
    let lang = Lang::from_locale(to.account.locale.as_deref());
    let text = texts::compose(
        &Facts {
            kind: occasion.kind,
            first_name: first_name(&occasion.patient),
            recipient_name: &to.account.display_name,
            day: occasion.day,
            age: occasion.age,
            policy,
            patient_has_account,
        },
        to.role,
        lang,
    );
    let notice = NoticeRecord {
        id: random_id(),
        kind: occasion.kind.code().to_owned(),
        patient_id: occasion.patient.id.clone(),
        recipient_account_id: to.account.id.clone(),
        occasion: occasion.key.clone(),
        outbox_id: random_id(),
        recorded_at: now,
    };
    let email = NewEmail {
        id: notice.outbox_id.clone(),
        to_address: to.account.email.clone(),
        subject: text.subject,
        body_text: text.body,
        body_html: None,
        locale: lang.code().to_owned(),
    };
    let detail = serde_json::json!({
        "recipient_account_id": to.account.id,
        "recipient": match to.role { Role::Patient => "patient", Role::Proxy { .. } => "proxy" },
        "occasion": notice.occasion,
        "outbox_id": notice.outbox_id,
    });
    let audit = AuditEvent {
        at: rfc3339(now),
        account_id: None,
        actor_role: "system".to_owned(),
        on_behalf_of: None,
        patient_id: Some(notice.patient_id.clone()),
        action: "execute".to_owned(),
        object_type: "notice".to_owned(),
        object_id: Some(notice.id.clone()),
        outcome: "success".to_owned(),
        reason: Some(notice.kind.clone()),
        client_addr: None,
        request_id: None,
        detail: Some(detail.to_string()),
    };
    store
        .record_notice_and_enqueue(&notice, &email, &audit)
        .await
}

/// The occasions on `today`: coming band-changing birthdays, then teens'
/// accounts, each patient once per kind.
async fn occasions(
    store: &dyn Store,
    policy: &Policy,
    today: Date,
) -> StoreResult<(Vec<Occasion>, BTreeMap<PatientId, Account>)> {
    let mut found: BTreeMap<(PatientId, NoticeKind, String), Occasion> = BTreeMap::new();
    for (first, last) in birthday_ranges(policy, today) {
        for patient in store.patients_born_between(first, last).await? {
            if let Some(b) = birthday_notice_due(policy, patient.birth_date, today) {
                let key = b.birthday.to_string();
                found
                    .entry((patient.id.clone(), b.kind, key.clone()))
                    .or_insert(Occasion {
                        patient,
                        kind: b.kind,
                        day: b.birthday,
                        age: b.age,
                        key,
                    });
            }
        }
    }
    let mut teens: BTreeMap<PatientId, (Patient, u8)> = BTreeMap::new();
    if let Some((first, last)) = teen_range(policy, today) {
        for patient in store.patients_born_between(first, last).await? {
            if let Some(age) = teen_account_notice_age(policy, patient.birth_date, today) {
                teens.insert(patient.id.clone(), (patient, age));
            }
        }
    }

    // Own accounts of every patient concerned, in one query.
    let mut ids: Vec<PatientId> = found.keys().map(|(p, _, _)| p.clone()).collect();
    ids.extend(teens.keys().cloned());
    ids.sort();
    ids.dedup();
    let mut own: BTreeMap<PatientId, Account> = BTreeMap::new();
    let mut teen_accounts = Vec::new();
    for account in store.own_accounts_of_patients(&ids).await? {
        if !usable(&account) {
            continue;
        }
        let Some(pid) = account.patient_id.clone() else {
            continue;
        };
        if let Some((patient, age)) = teens.get(&pid) {
            teen_accounts.push(Occasion {
                patient: patient.clone(),
                kind: NoticeKind::TeenAccount,
                day: today,
                age: *age,
                key: account.id.to_string(),
            });
        }
        own.insert(pid, account);
    }
    let mut all: Vec<Occasion> = found.into_values().collect();
    all.extend(teen_accounts);
    Ok((all, own))
}

/// Runs the day's notices: finds the occasions on `today` (the practice's
/// calendar date) and records and queues one notice per occasion and
/// recipient not noticed before, each with its audit event (action
/// `execute`, object type `notice`, reason the notice kind, no health data).
/// `now` stamps the notices, the emails and the audit events.
///
/// Safe to run any number of times, on any number of nodes at once: each
/// notice is recorded once. A notice that fails to be recorded is logged and
/// counted in [`NoticeReport::failed`]; the others go on, and the next run
/// tries again.
///
/// # Errors
/// A store error while finding the occasions (nothing is sent then).
#[tracing::instrument(skip_all, fields(today = %today))]
pub async fn run_daily(
    store: &dyn Store,
    policy: &Policy,
    today: Date,
    now: Timestamp,
) -> StoreResult<NoticeReport> {
    let (occasions, own) = occasions(store, policy, today).await?;
    let mut report = NoticeReport {
        occasions: occasions.len() as u64,
        ..NoticeReport::default()
    };
    for occasion in &occasions {
        let mut recipients = match proxies(store, &occasion.patient.id, today, occasion.day).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, kind = occasion.kind.code(), "cannot list a patient's proxies");
                report.failed += 1;
                continue;
            }
        };
        let own_account = own.get(&occasion.patient.id);
        if occasion.kind != NoticeKind::TeenAccount {
            if let Some(account) = own_account {
                recipients.push(Recipient {
                    account: account.clone(),
                    role: Role::Patient,
                });
            }
        }
        for to in &recipients {
            match notify(store, policy, occasion, own_account.is_some(), to, now).await {
                Ok(true) => report.recorded += 1,
                Ok(false) => report.already_sent += 1,
                Err(e) => {
                    // Ids only: no names, no addresses, no health data.
                    tracing::warn!(
                        error = %e,
                        kind = occasion.kind.code(),
                        patient = %occasion.patient.id,
                        recipient = %to.account.id,
                        "cannot record a notice"
                    );
                    report.failed += 1;
                }
            }
        }
    }
    tracing::info!(
        occasions = report.occasions,
        recorded = report.recorded,
        already_sent = report.already_sent,
        failed = report.failed,
        "notices run"
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use sprout_domain::age::LeapDayBirthday;
    use sprout_domain::policy::Preset;

    fn ca() -> Policy {
        Policy::preset(Preset::California)
    }

    #[test]
    fn thirty_days_before_the_adolescent_birthday() {
        let p = ca();
        let birth = date(2014, 6, 1);
        let due = birthday_notice_due(&p, birth, date(2026, 5, 2)).unwrap();
        assert_eq!(
            due,
            BirthdayNotice {
                kind: NoticeKind::AdolescentBirthday,
                birthday: date(2026, 6, 1),
                age: 12
            }
        );
        // One day earlier: 31 days ahead, not yet.
        assert_eq!(birthday_notice_due(&p, birth, date(2026, 5, 1)), None);
        // Any later day up to the eve still notices (a missed run is made up).
        assert!(birthday_notice_due(&p, birth, date(2026, 5, 31)).is_some());
        // On the birthday itself the change has happened: no advance notice.
        assert_eq!(birthday_notice_due(&p, birth, date(2026, 6, 1)), None);
    }

    #[test]
    fn thirty_days_before_the_adult_birthday() {
        let p = Policy::preset(Preset::Massachusetts);
        let due = birthday_notice_due(&p, date(2008, 7, 15), date(2026, 6, 15)).unwrap();
        assert_eq!(due.kind, NoticeKind::AdultBirthday);
        assert_eq!(due.birthday, date(2026, 7, 15));
        assert_eq!(due.age, 18);
        // Massachusetts' adolescent birthday is the 13th.
        let due = birthday_notice_due(&p, date(2013, 7, 15), date(2026, 6, 15)).unwrap();
        assert_eq!(due.kind, NoticeKind::AdolescentBirthday);
        assert_eq!(due.age, 13);
        // Adults get none; children far from 13 neither.
        assert_eq!(
            birthday_notice_due(&p, date(1990, 7, 15), date(2026, 6, 15)),
            None
        );
        assert_eq!(
            birthday_notice_due(&p, date(2020, 7, 15), date(2026, 6, 15)),
            None
        );
    }

    #[test]
    fn leap_day_births_follow_the_policy() {
        // Born 29 February 2008: 18 on 1 March 2026 (march-1) or 28 February
        // (february-28).
        let mut p = ca();
        let birth = date(2008, 2, 29);
        let due = birthday_notice_due(&p, birth, date(2026, 1, 30)).unwrap();
        assert_eq!(due.birthday, date(2026, 3, 1));
        assert_eq!(birthday_notice_due(&p, birth, date(2026, 1, 29)), None);
        p.leap_day_birthday = LeapDayBirthday::February28;
        let due = birthday_notice_due(&p, birth, date(2026, 1, 29)).unwrap();
        assert_eq!(due.birthday, date(2026, 2, 28));
        // The widened query range holds the leap-day birth either way.
        for policy in [ca(), p] {
            for today in [date(2026, 1, 29), date(2026, 1, 30), date(2026, 2, 27)] {
                if birthday_notice_due(&policy, birth, today).is_some() {
                    assert!(
                        birthday_ranges(&policy, today)
                            .iter()
                            .any(|(a, b)| *a <= birth && birth <= *b),
                        "{today}"
                    );
                }
            }
        }
    }

    /// Every birth date whose notice is due falls in a queried range: checked
    /// for every birth date over four years around each of many days.
    #[test]
    fn ranges_hold_every_due_birth_date() {
        for policy in [ca(), Policy::preset(Preset::Massachusetts)] {
            let mut today = date(2026, 1, 1);
            while today < date(2027, 1, 1) {
                let ranges = birthday_ranges(&policy, today);
                let teen = teen_range(&policy, today);
                let mut birth = date(2006, 1, 1);
                while birth < date(2015, 1, 1) {
                    if birthday_notice_due(&policy, birth, today).is_some() {
                        assert!(
                            ranges.iter().any(|(a, b)| *a <= birth && birth <= *b),
                            "{birth} on {today}"
                        );
                    }
                    if teen_account_notice_age(&policy, birth, today).is_some() {
                        let (a, b) = teen.expect("teen ages listed");
                        assert!(a <= birth && birth <= b, "{birth} on {today}");
                    }
                    birth = birth.tomorrow().unwrap();
                }
                today = today.checked_add(7.days()).unwrap();
            }
        }
    }

    #[test]
    fn teen_account_ages() {
        let ma = Policy::preset(Preset::Massachusetts);
        assert_eq!(
            teen_account_notice_age(&ma, date(2013, 3, 1), date(2026, 3, 1)),
            Some(13)
        );
        assert_eq!(
            teen_account_notice_age(&ma, date(2012, 3, 1), date(2026, 3, 1)),
            Some(14)
        );
        assert_eq!(
            teen_account_notice_age(&ma, date(2011, 3, 1), date(2026, 3, 1)),
            None
        );
        assert_eq!(
            teen_account_notice_age(&ma, date(2013, 3, 2), date(2026, 3, 1)),
            None
        );
        assert_eq!(
            teen_account_notice_age(&ca(), date(2013, 3, 1), date(2026, 3, 1)),
            None
        );
        assert_eq!(teen_range(&ca(), date(2026, 3, 1)), None);
    }

    #[test]
    fn kind_codes() {
        assert_eq!(NoticeKind::AdolescentBirthday.code(), "adolescent-birthday");
        assert_eq!(NoticeKind::AdultBirthday.code(), "adult-birthday");
        assert_eq!(NoticeKind::TeenAccount.code(), "teen-account");
    }
}
