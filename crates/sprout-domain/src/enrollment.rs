//! Enrollment rules: paper sign-up slips and their validation, the plan of a
//! batch of invitations, office PINs for linking a child, and the checks of an
//! adolescent's own account.
//!
//! Sources: the sign-up slips of the pediatric practices ACCESS-POLICY.md
//! draws on (a slip per child, form `under-12` or `12-and-over` by the
//! practice's `adolescent_age`, consent signed, a teen's own email distinct
//! from every proxy's), the practice's policy settings (`max_proxies`,
//! `adolescent_age`, `patient_account_min_age`), and ACCESS-POLICY.md rule 5
//! (a proxy's email differs from the patient's).
//!
//! Everything here is pure: the slip's date, "today" and randomness are
//! arguments.

use crate::age::age_in_years;
use crate::ids::{AccountId, PatientId};
use crate::people::{AccountStatus, RelationshipKind};
use crate::policy::Policy;
use crate::record::code_enum;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

code_enum!(
    /// The kind of paper form a slip was written on: one for young children
    /// (proxies only), one for patients of `adolescent_age` and over (who
    /// give their own email).
    FormType, "form type", {
        /// A child under `adolescent_age` (12 in the default preset).
        Under12 = "under-12",
        /// A patient of `adolescent_age` or over, still a minor.
        TwelveAndOver = "12-and-over",
    }
);

code_enum!(
    /// Where a stored slip is in its life.
    SlipStatus, "slip status", {
        /// Passed validation; waits for the next batch of invitations.
        Valid = "valid",
        /// Failed validation; waits for staff to fix or reject it.
        Invalid = "invalid",
        /// Rejected by staff; kept for the record.
        Rejected = "rejected",
        /// Sent: its patient, accounts and relationships exist.
        Invited = "invited",
    }
);

code_enum!(
    /// What a single-use emailed link is for.
    TokenPurpose, "token purpose", {
        /// Activating an invited account (set a password, accept).
        Activation = "activation",
        /// Confirming the email of a self-registered account.
        VerifyEmail = "verify-email",
    }
);

code_enum!(
    /// Where a request to link a child by MRN and visit date is.
    LinkRequestStatus, "link request status", {
        /// Waiting for staff.
        Pending = "pending",
        /// Approved: the relationship exists.
        Approved = "approved",
        /// Rejected.
        Rejected = "rejected",
    }
);

/// One proxy as written on a slip (text as typed, so a form can re-show it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProxyEntry {
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: String,
    /// Relationship code: `parent`, `legal-guardian`, `court-appointed-guardian`.
    pub relationship: String,
}

impl ProxyEntry {
    /// Whether every field is blank (an unused row of the form).
    pub fn is_blank(&self) -> bool {
        self.name.trim().is_empty()
            && self.email.trim().is_empty()
            && self.birth_date.trim().is_empty()
            && self.relationship.trim().is_empty()
    }
}

/// A sign-up slip as entered by staff: every field as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Slip {
    /// The patient's given names.
    pub given_name: String,
    /// The patient's family name.
    pub family_name: String,
    /// The patient's birth date, `YYYY-MM-DD`.
    pub birth_date: String,
    /// Medical record number at the practice.
    pub mrn: String,
    /// `under-12` or `12-and-over` ([`FormType`]).
    pub form_type: String,
    /// The consent box was checked and signed.
    pub consent: bool,
    /// The patient's own email (required from `adolescent_age`).
    pub patient_email: String,
    /// The proxies written on the slip (blank rows are ignored).
    pub proxies: Vec<ProxyEntry>,
}

code_enum!(
    /// Why a slip is refused; each a separate reason, shown to staff by name.
    SlipProblem, "slip problem", {
        /// The consent box is not checked.
        ConsentMissing = "consent-missing",
        /// No birth date, or one that is not a date.
        BirthDateMissing = "birth-date-missing",
        /// The form type is missing or unknown.
        FormTypeMissing = "form-type-missing",
        /// The form type does not fit the patient's age on the slip's date.
        FormTypeMismatch = "form-type-mismatch",
        /// A patient of `adolescent_age` or over without an own email.
        PatientEmailMissing = "patient-email-missing",
        /// The patient's email is not an email address.
        PatientEmailInvalid = "patient-email-invalid",
        /// The patient's email is the same as a proxy's (trimmed,
        /// case-insensitive; ACCESS-POLICY.md rule 5).
        PatientEmailSameAsProxy = "patient-email-same-as-proxy",
        /// A proxy's name, email, birth date or relationship is missing or not valid.
        ProxyIncomplete = "proxy-incomplete",
        /// More proxies than the policy's `max_proxies`.
        TooManyProxies = "too-many-proxies",
        /// A child's slip (under `adolescent_age`) names no proxy.
        ProxyMissing = "proxy-missing",
        /// The patient's name is missing.
        NameMissing = "name-missing",
        /// The medical record number is missing.
        MrnMissing = "mrn-missing",
    }
);

/// A proxy of a valid slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProxy {
    /// Full name, trimmed.
    pub name: String,
    /// Email, trimmed and lowercased.
    pub email: String,
    /// Birth date.
    pub birth_date: Date,
    /// Parent or guardian.
    pub kind: RelationshipKind,
}

/// A slip that passed [`validate_slip`], with typed values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSlip {
    /// Given names, trimmed.
    pub given_name: String,
    /// Family name, trimmed.
    pub family_name: String,
    /// Birth date.
    pub birth_date: Date,
    /// MRN, trimmed.
    pub mrn: String,
    /// The form type.
    pub form_type: FormType,
    /// The patient's own email (trimmed, lowercased), for a patient of
    /// `adolescent_age` or over.
    pub patient_email: Option<String>,
    /// The proxies.
    pub proxies: Vec<ValidProxy>,
}

/// An email trimmed and lowercased, the form compared everywhere (same as
/// `sprout_store::normalize_email`).
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Whether `email` (normalised) looks like an address: at most 254 bytes, one
/// `@` with text before it, a domain with a dot after it, no spaces or
/// control characters. Deliverability is proven by the activation email.
pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Relationship kinds a slip may name: a minor's parents and guardians
/// (designees are named by adult patients, not on slips).
fn slip_kind(code: &str) -> Option<RelationshipKind> {
    match code.trim().parse::<RelationshipKind>().ok()? {
        RelationshipKind::Designee => None,
        k => Some(k),
    }
}

/// Validates a slip as of `slip_date` (the date it was received), under the
/// practice's `policy`.
///
/// Rules: consent checked; a birth date; a form type that fits the patient's
/// age on `slip_date` (`under-12` below `adolescent_age`, `12-and-over` from
/// `adolescent_age` up to, not including, `adult_age`); a patient of
/// `adolescent_age` or over gives an own email, different from every proxy's
/// (trimmed, case-insensitive); each proxy has a name, an email, a birth date
/// and a parent or guardian relationship; at most `max_proxies` proxies (0 = no
/// limit); a child's slip names at least one proxy; a name and an MRN.
///
/// # Errors
/// Every problem found, each once, in the order of [`SlipProblem::ALL`].
pub fn validate_slip(
    slip: &Slip,
    policy: &Policy,
    slip_date: Date,
) -> Result<ValidSlip, Vec<SlipProblem>> {
    let mut problems = BTreeSet::new();
    if !slip.consent {
        problems.insert(SlipProblem::ConsentMissing);
    }
    if slip.given_name.trim().is_empty() || slip.family_name.trim().is_empty() {
        problems.insert(SlipProblem::NameMissing);
    }
    if slip.mrn.trim().is_empty() {
        problems.insert(SlipProblem::MrnMissing);
    }
    let birth = slip.birth_date.trim().parse::<Date>().ok();
    if birth.is_none() {
        problems.insert(SlipProblem::BirthDateMissing);
    }
    let form = slip.form_type.trim().parse::<FormType>().ok();
    if form.is_none() {
        problems.insert(SlipProblem::FormTypeMissing);
    }
    let age = birth.map(|b| age_in_years(b, slip_date, policy.leap_day_birthday));
    if let (Some(age), Some(form)) = (age, form) {
        let fits = match form {
            FormType::Under12 => age < i32::from(policy.adolescent_age),
            FormType::TwelveAndOver => {
                age >= i32::from(policy.adolescent_age) && age < i32::from(policy.adult_age)
            }
        };
        if !fits || birth.is_some_and(|b| b > slip_date) {
            problems.insert(SlipProblem::FormTypeMismatch);
        }
    }
    // Whether the patient gives an own email: by age when the birth date is
    // known, else by the form type chosen.
    let teen = match age {
        Some(a) => a >= i32::from(policy.adolescent_age),
        None => form == Some(FormType::TwelveAndOver),
    };
    let patient_email = normalize_email(&slip.patient_email);
    let own_email = if teen {
        if patient_email.is_empty() {
            problems.insert(SlipProblem::PatientEmailMissing);
            None
        } else if !plausible_email(&patient_email) {
            problems.insert(SlipProblem::PatientEmailInvalid);
            None
        } else {
            Some(patient_email)
        }
    } else {
        None
    };

    let mut proxies = Vec::new();
    let entries: Vec<&ProxyEntry> = slip.proxies.iter().filter(|p| !p.is_blank()).collect();
    for p in &entries {
        let name = p.name.trim();
        let email = normalize_email(&p.email);
        let born = p.birth_date.trim().parse::<Date>().ok();
        let kind = slip_kind(&p.relationship);
        match (born, kind) {
            (Some(birth_date), Some(kind)) if !name.is_empty() && plausible_email(&email) => {
                proxies.push(ValidProxy {
                    name: name.to_owned(),
                    email,
                    birth_date,
                    kind,
                });
            }
            _ => {
                problems.insert(SlipProblem::ProxyIncomplete);
            }
        }
    }
    if let Some(own) = &own_email {
        if entries.iter().any(|p| normalize_email(&p.email) == *own) {
            problems.insert(SlipProblem::PatientEmailSameAsProxy);
        }
    }
    if policy.max_proxies != 0 && entries.len() > policy.max_proxies as usize {
        problems.insert(SlipProblem::TooManyProxies);
    }
    if entries.is_empty() && !teen && birth.is_some() {
        problems.insert(SlipProblem::ProxyMissing);
    }

    match (problems.is_empty(), birth, form) {
        (true, Some(birth_date), Some(form_type)) => Ok(ValidSlip {
            given_name: slip.given_name.trim().to_owned(),
            family_name: slip.family_name.trim().to_owned(),
            birth_date,
            mrn: slip.mrn.trim().to_owned(),
            form_type,
            patient_email: own_email,
            proxies,
        }),
        _ => Err(problems.into_iter().collect()),
    }
}

/// An account already stored, as the batch plan needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownAccount {
    /// Its id.
    pub id: AccountId,
    /// Pending, active or deactivated.
    pub status: AccountStatus,
    /// Staff accounts are never enrolled as families.
    pub is_staff: bool,
    /// The patient whose own login it is, if any.
    pub patient_id: Option<PatientId>,
}

/// A patient already stored, found by MRN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownPatient {
    /// Sprout's id.
    pub id: PatientId,
    /// The birth date on the chart.
    pub birth_date: Date,
    /// The email of the patient's own login, if they have one.
    pub own_login_email: Option<String>,
    /// Accounts that already have a relationship to the patient, in force or not.
    pub proxies: BTreeSet<AccountId>,
}

code_enum!(
    /// Why a valid slip could not be sent in a batch (a conflict with what is
    /// stored or with another slip of the batch).
    InviteProblem, "invitation problem", {
        /// An email on the slip belongs to a staff account.
        EmailIsStaff = "email-is-staff",
        /// The MRN is on file with another birth date.
        MrnBirthDateMismatch = "mrn-birth-date-mismatch",
        /// The patient's email is another patient's own login.
        EmailIsAnotherPatient = "email-is-another-patient",
        /// The patient already has an own login under another email.
        PatientHasOtherLogin = "patient-has-other-login",
        /// The patient is too young for an own login
        /// (`patient_account_min_age`).
        TooYoungForLogin = "too-young-for-login",
        /// The slip's email belongs to a deactivated account.
        AccountDeactivated = "account-deactivated",
    }
);

/// A new patient the batch creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPatient {
    /// The id chosen for it.
    pub id: PatientId,
    /// MRN.
    pub mrn: String,
    /// Given names.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Birth date.
    pub birth_date: Date,
}

/// A person the batch writes to: one per email, however many slips name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPerson {
    /// Their email (normalised).
    pub email: String,
    /// Their name (the first one written).
    pub name: String,
    /// The account: existing, or to create (pending).
    pub account_id: AccountId,
    /// Whether the account is created by this batch.
    pub new_account: bool,
    /// The account's status before the batch (pending for new ones).
    pub status: AccountStatus,
    /// The patient whose own login this becomes, when the batch makes it one.
    pub becomes_own_login_of: Option<PatientId>,
    /// Patients the person becomes a proxy of in this batch.
    pub children: Vec<PatientId>,
}

impl PlannedPerson {
    /// Whether the person needs an activation email (a new or still pending
    /// account); active accounts get a notice instead.
    pub fn needs_activation(&self) -> bool {
        self.status == AccountStatus::Pending
    }
}

/// A relationship the batch creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRelationship {
    /// Id chosen for it.
    pub id: String,
    /// The proxy.
    pub account_id: AccountId,
    /// The patient.
    pub patient_id: PatientId,
    /// Parent or guardian.
    pub kind: RelationshipKind,
}

/// What a batch of invitations writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvitationPlan {
    /// Patients to create (MRNs not on file).
    pub new_patients: Vec<NewPatient>,
    /// One per email, in the order first named.
    pub people: Vec<PlannedPerson>,
    /// Proxy relationships to create.
    pub relationships: Vec<PlannedRelationship>,
    /// Per slip (by the caller's key): the patient it enrols, or why it was
    /// not sent.
    pub slips: Vec<(String, Result<PatientId, InviteProblem>)>,
}

/// Plans a batch of invitations for valid slips (keyed by the caller's slip
/// id) on `today`: patients are matched by MRN (`known_patients`, else
/// created); people by email (`known_accounts`, else a new pending account),
/// so a parent named on three slips is one person linked to three children,
/// and a parent who is also a patient (a teen's email on one slip, a proxy on
/// another) is one account. A patient gets an own login only from
/// `patient_account_min_age`. Relationships already stored are not created
/// again. `new_id` gives fresh ids (32 hex digits).
///
/// A slip with a problem ([`InviteProblem`]) contributes nothing.
pub fn plan_invitations(
    slips: &[(String, ValidSlip)],
    known_accounts: &BTreeMap<String, KnownAccount>,
    known_patients: &BTreeMap<String, KnownPatient>,
    policy: &Policy,
    today: Date,
    new_id: &mut dyn FnMut() -> String,
) -> InvitationPlan {
    let mut plan = InvitationPlan::default();
    // MRN -> (id, birth date, own login email, proxies)
    let mut patients: BTreeMap<String, KnownPatient> = known_patients.clone();
    let mut people: BTreeMap<String, usize> = BTreeMap::new();

    for (key, slip) in slips {
        let check = || -> Result<(), InviteProblem> {
            if let Some(p) = patients.get(&slip.mrn) {
                if p.birth_date != slip.birth_date {
                    return Err(InviteProblem::MrnBirthDateMismatch);
                }
            }
            let person_state = |email: &str| -> Option<(AccountStatus, bool, Option<PatientId>)> {
                if let Some(i) = people.get(email) {
                    let p: &PlannedPerson = &plan.people[*i];
                    let own = p
                        .becomes_own_login_of
                        .clone()
                        .or_else(|| known_accounts.get(email).and_then(|k| k.patient_id.clone()));
                    return Some((p.status, false, own));
                }
                known_accounts
                    .get(email)
                    .map(|k| (k.status, k.is_staff, k.patient_id.clone()))
            };
            let mut emails: Vec<&str> = slip.proxies.iter().map(|p| p.email.as_str()).collect();
            if let Some(own) = &slip.patient_email {
                emails.push(own);
            }
            for e in emails {
                if let Some((status, staff, _)) = person_state(e) {
                    if staff {
                        return Err(InviteProblem::EmailIsStaff);
                    }
                    if status == AccountStatus::Deactivated {
                        return Err(InviteProblem::AccountDeactivated);
                    }
                }
            }
            if let Some(own) = &slip.patient_email {
                let age = age_in_years(slip.birth_date, today, policy.leap_day_birthday);
                if age < i32::from(policy.patient_account_min_age) {
                    return Err(InviteProblem::TooYoungForLogin);
                }
                let this = patients.get(&slip.mrn);
                if let Some(login) = this.and_then(|p| p.own_login_email.as_ref()) {
                    if login != own {
                        return Err(InviteProblem::PatientHasOtherLogin);
                    }
                }
                if let Some((_, _, Some(other))) = person_state(own) {
                    if this.is_none_or(|p| p.id != other) {
                        return Err(InviteProblem::EmailIsAnotherPatient);
                    }
                }
            }
            Ok(())
        };
        if let Err(problem) = check() {
            plan.slips.push((key.clone(), Err(problem)));
            continue;
        }

        let patient_id = match patients.get(&slip.mrn) {
            Some(p) => p.id.clone(),
            None => {
                let id = PatientId::parse(&new_id()).unwrap_or_else(|| {
                    PatientId::parse("invalid-generated-id").expect("a valid literal id")
                });
                plan.new_patients.push(NewPatient {
                    id: id.clone(),
                    mrn: slip.mrn.clone(),
                    given_name: slip.given_name.clone(),
                    family_name: slip.family_name.clone(),
                    birth_date: slip.birth_date,
                });
                patients.insert(
                    slip.mrn.clone(),
                    KnownPatient {
                        id: id.clone(),
                        birth_date: slip.birth_date,
                        own_login_email: None,
                        proxies: BTreeSet::new(),
                    },
                );
                id
            }
        };

        if let Some(own) = &slip.patient_email {
            let name = format!("{} {}", slip.given_name, slip.family_name);
            let i = person_index(
                own,
                name.trim(),
                &mut plan,
                &mut people,
                known_accounts,
                new_id,
            );
            let already = known_accounts
                .get(own.as_str())
                .and_then(|k| k.patient_id.as_ref())
                == Some(&patient_id);
            if !already {
                plan.people[i].becomes_own_login_of = Some(patient_id.clone());
            }
            if let Some(p) = patients.get_mut(&slip.mrn) {
                p.own_login_email = Some(own.clone());
            }
        }
        for proxy in &slip.proxies {
            let i = person_index(
                &proxy.email,
                &proxy.name,
                &mut plan,
                &mut people,
                known_accounts,
                new_id,
            );
            let account_id = plan.people[i].account_id.clone();
            let linked = patients
                .get(&slip.mrn)
                .is_some_and(|p| p.proxies.contains(&account_id));
            if linked {
                continue;
            }
            plan.relationships.push(PlannedRelationship {
                id: new_id(),
                account_id: account_id.clone(),
                patient_id: patient_id.clone(),
                kind: proxy.kind,
            });
            plan.people[i].children.push(patient_id.clone());
            if let Some(p) = patients.get_mut(&slip.mrn) {
                p.proxies.insert(account_id);
            }
        }
        plan.slips.push((key.clone(), Ok(patient_id)));
    }
    plan
}

/// The index in `plan.people` of the person with `email`, added (matched to
/// a known account, else a new pending one) when not there yet.
fn person_index(
    email: &str,
    name: &str,
    plan: &mut InvitationPlan,
    people: &mut BTreeMap<String, usize>,
    known_accounts: &BTreeMap<String, KnownAccount>,
    new_id: &mut dyn FnMut() -> String,
) -> usize {
    if let Some(i) = people.get(email) {
        return *i;
    }
    let (account_id, new_account, status) = match known_accounts.get(email) {
        Some(k) => (k.id.clone(), false, k.status),
        None => (
            AccountId::parse(&new_id()).unwrap_or_else(|| {
                AccountId::parse("invalid-generated-id").expect("a valid literal id")
            }),
            true,
            AccountStatus::Pending,
        ),
    };
    plan.people.push(PlannedPerson {
        email: email.to_owned(),
        name: name.to_owned(),
        account_id,
        new_account,
        status,
        becomes_own_login_of: None,
        children: Vec::new(),
    });
    people.insert(email.to_owned(), plan.people.len() - 1);
    plan.people.len() - 1
}

/// The characters of an office PIN: digits and capital letters without the
/// ones people confuse (0/O, 1/I/L), 31 in all.
pub const PIN_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Characters in an office PIN: 10 of 31 symbols, about 49.5 bits, far more
/// than ten guesses (the lock) can cover.
pub const PIN_LENGTH: usize = 10;

/// Wrong attempts after which a child's PIN locks until staff reissue it.
pub const PIN_MAX_FAILURES: u32 = 10;

/// An office PIN from 16 random bytes supplied by the caller:
/// [`PIN_LENGTH`] characters of [`PIN_ALPHABET`] (the bias of reducing 128
/// bits modulo 31^10 is below 2^-78).
pub fn pin_from_random(bytes: [u8; 16]) -> String {
    let mut n = u128::from_le_bytes(bytes);
    let base = PIN_ALPHABET.len() as u128;
    let mut out = String::with_capacity(PIN_LENGTH);
    for _ in 0..PIN_LENGTH {
        out.push(char::from(PIN_ALPHABET[(n % base) as usize]));
        n /= base;
    }
    out
}

/// A PIN as typed, normalised for comparison: spaces and dashes dropped,
/// letters uppercased; `None` when what remains is not [`PIN_LENGTH`]
/// characters of [`PIN_ALPHABET`].
pub fn normalize_pin(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == PIN_LENGTH && s.bytes().all(|b| PIN_ALPHABET.contains(&b))).then_some(s)
}

/// A PIN written for people: groups of four or fewer, dash-separated
/// (`ABCD-EFGH-JK`).
pub fn format_pin(pin: &str) -> String {
    pin.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

code_enum!(
    /// Why an adolescent cannot be invited to an own login.
    TeenInviteProblem, "teen invitation problem", {
        /// Younger than `patient_account_min_age`.
        TooYoung = "too-young",
        /// The email is not an email address.
        EmailInvalid = "email-invalid",
        /// The email is a proxy's (ACCESS-POLICY.md rule 5).
        EmailIsProxy = "email-is-proxy",
    }
);

/// Checks an invitation of a patient born `birth_date` to an own login with
/// `email` on `today`: the patient is at least `patient_account_min_age`,
/// and the email (trimmed, case-insensitive) is none of `proxy_emails`.
///
/// # Errors
/// The first problem, in the order of [`TeenInviteProblem::ALL`].
pub fn check_teen_invite(
    policy: &Policy,
    birth_date: Date,
    email: &str,
    proxy_emails: &[&str],
    today: Date,
) -> Result<String, TeenInviteProblem> {
    if age_in_years(birth_date, today, policy.leap_day_birthday)
        < i32::from(policy.patient_account_min_age)
    {
        return Err(TeenInviteProblem::TooYoung);
    }
    let email = normalize_email(email);
    if !plausible_email(&email) {
        return Err(TeenInviteProblem::EmailInvalid);
    }
    if proxy_emails.iter().any(|p| normalize_email(p) == email) {
        return Err(TeenInviteProblem::EmailIsProxy);
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn pins_are_unambiguous_and_normalised() {
        let pin = pin_from_random([7; 16]);
        assert_eq!(pin.len(), PIN_LENGTH);
        assert!(pin.bytes().all(|b| PIN_ALPHABET.contains(&b)));
        assert_ne!(pin, pin_from_random([8; 16]));
        let shown = format_pin(&pin);
        assert_eq!(normalize_pin(&shown.to_lowercase()), Some(pin.clone()));
        assert_eq!(normalize_pin("O0O0O0O0O0"), None);
        assert_eq!(normalize_pin("ABC"), None);
    }

    #[test]
    fn teen_invites() {
        let p = Policy::default();
        let born = date(2012, 6, 1);
        let today = date(2026, 11, 30);
        assert_eq!(
            check_teen_invite(&p, born, " Teen@Example.org ", &["mom@example.org"], today),
            Ok("teen@example.org".to_owned())
        );
        assert_eq!(
            check_teen_invite(&p, born, "MOM@example.org", &["mom@example.org"], today),
            Err(TeenInviteProblem::EmailIsProxy)
        );
        assert_eq!(
            check_teen_invite(&p, date(2016, 1, 1), "t@example.org", &[], today),
            Err(TeenInviteProblem::TooYoung)
        );
    }
}
