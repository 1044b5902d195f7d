//! The demo practice: families that look real, made by Sprout's own generator.
//!
//! Every family has one or two parents and one to four children; the first
//! family is the showcase, with an infant, a 5-year-old, a 12-year-old, a
//! 16-year-old and an 18-year-old. Children get well-child visits on the Bright
//! Futures periodicity schedule with heights and weights that follow a growth
//! curve (CDC 2000 50th percentiles, shifted by a per-child z-score), doses of the
//! routine childhood immunization schedule (CDC/ACIP, 2025) given at the visits,
//! a few sick visits with diagnoses and antibiotics, a stimulant for a child with
//! ADHD, and allergies.
//!
//! The generator is deterministic for a given seed and "today", so tests and
//! benchmarks can rely on it. It does no I/O: callers write what it returns.

mod schedule;

use jiff::civil::Date;
use jiff::ToSpan;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use sprout_domain::messaging::Category;
use sprout_domain::people::{AccountStatus, ProxyRelationship, RelationshipKind, StaffRole};
use sprout_domain::record::{
    AdministrativeSex, AllergyIntolerance, Appointment, Condition, Encounter, Immunization,
    ItemMeta, Labels, MedicationRequest, Observation, ObservationCategory, ObservationComponent,
    Patient, RecordItem,
};
use sprout_domain::{AccountId, ItemId, PatientId};

/// The password every demo login uses. Demo data only: never for real accounts.
pub const DEMO_PASSWORD: &str = "sprout-demo-2026";

/// The practice's name in the demo.
pub const DEMO_PRACTICE: &str = "Sprout Pediatrics (demo)";

/// The demo practice's address.
pub const DEMO_ADDRESS: &str = "120 Orchard Lane, Springfield, MA 01103 · (555) 010-2000";

/// The demo practice's video visit link (a placeholder: any video service's
/// URL goes here in a real practice).
pub const DEMO_VIDEO_URL: &str = "https://video.example.org/sprout-demo";

/// Documents the demo practice asks families to sign at pre-check-in:
/// (id, title, text).
pub const DEMO_DOCUMENTS: &[(&str, &str, &str)] = &[(
    "financial-policy",
    "Financial policy",
    "Copays are due at each visit. If your insurance changes, please tell us \
     before the visit so that we can bill the right plan. Visits missed without \
     24 hours' notice may be charged. By signing you confirm that you have read \
     this policy and agree to it.",
)];

/// Who a demo login is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoRole {
    /// A parent (proxy).
    Parent,
    /// A patient's own login.
    Patient,
    /// Staff with a role.
    Staff(StaffRole),
}

impl DemoRole {
    /// The role as written in `--accounts-json`: `parent`, `patient`, or the staff role code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Parent => "parent",
            Self::Patient => "patient",
            Self::Staff(r) => r.code(),
        }
    }
}

/// A demo login to create.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Its id.
    pub id: AccountId,
    /// Parent, patient or staff.
    pub role: DemoRole,
    /// Sign-in email.
    pub email: String,
    /// Name shown.
    pub display_name: String,
    /// The patient whose own login it is.
    pub patient_id: Option<PatientId>,
    /// Always active in the demo.
    pub status: AccountStatus,
}

/// One generated family: its children's records, its logins and links.
#[derive(Debug, Clone, Default)]
pub struct DemoFamily {
    /// The children.
    pub patients: Vec<Patient>,
    /// Their record items.
    pub items: Vec<RecordItem>,
    /// Parents' and teenagers' logins.
    pub accounts: Vec<DemoAccount>,
    /// Parent-to-child proxy relationships.
    pub relationships: Vec<ProxyRelationship>,
    /// Message threads a parent started about a child (none for the showcase
    /// family, whose threads are written by hand).
    pub threads: Vec<DemoThread>,
}

/// A message thread of a demo family: a parent's question and, most of the
/// time, the nurse's or front office's answer.
#[derive(Debug, Clone)]
pub struct DemoThread {
    /// The child it is about.
    pub patient_id: PatientId,
    /// The parent who wrote.
    pub author: AccountId,
    /// The parent's display name.
    pub author_name: String,
    /// What it is about (picks the staff pool).
    pub category: Category,
    /// The subject line.
    pub subject: &'static str,
    /// The parent's question.
    pub question: &'static str,
    /// How many hours before now the question was sent (1 to 60 days).
    pub asked_hours_ago: i64,
    /// The practice's answer and how many hours before now it was sent
    /// (after the question), if answered.
    pub answer: Option<(i64, &'static str)>,
    /// Whether staff closed the thread after answering.
    pub closed: bool,
}

/// Questions families send: category, subject, question, answer.
const THREADS: &[(Category, &str, &str, &str)] = &[
    (
        Category::Clinical,
        "Rash after the vaccines",
        "There is a small red bump where the shot was given yesterday. Is that expected?",
        "A small red bump at the injection site is common and fades within a few days. \
         A cool cloth helps. Call us if it spreads or there is a fever over 39 C.",
    ),
    (
        Category::Clinical,
        "Fever since last night",
        "Temperature was 38.6 C last night and 38.2 C this morning. Still drinking well. \
         Should we come in?",
        "If drinking well and playful between fevers, you can watch at home for now. \
         Please book a visit if the fever lasts past three days.",
    ),
    (
        Category::Prescription,
        "Refill for the inhaler",
        "We are almost out of the albuterol inhaler. Could you send a refill to our pharmacy?",
        "The refill has been sent to your pharmacy on file.",
    ),
    (
        Category::TestResults,
        "Blood test from the last visit",
        "Are the results of the blood test from the last visit back yet?",
        "Yes, they are normal. You can see them under Results.",
    ),
    (
        Category::Appointment,
        "Moving the check-up",
        "Could we move the check-up to an afternoon? School ends at three.",
        "We have afternoon openings next week; please pick one under Appointments.",
    ),
    (
        Category::GeneralOffice,
        "School sports form",
        "Could you fill in the school sports form? I will upload it here.",
        "The form is ready to pick up at the front desk.",
    ),
    (
        Category::Billing,
        "Question about a statement",
        "We received a statement for the last visit, but it should be covered by our plan.",
        "Thank you, we re-submitted the claim to your plan.",
    ),
];

/// Makes demo families. Deterministic for a given seed and `today`.
pub struct Generator {
    rng: StdRng,
    /// Draws for message threads, apart from `rng` so adding threads left
    /// every family's record as it was.
    thread_rng: StdRng,
    today: Date,
    next_family: usize,
    /// Ids made so far: the first six bytes of every id (see `random_bytes`).
    ids_made: u64,
}

const SURNAMES: &[&str] = &[
    "Garcia",
    "Nguyen",
    "Johnson",
    "Okafor",
    "Patel",
    "Kowalski",
    "Rivera",
    "Chen",
    "Haddad",
    "Martin",
    "Silva",
    "Kim",
    "Brown",
    "Lopez",
    "Novak",
    "Ahmed",
    "Murphy",
    "Rossi",
    "Tanaka",
    "Hernandez",
    "Walker",
    "Cohen",
    "Diaz",
    "Singh",
];
const GIRLS: &[&str] = &[
    "Sofia",
    "Emma",
    "Olivia",
    "Amara",
    "Mia",
    "Lucia",
    "Ava",
    "Zoe",
    "Isabella",
    "Nora",
    "Leah",
    "Maya",
    "Chloe",
    "Valentina",
    "Aisha",
    "Grace",
];
const BOYS: &[&str] = &[
    "Mateo", "Liam", "Noah", "Elijah", "Lucas", "Ethan", "Diego", "Samuel", "Omar", "Leo", "Ben",
    "Daniel", "Hugo", "Caleb", "Arjun", "Felix",
];
const ADULTS_F: &[&str] = &[
    "Maria", "Jennifer", "Ana", "Linh", "Sarah", "Priya", "Fatima", "Laura",
];
const ADULTS_M: &[&str] = &[
    "Carlos", "David", "James", "Minh", "Kwame", "Raj", "Tomás", "Peter",
];

impl Generator {
    /// A generator for the practice as of `today`.
    pub fn new(seed: u64, today: Date) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            thread_rng: StdRng::seed_from_u64(seed ^ 0x6d65_7373_6167_6573),
            today,
            next_family: 1,
            ids_made: 0,
        }
    }

    /// The 16 bytes of a new id: a 48-bit count of the ids made so far, then
    /// 80 random bits (the layout of a UUIDv7, with a counter for the clock).
    ///
    /// Why not 128 random bits: every id is a key in a B-tree index (primary
    /// key, `source_id`, `patient_id`). Random keys land on a random leaf
    /// page each, so once an index outgrows the page cache every row written
    /// dirties pages of its own, and seeding 100,000 patients spent most of
    /// its time rewriting index pages. Increasing keys are appended to the
    /// right edge of each index. 80 random bits still make an id unguessable.
    fn random_bytes(&mut self) -> [u8; 16] {
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b[6..]);
        self.ids_made += 1;
        b[..6].copy_from_slice(&self.ids_made.to_be_bytes()[2..]);
        b
    }

    /// The practice's four staff logins (front desk, nurse, clinician, admin).
    pub fn staff(&mut self) -> Vec<DemoAccount> {
        let people = [
            (StaffRole::FrontDesk, "frontdesk@example.org", "Rosa Méndez"),
            (StaffRole::Nurse, "nurse@example.org", "Nina Park, RN"),
            (
                StaffRole::Clinician,
                "doctor@example.org",
                "Dr. Alex Rivera",
            ),
            (StaffRole::Admin, "admin@example.org", "Sam Admin"),
        ];
        people
            .into_iter()
            .map(|(role, email, name)| DemoAccount {
                id: AccountId::from_random(self.random_bytes()),
                role: DemoRole::Staff(role),
                email: email.to_owned(),
                display_name: name.to_owned(),
                patient_id: None,
                status: AccountStatus::Active,
            })
            .collect()
    }

    /// The next family. The first is the showcase family.
    pub fn family(&mut self) -> DemoFamily {
        let n = self.next_family;
        self.next_family += 1;
        let surname = SURNAMES[(n - 1) % SURNAMES.len()];
        let ages_days: Vec<i64> = if n == 1 {
            // Infant (4½ months), 5, 12 (turned 12 three weeks ago), 16, 18.
            vec![
                135,
                5 * 365 + 40,
                12 * 365 + 24,
                16 * 365 + 100,
                18 * 365 + 60,
            ]
        } else if n == 2 {
            // A 7-year-old and a 14-year-old with his own login who approved his
            // parents (the audit trail's "who saw my record" is shown with him).
            vec![7 * 365 + 100, 14 * 365 + 50]
        } else {
            let count = self.rng.random_range(1..=4);
            let mut ages: Vec<i64> = (0..count)
                .map(|_| self.rng.random_range(20..(19 * 365)))
                .collect();
            ages.sort_unstable();
            ages
        };
        let mut fam = DemoFamily::default();
        // Parents.
        let two_parents = n == 1 || self.rng.random_bool(0.7);
        let (mother, father) = if n == 1 {
            ("Maria", "Carlos")
        } else {
            (
                ADULTS_F[self.rng.random_range(0..ADULTS_F.len())],
                ADULTS_M[self.rng.random_range(0..ADULTS_M.len())],
            )
        };
        let mut parents = vec![(mother, "parent-f")];
        if two_parents {
            parents.push((father, "parent-m"));
        }
        let mut parent_ids = Vec::new();
        for (first, _) in &parents {
            let email = if n == 1 {
                format!(
                    "{}.{}@example.org",
                    ascii_lower(first),
                    ascii_lower(surname)
                )
            } else {
                format!(
                    "{}.{}.{n}@example.org",
                    ascii_lower(first),
                    ascii_lower(surname)
                )
            };
            let id = AccountId::from_random(self.random_bytes());
            parent_ids.push(id.clone());
            fam.accounts.push(DemoAccount {
                id,
                role: DemoRole::Parent,
                email,
                display_name: format!("{first} {surname}"),
                patient_id: None,
                status: AccountStatus::Active,
            });
        }
        for (i, age_days) in ages_days.iter().enumerate() {
            let birth = self
                .today
                .checked_sub(age_days.days())
                .unwrap_or(self.today);
            let female = if n == 1 {
                i % 2 == 0
            } else {
                self.rng.random_bool(0.5)
            };
            let names = if female { GIRLS } else { BOYS };
            // Siblings never share a first name.
            let mut given = names[self.rng.random_range(0..names.len())];
            while fam.patients.iter().any(|p: &Patient| p.given_name == given) {
                given = names[self.rng.random_range(0..names.len())];
            }
            let patient = Patient {
                id: PatientId::from_random(self.random_bytes()),
                source_id: Some(format!("demo-{n}-{i}")),
                mrn: Some(family_mrn(n, i)),
                given_name: given.to_owned(),
                family_name: surname.to_owned(),
                birth_date: birth,
                sex: if female {
                    AdministrativeSex::Female
                } else {
                    AdministrativeSex::Male
                },
                phone: Some(format!(
                    "(555) 01{:02}-{:04}",
                    n % 100,
                    (n * 37 + i) % 10000
                )),
                email: None,
                address: Some(format!("{} Maple Street, Springfield", 100 + n % 900)),
                gestation_weeks: if n == 1 && i == 0 { Some(32) } else { None },
                labels: Labels::default(),
            };
            let age_years = age_days / 365;
            // Teenagers of the showcase family have their own logins.
            if n <= 2 && age_years >= 12 {
                fam.accounts.push(DemoAccount {
                    id: AccountId::from_random(self.random_bytes()),
                    role: DemoRole::Patient,
                    email: format!(
                        "{}.{}@example.org",
                        ascii_lower(given),
                        ascii_lower(surname)
                    ),
                    display_name: patient.display_name(),
                    patient_id: Some(patient.id.clone()),
                    status: AccountStatus::Active,
                });
            }
            // Adolescents (12 to 17) approve their parents' access, as the
            // default policy asks (ACCESS-POLICY.md rule 4): the showcase
            // 16-year-old has, the showcase 12-year-old has not yet (the demo
            // lets her do it), and most teenagers of other families have.
            let twelfth = sprout_domain::age::date_of_age(birth, 12, Default::default());
            let approved_on = if (12..18).contains(&age_years) {
                let approve = match n {
                    1 => age_years == 16,
                    2 => true,
                    _ => self.rng.random_bool(0.8),
                };
                approve.then(|| {
                    let after = self.rng.random_range(1..60);
                    twelfth
                        .checked_add(after.days())
                        .unwrap_or(twelfth)
                        .min(self.today)
                })
            } else {
                None
            };
            for (pi, parent) in parent_ids.iter().enumerate() {
                let granted = birth
                    .checked_add(((pi as i64) * 2 + 7).days())
                    .unwrap_or(birth);
                fam.relationships.push(ProxyRelationship {
                    id: hex(self.random_bytes()),
                    account_id: parent.clone(),
                    patient_id: patient.id.clone(),
                    kind: RelationshipKind::Parent,
                    granted_on: granted.min(self.today),
                    verified_on: Some(granted.min(self.today)),
                    patient_approved_on: approved_on,
                    sections_hidden: Vec::new(),
                    evidence_on_file: false,
                    evidence_expires_on: None,
                    expires_on: None,
                    revoked_on: None,
                });
            }
            let adhd = n == 1 && age_years == 12
                || (n > 1 && age_years >= 7 && self.rng.random_bool(0.08));
            self.chart(&patient, adhd, &mut fam.items);
            self.care(n, i, &patient, &mut fam.items);
            fam.patients.push(patient);
        }
        if n > 2 {
            self.threads(&mut fam);
        }
        fam
    }

    /// About half the families (after the first two) have written to the practice in the last two
    /// months: one thread, sometimes two; most are answered, some closed.
    fn threads(&mut self, fam: &mut DemoFamily) {
        let r = &mut self.thread_rng;
        let count = match r.random_range(0..10) {
            0..=4 => 0,
            5..=8 => 1,
            _ => 2,
        };
        for _ in 0..count {
            let (category, subject, question, answer) = THREADS[r.random_range(0..THREADS.len())];
            let child = &fam.patients[r.random_range(0..fam.patients.len())];
            let parents: Vec<&DemoAccount> = fam
                .accounts
                .iter()
                .filter(|a| a.role == DemoRole::Parent)
                .collect();
            let parent = parents[r.random_range(0..parents.len())];
            let asked = r.random_range(1..(60 * 24));
            let answer = r
                .random_bool(0.8)
                .then(|| (asked - r.random_range(1..=asked.min(30)), answer));
            let closed = answer.is_some() && r.random_bool(0.5);
            fam.threads.push(DemoThread {
                patient_id: child.id.clone(),
                author: parent.id.clone(),
                author_name: parent.display_name.clone(),
                category,
                subject,
                question,
                asked_hours_ago: asked,
                answer,
                closed,
            });
        }
    }

    fn meta(&mut self, patient: &Patient, kind: &str) -> ItemMeta {
        let id = ItemId::from_random(self.random_bytes());
        ItemMeta {
            source_id: format!("demo-{kind}-{id}"),
            id,
            patient_id: patient.id.clone(),
            labels: Labels::default(),
        }
    }

    /// A child's chart: visits with vitals, immunizations, problems, medications.
    fn chart(&mut self, p: &Patient, adhd: bool, items: &mut Vec<RecordItem>) {
        let female = p.sex == AdministrativeSex::Female;
        // The child's own place on the growth curve, kept for life.
        let z_height: f64 = self.rng.random_range(-1.5..1.5);
        let z_weight: f64 = (z_height * 0.6 + self.rng.random_range(-0.9..0.9)).clamp(-2.0, 2.2);
        let mut visit_dates = Vec::new();
        for &(months, label) in schedule::WELL_VISITS {
            let Some(date) = add_months(p.birth_date, months) else {
                continue;
            };
            let date = date
                .checked_add(self.rng.random_range(0..10).days())
                .unwrap_or(date);
            if date > self.today {
                break;
            }
            visit_dates.push(date);
            let enc = self.meta(p, "enc");
            let enc_source = enc.source_id.clone();
            let minute = self.rng.random_range(0..60);
            let when = format!("{date}T09:{minute:02}:00-05:00");
            items.push(RecordItem::Encounter(Encounter {
                meta: enc,
                status: "finished".into(),
                class_code: Some("AMB".into()),
                type_text: Some(format!("Well child visit ({label})")),
                reason_text: Some("Routine well child check".into()),
                start: Some(when.clone()),
                end: Some(format!("{date}T10:{minute:02}:00-05:00")),
                practitioner: Some("Dr. Alex Rivera".into()),
                location: Some(DEMO_PRACTICE.into()),
            }));
            // A baby born early grows along the curve of their corrected age
            // (age minus the weeks born before 40) until 2 years.
            let early_weeks = p
                .gestation_weeks
                .map_or(0.0, |w| (40.0 - f64::from(w)).max(0.0));
            let age_m = if months < 24 {
                (months as f64 - early_weeks / 4.345).max(0.0)
            } else {
                months as f64
            };
            let height = schedule::median_height_cm(age_m, female) * (1.0 + 0.042 * z_height);
            let weight = schedule::median_weight_kg(age_m, female) * (1.0 + 0.11 * z_weight);
            let lying = months < 24;
            let vit = |s: &mut Self, loinc: &str, display: &str, value: f64, unit: &str| {
                let meta = s.meta(p, "obs");
                RecordItem::Observation(Observation {
                    meta,
                    category: ObservationCategory::VitalSigns,
                    status: "final".into(),
                    loinc: Some(loinc.into()),
                    display: display.into(),
                    effective: Some(when.clone()),
                    value: Some((value * 10.0).round() / 10.0),
                    unit: Some(unit.into()),
                    value_text: None,
                    components: Vec::new(),
                    encounter_source_id: Some(enc_source.clone()),
                    reference_range: None,
                    interpretation: None,
                    issued: None,
                })
            };
            if lying {
                items.push(vit(self, "8306-3", "Body height --lying", height, "cm"));
            } else {
                items.push(vit(self, "8302-2", "Body height", height, "cm"));
            }
            items.push(vit(self, "29463-7", "Body weight", weight, "kg"));
            if months <= 36 {
                let hc = schedule::median_head_cm(age_m, female) * (1.0 + 0.03 * z_height);
                items.push(vit(
                    self,
                    "9843-4",
                    "Head Occipital-frontal circumference",
                    hc,
                    "cm",
                ));
            }
            if months >= 24 {
                let bmi = weight / (height / 100.0).powi(2);
                items.push(vit(self, "39156-5", "Body mass index (BMI)", bmi, "kg/m2"));
            }
            let temp = 36.6 + self.rng.random_range(0.0..0.6);
            items.push(vit(self, "8310-5", "Body temperature", temp, "Cel"));
            let hr = schedule::heart_rate(age_m) + self.rng.random_range(-8.0..8.0);
            items.push(vit(self, "8867-4", "Heart rate", hr.round(), "/min"));
            if months >= 36 {
                let sys = (92.0 + age_m / 12.0 * 1.6 + self.rng.random_range(-6.0..6.0)).round();
                let dia = (55.0 + age_m / 12.0 * 0.9 + self.rng.random_range(-5.0..5.0)).round();
                let meta = self.meta(p, "obs");
                items.push(RecordItem::Observation(Observation {
                    meta,
                    category: ObservationCategory::VitalSigns,
                    status: "final".into(),
                    loinc: Some("85354-9".into()),
                    display: "Blood pressure panel".into(),
                    effective: Some(when.clone()),
                    value: None,
                    unit: None,
                    value_text: None,
                    components: vec![
                        ObservationComponent {
                            code: Some("8480-6".into()),
                            display: "Systolic blood pressure".into(),
                            value: Some(sys),
                            unit: Some("mm[Hg]".into()),
                        },
                        ObservationComponent {
                            code: Some("8462-4".into()),
                            display: "Diastolic blood pressure".into(),
                            value: Some(dia),
                            unit: Some("mm[Hg]".into()),
                        },
                    ],
                    encounter_source_id: Some(enc_source.clone()),
                    reference_range: None,
                    interpretation: None,
                    issued: None,
                }));
            }
            // Screening labs at the visits where Bright Futures asks for them,
            // grouped by a report, with the typical range Sprout knows.
            let mut lab_sources = Vec::new();
            for &(at, loinc, display, value, unit) in schedule::SCREENING_LABS {
                if at == months {
                    let v = value * (1.0 + self.rng.random_range(-0.08..0.08));
                    let meta = self.meta(p, "lab");
                    lab_sources.push(meta.source_id.clone());
                    items.push(RecordItem::Observation(Observation {
                        meta,
                        category: ObservationCategory::Laboratory,
                        status: "final".into(),
                        loinc: Some(loinc.into()),
                        display: display.into(),
                        effective: Some(when.clone()),
                        value: Some((v * 10.0).round() / 10.0),
                        unit: Some(unit.into()),
                        value_text: None,
                        components: Vec::new(),
                        encounter_source_id: Some(enc_source.clone()),
                        reference_range: sprout_domain::results::typical_range(
                            loinc,
                            Some(unit),
                            i16::try_from(months / 12).ok(),
                        ),
                        interpretation: None,
                        issued: None,
                    }));
                }
            }
            if !lab_sources.is_empty() {
                let meta = self.meta(p, "report");
                items.push(RecordItem::DiagnosticReport(
                    sprout_domain::results::DiagnosticReport {
                        meta,
                        status: "final".into(),
                        category: Some("LAB".into()),
                        loinc: None,
                        display: format!("Screening labs ({label})"),
                        effective: Some(when.clone()),
                        issued: None,
                        conclusion: None,
                        text: None,
                        result_source_ids: lab_sources,
                        performer: Some(DEMO_PRACTICE.into()),
                        encounter_source_id: Some(enc_source.clone()),
                    },
                ));
            }
            // An after-visit summary for the visits of the last year and a half.
            if date.until(self.today).is_ok_and(|s| s.get_days() < 550) {
                let meta = self.meta(p, "doc");
                let text = format!(
                    "After-visit summary: well child visit ({label}).\n\n\
                     We checked growth and development and talked about sleep, \
                     nutrition and safety. Vaccines due at this visit were given.\n\n\
                     Call us if you have questions. Next well visit as scheduled.\n\
                     Dr. Alex Rivera, {DEMO_PRACTICE}"
                );
                items.push(RecordItem::DocumentReference(
                    sprout_domain::results::DocumentReference {
                        meta,
                        status: "current".into(),
                        kind: sprout_domain::results::DocumentKind::VisitSummary,
                        type_code: Some("34133-9".into()),
                        type_text: "After-visit summary".into(),
                        date: Some(format!("{date}T10:{minute:02}:00-05:00")),
                        description: Some(format!("Well child visit ({label})")),
                        author: Some("Dr. Alex Rivera".into()),
                        encounter_source_id: Some(enc_source.clone()),
                        text: Some(text),
                        attachment: None,
                    },
                ));
            }
            // A confidential sexual-health screen at the 16-year visit: labelled
            // so the access policy keeps it from proxies.
            if months == 192 {
                let mut meta = self.meta(p, "lab");
                meta.labels.sensitivity = vec![sprout_domain::record::Sensitivity::SexualHealth];
                items.push(RecordItem::Observation(Observation {
                    meta,
                    category: ObservationCategory::Laboratory,
                    status: "final".into(),
                    loinc: Some("21613-5".into()),
                    display: "Chlamydia trachomatis DNA [Presence] in Specimen by NAA with probe detection".into(),
                    effective: Some(when.clone()),
                    value: None,
                    unit: None,
                    value_text: Some("Not detected".into()),
                    components: Vec::new(),
                    encounter_source_id: Some(enc_source.clone()),
                    reference_range: None,
                    interpretation: None,
                    issued: None,
                }));
            }
            // Vaccines due at this visit.
            for dose in schedule::DOSES.iter().filter(|d| d.at_months == months) {
                let meta = self.meta(p, "imm");
                items.push(RecordItem::Immunization(Immunization {
                    meta,
                    status: "completed".into(),
                    status_reason: None,
                    cvx: Some(schedule::cvx_given_on(dose.cvx, date).0.into()),
                    vaccine_text: schedule::cvx_given_on(dose.cvx, date).1.into(),
                    occurrence: Some(date),
                    lot_number: Some(format!(
                        "{}{:05}",
                        &dose.text[..1].to_ascii_uppercase(),
                        self.rng.random_range(10000..99999)
                    )),
                    site: Some(
                        if months < 12 {
                            "Left thigh"
                        } else {
                            "Left arm"
                        }
                        .into(),
                    ),
                    primary_source: Some(true),
                }));
            }
            // A seasonal influenza dose at autumn visits from 6 months.
            if months >= 6 && matches!(date.month(), 9..=12) {
                let meta = self.meta(p, "imm");
                items.push(RecordItem::Immunization(Immunization {
                    meta,
                    status: "completed".into(),
                    status_reason: None,
                    cvx: Some(schedule::cvx_given_on("150", date).0.into()),
                    vaccine_text: schedule::cvx_given_on("150", date).1.into(),
                    occurrence: Some(date),
                    lot_number: Some(format!("FL{:05}", self.rng.random_range(10000..99999))),
                    site: Some("Right arm".into()),
                    primary_source: Some(true),
                }));
            }
        }
        let age_months = months_between(p.birth_date, self.today);
        // Whether (and which) allergy the child has: decided first, so that a
        // child allergic to penicillin is never prescribed one.
        let allergy = (age_months >= 24 && self.rng.random_bool(0.3))
            .then(|| self.rng.random_range(0..3usize));
        let penicillin_allergic = allergy == Some(1);
        // Sick visits: ear infections and sore throats, treated with antibiotics.
        let sick = if age_months < 6 {
            0
        } else {
            self.rng.random_range(1..=3)
        };
        for k in 0..sick {
            let m = self.rng.random_range(6..age_months.max(7));
            let Some(date) = add_months(p.birth_date, m) else {
                continue;
            };
            if date > self.today {
                continue;
            }
            let (dx, snomed, rx, rxnorm, dose) = if penicillin_allergic {
                (
                    if k % 2 == 0 {
                        "Otitis media"
                    } else {
                        "Streptococcal sore throat"
                    },
                    if k % 2 == 0 { "65363002" } else { "43878008" },
                    "Azithromycin 200 MG/5 ML Oral Suspension",
                    "141962",
                    "5 mL by mouth once daily for 5 days",
                )
            } else if k % 2 == 0 {
                (
                    "Otitis media",
                    "65363002",
                    "Amoxicillin 250 MG/5 ML Oral Suspension",
                    "308182",
                    "5 mL by mouth twice daily for 10 days",
                )
            } else {
                (
                    "Streptococcal sore throat",
                    "43878008",
                    "Penicillin V Potassium 250 MG Oral Tablet",
                    "834061",
                    "1 tablet by mouth twice daily for 10 days",
                )
            };
            let when = format!("{date}T15:10:00-05:00");
            let enc = self.meta(p, "enc");
            items.push(RecordItem::Encounter(Encounter {
                meta: enc,
                status: "finished".into(),
                class_code: Some("AMB".into()),
                type_text: Some("Sick visit".into()),
                reason_text: Some(dx.into()),
                start: Some(when.clone()),
                end: Some(when.replace("T15:10", "T15:35")),
                practitioner: Some("Dr. Alex Rivera".into()),
                location: Some(DEMO_PRACTICE.into()),
            }));
            let meta = self.meta(p, "cond");
            items.push(RecordItem::Condition(Condition {
                meta,
                display: dx.into(),
                code: Some(snomed.into()),
                clinical_status: Some("resolved".into()),
                verification_status: Some("confirmed".into()),
                onset: Some(when.clone()),
                abatement: date.checked_add(12.days()).ok().map(|d| d.to_string()),
                recorded: Some(when.clone()),
            }));
            let meta = self.meta(p, "med");
            items.push(RecordItem::MedicationRequest(MedicationRequest {
                meta,
                status: "completed".into(),
                rxnorm: Some(rxnorm.into()),
                medication_text: rx.into(),
                dosage_text: Some(dose.into()),
                authored_on: Some(when.clone()),
                prescriber: Some("Dr. Alex Rivera".into()),
            }));
        }
        if adhd {
            let since = self
                .today
                .checked_sub(200.days())
                .unwrap_or(self.today)
                .max(p.birth_date);
            let when = format!("{since}T10:00:00-05:00");
            let meta = self.meta(p, "cond");
            items.push(RecordItem::Condition(Condition {
                meta,
                display: "Attention deficit hyperactivity disorder".into(),
                code: Some("406506008".into()),
                clinical_status: Some("active".into()),
                verification_status: Some("confirmed".into()),
                onset: Some(when.clone()),
                abatement: None,
                recorded: Some(when.clone()),
            }));
            let meta = self.meta(p, "med");
            items.push(RecordItem::MedicationRequest(MedicationRequest {
                meta,
                status: "active".into(),
                rxnorm: Some("1091170".into()),
                medication_text: "Methylphenidate hydrochloride 18 MG Extended Release Oral Tablet"
                    .into(),
                dosage_text: Some("1 tablet by mouth every morning".into()),
                authored_on: Some(when),
                prescriber: Some("Dr. Alex Rivera".into()),
            }));
        }
        if let Some(pick) = allergy {
            let (display, code, crit, reaction) = [
                (
                    "Peanut allergy",
                    "91935009",
                    "high",
                    "Hives, swelling of lips",
                ),
                ("Allergy to penicillin", "91936005", "low", "Rash"),
                (
                    "Allergy to grass pollen",
                    "418689008",
                    "low",
                    "Sneezing, itchy eyes",
                ),
            ][pick];
            let meta = self.meta(p, "alg");
            let recorded = visit_dates
                .get(visit_dates.len() / 2)
                .copied()
                .unwrap_or(self.today);
            items.push(RecordItem::AllergyIntolerance(AllergyIntolerance {
                meta,
                display: display.into(),
                code: Some(code.into()),
                clinical_status: Some("active".into()),
                verification_status: Some("confirmed".into()),
                category: Some(
                    if code == "91936005" {
                        "medication"
                    } else {
                        "food"
                    }
                    .into(),
                ),
                criticality: Some(crit.into()),
                reaction: Some(reaction.into()),
                recorded: Some(recorded.to_string()),
            }));
        }
        if p.family_name == "Garcia" && age_months > 14 * 12 && age_months < 17 * 12 {
            // The showcase 16-year-old has asthma with an inhaler.
            let when = format!(
                "{}T11:00:00-05:00",
                self.today.checked_sub(400.days()).unwrap_or(self.today)
            );
            let meta = self.meta(p, "cond");
            items.push(RecordItem::Condition(Condition {
                meta,
                display: "Childhood asthma".into(),
                code: Some("233678006".into()),
                clinical_status: Some("active".into()),
                verification_status: Some("confirmed".into()),
                onset: Some(when.clone()),
                abatement: None,
                recorded: Some(when.clone()),
            }));
            let meta = self.meta(p, "med");
            items.push(RecordItem::MedicationRequest(MedicationRequest {
                meta,
                status: "active".into(),
                rxnorm: Some("745679".into()),
                medication_text: "Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler".into(),
                dosage_text: Some("2 puffs every 4 hours as needed for wheezing".into()),
                authored_on: Some(when),
                prescriber: Some("Dr. Alex Rivera".into()),
            }));
        }
    }
}

impl Generator {
    /// Appointments and the medications the refill pages show (issue 6):
    /// every showcase child has a visit within the next 30 days (the
    /// 16-year-old's is a video visit), the 5-year-old a past one, an allergy
    /// medicine that can be refilled and an antibiotic that cannot, the
    /// 18-year-old an acne antibiotic; the first child of every other family
    /// a checkup later this month or next. Ids are derived from the family and
    /// child numbers, not drawn from the generator, so the families that
    /// follow are the same as before these were added.
    fn care(&self, n: usize, i: usize, p: &Patient, items: &mut Vec<RecordItem>) {
        let mut k = 0u8;
        let mut meta = |kind: &str| {
            k += 1;
            let mut b = [0xa6u8; 16];
            b[..8].copy_from_slice(&(n as u64).to_be_bytes());
            b[8] = i as u8;
            b[9] = k;
            let id = ItemId::from_random(b);
            ItemMeta {
                source_id: format!("demo-{kind}-{id}"),
                id,
                patient_id: p.id.clone(),
                labels: Labels::default(),
            }
        };
        let at = |days: i64, hour: i8, minute: i8| -> String {
            let day = self.today.checked_add(days.days()).unwrap_or(self.today);
            let local = day.at(hour, minute, 0, 0);
            match jiff::tz::TimeZone::get("America/New_York")
                .ok()
                .and_then(|tz| local.to_zoned(tz).ok())
            {
                Some(z) => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                None => format!("{}T{:02}:{:02}:00-05:00", day, hour, minute),
            }
        };
        let visit = |meta: ItemMeta,
                     status: &str,
                     kind: &str,
                     why: &str,
                     days: i64,
                     hour: i8,
                     video: bool| {
            RecordItem::Appointment(Appointment {
                meta,
                status: status.into(),
                visit_type: Some(kind.into()),
                reason_text: Some(why.into()),
                start: Some(at(days, hour, 30)),
                end: Some(at(days, hour + 1, 0)),
                practitioner: Some("Dr. Alex Rivera".into()),
                location: Some(DEMO_PRACTICE.into()),
                video,
            })
        };
        if n != 1 {
            if i == 0 {
                let days = 10 + (n as i64 * 7) % 30;
                items.push(visit(
                    meta("appt"),
                    "booked",
                    "Well child visit",
                    "Yearly checkup",
                    days,
                    10,
                    false,
                ));
            }
            return;
        }
        let (kind, why, days, hour, video) = match i {
            0 => ("Well child visit", "6-month checkup", 12, 9, false),
            1 => ("Well child visit", "Yearly checkup", 5, 10, false),
            2 => ("Follow-up", "ADHD medication check", 9, 15, false),
            3 => ("Follow-up", "Asthma check", 3, 16, true),
            _ => ("Sports physical", "College sports form", 20, 11, false),
        };
        items.push(visit(meta("appt"), "booked", kind, why, days, hour, video));
        if i == 1 {
            items.push(visit(
                meta("appt"),
                "fulfilled",
                "Sick visit",
                "Ear pain",
                -45,
                14,
                false,
            ));
            let when = format!(
                "{}T10:00:00-05:00",
                self.today.checked_sub(30.days()).unwrap_or(self.today)
            );
            items.push(RecordItem::MedicationRequest(MedicationRequest {
                meta: meta("med"),
                status: "active".into(),
                rxnorm: None,
                medication_text: "Cetirizine Hydrochloride 1 MG/ML Oral Solution".into(),
                dosage_text: Some("5 mL by mouth once daily".into()),
                authored_on: Some(when.clone()),
                prescriber: Some("Dr. Alex Rivera".into()),
            }));
            items.push(RecordItem::MedicationRequest(MedicationRequest {
                meta: meta("med"),
                status: "active".into(),
                rxnorm: Some("141962".into()),
                medication_text: "Azithromycin 200 MG/5 ML Oral Suspension".into(),
                dosage_text: Some("5 mL by mouth once daily for 5 days".into()),
                authored_on: Some(when),
                prescriber: Some("Dr. Alex Rivera".into()),
            }));
        }
        if i == 4 {
            let when = format!(
                "{}T11:00:00-05:00",
                self.today.checked_sub(90.days()).unwrap_or(self.today)
            );
            items.push(RecordItem::MedicationRequest(MedicationRequest {
                meta: meta("med"),
                status: "active".into(),
                rxnorm: None,
                medication_text: "Minocycline 50 MG Oral Capsule".into(),
                dosage_text: Some("1 capsule by mouth twice daily".into()),
                authored_on: Some(when),
                prescriber: Some("Dr. Alex Rivera".into()),
            }));
        }
    }
}

/// The MRN the demo gives child `i` (0-based, youngest first in the showcase)
/// of family `n` (1-based).
fn family_mrn(n: usize, i: usize) -> String {
    format!("D{:07}", n * 10 + i)
}

/// The MRN of the showcase family's child `i` (0 = the infant).
pub fn showcase_mrn(i: usize) -> String {
    family_mrn(1, i)
}

fn ascii_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' => 'u',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn hex(b: [u8; 16]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `date` plus whole months (the same day of month, clamped to the month's end).
fn add_months(date: Date, months: i64) -> Option<Date> {
    date.checked_add(months.months()).ok()
}

fn months_between(from: Date, to: Date) -> i64 {
    let m = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    if to.day() < from.day() {
        m - 1
    } else {
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn showcase_family_has_the_ages_the_demo_promises() {
        let today = date(2026, 11, 30);
        let mut g = Generator::new(7, today);
        let fam = g.family();
        let ages: Vec<i32> = fam
            .patients
            .iter()
            .map(|p| sprout_domain::age::age_in_years(p.birth_date, today, Default::default()))
            .collect();
        assert_eq!(ages, vec![0, 5, 12, 16, 18]);
        let mut names: Vec<_> = fam.patients.iter().map(|p| p.given_name.clone()).collect();
        names.dedup();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 5, "siblings have distinct first names");
        // Two parents linked to every child, three teenagers with own logins.
        assert_eq!(fam.relationships.len(), 10);
        assert_eq!(
            fam.accounts
                .iter()
                .filter(|a| a.role == DemoRole::Patient)
                .count(),
            3
        );
        // A stimulant and an antibiotic are among the medications.
        let meds: Vec<&str> = fam
            .items
            .iter()
            .filter_map(|i| match i {
                RecordItem::MedicationRequest(m) => Some(m.medication_text.as_str()),
                _ => None,
            })
            .collect();
        assert!(meds.iter().any(|m| m.contains("Methylphenidate")));
        assert!(meds
            .iter()
            .any(|m| m.contains("Amoxicillin") || m.contains("Penicillin")));
    }

    #[test]
    fn growth_follows_a_curve_and_nothing_is_in_the_future() {
        let today = date(2026, 11, 30);
        let mut g = Generator::new(1, today);
        let fam = g.family();
        let sixteen = &fam.patients[3];
        let mut heights: Vec<(String, f64)> = fam
            .items
            .iter()
            .filter_map(|i| match i {
                RecordItem::Observation(o)
                    if o.meta.patient_id == sixteen.id
                        && matches!(o.loinc.as_deref(), Some("8302-2" | "8306-3")) =>
                {
                    Some((o.effective.clone().unwrap(), o.value.unwrap()))
                }
                _ => None,
            })
            .collect();
        heights.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(heights.len() > 15);
        assert!(
            heights.windows(2).all(|w| w[1].1 >= w[0].1 - 1.0),
            "{heights:?}"
        );
        assert!(heights.first().unwrap().1 < 60.0 && heights.last().unwrap().1 > 150.0);
        for i in &fam.items {
            if let RecordItem::Immunization(im) = i {
                assert!(im.occurrence.unwrap() <= today);
            }
        }
        // The infant has the 2-month doses but not the 6-month ones.
        let infant = &fam.patients[0];
        let infant_cvx: Vec<_> = fam
            .items
            .iter()
            .filter_map(|i| match i {
                RecordItem::Immunization(im) if im.meta.patient_id == infant.id => im.cvx.clone(),
                _ => None,
            })
            .collect();
        assert!(infant_cvx.contains(&"20".to_string()));
        assert_eq!(infant_cvx.iter().filter(|c| *c == "20").count(), 2);
    }

    #[test]
    fn same_seed_same_families() {
        let today = date(2026, 11, 30);
        let a = Generator::new(3, today).family();
        let b = Generator::new(3, today).family();
        assert_eq!(a.patients, b.patients);
        assert_eq!(a.items.len(), b.items.len());
    }

    #[test]
    fn ids_increase_and_families_write_to_the_practice() {
        let today = date(2026, 11, 30);
        let mut gen = Generator::new(7, today);
        let families: Vec<DemoFamily> = (0..200).map(|_| gen.family()).collect();
        // Ids are made in increasing order: every id of a family is above
        // every id of the families before (so a chunk is appended to the
        // indexes), and no id repeats. (Appointment and refill ids are made
        // from the family number instead, `care`, and increase on their own.)
        let counted = |id: &&str| !id.ends_with("a6a6a6a6a6a6");
        let ranges: Vec<(&str, &str)> = families
            .iter()
            .map(|f| {
                let ids = f.items.iter().map(|i| i.meta().id.as_str()).filter(counted);
                let patients = f.patients.iter().map(|p| p.id.as_str());
                let all: Vec<&str> = ids.chain(patients).collect();
                let lo = all.iter().min().copied().unwrap_or_default();
                let hi = all.iter().max().copied().unwrap_or_default();
                (lo, hi)
            })
            .collect();
        assert!(ranges.windows(2).all(|w| w[0].1 < w[1].0));
        let mut ids: Vec<&str> = families
            .iter()
            .flat_map(|f| f.items.iter().map(|i| i.meta().id.as_str()))
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        // The showcase families' threads are written by hand, not here.
        assert!(families[0].threads.is_empty() && families[1].threads.is_empty());
        let with = families.iter().filter(|f| !f.threads.is_empty()).count();
        assert!((60..140).contains(&with), "{with} of 200 families wrote");
        for f in &families {
            for t in &f.threads {
                assert!(f.patients.iter().any(|p| p.id == t.patient_id));
                let author = f.accounts.iter().find(|a| a.id == t.author).unwrap();
                assert_eq!(author.role, DemoRole::Parent);
                assert!((1..60 * 24).contains(&t.asked_hours_ago));
                if let Some((answered, _)) = t.answer {
                    assert!((0..t.asked_hours_ago).contains(&answered));
                }
                assert!(!t.closed || t.answer.is_some());
            }
        }
    }

    #[test]
    fn no_penicillin_for_the_allergic_and_no_vaccine_before_its_licence() {
        let today = date(2026, 11, 30);
        let mut g = Generator::new(11, today);
        for _ in 0..200 {
            let fam = g.family();
            for p in &fam.patients {
                let mine = || fam.items.iter().filter(|i| i.meta().patient_id == p.id);
                let allergic = mine().any(|i| {
                    matches!(i, RecordItem::AllergyIntolerance(a) if a.code.as_deref() == Some("91936005"))
                });
                for i in mine() {
                    match i {
                        RecordItem::MedicationRequest(m) if allergic => {
                            let t = m.medication_text.to_lowercase();
                            assert!(
                                !t.contains("penicillin") && !t.contains("amoxicillin"),
                                "{t}"
                            );
                        }
                        RecordItem::Immunization(im) if im.cvx.as_deref() == Some("215") => {
                            assert!(im.occurrence.unwrap() >= date(2022, 7, 1));
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}
