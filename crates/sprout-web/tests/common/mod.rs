//! Test fixture: the real router on 127.0.0.1:0 over a fresh SQLite file, a
//! small family built through the store, and a cookie-keeping HTTP client.

#![allow(dead_code)]

use jiff::civil::{date, Date};
use reqwest::header::HeaderMap;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use sprout_domain::people::{AccountStatus, ProxyRelationship, RelationshipKind, StaffRole};
use sprout_domain::record::{
    AdministrativeSex, AllergyIntolerance, Condition, Encounter, Immunization, ItemMeta, Labels,
    MedicationRequest, Observation, ObservationCategory, ObservationComponent, Patient, RecordItem,
};
use sprout_domain::{AccountId, ItemId, PatientId};
use sprout_store::{AuditEvent, AuditFilter, ImportBatch, NewAccount, Store};
use sprout_web::{AppState, FixedClock, WebConfig};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The day the tests run "on".
pub const TODAY: Date = date(2026, 3, 2);
/// Everyone's password in the fixture.
pub const PASSWORD: &str = "correct horse battery staple";

pub const PARENT_EMAIL: &str = "maria@example.com";
pub const OTHER_PARENT_EMAIL: &str = "sam@example.com";
pub const NURSE_EMAIL: &str = "nurse@example.com";
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// The TOTP secret (RFC 6238, base32) of every staff account the fixture
/// creates: staff must have a second factor, and [`Browser::sign_in`] types
/// the code for them.
pub const STAFF_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// A running server and handles on its store and clock.
pub struct App {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub clock: Arc<FixedClock>,
    pub ana: PatientId,
    pub ben: PatientId,
    pub cara: PatientId,
    pub parent: AccountId,
    pub other_parent: AccountId,
    pub rel_ben: ProxyRelationship,
    _dir: tempfile::TempDir,
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

fn id16(tag: u8) -> [u8; 16] {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut b = [tag; 16];
    b[..8].copy_from_slice(&n.to_be_bytes());
    b
}

fn pid(tag: u8) -> PatientId {
    PatientId::from_random(id16(tag))
}

fn meta(patient: &PatientId, source: &str) -> ItemMeta {
    ItemMeta {
        id: ItemId::from_random(id16(0xee)),
        patient_id: patient.clone(),
        source_id: source.to_owned(),
        labels: Labels::default(),
    }
}

pub fn patient(id: &PatientId, given: &str, family: &str, born: Date) -> Patient {
    Patient {
        id: id.clone(),
        source_id: Some(format!("src-{id}")),
        mrn: Some(format!("MRN-{}", given.to_uppercase())),
        given_name: given.into(),
        family_name: family.into(),
        birth_date: born,
        sex: AdministrativeSex::Unknown,
        phone: None,
        email: None,
        address: None,
        gestation_weeks: None,
        labels: Labels::default(),
    }
}

pub fn vital(
    p: &PatientId,
    src: &str,
    loinc: &str,
    display: &str,
    value: f64,
    unit: &str,
    when: &str,
) -> RecordItem {
    RecordItem::Observation(Observation {
        meta: meta(p, src),
        category: ObservationCategory::VitalSigns,
        status: "final".into(),
        loinc: Some(loinc.into()),
        display: display.into(),
        effective: Some(when.into()),
        value: Some(value),
        unit: Some(unit.into()),
        value_text: None,
        components: vec![],
        encounter_source_id: None,
        reference_range: None,
        interpretation: None,
        issued: None,
    })
}

fn blood_pressure(p: &PatientId, src: &str, sys: f64, dia: f64, when: &str) -> RecordItem {
    let comp = |code: &str, display: &str, v: f64| ObservationComponent {
        code: Some(code.into()),
        display: display.into(),
        value: Some(v),
        unit: Some("mm[Hg]".into()),
    };
    RecordItem::Observation(Observation {
        meta: meta(p, src),
        category: ObservationCategory::VitalSigns,
        status: "final".into(),
        loinc: Some("85354-9".into()),
        display: "Blood pressure panel with all children optional".into(),
        effective: Some(when.into()),
        value: None,
        unit: None,
        value_text: None,
        components: vec![
            comp("8480-6", "Systolic blood pressure", sys),
            comp("8462-4", "Diastolic blood pressure", dia),
        ],
        encounter_source_id: None,
        reference_range: None,
        interpretation: None,
        issued: None,
    })
}

pub fn immunization(
    p: &PatientId,
    src: &str,
    cvx: &str,
    text: &str,
    status: &str,
    reason: Option<&str>,
    on: Date,
) -> RecordItem {
    RecordItem::Immunization(Immunization {
        meta: meta(p, src),
        status: status.into(),
        status_reason: reason.map(Into::into),
        cvx: Some(cvx.into()),
        vaccine_text: text.into(),
        occurrence: Some(on),
        lot_number: None,
        site: None,
        primary_source: Some(true),
    })
}

/// Every section of one child's record, with `mark` in each text so a page can
/// be told apart from another child's.
fn full_record(p: &PatientId, mark: &str, weight: f64) -> Vec<RecordItem> {
    vec![
        vital(
            p,
            &format!("{mark}-w1"),
            "29463-7",
            "Body Weight",
            weight,
            "kg",
            "2026-01-10T09:00:00-05:00",
        ),
        vital(
            p,
            &format!("{mark}-w0"),
            "29463-7",
            "Body Weight",
            weight - 1.0,
            "kg",
            "2025-01-10T09:00:00-05:00",
        ),
        vital(
            p,
            &format!("{mark}-h1"),
            "8302-2",
            "Body Height",
            110.0,
            "cm",
            "2026-01-10T09:00:00-05:00",
        ),
        blood_pressure(
            p,
            &format!("{mark}-bp"),
            102.0,
            64.0,
            "2026-01-10T09:00:00-05:00",
        ),
        immunization(
            p,
            &format!("{mark}-i1"),
            "03",
            "MMR",
            "completed",
            None,
            date(2024, 5, 1),
        ),
        immunization(
            p,
            &format!("{mark}-i2"),
            "999999",
            &format!("{mark} local vaccine"),
            "not-done",
            Some("Parent declined"),
            date(2025, 5, 1),
        ),
        immunization(
            p,
            &format!("{mark}-i3"),
            "08",
            "Hep B",
            "entered-in-error",
            None,
            date(2023, 5, 1),
        ),
        RecordItem::MedicationRequest(MedicationRequest {
            meta: meta(p, &format!("{mark}-m1")),
            status: "active".into(),
            rxnorm: None,
            medication_text: format!("{mark} Amoxicillin 250 mg"),
            dosage_text: Some("5 mL twice a day".into()),
            authored_on: Some("2026-01-10".into()),
            prescriber: Some("Dr. Rivera".into()),
        }),
        RecordItem::AllergyIntolerance(AllergyIntolerance {
            meta: meta(p, &format!("{mark}-a1")),
            display: format!("{mark} Peanut"),
            code: None,
            clinical_status: Some("active".into()),
            verification_status: Some("confirmed".into()),
            category: Some("food".into()),
            criticality: Some("high".into()),
            reaction: Some("Hives".into()),
            recorded: Some("2024-02-02".into()),
        }),
        RecordItem::Condition(Condition {
            meta: meta(p, &format!("{mark}-c1")),
            display: format!("{mark} Asthma"),
            code: None,
            clinical_status: Some("active".into()),
            verification_status: None,
            onset: Some("2023-09-01".into()),
            abatement: None,
            recorded: None,
        }),
        RecordItem::Encounter(Encounter {
            meta: meta(p, &format!("{mark}-e1")),
            status: "finished".into(),
            class_code: Some("AMB".into()),
            type_text: Some(format!("{mark} Well child visit")),
            reason_text: None,
            start: Some("2026-01-10T09:00:00-05:00".into()),
            end: None,
            practitioner: Some("Dr. Rivera".into()),
            location: Some("Main Street Pediatrics".into()),
        }),
        RecordItem::Observation(Observation {
            meta: meta(p, &format!("{mark}-l1")),
            category: ObservationCategory::Laboratory,
            status: "final".into(),
            loinc: Some("718-7".into()),
            display: format!("{mark} Hemoglobin"),
            effective: Some("2026-01-10T09:00:00-05:00".into()),
            value: Some(12.5),
            unit: Some("g/dL".into()),
            value_text: None,
            components: vec![],
            encounter_source_id: None,
            reference_range: None,
            interpretation: None,
            issued: None,
        }),
    ]
}

pub fn relationship(account: &AccountId, patient: &PatientId) -> ProxyRelationship {
    ProxyRelationship {
        id: format!("rel-{}", COUNTER.fetch_add(1, Ordering::Relaxed)),
        account_id: account.clone(),
        patient_id: patient.clone(),
        kind: RelationshipKind::Parent,
        granted_on: date(2024, 1, 1),
        verified_on: Some(date(2024, 1, 2)),
        patient_approved_on: None,
        sections_hidden: vec![],
        evidence_on_file: false,
        evidence_expires_on: None,
        expires_on: None,
        revoked_on: None,
    }
}

fn password_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| sprout_web::hash_password(PASSWORD))
        .clone()
}

async fn account(store: &dyn Store, email: &str, name: &str, role: Option<StaffRole>) -> AccountId {
    let id = AccountId::from_random(id16(0xaa));
    store
        .create_account(&NewAccount {
            id: id.clone(),
            email: email.into(),
            display_name: name.into(),
            password_hash: password_hash(),
            status: AccountStatus::Active,
            staff_role: role,
            patient_id: None,
        })
        .await
        .unwrap();
    if role.is_some() {
        enroll_staff_totp(store, &id).await;
    }
    id
}

/// Gives a staff account the fixture's second factor ([`STAFF_TOTP_SECRET`]).
async fn enroll_staff_totp(store: &dyn Store, id: &AccountId) {
    store
        .enroll_totp(id, STAFF_TOTP_SECRET, &[], jiff::Timestamp::now())
        .await
        .unwrap();
}

/// Starts a fresh server: Maria is the parent of Ana and Ben; Sam of Cara; a
/// nurse and an admin work at the practice.
/// A second app node on `app`'s database (its own store, as another
/// process would open it; the same clock and default settings): its base
/// URL and its store. The cookie jar is per host, so a [`Browser`] of `app`
/// pointed at this base is the same signed-in user.
pub async fn second_node(app: &App) -> (String, Arc<dyn Store>) {
    let url = format!("sqlite://{}/sprout.db", app._dir.path().display());
    let store: Arc<dyn Store> = Arc::new(sprout_store_sqlite::open(&url).await.unwrap());
    let state = AppState::new(store.clone(), app.clock.clone(), WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        sprout_web::serve(listener, state).await.unwrap();
    });
    (base, store)
}

pub async fn start() -> App {
    start_with(WebConfig::default()).await
}

/// [`start`] with other settings.
pub async fn start_with(config: WebConfig) -> App {
    start_with_clock(config, Arc::new(FixedClock::new(TODAY))).await
}

/// [`start_with`] with a given clock (a fixed "now" for release rules).
pub async fn start_with_clock(config: WebConfig, clock: Arc<FixedClock>) -> App {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/sprout.db", dir.path().display());
    let store: Arc<dyn Store> = Arc::new(sprout_store_sqlite::open(&url).await.unwrap());
    let (ana, ben, cara) = (pid(1), pid(2), pid(3));
    let mut items = full_record(&ana, "Ana", 18.2);
    items.extend(full_record(&ben, "Ben", 11.4));
    items.extend(full_record(&cara, "Cara", 20.0));
    store
        .import_batch(&ImportBatch {
            patients: vec![
                patient(&ana, "Ana", "Lopez", date(2019, 4, 2)),
                patient(&ben, "Ben", "Lopez", date(2024, 7, 15)),
                patient(&cara, "Cara", "Smith", date(2018, 6, 1)),
            ],
            items,
        })
        .await
        .unwrap();
    let parent = account(store.as_ref(), PARENT_EMAIL, "Maria Lopez", None).await;
    let other_parent = account(store.as_ref(), OTHER_PARENT_EMAIL, "Sam Smith", None).await;
    account(
        store.as_ref(),
        NURSE_EMAIL,
        "Nora Nurse",
        Some(StaffRole::Nurse),
    )
    .await;
    account(
        store.as_ref(),
        ADMIN_EMAIL,
        "Adam Admin",
        Some(StaffRole::Admin),
    )
    .await;
    store
        .add_relationship(&relationship(&parent, &ana))
        .await
        .unwrap();
    let rel_ben = relationship(&parent, &ben);
    store.add_relationship(&rel_ben).await.unwrap();
    store
        .add_relationship(&relationship(&other_parent, &cara))
        .await
        .unwrap();

    let state = AppState::new(store.clone(), clock.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        sprout_web::serve(listener, state).await.unwrap();
    });
    App {
        base,
        store,
        clock,
        ana,
        ben,
        cara,
        parent,
        other_parent,
        rel_ben,
        _dir: dir,
    }
}

/// A response, read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let i = self.body.find(marker).expect("page has a csrf field") + marker.len();
        self.body[i..i + self.body[i..].find('"').unwrap()].to_owned()
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}

/// A browser: keeps cookies, does not follow redirects (tests look at them).
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    /// The app's store and clock, so [`Browser::sign_in`] can type a TOTP code.
    pub store: Arc<dyn Store>,
    pub clock: Arc<FixedClock>,
}

impl Browser {
    pub fn new(app: &App) -> Self {
        Self::with_headers(app, HeaderMap::new())
    }

    pub fn with_headers(app: &App, headers: HeaderMap) -> Self {
        Self {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .default_headers(headers)
                .build()
                .unwrap(),
            base: app.base.clone(),
            store: app.store.clone(),
            clock: app.clock.clone(),
        }
    }

    pub async fn read(resp: reqwest::Response) -> Page {
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.text().await.unwrap();
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::read(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Self::read(
            self.client
                .post(format!("{}{path}", self.base))
                .form(form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Signs in; panics unless the server redirects (success). For an
    /// account with a second factor (every fixture staff account), it then
    /// types the current TOTP code of the account's stored secret, as an
    /// authenticator app would; a code is never used twice, so when this
    /// step's code was used already it takes the next step's (accepted for
    /// clock drift), moving the app's clock on when even that was used.
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        let csrf = form.csrf();
        let page = self
            .post(
                "/login",
                &[("email", email), ("password", password), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            page.body
        );
        if page.location() != Some("/login/code") {
            return page;
        }
        let code = self.next_totp_code(email).await;
        let form = self.get("/login/code").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let page = self
            .post(
                "/login/code",
                &[("code", code.as_str()), ("csrf", &form.csrf())],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "second sign-in step failed: {}",
            page.body
        );
        page
    }

    /// A TOTP code of `email`'s account that the server will accept now.
    pub async fn next_totp_code(&self, email: &str) -> String {
        let (account, _) = self
            .store
            .account_by_email(email)
            .await
            .unwrap()
            .expect("account");
        let sec = self.store.account_security(&account.id).await.unwrap();
        let secret = sec.totp_secret.expect("account has a second factor");
        let current = sprout_web::totp_step_of(sprout_web::Clock::now(self.clock.as_ref()));
        let step = match sec.totp_last_step {
            Some(last) if last >= current => last + 1,
            _ => current,
        };
        if step > current + 1 {
            self.clock
                .advance(jiff::SignedDuration::from_secs((step - current - 1) * 30));
        }
        sprout_web::totp_code_at_step(&secret, step).expect("base32 secret")
    }
}

/// Audit events, newest first, with optional filters.
pub async fn audit(
    app: &App,
    action: Option<&str>,
    patient: Option<&PatientId>,
) -> Vec<AuditEvent> {
    app.store
        .audit_events(&AuditFilter {
            patient_id: patient.cloned(),
            account_id: None,
            action: action.map(Into::into),
            limit: 500,
        })
        .await
        .unwrap()
}

/// A new patient id.
pub fn new_patient_id() -> PatientId {
    pid(7)
}

/// Creates an active account (staff when `role`, a patient's own login when
/// `patient`), with the fixture's password; staff get the fixture's second
/// factor ([`STAFF_TOTP_SECRET`]).
pub async fn add_account(
    app: &App,
    email: &str,
    name: &str,
    role: Option<StaffRole>,
    patient: Option<&PatientId>,
) -> AccountId {
    let id = AccountId::from_random(id16(0xab));
    app.store
        .create_account(&NewAccount {
            id: id.clone(),
            email: email.into(),
            display_name: name.into(),
            password_hash: password_hash(),
            status: AccountStatus::Active,
            staff_role: role,
            patient_id: patient.cloned(),
        })
        .await
        .unwrap();
    if role.is_some() {
        enroll_staff_totp(app.store.as_ref(), &id).await;
    }
    id
}

/// Stores a patient and items.
pub async fn add_patient(
    app: &App,
    given: &str,
    family: &str,
    born: Date,
    items: Vec<RecordItem>,
) -> PatientId {
    let id = new_patient_id();
    app.store
        .import_batch(&ImportBatch {
            patients: vec![patient(&id, given, family, born)],
            items,
        })
        .await
        .unwrap();
    id
}

/// One item of a list section whose shown text is `marker` (so a test can
/// look for it in a page), with these labels. `section` is one of the seven
/// sections with a list page.
pub fn marked_item(
    p: &PatientId,
    section: sprout_domain::record::Section,
    marker: &str,
    labels: Labels,
) -> RecordItem {
    use sprout_domain::record::Section as S;
    let m = ItemMeta {
        labels,
        ..meta(p, &format!("src-{marker}"))
    };
    let obs = |category| {
        RecordItem::Observation(Observation {
            meta: m.clone(),
            category,
            status: "final".into(),
            loinc: None,
            display: marker.into(),
            effective: Some("2025-01-10T09:00:00-05:00".into()),
            value: Some(1.0),
            unit: Some("mg".into()),
            value_text: None,
            components: vec![],
            encounter_source_id: None,
            reference_range: None,
            interpretation: None,
            issued: None,
        })
    };
    match section {
        S::Vitals => obs(ObservationCategory::VitalSigns),
        S::LabResults => obs(ObservationCategory::Laboratory),
        S::Immunizations => RecordItem::Immunization(Immunization {
            meta: m,
            status: "completed".into(),
            status_reason: None,
            cvx: Some("999999".into()),
            vaccine_text: marker.into(),
            occurrence: Some(date(2024, 5, 1)),
            lot_number: None,
            site: None,
            primary_source: Some(true),
        }),
        S::Medications => RecordItem::MedicationRequest(MedicationRequest {
            meta: m,
            status: "active".into(),
            rxnorm: None,
            medication_text: marker.into(),
            dosage_text: None,
            authored_on: Some("2025-01-10".into()),
            prescriber: None,
        }),
        S::Allergies => RecordItem::AllergyIntolerance(AllergyIntolerance {
            meta: m,
            display: marker.into(),
            code: None,
            clinical_status: Some("active".into()),
            verification_status: None,
            category: None,
            criticality: None,
            reaction: None,
            recorded: Some("2024-02-02".into()),
        }),
        S::Problems => RecordItem::Condition(Condition {
            meta: m,
            display: marker.into(),
            code: None,
            clinical_status: Some("active".into()),
            verification_status: None,
            onset: Some("2023-09-01".into()),
            abatement: None,
            recorded: None,
        }),
        S::VisitSummaries => RecordItem::Encounter(Encounter {
            meta: m,
            status: "finished".into(),
            class_code: Some("AMB".into()),
            type_text: Some(marker.into()),
            reason_text: None,
            start: Some("2025-01-10T09:00:00-05:00".into()),
            end: None,
            practitioner: None,
            location: None,
        }),
        other => panic!("no list page for {other}"),
    }
}

/// The page paths of a patient's record: summary and the seven lists.
pub fn record_paths(p: &PatientId) -> Vec<String> {
    std::iter::once(format!("/patients/{p}"))
        .chain(
            [
                "vitals",
                "immunizations",
                "medications",
                "allergies",
                "problems",
                "visits",
                "lab-results",
            ]
            .iter()
            .map(|s| format!("/patients/{p}/{s}")),
        )
        .collect()
}

impl Browser {
    /// Posts a form from `page_path` (its first CSRF token) to `action`.
    pub async fn submit(&self, page_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(page_path).await;
        assert_eq!(page.status, StatusCode::OK, "{page_path}: {}", page.body);
        let csrf = page.csrf();
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        form.extend_from_slice(fields);
        self.post(action, &form).await
    }
}
