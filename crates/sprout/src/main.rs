//! `sprout`: the one binary. Parses the command line and configuration, opens
//! the store picked by the database URL, and wires the web server, the importer,
//! the demo generator and the admin commands together. No rules live here.

mod config;
mod demo;
mod demo_messages;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use config::{FileConfig, DEFAULT_DATABASE_URL, DEFAULT_LISTEN};
use sprout_domain::people::{AccountStatus, ProxyRelationship, RelationshipKind, StaffRole};
use sprout_domain::{AccountId, PatientId};
use sprout_store::{NewAccount, Store, StoreError};
use std::path::PathBuf;
use std::sync::Arc;

/// mimalloc instead of glibc's allocator: under bench/run, glibc's malloc,
/// free and arena locks were about 15% of a patient page's time (every row
/// sqlx reads is copied into owned values on one thread and freed on
/// another).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sprout: a patient portal for pediatric practices.
#[derive(Debug, Parser)]
#[command(name = "sprout", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every command that opens the database shares.
#[derive(Debug, Clone, Args)]
struct DbArgs {
    /// Database URL: `sqlite://PATH` or `postgres://...` [default: sqlite://./data/sprout.db]
    #[arg(long, env = "SPROUT_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Practice configuration file (TOML) [default: ./sprout.toml when present]
    #[arg(long, env = "SPROUT_CONFIG", global = true)]
    config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the portal.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "SPROUT_LISTEN")]
        listen: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Create a demo practice on an empty database and serve it.
    Demo {
        /// How many families to create.
        #[arg(long, default_value_t = 20)]
        families: usize,
        /// Also write the demo logins as JSON to this file.
        #[arg(long)]
        accounts_json: Option<PathBuf>,
        /// Run the demo practice as of this date (YYYY-MM-DD) instead of today.
        #[arg(long)]
        today: Option<String>,
        /// Seed for the generator (same seed and date, same families).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Create the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "SPROUT_LISTEN")]
        listen: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import records from the practice's EHR.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        what: StaffCommand,
    },
    /// Link family members (proxies) to patients.
    Family {
        #[command(subcommand)]
        what: FamilyCommand,
    },
    /// Scheduled work: advance notices and the email outbox.
    Jobs {
        #[command(subcommand)]
        what: JobsCommand,
    },
    /// Immunization evaluation and forecast (CDC CDSi).
    Immunizations {
        #[command(subcommand)]
        what: ImmunizationsCommand,
    },
    /// Growth z-scores and percentiles (WHO 2006, CDC 2000).
    Growth {
        #[command(subcommand)]
        what: GrowthCommand,
    },
    /// Show the access policy in force, or check scenario files against it.
    Policy {
        #[command(subcommand)]
        what: PolicyCommand,
    },
    /// The audit trail: check that no event was altered, deleted or slipped in.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the audit trail's hash chain from the first event to the head.
    /// Exits 0 when intact; otherwise prints the first bad event (altered,
    /// deleted, or inserted out of order) and exits 1.
    Verify {
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// Run one round now: today's advance notices (once per day across all
    /// nodes) and the email outbox. Prints what was done as JSON.
    RunOnce {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ImmunizationsCommand {
    /// Run CDC's CDSi test-case CSV through the engine; prints each failing case
    /// and the closing lines `evaluation: N passed, N failed` and `forecast: ...`.
    CdsiTest {
        /// The test-case CSV (the format of cdsi-test-cases-v4.8.csv).
        #[arg(long)]
        cases: PathBuf,
        /// The supporting data: a CDC release folder (`cdsi-supporting-data-4.10`,
        /// whose compiled form is built in) or a JSON file made by tools/gen_cdsi.py.
        #[arg(long)]
        supporting_data: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum GrowthCommand {
    /// Read CSV on standard input (sex,birth_date,observation_date,measurement,value
    /// and optional position, gestation_weeks, length_cm) and write it back with
    /// reference, z and percentile columns (and error for rows that cannot be computed).
    Zscore {
        /// Force a reference: who or cdc [default: WHO below 24 months, CDC from 24 months]
        #[arg(long)]
        reference: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Print the effective policy (preset plus the config file's overrides).
    Show {
        /// Practice configuration file (TOML) [default: ./sprout.toml when present]
        #[arg(long, env = "SPROUT_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Run a scenario file (format sprout-policy-scenarios/1) through the decision
    /// function the server uses; exits non-zero when a case fails.
    Check {
        /// The scenario file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import FHIR R4 Bundles and single resources from files and folders.
    Fhir {
        /// Files or folders (searched recursively for .json files).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print one machine-readable JSON object on standard output.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Add a staff account.
    Add {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Role: front-desk, nurse, clinician or admin.
        #[arg(long)]
        role: String,
        /// Initial password (a random one is generated and printed when omitted).
        #[arg(long, env = "SPROUT_NEW_PASSWORD")]
        password: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum FamilyCommand {
    /// Link a person (created if their email is new) to a patient as a proxy.
    Link {
        /// The proxy's sign-in email.
        #[arg(long)]
        email: String,
        /// The proxy's full name (for a new account).
        #[arg(long)]
        name: Option<String>,
        /// The patient's Sprout id.
        #[arg(long, conflicts_with = "mrn", required_unless_present = "mrn")]
        patient: Option<String>,
        /// The patient's MRN.
        #[arg(long)]
        mrn: Option<String>,
        /// parent, legal-guardian, court-appointed-guardian or designee.
        #[arg(long, default_value = "parent")]
        kind: String,
        /// Initial password for a new account (random and printed when omitted).
        #[arg(long, env = "SPROUT_NEW_PASSWORD")]
        password: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SPROUT_LOG")
                .unwrap_or_else(|_| "sprout=info,sprout_web=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Opens the store the URL names: `sqlite://` or `postgres://`.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    match sprout_store_sql::Backend::from_url(url)? {
        sprout_store_sql::Backend::Sqlite => Ok(Arc::new(
            sprout_store_sqlite::open(url)
                .await
                .with_context(|| format!("cannot open the SQLite database {url}"))?,
        )),
        sprout_store_sql::Backend::Postgres => Ok(Arc::new(
            sprout_store_postgres::open(url)
                .await
                .context("cannot open the PostgreSQL database")?,
        )),
    }
}

/// Opens the store the URL names for a bulk load (see
/// `sprout_store_sqlite::open_for_bulk_load`), or `None` for an in-memory
/// SQLite database, which would not outlive the bulk load's connection.
async fn open_bulk_store(url: &str) -> anyhow::Result<Option<sprout_store_sql::SqlStore>> {
    match sprout_store_sql::Backend::from_url(url)? {
        sprout_store_sql::Backend::Sqlite if sprout_store_sqlite::is_in_memory(url) => Ok(None),
        sprout_store_sql::Backend::Sqlite => Ok(Some(
            sprout_store_sqlite::open_for_bulk_load(url)
                .await
                .with_context(|| format!("cannot open the SQLite database {url}"))?,
        )),
        sprout_store_sql::Backend::Postgres => Ok(Some(
            sprout_store_postgres::open_for_bulk_load(url)
                .await
                .context("cannot open the PostgreSQL database")?,
        )),
    }
}

struct Resolved {
    file: FileConfig,
    database_url: String,
}

fn resolve(db: &DbArgs) -> anyhow::Result<Resolved> {
    let file = FileConfig::load(db.config.as_deref())?;
    let database_url = db
        .database_url
        .clone()
        .or_else(|| file.server.database_url.clone())
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    // An unknown scheme or a bad policy is a clear error before anything else happens.
    if sprout_store_sql::Backend::from_url(&database_url)? == sprout_store_sql::Backend::Sqlite {
        let path = database_url
            .split_once(':')
            .map_or("", |(_, rest)| rest.trim_start_matches("//"));
        let path = path.split('?').next().unwrap_or_default();
        if path.is_empty() || path.starts_with(":memory:") || path.contains("mode=memory") {
            bail!("`{database_url}` names no database file: give a path, like sqlite://./data/sprout.db (an in-memory database would lose everything when Sprout stops)");
        }
    }
    file.access_policy()?;
    file.release_rules()?;
    file.code_list()?;
    file.security.web()?;
    Ok(Resolved { file, database_url })
}

fn web_config(file: &FileConfig) -> anyhow::Result<sprout_web::WebConfig> {
    let time_zone = match &file.practice.time_zone {
        Some(name) => jiff::tz::TimeZone::get(name)?,
        None => jiff::tz::TimeZone::system(),
    };
    let public_origin = file.public_origin()?;
    let defaults = sprout_web::WebConfig::default();
    Ok(sprout_web::WebConfig {
        secure_cookies: public_origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://")),
        time_zone,
        public_origin,
        practice_name: file
            .practice
            .name
            .clone()
            .unwrap_or(defaults.practice_name.clone()),
        practice_address: file.practice.address.clone(),
        policy: file.access_policy()?,
        release: file.release_rules()?,
        security: file.security.web()?,
        enrollment: file.enrollment.web()?,
        refills: sprout_domain::refill::RefillRules::from_settings(&file.refills)?,
        appointments: match &file.appointments {
            Some(a) => a.settings()?,
            None => sprout_web::AppointmentSettings::default(),
        },
        messaging: file.messaging()?,
        ..defaults
    })
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match cli.command {
        Command::Policy { what } => policy_command(what),
        Command::Audit {
            what: AuditCommand::Verify { json, db },
        } => audit_verify(&db, json).await,
        Command::Jobs {
            what: JobsCommand::RunOnce { db },
        } => {
            let r = resolve(&db)?;
            let cfg = web_config(&r.file)?;
            let store = open_store(&r.database_url).await?;
            let sender = r.file.email.sender().context("the [email] settings")?;
            let now = jiff::Timestamp::now();
            let today = now.to_zoned(cfg.time_zone.clone()).date();
            let node = format!("cli-{}", std::process::id());
            let messaging = sprout_jobs::messaging::run_once(&*store, &cfg.messaging, now).await?;
            eprintln!("messaging: {}", serde_json::to_string(&messaging)?);
            let report =
                sprout_jobs::scheduler::tick(&*store, &cfg.policy, &*sender, today, now, &node)
                    .await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Immunizations {
            what:
                ImmunizationsCommand::CdsiTest {
                    cases,
                    supporting_data,
                },
        } => cdsi_test(&cases, &supporting_data),
        Command::Growth {
            what: GrowthCommand::Zscore { reference },
        } => {
            use sprout_domain::growth::Reference;
            let reference = match reference.as_deref() {
                None => None,
                Some("who") => Some(Reference::Who2006),
                Some("cdc") => Some(Reference::Cdc2000),
                Some(other) => bail!("unknown reference `{other}`: use who or cdc"),
            };
            let mut input = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)
                .context("standard input is not UTF-8 text")?;
            let out = sprout_domain::growth::csv::process(&input, reference)?;
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { listen, db } => {
            let r = resolve(&db)?;
            let listen = listen
                .or_else(|| r.file.server.listen.clone())
                .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
            let store = open_store(&r.database_url).await?;
            let cfg = web_config(&r.file)?;
            let clock: Arc<dyn sprout_web::Clock> =
                Arc::new(sprout_web::SystemClock::new(cfg.time_zone.clone()));
            serve(store, clock, cfg, &r.file.email, &listen).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            families,
            accounts_json,
            today,
            seed,
            no_serve,
            listen,
            db,
        } => {
            let r = resolve(&db)?;
            let listen = listen
                .or_else(|| r.file.server.listen.clone())
                .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
            let mut cfg = web_config(&r.file)?;
            if r.file.practice.name.is_none() {
                cfg.practice_name = sprout_demo::DEMO_PRACTICE.to_owned();
                cfg.practice_address = Some(sprout_demo::DEMO_ADDRESS.to_owned());
            }
            if r.file.appointments.is_none() {
                cfg.appointments = demo::appointment_settings();
            }
            let fixed_today = match today.as_deref() {
                Some(t) => Some(
                    t.parse::<jiff::civil::Date>()
                        .with_context(|| format!("--today `{t}` is not a date (YYYY-MM-DD)"))?,
                ),
                None => None,
            };
            let clock: Arc<dyn sprout_web::Clock> = match fixed_today {
                Some(d) => Arc::new(sprout_web::FixedClock::new(d)),
                None => Arc::new(sprout_web::SystemClock::new(cfg.time_zone.clone())),
            };
            // Seeding an empty database runs on a store opened for a bulk
            // load (commits do not wait for the disk); serving reopens it as
            // usual.
            let mut store = open_store(&r.database_url).await?;
            let mut bulk = None;
            if !store.has_any_account().await? {
                if let Some(b) = open_bulk_store(&r.database_url).await? {
                    store = Arc::new(b.clone());
                    bulk = Some(b);
                }
            }
            let (logins, threads) = demo::seed(
                &*store,
                families,
                seed,
                clock.today(),
                &cfg.policy,
                accounts_json.as_deref(),
            )
            .await?;
            demo_messages::seed(&*store, clock.now(), &cfg.time_zone, &cfg.messaging).await?;
            demo_messages::seed_threads(
                &*store,
                &threads,
                clock.now(),
                &cfg.time_zone,
                &cfg.messaging,
            )
            .await?;
            demo::print_logins(&logins, &listen);
            if let Some(bulk) = bulk {
                drop(store);
                bulk.refresh_statistics()
                    .await
                    .context("refreshing the planner's statistics after seeding")?;
                bulk.close().await;
            }
            if !no_serve {
                let store = open_store(&r.database_url).await?;
                serve(store, clock, cfg, &r.file.email, &listen).await?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            what: ImportCommand::Fhir { paths, json, db },
        } => {
            let r = resolve(&db)?;
            for p in &paths {
                if !p.exists() {
                    bail!("{}: no such file or folder", p.display());
                }
            }
            let store = open_store(&r.database_url).await?;
            let codes = std::sync::Arc::new(r.file.code_list()?);
            let report = sprout_fhir::import_paths_with(&*store, &paths, codes).await;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print!("{report}");
            }
            Ok(if report.rejected_count() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Staff {
            what:
                StaffCommand::Add {
                    email,
                    name,
                    role,
                    password,
                    db,
                },
        } => {
            let role: StaffRole = role.parse().map_err(|_| {
                anyhow::anyhow!("unknown role `{role}`: use front-desk, nurse, clinician or admin")
            })?;
            let r = resolve(&db)?;
            let store = open_store(&r.database_url).await?;
            let (password, generated) = password_or_generated(password, true, &[&email, &name])?;
            let account = create_account(&*store, &email, &name, &password, Some(role)).await?;
            audit_cli_change(
                &*store,
                None,
                "staff-account",
                account.id.as_str(),
                serde_json::json!({ "role": role.to_string() }),
            )
            .await?;
            println!(
                "staff account {} ({}) created as {}",
                account.email, account.id, role
            );
            if generated {
                println!("temporary password: {password}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Family {
            what:
                FamilyCommand::Link {
                    email,
                    name,
                    patient,
                    mrn,
                    kind,
                    password,
                    db,
                },
        } => {
            let kind: RelationshipKind = kind.parse().map_err(|_| {
                anyhow::anyhow!(
                    "unknown relationship `{kind}`: use parent, legal-guardian, court-appointed-guardian or designee"
                )
            })?;
            let r = resolve(&db)?;
            let store = open_store(&r.database_url).await?;
            let patient_id = match (patient, mrn) {
                (Some(id), _) => {
                    let id = PatientId::parse(&id).context("that is not a patient id")?;
                    store
                        .patient(&id)
                        .await?
                        .context("no patient with that id")?
                        .id
                }
                (None, Some(mrn)) => {
                    store
                        .patient_by_mrn(&mrn)
                        .await?
                        .with_context(|| format!("no patient with MRN {mrn}"))?
                        .id
                }
                (None, None) => bail!("give --patient ID or --mrn MRN"),
            };
            let account = match store.account_by_email(&email).await? {
                Some((a, _)) => a,
                None => {
                    let name = name.context("--name is needed to create a new account")?;
                    let (password, generated) =
                        password_or_generated(password, false, &[&email, &name])?;
                    let a = create_account(&*store, &email, &name, &password, None).await?;
                    audit_cli_change(
                        &*store,
                        None,
                        "account",
                        a.id.as_str(),
                        serde_json::json!({}),
                    )
                    .await?;
                    if generated {
                        println!("temporary password for {}: {password}", a.email);
                    }
                    a
                }
            };
            let today = jiff::Zoned::now().date();
            // One relationship per person and patient: a second one in force
            // would keep granting what the patient (a teenager) hid or
            // removed on the first. Linking again after a revocation or an
            // expiry makes a new one, decided afresh.
            if let Some(existing) = store
                .relationships_of_account(&account.id)
                .await?
                .into_iter()
                .find(|r| r.patient_id == patient_id && r.in_force(today))
            {
                println!(
                    "{} is already linked to patient {} (relationship {}); nothing changed",
                    account.email, patient_id, existing.id
                );
                return Ok(ExitCode::SUCCESS);
            }
            let rel = ProxyRelationship {
                id: AccountId::from_random(rand::random()).to_string(),
                account_id: account.id.clone(),
                patient_id: patient_id.clone(),
                kind,
                granted_on: today,
                verified_on: Some(today),
                patient_approved_on: None,
                sections_hidden: Vec::new(),
                evidence_on_file: false,
                evidence_expires_on: None,
                expires_on: None,
                revoked_on: None,
            };
            store.add_relationship(&rel).await?;
            audit_cli_change(
                &*store,
                Some(patient_id.clone()),
                "proxy-relationship",
                &rel.id,
                serde_json::json!({ "account_id": account.id, "kind": kind.to_string() }),
            )
            .await?;
            println!(
                "{} linked to patient {} as {}",
                account.email, patient_id, kind
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn cdsi_test(
    cases: &std::path::Path,
    data: &std::path::Path,
) -> anyhow::Result<std::process::ExitCode> {
    use sprout_domain::immunization::{testcases, SupportingData};
    let owned;
    let data: &SupportingData = if data.is_file() {
        let text = std::fs::read_to_string(data)
            .with_context(|| format!("cannot read {}", data.display()))?;
        owned = SupportingData::from_json(&text)
            .with_context(|| format!("{} is not compiled CDSi supporting data", data.display()))?;
        &owned
    } else {
        let name = data
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let version = name.rsplit('-').next().unwrap_or_default();
        if !data.is_dir() {
            bail!("{}: no such folder or file", data.display());
        }
        SupportingData::embedded(version).with_context(|| {
            format!(
                "{}: no compiled CDSi supporting data for version `{version}` (built in: 4.10, 4.64; compile others with tools/gen_cdsi.py)",
                data.display()
            )
        })?
    };
    let text = std::fs::read_to_string(cases)
        .with_context(|| format!("cannot read {}", cases.display()))?;
    let cases = testcases::parse_cases(&text)
        .with_context(|| format!("{} is not a CDSi test-case file", cases.display()))?;
    let (mut eval_ok, mut fc_ok) = (0usize, 0usize);
    for case in &cases {
        let outcome = testcases::run_case(case, data);
        eval_ok += usize::from(outcome.evaluation_passed);
        fc_ok += usize::from(outcome.forecast_passed);
        for (kind, diffs) in [
            ("evaluation", &outcome.evaluation_differences),
            ("forecast", &outcome.forecast_differences),
        ] {
            if !diffs.is_empty() {
                println!(
                    "FAIL {} ({}) {kind}:",
                    outcome.id, outcome.vaccine_group_code
                );
                for d in diffs {
                    println!("  {d}");
                }
            }
        }
    }
    let n = cases.len();
    println!("evaluation: {eval_ok} passed, {} failed", n - eval_ok);
    println!("forecast: {fc_ok} passed, {} failed", n - fc_ok);
    Ok(if eval_ok == n && fc_ok == n {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

fn policy_command(what: PolicyCommand) -> anyhow::Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match what {
        PolicyCommand::Show { config } => {
            let file = FileConfig::load(config.as_deref())?;
            print!("{}", file.access_policy()?);
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Check { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            match sprout_domain::policy::run_scenarios(&text) {
                Ok(report) => {
                    print!("{report}");
                    Ok(if report.all_passed() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    })
                }
                Err(e) => {
                    eprintln!("error: {}: {e}", file.display());
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}

/// `sprout audit verify`: walks the chain ([`sprout_store::audit::verify`]),
/// prints what it found, and exits 1 naming the first bad event.
async fn audit_verify(db: &DbArgs, json: bool) -> anyhow::Result<std::process::ExitCode> {
    let r = resolve(db)?;
    let store = open_store(&r.database_url).await?;
    let report = sprout_store::audit::verify(&*store).await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        match &report.fault {
            None => println!(
                "audit trail intact: {} events checked, {} from before the chain not checkable",
                report.checked, report.unchained
            ),
            Some(fault) => {
                println!("audit trail NOT intact: {fault}");
                println!("first bad event: {}", fault.first_bad());
                println!("{} events checked before it", report.checked);
            }
        }
        println!("head: event {} {}", report.head.seq, report.head.hash);
    }
    Ok(if report.is_intact() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

/// The password given on the command line, checked by the NIST SP 800-63B
/// rule of `sprout_domain::password` (8 characters for staff, who must add a
/// second factor before they see patient data; 15 for families), or a
/// random one (24 hex digits) when none is given.
fn password_or_generated(
    password: Option<String>,
    staff: bool,
    user_inputs: &[&str],
) -> anyhow::Result<(String, bool)> {
    use sprout_domain::password::{check_new_password, PasswordProblem};
    match password {
        Some(p) => match check_new_password(&p, staff, user_inputs) {
            Ok(()) => Ok((p, false)),
            Err(PasswordProblem::TooShort { min }) => {
                bail!("the password must have at least {min} characters")
            }
            Err(PasswordProblem::TooLong) => bail!(
                "the password must have at most {} characters",
                sprout_domain::password::MAX_LEN
            ),
            Err(problem) => bail!(
                "that password is easy to guess ({}); choose another or leave --password out for a random one",
                problem.code()
            ),
        },
        None => {
            let bytes: [u8; 12] = rand::random();
            let p: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            Ok((p, true))
        }
    }
}

/// Appends the audit event of a change made from the command line: actor
/// `system` (the operator at the server's console), outcome `success`.
async fn audit_cli_change(
    store: &dyn Store,
    patient_id: Option<PatientId>,
    object_type: &str,
    object_id: &str,
    detail: serde_json::Value,
) -> anyhow::Result<()> {
    let now = jiff::Timestamp::now();
    let event = sprout_store::AuditEvent {
        at: jiff::Timestamp::from_second(now.as_second())
            .unwrap_or(now)
            .to_string(),
        account_id: None,
        actor_role: "system".to_owned(),
        on_behalf_of: None,
        patient_id,
        action: "create".to_owned(),
        object_type: object_type.to_owned(),
        object_id: Some(object_id.to_owned()),
        outcome: "success".to_owned(),
        reason: Some("command-line".to_owned()),
        client_addr: None,
        request_id: None,
        detail: Some(detail.to_string()),
    };
    store
        .append_audit(&event)
        .await
        .context("writing the audit event")
}

async fn create_account(
    store: &dyn Store,
    email: &str,
    name: &str,
    password: &str,
    role: Option<StaffRole>,
) -> anyhow::Result<sprout_domain::people::Account> {
    if !email.contains('@') || email.trim().len() < 3 {
        bail!("`{email}` is not an email address");
    }
    let hash = {
        let p = password.to_owned();
        tokio::task::spawn_blocking(move || sprout_web::hash_password(&p)).await?
    };
    let new = NewAccount {
        id: AccountId::from_random(rand::random()),
        email: email.to_owned(),
        display_name: name.to_owned(),
        password_hash: hash,
        status: AccountStatus::Active,
        staff_role: role,
        patient_id: None,
    };
    match store.create_account(&new).await {
        Ok(a) => Ok(a),
        Err(StoreError::Conflict(_)) => bail!("an account with the email {email} already exists"),
        Err(e) => Err(e.into()),
    }
}

async fn serve(
    store: Arc<dyn Store>,
    clock: Arc<dyn sprout_web::Clock>,
    cfg: sprout_web::WebConfig,
    email: &sprout_jobs::outbox::EmailConfig,
    listen: &str,
) -> anyhow::Result<()> {
    let addr: std::net::SocketAddr = listen.parse().with_context(|| {
        format!("`{listen}` is not an address to listen on (like 127.0.0.1:8080)")
    })?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let sender = email.sender().context("the [email] settings")?;
    let policy = Arc::new(cfg.policy.clone());
    // Mail queued by a page (an invitation, a confirmation link) is sent at
    // once rather than at the scheduler's next tick.
    let wake = Arc::new(tokio::sync::Notify::new());
    let mut cfg = cfg;
    cfg.enrollment.outbox_wake = Some(wake.clone());
    // Without a public URL, links in emails point to the address listened on
    // (never to a request's Host header, which a client chooses).
    let local = listener.local_addr()?;
    if cfg.public_origin.is_none() && !local.ip().is_unspecified() {
        cfg.enrollment.link_origin = Some(format!("http://{local}"));
    }
    {
        let (store, sender, clock) = (store.clone(), sender.clone(), clock.clone());
        tokio::spawn(async move {
            loop {
                wake.notified().await;
                if let Err(e) =
                    sprout_jobs::outbox::run_once(store.as_ref(), sender.as_ref(), clock.now())
                        .await
                {
                    tracing::warn!(error = %e, "sending queued mail failed; the scheduler retries");
                }
            }
        });
    }
    let messaging = cfg.messaging.clone();
    let state = sprout_web::AppState::new(store.clone(), clock.clone(), cfg);
    eprintln!("Sprout is listening on http://{}", listener.local_addr()?);

    // Scheduled work (advance notices, the email outbox) runs beside the
    // server; a database lease makes each day's notices run once across nodes.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let scheduler = {
        let clock = clock.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(sprout_jobs::scheduler::run_scheduler(
            store,
            policy,
            sender,
            move || (clock.today(), clock.now()),
            sprout_jobs::scheduler::SchedulerConfig {
                messaging: Some(messaging),
                ..sprout_jobs::scheduler::SchedulerConfig::default()
            },
            async move {
                let _ = stop.wait_for(|s| *s).await;
            },
        ))
    };
    let shutdown = async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stop_tx.send(true);
    };
    sprout_web::serve_with_shutdown(listener, state, shutdown).await?;
    let _ = scheduler.await;
    Ok(())
}
