//! Configuration: built-in defaults, then a TOML file, then `SPROUT_*`
//! environment variables and command-line flags (DESIGN.md, "Architecture").
//!
//! The file is `--config FILE` / `SPROUT_CONFIG`, else `./sprout.toml` when it
//! exists. Unknown keys are an error at start, so a typo is never silently
//! ignored.

use anyhow::{bail, Context};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The default database: an SQLite file under `./data`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/sprout.db";
/// The default address to listen on.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The practice config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `[practice]`.
    #[serde(default)]
    pub practice: PracticeSection,
    /// `[server]`.
    #[serde(default)]
    pub server: ServerSection,
    /// `[policy]`: preset and overrides, read by the access policy.
    #[serde(default)]
    pub policy: Option<toml::Table>,
    /// `[email]`: sender address, the development .eml folder, or SMTP.
    #[serde(default)]
    pub email: sprout_jobs::outbox::EmailConfig,
    /// `[release]`: when each category of record items appears on the portal
    /// (`lab-results = "after 72 hours"`; default `immediate`).
    #[serde(default)]
    pub release: Option<toml::Table>,
    /// `[sensitivity]`: codes the practice adds to Sprout's sensitive-code
    /// list, by category (`mental-health = ["loinc:89204-2", "icd10cm:F90"]`).
    #[serde(default)]
    pub sensitivity: Option<toml::Table>,
    /// `[security]`: session timeouts, trusted reverse proxies, the TOTP issuer.
    #[serde(default)]
    pub security: SecuritySection,
    /// `[enrollment]`: how long invitation links and office PINs work.
    #[serde(default)]
    pub enrollment: EnrollmentSection,
    /// `[refills]`: additions to the controlled-substance and antibiotic
    /// lists, antibiotics the practice refills, medications never refilled.
    #[serde(default)]
    pub refills: sprout_domain::refill::RefillSettings,
    /// `[appointments]`: windows, video link, copays, documents to sign.
    #[serde(default)]
    pub appointments: Option<AppointmentsSection>,
    /// `[messaging]`: holidays, pools, the attachments folder.
    #[serde(default)]
    pub messaging: MessagingSection,
}

/// `[security]` settings (account security, issue 4). Every one is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySection {
    /// Minutes without a request after which a family session ends (default 30).
    pub family_idle_minutes: Option<u32>,
    /// Minutes without a request after which a staff session ends (default 15).
    pub staff_idle_minutes: Option<u32>,
    /// Reverse proxies (IP addresses) whose `X-Forwarded-For` is believed for
    /// the client's address (throttling and the audit trail). Default: none.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// The name authenticator apps show for this portal (default: the
    /// practice's name).
    pub totp_issuer: Option<String>,
}

impl SecuritySection {
    /// The web layer's settings for this section.
    ///
    /// # Errors
    /// A trusted proxy that is not an IP address, or an idle time of 0 or
    /// more than 12 hours.
    pub fn web(&self) -> anyhow::Result<sprout_web::SecurityConfig> {
        let mut c = sprout_web::SecurityConfig::default();
        for (name, value, target) in [
            (
                "family_idle_minutes",
                self.family_idle_minutes,
                &mut c.family_idle,
            ),
            (
                "staff_idle_minutes",
                self.staff_idle_minutes,
                &mut c.staff_idle,
            ),
        ] {
            if let Some(m) = value {
                if m == 0 || m > 12 * 60 {
                    bail!("[security] {name} must be from 1 to 720 minutes, not {m}");
                }
                *target = jiff::SignedDuration::from_mins(i64::from(m));
            }
        }
        c.trusted_proxies = self
            .trusted_proxies
            .iter()
            .map(|p| {
                p.trim().parse::<std::net::IpAddr>().with_context(|| {
                    format!("[security] trusted_proxies: `{p}` is not an IP address")
                })
            })
            .collect::<anyhow::Result<_>>()?;
        c.totp_issuer = self.totp_issuer.clone();
        Ok(c)
    }
}

/// `[enrollment]` settings (issue 4): lifetimes of invitation links, office
/// PINs and email-confirmation links, and the CSV upload limit.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentSection {
    /// Days an invitation's activation link works (default 7).
    pub invitation_days: Option<u32>,
    /// Days an office PIN works (default 30).
    pub pin_days: Option<u32>,
    /// Hours an email-confirmation link works (default 48).
    pub verification_hours: Option<u32>,
    /// Largest CSV upload of sign-up slips, in KB (default 1024).
    pub max_upload_kb: Option<u32>,
}

impl EnrollmentSection {
    /// The web layer's settings: the defaults, overridden by what is set.
    ///
    /// # Errors
    /// A zero lifetime or limit, named.
    pub fn web(&self) -> anyhow::Result<sprout_web::EnrollmentConfig> {
        let mut c = sprout_web::EnrollmentConfig::default();
        let positive = |name: &str, v: Option<u32>| -> anyhow::Result<Option<i64>> {
            match v {
                Some(0) => bail!("[enrollment] {name} must be at least 1"),
                other => Ok(other.map(i64::from)),
            }
        };
        if let Some(d) = positive("invitation_days", self.invitation_days)? {
            c.invitation_lifetime = jiff::SignedDuration::from_hours(d * 24);
        }
        if let Some(d) = positive("pin_days", self.pin_days)? {
            c.pin_lifetime = jiff::SignedDuration::from_hours(d * 24);
        }
        if let Some(h) = positive("verification_hours", self.verification_hours)? {
            c.verification_lifetime = jiff::SignedDuration::from_hours(h);
        }
        if let Some(kb) = positive("max_upload_kb", self.max_upload_kb)? {
            c.max_upload_bytes = usize::try_from(kb)
                .unwrap_or(usize::MAX)
                .saturating_mul(1024);
        }
        Ok(c)
    }
}

/// `[appointments]` settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentsSection {
    /// Hours before a visit after which families must call to cancel (24).
    pub cancel_cutoff_hours: Option<u32>,
    /// Days before a visit from which it may be confirmed (30).
    pub confirm_days: Option<u16>,
    /// Days before a visit from which pre-check-in is open (30).
    pub check_in_days: Option<u16>,
    /// Minutes before a video visit its link opens (15).
    pub video_opens_minutes: Option<u32>,
    /// The practice's video visit link (`https://...`).
    pub video_url: Option<String>,
    /// Copay shown at pre-check-in, in dollars, when no visit type matches.
    pub copay: Option<f64>,
    /// Copay per visit type, in dollars (`"Well child visit" = 0`).
    #[serde(default)]
    pub copays: std::collections::BTreeMap<String, f64>,
    /// Documents to sign at pre-check-in.
    #[serde(default)]
    pub documents: Vec<DocumentEntry>,
}

/// One `[[appointments.documents]]` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentEntry {
    /// Stable id: letters, digits and `-`.
    pub id: String,
    /// Title.
    pub title: String,
    /// The full text.
    pub text: String,
}

/// Dollars (a TOML number) to cents; `None` for a negative, non-finite or
/// absurd amount.
fn cents(dollars: f64) -> Option<u32> {
    (dollars.is_finite() && (0.0..=100_000.0).contains(&dollars))
        .then(|| (dollars * 100.0).round() as u32)
}

impl AppointmentsSection {
    /// The web layer's settings.
    ///
    /// # Errors
    /// A bad amount, an empty or repeated document id, a video link that is
    /// not http(s), or a window of zero days, named.
    pub fn settings(&self) -> anyhow::Result<sprout_web::AppointmentSettings> {
        use jiff::SignedDuration;
        let mut s = sprout_web::AppointmentSettings::default();
        if let Some(h) = self.cancel_cutoff_hours {
            s.windows.cancel_cutoff = SignedDuration::from_hours(i64::from(h));
        }
        if let Some(d) = self.confirm_days {
            if d == 0 {
                bail!("[appointments] confirm_days must be at least 1");
            }
            s.windows.confirm_days = i32::from(d);
        }
        if let Some(d) = self.check_in_days {
            if d == 0 {
                bail!("[appointments] check_in_days must be at least 1");
            }
            s.windows.check_in_days = i32::from(d);
        }
        if let Some(m) = self.video_opens_minutes {
            s.windows.video_opens_before = SignedDuration::from_mins(i64::from(m));
        }
        if let Some(url) = &self.video_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                bail!("[appointments] video_url `{url}` must start with https:// or http://");
            }
            s.video_url = Some(url.clone());
        }
        if let Some(c) = self.copay {
            s.default_copay_cents = Some(
                cents(c).with_context(|| format!("[appointments] copay {c} is not an amount"))?,
            );
        }
        for (visit, c) in &self.copays {
            let amount = cents(*c).with_context(|| {
                format!("[appointments.copays] `{visit}` = {c} is not an amount")
            })?;
            s.copays.push((visit.clone(), amount));
        }
        for d in &self.documents {
            let ok = !d.id.is_empty()
                && d.id.len() <= 64
                && d.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !ok {
                bail!(
                    "[[appointments.documents]] id `{}` must be letters, digits and -",
                    d.id
                );
            }
            if s.documents.iter().any(|x| x.id == d.id) {
                bail!("[[appointments.documents]] id `{}` is used twice", d.id);
            }
            if d.title.trim().is_empty() || d.text.trim().is_empty() {
                bail!(
                    "[[appointments.documents]] `{}` needs a title and a text",
                    d.id
                );
            }
            s.documents.push(sprout_web::PracticeDocument {
                id: d.id.clone(),
                title: d.title.trim().to_owned(),
                text: d.text.trim().to_owned(),
            });
        }
        Ok(s)
    }
}

/// `[messaging]` settings (issue 5).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessagingSection {
    /// Days the practice is closed besides weekends (`YYYY-MM-DD`), skipped
    /// when reply-due times are counted.
    pub holidays: Option<Vec<String>>,
    /// Pool of each category (`clinical = "nurses"`, `billing = "front-office"`).
    pub pools: Option<std::collections::BTreeMap<String, String>>,
    /// Address of each pool, for reminders and notices (`nurses = "nurses@..."`).
    pub pool_emails: Option<std::collections::BTreeMap<String, String>>,
    /// Business days staff have to reply (default 2).
    pub reply_business_days: Option<u32>,
    /// Folder attachments are stored in (default `./data/attachments`).
    pub attachments_folder: Option<PathBuf>,
    /// Hours a file no message refers to is kept before it is removed
    /// (default 24).
    pub orphan_grace_hours: Option<u32>,
}

/// `[practice]` settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PracticeSection {
    /// The practice's name, shown on every page.
    pub name: Option<String>,
    /// Postal address on one line, printed on records (the immunization PDF).
    pub address: Option<String>,
    /// IANA time zone of the practice (`America/New_York`); "today" is a date there.
    pub time_zone: Option<String>,
}

/// `[server]` settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    /// Address to listen on.
    pub listen: Option<String>,
    /// Database URL.
    pub database_url: Option<String>,
    /// The URL families use, e.g. `https://portal.example.org`; cookies are
    /// `Secure` when it is https.
    pub public_url: Option<String>,
}

impl FileConfig {
    /// The public origin (`https://host[:port]`) of `[server] public_url`.
    ///
    /// # Errors
    /// A URL that is not `http://` or `https://` followed by a host.
    pub fn public_origin(&self) -> anyhow::Result<Option<String>> {
        let Some(url) = self.server.public_url.as_deref() else {
            return Ok(None);
        };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .with_context(|| {
                format!("[server] public_url `{url}` must start with https:// or http://")
            })?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() {
            bail!("[server] public_url `{url}` has no host");
        }
        Ok(Some(format!("{}{host}", &url[..url.len() - rest.len()])))
    }

    /// The access policy in force: the `[policy]` table's preset and overrides,
    /// or the default (`california`) preset.
    ///
    /// # Errors
    /// An unknown preset or setting, or a bad value, named.
    pub fn access_policy(&self) -> anyhow::Result<sprout_domain::policy::Policy> {
        match &self.policy {
            Some(table) => sprout_domain::policy::Policy::from_toml_table(table)
                .context("the [policy] section of the config file"),
            None => Ok(sprout_domain::policy::Policy::default()),
        }
    }

    /// The release rules in force: the `[release]` table, `immediate` for
    /// every category it does not name.
    ///
    /// # Errors
    /// An unknown category or a rule that does not parse, named.
    pub fn release_rules(&self) -> anyhow::Result<sprout_domain::release::ReleaseRules> {
        let Some(table) = &self.release else {
            return Ok(Default::default());
        };
        sprout_domain::release::ReleaseRules::from_pairs(
            table.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .map_err(|e| anyhow::anyhow!("the [release] section of the config file: {e}"))
    }

    /// The sensitivity code list in force: Sprout's, plus the `[sensitivity]`
    /// table's codes.
    ///
    /// # Errors
    /// An unknown category or code system, or a value that is not a list of
    /// `system:code` texts, named.
    pub fn code_list(&self) -> anyhow::Result<sprout_domain::sensitivity::CodeList> {
        let Some(table) = &self.sensitivity else {
            return Ok(Default::default());
        };
        let mut pairs = Vec::new();
        for (k, v) in table {
            let list = v
                .as_array()
                .and_then(|a| {
                    a.iter()
                        .map(toml::Value::as_str)
                        .collect::<Option<Vec<_>>>()
                })
                .with_context(|| {
                    format!(
                        "the [sensitivity] section: {k} must be a list of \"system:code\" texts"
                    )
                })?;
            pairs.push((k.as_str(), list));
        }
        let extra = sprout_domain::sensitivity::CodeList::rules_from_pairs(pairs)
            .map_err(|e| anyhow::anyhow!("the config file: {e}"))?;
        Ok(sprout_domain::sensitivity::CodeList::with_extra(extra))
    }

    /// The messaging settings of `[messaging]`, over the defaults.
    ///
    /// # Errors
    /// A holiday that is not a `YYYY-MM-DD` date, or an unknown category,
    /// named.
    pub fn messaging(&self) -> anyhow::Result<sprout_domain::messaging::Settings> {
        use sprout_domain::messaging::{Category, Settings};
        let m = &self.messaging;
        let mut s = Settings::default();
        for h in m.holidays.iter().flatten() {
            let d = h.parse::<jiff::civil::Date>().map_err(|_| {
                anyhow::anyhow!("[messaging] holidays: `{h}` is not a date like 2026-11-26")
            })?;
            s.holidays.push(d);
        }
        for (category, pool) in m.pools.iter().flatten() {
            let c = category.parse::<Category>().map_err(|_| {
                let known: Vec<&str> = Category::ALL.iter().map(|c| c.code()).collect();
                anyhow::anyhow!(
                    "[messaging] pools: unknown category `{category}` (one of {})",
                    known.join(", ")
                )
            })?;
            if pool.trim().is_empty() {
                bail!("[messaging] pools: the pool of `{category}` is empty");
            }
            s.pools.insert(c, pool.trim().to_owned());
        }
        if let Some(e) = &m.pool_emails {
            s.pool_emails = e.clone();
        }
        if let Some(d) = m.reply_business_days {
            if d == 0 || d > 30 {
                bail!("[messaging] reply_business_days must be from 1 to 30");
            }
            s.reply_business_days = d;
        }
        if let Some(f) = &m.attachments_folder {
            s.attachments_dir = f.clone();
        }
        if let Some(h) = m.orphan_grace_hours {
            s.orphan_grace = jiff::SignedDuration::from_hours(i64::from(h));
        }
        Ok(s)
    }

    /// Reads the config file named, or `./sprout.toml` if present, or defaults.
    ///
    /// # Errors
    /// A named file that is missing, or a file that is not valid TOML or has
    /// unknown keys.
    pub fn load(named: Option<&Path>) -> anyhow::Result<Self> {
        let path: PathBuf = match named {
            Some(p) => p.to_owned(),
            None => {
                let p = PathBuf::from("sprout.toml");
                if !p.exists() {
                    return Ok(Self::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let cfg: Self = toml::from_str(&text)
            .with_context(|| format!("config file {} is not valid", path.display()))?;
        sprout_domain::refill::RefillRules::from_settings(&cfg.refills)
            .with_context(|| format!("config file {}", path.display()))?;
        if let Some(a) = &cfg.appointments {
            a.settings()
                .with_context(|| format!("config file {}", path.display()))?;
        }
        cfg.messaging()
            .with_context(|| format!("config file {}", path.display()))?;
        if let Some(tz) = &cfg.practice.time_zone {
            if jiff::tz::TimeZone::get(tz).is_err() {
                bail!("config file {}: unknown time zone `{tz}`", path.display());
            }
        }
        Ok(cfg)
    }
}
