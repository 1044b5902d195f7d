//! `sprout demo`: writes the generated demo practice into the store and lists
//! its logins. What the families look like is `sprout-demo`'s business; whom a
//! login may see is decided by the access rule in `sprout-domain`.

use anyhow::{bail, Context};
use jiff::civil::Date;
use serde::Serialize;
use sprout_demo::{DemoAccount, DemoRole, DemoThread, Generator, DEMO_PASSWORD};
use sprout_domain::access::{self, Actor};
use sprout_domain::people::ProxyRelationship;
use sprout_domain::policy::Policy;
use sprout_domain::record::Patient;
use sprout_store::{ImportBatch, NewAccount, Store};
use std::path::Path;
use std::time::Instant;

/// One line of `--accounts-json`.
#[derive(Debug, Serialize)]
pub struct Login {
    /// `parent`, `patient` or a staff role.
    pub role: String,
    /// Sign-in email.
    pub email: String,
    /// Password.
    pub password: String,
    /// The TOTP shared secret (RFC 6238, base32) of a login with a second
    /// factor (every staff login), so tests and scripts can compute the code;
    /// `null` when the login has none.
    pub totp_secret: Option<String>,
    /// Whom this login may see today.
    pub patients: Vec<LoginPatient>,
    /// Office PINs this (front-desk) login issued for children without a
    /// linked parent, so a tester can link a child as a new parent would.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issued_pins: Vec<IssuedPin>,
}

/// An office PIN the demo's front desk issued.
#[derive(Debug, Serialize)]
pub struct IssuedPin {
    /// The child's full name.
    pub patient_name: String,
    /// The child's birth date, `YYYY-MM-DD` (asked with the PIN).
    pub birth_date: String,
    /// The PIN as written for people (`ABCD-EFGH-JK`).
    pub pin: String,
}

/// The MRN of the demo's child without a linked parent.
const UNLINKED_MRN: &str = "DEMO-UNLINKED-1";

/// Makes sure the demo has a child without a linked parent and, while the
/// child stays unlinked, issues a fresh office PIN for them (30 days), which
/// is returned (it is stored only as a hash).
async fn unlinked_child_pin(store: &dyn Store, today: Date) -> anyhow::Result<Option<IssuedPin>> {
    let patient = match store.patient_by_mrn(UNLINKED_MRN).await? {
        Some(p) => p,
        None => {
            let born = today
                .checked_sub(jiff::Span::new().years(3).months(2))
                .unwrap_or(today);
            let p = Patient {
                id: sprout_domain::PatientId::from_random(rand::random()),
                source_id: Some("demo-unlinked-1".to_owned()),
                mrn: Some(UNLINKED_MRN.to_owned()),
                given_name: "Noah".to_owned(),
                family_name: "Rivera".to_owned(),
                birth_date: born,
                sex: sprout_domain::record::AdministrativeSex::Male,
                phone: None,
                email: None,
                address: None,
                gestation_weeks: None,
                labels: sprout_domain::record::Labels::default(),
            };
            store
                .import_batch(&ImportBatch {
                    patients: vec![p.clone()],
                    items: Vec::new(),
                })
                .await
                .context("writing the demo's unlinked child")?;
            p
        }
    };
    if !store
        .relationships_of_patient(&patient.id)
        .await?
        .is_empty()
    {
        return Ok(None);
    }
    let pin = sprout_web::issue_office_pin(
        store,
        &patient.id,
        None,
        jiff::Timestamp::now(),
        jiff::SignedDuration::from_hours(30 * 24),
    )
    .await?;
    Ok(Some(IssuedPin {
        patient_name: patient.display_name(),
        birth_date: patient.birth_date.to_string(),
        pin,
    }))
}

/// Issues the demo's office PIN and gives it to the front-desk login.
async fn add_pin(store: &dyn Store, today: Date, logins: &mut [Login]) -> anyhow::Result<()> {
    if let Some(pin) = unlinked_child_pin(store, today).await? {
        if let Some(desk) = logins.iter_mut().find(|l| l.role == "front-desk") {
            desk.issued_pins.push(pin);
        }
    }
    Ok(())
}

/// A patient a login may see.
#[derive(Debug, Serialize)]
pub struct LoginPatient {
    /// Sprout's patient id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
}

/// The email that marks a database as holding the demo practice.
const MARKER_EMAIL: &str = "admin@example.org";
/// Families per transaction.
const CHUNK: usize = 100;

/// Seeds `families` demo families into an empty database (or finds the demo
/// already there) and returns the logins to print and the families' message
/// threads still to write (none when the demo was already there).
///
/// # Errors
/// A database that holds something other than the demo practice, or a store error.
pub async fn seed(
    store: &dyn Store,
    families: usize,
    seed: u64,
    today: Date,
    policy: &Policy,
    accounts_json: Option<&Path>,
) -> anyhow::Result<(Vec<Login>, Vec<DemoThread>)> {
    if families == 0 {
        bail!("--families must be at least 1");
    }
    let mut gen = Generator::new(seed, today);
    let staff = gen.staff();
    if store.account_by_email(MARKER_EMAIL).await?.is_some() {
        eprintln!("The demo practice is already in this database; serving it as it is.");
        let showcase = gen.family();
        let mut logins = Vec::new();
        for a in staff.iter().chain(showcase.accounts.iter()) {
            if let Some((acc, _)) = store.account_by_email(&a.email).await? {
                let rels = store.relationships_of_account(&acc.id).await?;
                let mut ids: Vec<_> = rels.iter().map(|r| r.patient_id.clone()).collect();
                ids.extend(acc.patient_id.clone());
                let patients = store.patients(&ids).await?;
                let mut login = login_for(a, &patients, &rels, policy, today);
                login.totp_secret = store.account_security(&acc.id).await?.totp_secret;
                logins.push(login);
            }
        }
        add_pin(store, today, &mut logins).await?;
        write_accounts_json(accounts_json, &logins)?;
        return Ok((logins, Vec::new()));
    }
    if store.has_any_account().await? {
        bail!("this database already has accounts that are not the demo practice's; give `sprout demo` an empty database (--database-url)");
    }
    let started = Instant::now();
    let hash = tokio::task::spawn_blocking(|| sprout_web::hash_password(DEMO_PASSWORD)).await?;
    // The families are made on a thread of their own while the previous
    // chunk is written, so generating and writing use both cores.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<sprout_demo::DemoFamily>>(2);
    let maker = std::thread::spawn(move || {
        let mut done = 0usize;
        while done < families {
            let n = CHUNK.min(families - done);
            let chunk: Vec<_> = (0..n).map(|_| gen.family()).collect();
            if tx.blocking_send(chunk).is_err() {
                break;
            }
            done += n;
        }
    });
    let mut logins: Vec<Login> = Vec::new();
    let mut threads: Vec<DemoThread> = Vec::new();
    let mut patient_count = 0usize;
    let mut item_count = 0usize;
    let mut done = 0usize;
    while let Some(chunk) = rx.recv().await {
        let n = chunk.len();
        let mut batch = ImportBatch::default();
        let mut accounts: Vec<DemoAccount> = if done == 0 { staff.clone() } else { Vec::new() };
        let mut rels: Vec<ProxyRelationship> = Vec::new();
        for fam in chunk {
            for a in &fam.accounts {
                logins.push(login_for(
                    a,
                    &fam.patients,
                    &fam.relationships,
                    policy,
                    today,
                ));
            }
            batch.patients.extend(fam.patients);
            batch.items.extend(fam.items);
            accounts.extend(fam.accounts);
            rels.extend(fam.relationships);
            threads.extend(fam.threads);
        }
        // Staff come with a second factor enrolled (staff must have one).
        let staff_secrets: Vec<String> = if done == 0 {
            staff
                .iter()
                .map(|_| sprout_web::new_totp_secret())
                .collect()
        } else {
            Vec::new()
        };
        if done == 0 {
            for (a, secret) in staff.iter().zip(&staff_secrets) {
                let mut login = login_for(a, &[], &[], policy, today);
                login.totp_secret = Some(secret.clone());
                logins.insert(0, login);
            }
        }
        patient_count += batch.patients.len();
        item_count += batch.items.len();
        let new_accounts: Vec<NewAccount> = accounts
            .iter()
            .map(|a| NewAccount {
                id: a.id.clone(),
                email: a.email.clone(),
                display_name: a.display_name.clone(),
                password_hash: hash.clone(),
                status: a.status,
                staff_role: match a.role {
                    DemoRole::Staff(r) => Some(r),
                    _ => None,
                },
                patient_id: a.patient_id.clone(),
            })
            .collect();
        store
            .seed_batch(&batch, &new_accounts, &rels)
            .await
            .context("writing demo families")?;
        let now = jiff::Timestamp::now();
        for (a, secret) in staff.iter().zip(&staff_secrets) {
            store
                .enroll_totp(&a.id, secret, &[], now)
                .await
                .context("enrolling the demo staff's second factor")?;
        }
        done += n;
        if families >= 1000 && done % 1000 < CHUNK {
            eprintln!("  {done} of {families} families written");
        }
    }
    drop(rx);
    maker
        .join()
        .map_err(|_| anyhow::anyhow!("the demo generator thread panicked"))?;
    eprintln!(
        "Demo practice created: {families} families, {patient_count} patients, {item_count} record items in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    add_pin(store, today, &mut logins).await?;
    write_accounts_json(accounts_json, &logins)?;
    Ok((logins, threads))
}

fn write_accounts_json(path: Option<&Path>, logins: &[Login]) -> anyhow::Result<()> {
    if let Some(path) = path {
        std::fs::write(path, serde_json::to_string_pretty(logins)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Whom `a` may see today among `patients` (anything at all), by the same
/// policy function the server uses, under the default policy.
fn login_for(
    a: &DemoAccount,
    patients: &[Patient],
    rels: &[ProxyRelationship],
    policy: &Policy,
    today: Date,
) -> Login {
    let actor = Actor {
        account_id: a.id.clone(),
        status: a.status,
        staff_role: match a.role {
            DemoRole::Staff(r) => Some(r),
            _ => None,
        },
        own_patient: a.patient_id.clone(),
    };
    let visible = patients
        .iter()
        .filter(|p| {
            // The patient's own login is the actor's for their own record; a
            // proxy's view does not depend on it.
            let facts = access::own_record_facts(&actor, p)
                .unwrap_or_else(|| access::patient_facts(p, None, None));
            !matches!(a.role, DemoRole::Staff(_))
                && !access::visible_sections(policy, &actor, &p.id, &facts, rels, today).is_empty()
        })
        .map(|p| LoginPatient {
            id: p.id.to_string(),
            name: p.display_name(),
            birth_date: p.birth_date.to_string(),
        })
        .collect();
    Login {
        role: a.role.code().to_owned(),
        email: a.email.clone(),
        password: DEMO_PASSWORD.to_owned(),
        totp_secret: None,
        patients: visible,
        issued_pins: Vec::new(),
    }
}

/// Prints the first logins of each role, for a person to try.
pub fn print_logins(logins: &[Login], listen: &str) {
    use std::io::Write;
    // Written by hand so that a closed pipe (`sprout demo | head`) ends the
    // listing quietly instead of panicking.
    let mut out = String::new();
    out.push_str(&format!(
        "\nDemo logins (password for all: {DEMO_PASSWORD}):\n"
    ));
    let mut shown = 0;
    for l in logins {
        let is_showcase = l.email.ends_with("garcia@example.org");
        if is_showcase || !l.role.starts_with('p') {
            let who: Vec<_> = l.patients.iter().map(|p| p.name.as_str()).collect();
            out.push_str(&format!(
                "  {:<12} {:<34} {}\n",
                l.role,
                l.email,
                who.join(", ")
            ));
            shown += 1;
        }
    }
    if logins.iter().any(|l| l.totp_secret.is_some()) {
        out.push_str(
            "\nStaff sign in with a code from an authenticator app (RFC 6238 TOTP); add these keys to one:\n",
        );
        for l in logins.iter().filter(|l| l.totp_secret.is_some()) {
            out.push_str(&format!(
                "  {:<34} {}\n",
                l.email,
                l.totp_secret.as_deref().unwrap_or_default()
            ));
        }
    }
    if logins.len() > shown {
        out.push_str(&format!(
            "  ... and {} more (see --accounts-json)\n",
            logins.len() - shown
        ));
    }
    out.push_str(&format!(
        "\nStaff can open a chart by MRN, e.g. {} (the showcase family's infant).\n",
        sprout_demo::showcase_mrn(0)
    ));
    out.push_str(&format!("\nOpen http://{listen}/ in a browser.\n"));
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

/// The demo practice's `[appointments]` settings, used when the config file
/// has none: a video link, copays, and one document to sign at pre-check-in.
pub fn appointment_settings() -> sprout_web::AppointmentSettings {
    sprout_web::AppointmentSettings {
        video_url: Some(sprout_demo::DEMO_VIDEO_URL.to_owned()),
        default_copay_cents: Some(2500),
        copays: vec![("Well child visit".to_owned(), 0)],
        documents: sprout_demo::DEMO_DOCUMENTS
            .iter()
            .map(|(id, title, text)| sprout_web::PracticeDocument {
                id: (*id).to_owned(),
                title: (*title).to_owned(),
                text: (*text).to_owned(),
            })
            .collect(),
        ..Default::default()
    }
}
