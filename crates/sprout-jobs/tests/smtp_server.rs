//! The outbox against a real SMTP server process: `aiosmtpd` (PyPI), started
//! by the test on a free local port, storing what it receives in a Maildir.
//! A message queued while the server is down fails, stays queued with its
//! error, and is delivered by a later run once the server is up: never lost.
//!
//! Needs `python3` with `aiosmtpd` (`python3 -m pip install aiosmtpd`;
//! `scripts/test` installs it when missing).

mod common;

use common::*;
use jiff::{SignedDuration, Timestamp};
use sprout_jobs::outbox::{self, SmtpConfig, SmtpSecurity, SmtpSender};
use sprout_store::NewEmail;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An `aiosmtpd` process, killed when dropped.
struct SmtpServer {
    child: Child,
}

impl SmtpServer {
    /// Starts `aiosmtpd` on 127.0.0.1:`port`, delivering into the Maildir
    /// `maildir`, and waits until it accepts connections.
    async fn start(port: u16, maildir: &Path) -> Self {
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs (aiosmtpd needs it)");
        let mut server = Self { child };
        for _ in 0..100 {
            if let Some(status) = server.child.try_wait().unwrap() {
                let mut err = String::new();
                if let Some(mut e) = server.child.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                panic!(
                    "aiosmtpd exited ({status}): {err}\nInstall it with `python3 -m pip install aiosmtpd` (scripts/test does)."
                );
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not start listening on port {port}");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The messages delivered into a Maildir (`new/`), as text.
fn delivered(maildir: &Path) -> Vec<String> {
    let new: PathBuf = maildir.join("new");
    let Ok(entries) = std::fs::read_dir(&new) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

fn email(id: &str, to: &str) -> NewEmail {
    NewEmail {
        id: id.into(),
        to_address: to.into(),
        subject: "Main Street Pediatrics: choose a new password".into(),
        body_text: "Hello Maria,\n\nOpen this link within one hour:\n\nhttp://localhost/password/reset/abc\n"
            .into(),
        body_html: None,
        locale: "en".into(),
    }
}

#[tokio::test]
async fn mail_queued_while_the_server_is_down_is_delivered_when_it_is_up() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    let port = free_port();
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: SmtpSecurity::None,
        username: None,
        password: None,
        timeout_secs: Some(5),
    };
    let sender =
        SmtpSender::new(&config, "Sprout <portal@clinic.example>".parse().unwrap()).unwrap();
    let (_db, store) = sqlite().await;
    let t0: Timestamp = "2026-05-02T08:00:00Z".parse().unwrap();
    store
        .enqueue_email(&email("reset-1", "maria@example.com"), t0)
        .await
        .unwrap();

    // The server is down: the send fails, the message stays, with its error.
    let r = outbox::run_once(store.as_ref(), &sender, t0).await.unwrap();
    assert_eq!((r.claimed, r.sent, r.failed), (1, 0, 1), "{r:?}");
    let m = &store.outbox_messages(0).await.unwrap()[0];
    assert_eq!(m.sent_at, None);
    assert_eq!(m.attempts, 1);
    assert!(m.last_error.as_deref().unwrap().starts_with("smtp: "));
    let retry_at = t0 + SignedDuration::from_secs(60);
    assert_eq!(m.next_attempt_at, retry_at);

    // The server comes up. Before the retry time nothing is tried; at it,
    // the message goes, and a new one goes at once.
    let _server = SmtpServer::start(port, &maildir).await;
    let r = outbox::run_once(store.as_ref(), &sender, t0 + SignedDuration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(r.claimed, 0, "not due yet");
    store
        .enqueue_email(&email("reset-2", "sam@example.com"), retry_at)
        .await
        .unwrap();
    let r = outbox::run_once(store.as_ref(), &sender, retry_at)
        .await
        .unwrap();
    assert_eq!((r.sent, r.failed), (2, 0), "{r:?}");
    let all = store.outbox_messages(0).await.unwrap();
    assert!(all.iter().all(|m| m.sent_at == Some(retry_at)));
    assert_eq!(all.iter().find(|m| m.id == "reset-1").unwrap().attempts, 2);

    // Both are in the server's mailbox, whole.
    let mut got = Vec::new();
    for _ in 0..50 {
        got = delivered(&maildir);
        if got.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(got.len(), 2, "{got:?}");
    let maria = got
        .iter()
        .find(|m| m.contains("To: maria@example.com"))
        .expect("Maria's message");
    assert!(maria.contains("Subject: Main Street Pediatrics: choose a new password"));
    assert!(maria.contains("Message-ID: <reset-1@clinic.example>"));
    assert!(maria.contains("http://localhost/password/reset/abc"));
    assert!(got.iter().any(|m| m.contains("To: sam@example.com")));

    // Sent messages are not sent again.
    let r = outbox::run_once(
        store.as_ref(),
        &sender,
        retry_at + SignedDuration::from_hours(1),
    )
    .await
    .unwrap();
    assert_eq!(r.claimed, 0);
}
