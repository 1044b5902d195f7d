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
        if let Some(tz) = &cfg.practice.time_zone {
            if jiff::tz::TimeZone::get(tz).is_err() {
                bail!("config file {}: unknown time zone `{tz}`", path.display());
            }
        }
        Ok(cfg)
    }
}
