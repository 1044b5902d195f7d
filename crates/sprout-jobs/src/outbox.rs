//! The email sender job: claims due messages from the outbox, sends them, and
//! marks each sent, or failed with a time to try again (DESIGN.md: "Email goes
//! through an outbox table and a sender job (SMTP; in development a folder of
//! .eml files), so a failed send is retried, not lost").
//!
//! Delivery is at least once: a node that dies between sending and marking
//! leaves the message to be claimed again when its claim ends. Both senders
//! make a repeat harmless where they can: the `.eml` file is named after the
//! message id (a repeat overwrites it) and the `Message-ID` header is derived
//! from the message id (receivers can drop the duplicate).

use crate::random_id;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use sprout_store::{OutboxMessage, Store, StoreResult};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Why a message could not be sent. The text never holds the message's
/// content or its recipient's address (it is kept in the outbox for
/// operators).
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The recipient's address is not a valid email address.
    #[error("the recipient address is not a valid email address")]
    Address,
    /// The message could not be put together.
    #[error("cannot build the message: {0}")]
    Build(String),
    /// Writing the `.eml` file failed.
    #[error("cannot write the message file: {0}")]
    Io(#[from] std::io::Error),
    /// The SMTP server refused the message or could not be reached.
    #[error("smtp: {0}")]
    Smtp(String),
}

/// Something that delivers an outbox message.
#[async_trait]
pub trait Sender: Send + Sync {
    /// Delivers one message.
    ///
    /// # Errors
    /// [`SendError`]; the job records it and tries again later.
    async fn send(&self, message: &OutboxMessage) -> Result<(), SendError>;
}

/// Builds the RFC 5322 message for an outbox message: `From` is `from`, `Date`
/// is when the message was queued, `Message-ID` is `<id@domain of from>`,
/// `Auto-Submitted: auto-generated` (RFC 3834: no auto-replies) and
/// `Content-Language` the message's locale; the body is plain text, or
/// plain text and HTML alternatives.
///
/// # Errors
/// [`SendError::Address`] for a recipient that is not an address,
/// [`SendError::Build`] when lettre refuses the message.
pub fn build_message(from: &Mailbox, message: &OutboxMessage) -> Result<Message, SendError> {
    let to: Mailbox = message
        .to_address
        .trim()
        .parse()
        .map_err(|_| SendError::Address)?;
    let domain = from.email.domain();
    let language = HeaderName::new_from_ascii_str("Content-Language");
    let auto = HeaderName::new_from_ascii_str("Auto-Submitted");
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.as_str())
        .date(std::time::SystemTime::from(message.created_at))
        .message_id(Some(format!("<{}@{domain}>", message.id)))
        .raw_header(HeaderValue::new(auto, "auto-generated".to_owned()))
        .raw_header(HeaderValue::new(language, message.locale.clone()));
    let built = match &message.body_html {
        None => builder.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(message.body_text.clone()),
        ),
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            message.body_text.clone(),
            html.clone(),
        )),
    };
    built.map_err(|e| SendError::Build(e.to_string()))
}

/// The development sender: writes each message as `<id>.eml` into a folder
/// (`./data/outbox/` by default), where any mail program opens it.
#[derive(Debug, Clone)]
pub struct EmlFolder {
    dir: PathBuf,
    from: Mailbox,
}

impl EmlFolder {
    /// A sender writing into `dir` (created when missing) as `from`.
    pub fn new(dir: impl Into<PathBuf>, from: Mailbox) -> Self {
        Self {
            dir: dir.into(),
            from,
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a message is written to: its id, with anything but ASCII
    /// letters, digits, `-` and `_` replaced by `_`, and `.eml`.
    pub fn path_of(&self, id: &str) -> PathBuf {
        let name: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.join(format!("{name}.eml"))
    }
}

#[async_trait]
impl Sender for EmlFolder {
    async fn send(&self, message: &OutboxMessage) -> Result<(), SendError> {
        let bytes = build_message(&self.from, message)?.formatted();
        tokio::fs::create_dir_all(&self.dir).await?;
        let path = self.path_of(&message.id);
        // Written aside, then renamed: a reader never sees half a message.
        let tmp = path.with_extension("eml.tmp");
        tokio::fs::write(&tmp, &bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(())
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465 by default).
    Tls,
    /// Plain connection upgraded with STARTTLS, which is required (port 587
    /// by default). The default.
    #[default]
    Starttls,
    /// No encryption (port 25 by default): for a relay on the same machine or
    /// a test server only.
    None,
}

/// SMTP settings. `Debug` never shows the password.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Server host name (checked against its TLS certificate).
    pub host: String,
    /// Port; the default follows [`SmtpSecurity`].
    #[serde(default)]
    pub port: Option<u16>,
    /// Connection security.
    #[serde(default)]
    pub security: SmtpSecurity,
    /// User name, when the server wants a login.
    #[serde(default)]
    pub username: Option<String>,
    /// Password for `username`.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// Seconds to wait for the server (default 30).
    #[serde(default)]
    pub timeout_secs: Option<u64>,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// Why the email settings are unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The `from` address does not parse (`Name <address>` or `address`).
    #[error("email setting from: not a valid mailbox")]
    From,
    /// The SMTP settings are refused.
    #[error("email setting smtp: {0}")]
    Smtp(String),
}

/// The production sender: SMTP through lettre (tokio, rustls with the
/// webpki roots), with a connection pool.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSender")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpSender {
    /// A sender for `config`, sending as `from`. Connects on first use. Call
    /// it inside a tokio runtime (the connection pool runs a task there).
    ///
    /// # Errors
    /// [`ConfigError::Smtp`] when the host is unusable for TLS, or a
    /// password is given without a user name.
    pub fn new(config: &SmtpConfig, from: Mailbox) -> Result<Self, ConfigError> {
        let smtp = |e: lettre::transport::smtp::Error| ConfigError::Smtp(e.to_string());
        let mut builder = match config.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host),
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
            }
            SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                config.host.as_str(),
            )),
        }
        .map_err(smtp)?;
        if let Some(port) = config.port {
            builder = builder.port(port);
        }
        match (&config.username, &config.password) {
            (Some(user), password) => {
                builder = builder.credentials(Credentials::new(
                    user.clone(),
                    password.clone().unwrap_or_default(),
                ));
            }
            (None, Some(_)) => {
                return Err(ConfigError::Smtp(
                    "a password is set without a username".into(),
                ))
            }
            (None, None) => {}
        }
        let timeout = Duration::from_secs(config.timeout_secs.unwrap_or(30));
        Ok(Self {
            transport: builder.timeout(Some(timeout)).build(),
            from,
        })
    }
}

#[async_trait]
impl Sender for SmtpSender {
    async fn send(&self, message: &OutboxMessage) -> Result<(), SendError> {
        let email = build_message(&self.from, message)?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| SendError::Smtp(e.to_string()))
    }
}

/// Email settings: the sender address and where mail goes. Without `smtp`,
/// messages are written as `.eml` files into `folder`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// The `From` mailbox, `Name <address>` or `address`.
    #[serde(default = "default_from")]
    pub from: String,
    /// The development folder (default `./data/outbox`).
    #[serde(default = "default_folder")]
    pub folder: PathBuf,
    /// SMTP settings; when set, mail is sent through SMTP.
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
}

fn default_from() -> String {
    "Sprout <no-reply@localhost>".to_owned()
}

fn default_folder() -> PathBuf {
    PathBuf::from("./data/outbox")
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            from: default_from(),
            folder: default_folder(),
            smtp: None,
        }
    }
}

impl EmailConfig {
    /// The sender these settings name. Call it inside a tokio runtime (see
    /// [`SmtpSender::new`]).
    ///
    /// # Errors
    /// [`ConfigError::From`] for a bad `from`; [`SmtpSender::new`]'s errors.
    pub fn sender(&self) -> Result<Arc<dyn Sender>, ConfigError> {
        let from: Mailbox = self.from.parse().map_err(|_| ConfigError::From)?;
        Ok(match &self.smtp {
            Some(smtp) => Arc::new(SmtpSender::new(smtp, from)?),
            None => Arc::new(EmlFolder::new(self.folder.clone(), from)),
        })
    }
}

/// Messages claimed at a time.
pub const BATCH: u32 = 50;

/// How long a claim lasts: a sender that dies leaves its messages to others
/// after this.
pub const CLAIM: SignedDuration = SignedDuration::from_secs(5 * 60);

/// Batches per [`run_once`], so that one run ends even if mail keeps coming.
pub const MAX_BATCHES: u32 = 20;

/// The longest wait between two attempts.
pub const MAX_BACKOFF: SignedDuration = SignedDuration::from_secs(6 * 60 * 60);

/// How long to wait after the `attempts`-th failed attempt: one minute,
/// doubling with each attempt, at most [`MAX_BACKOFF`] (6 hours). A message
/// is never given up: it keeps its last error for operators.
pub fn backoff(attempts: u32) -> SignedDuration {
    let exp = attempts.saturating_sub(1).min(20);
    let secs = 60i64.saturating_mul(1i64 << exp);
    SignedDuration::from_secs(secs).min(MAX_BACKOFF)
}

/// What one [`run_once`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxReport {
    /// Messages claimed.
    pub claimed: u64,
    /// Messages sent and marked sent.
    pub sent: u64,
    /// Messages whose sending failed (marked for a later attempt).
    pub failed: u64,
}

/// Longest error text kept in the outbox.
const MAX_ERROR_LEN: usize = 500;

/// Drains the outbox once: claims due messages in batches (at most
/// [`MAX_BATCHES`] of [`BATCH`]), sends each with `sender`, and marks it sent
/// at `now`, or failed and due again after [`backoff`].
///
/// # Errors
/// A store error claiming or marking (messages already claimed are claimed
/// again when their claim ends).
#[tracing::instrument(skip_all)]
pub async fn run_once(
    store: &dyn Store,
    sender: &dyn Sender,
    now: Timestamp,
) -> StoreResult<OutboxReport> {
    let claimant = random_id();
    let claim_until = now.saturating_add(CLAIM).unwrap_or(now);
    let mut report = OutboxReport::default();
    for _ in 0..MAX_BATCHES {
        let batch = store
            .claim_due_emails(&claimant, now, claim_until, BATCH)
            .await?;
        if batch.is_empty() {
            break;
        }
        report.claimed += batch.len() as u64;
        for message in &batch {
            match sender.send(message).await {
                Ok(()) => {
                    store.mark_email_sent(&message.id, &claimant, now).await?;
                    report.sent += 1;
                }
                Err(e) => {
                    let attempts = message.attempts.saturating_add(1);
                    let retry_at = now.saturating_add(backoff(attempts)).unwrap_or(now);
                    let mut error = e.to_string();
                    if error.len() > MAX_ERROR_LEN {
                        let mut cut = MAX_ERROR_LEN;
                        while !error.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        error.truncate(cut);
                    }
                    tracing::warn!(id = %message.id, attempts, error = %error, "email not sent; will retry");
                    store
                        .mark_email_failed(&message.id, &claimant, &error, retry_at)
                        .await?;
                    report.failed += 1;
                }
            }
        }
    }
    if report.claimed > 0 {
        tracing::info!(
            claimed = report.claimed,
            sent = report.sent,
            failed = report.failed,
            "outbox run"
        );
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_up_to_six_hours() {
        assert_eq!(backoff(0), SignedDuration::from_secs(60));
        assert_eq!(backoff(1), SignedDuration::from_secs(60));
        assert_eq!(backoff(2), SignedDuration::from_secs(120));
        assert_eq!(backoff(3), SignedDuration::from_secs(240));
        assert_eq!(backoff(9), SignedDuration::from_secs(60 * 256));
        assert_eq!(backoff(10), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }

    #[tokio::test]
    async fn smtp_password_is_not_in_debug_output() {
        let c = SmtpConfig {
            host: "smtp.example.org".into(),
            port: Some(587),
            security: SmtpSecurity::Starttls,
            username: Some("portal".into()),
            password: Some("hunter2-secret".into()),
            timeout_secs: None,
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<hidden>"));
        let sender = SmtpSender::new(&c, "Portal <portal@example.org>".parse().unwrap()).unwrap();
        assert!(!format!("{sender:?}").contains("hunter2"));
    }

    #[tokio::test]
    async fn config_reads_and_picks_the_sender() {
        let c: EmailConfig = from_json(
            r#"{"from": "Clinic <portal@clinic.example>", "smtp": {"host": "mail.clinic.example", "security": "tls", "username": "u", "password": "p"}}"#,
        );
        assert_eq!(c.folder, PathBuf::from("./data/outbox"));
        let smtp = c.smtp.clone().unwrap();
        assert_eq!(smtp.security, SmtpSecurity::Tls);
        assert_eq!(smtp.port, None);
        assert!(c.sender().is_ok());
        let d = EmailConfig::default();
        assert_eq!(d.smtp, None);
        assert!(d.sender().is_ok());
        let bad = EmailConfig {
            from: "not an address".into(),
            ..EmailConfig::default()
        };
        assert!(matches!(bad.sender(), Err(ConfigError::From)));
        let bad = serde_json::from_str::<EmailConfig>(r#"{"frm": "x@y.z"}"#);
        assert!(bad.is_err(), "unknown settings are refused");
        let no_user = SmtpConfig {
            username: None,
            ..smtp
        };
        assert!(matches!(
            SmtpSender::new(&no_user, "a@b.example".parse().unwrap()),
            Err(ConfigError::Smtp(_))
        ));
    }

    fn from_json(json: &str) -> EmailConfig {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn eml_file_names_are_safe() {
        let f = EmlFolder::new("/tmp/x", "a@b.example".parse().unwrap());
        assert_eq!(
            f.path_of("abc-123_x"),
            PathBuf::from("/tmp/x/abc-123_x.eml")
        );
        assert_eq!(
            f.path_of("../etc/passwd"),
            PathBuf::from("/tmp/x/___etc_passwd.eml")
        );
    }
}
