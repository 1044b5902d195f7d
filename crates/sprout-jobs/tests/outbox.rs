//! The outbox sender job and the scheduler against a real store: failed sends
//! stay queued with a growing wait, the `.eml` folder sender writes
//! well-formed messages, the SMTP sender talks to a (local, fake) SMTP
//! server, and the scheduler runs the day's notices once across nodes.

mod common;

use async_trait::async_trait;
use common::*;
use jiff::{SignedDuration, Timestamp};
use sprout_domain::policy::Policy;
use sprout_jobs::outbox::{
    self, EmlFolder, SendError, Sender, SmtpConfig, SmtpSecurity, SmtpSender,
};
use sprout_jobs::scheduler::{self, SchedulerConfig};
use sprout_store::{NewEmail, OutboxMessage};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn new_email(id: &str, html: bool) -> NewEmail {
    NewEmail {
        id: id.into(),
        to_address: "Marta.Quintana@example.org".into(),
        subject: "Lucía cumple 12 años el 1 de junio de 2026: cambios en su acceso al portal"
            .into(),
        body_text: "Hola Marta Quintana,\n\nLucía cumple 12 años el 1 de junio de 2026. Desde ese \
                    día, el expediente de Lucía en el portal del paciente pasa a ser confidencial, \
                    como lo dispone la política de nuestro consultorio para pacientes desde los 12 \
                    años.\n\nQué cambiará:\n- Línea con acentos: áéíóú ñ ü ¿? ¡!\n.\nA line \
                    that starts with a dot, above.\n"
            .into(),
        body_html: html.then(|| "<p>Hola <b>Marta</b></p>".to_owned()),
        locale: "es".into(),
    }
}

/// A sender that always fails, counting its calls.
#[derive(Default)]
struct Failing {
    calls: AtomicU32,
}

#[async_trait]
impl Sender for Failing {
    async fn send(&self, _: &OutboxMessage) -> Result<(), SendError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(SendError::Smtp("451 4.3.0 try again later".into()))
    }
}

/// A sender that keeps what it sends.
#[derive(Default)]
struct Recording {
    sent: Mutex<Vec<String>>,
}

#[async_trait]
impl Sender for Recording {
    async fn send(&self, m: &OutboxMessage) -> Result<(), SendError> {
        self.sent.lock().unwrap().push(m.id.clone());
        Ok(())
    }
}

#[tokio::test]
async fn a_failing_send_stays_queued_and_is_retried_with_backoff() {
    let (_dir, store) = sqlite().await;
    let t0 = t("2026-05-02T08:00:00Z");
    store
        .enqueue_email(&new_email("m1", false), t0)
        .await
        .unwrap();
    store
        .enqueue_email(&new_email("m2", true), t0)
        .await
        .unwrap();

    let failing = Failing::default();
    let r = outbox::run_once(store.as_ref(), &failing, t0)
        .await
        .unwrap();
    assert_eq!((r.claimed, r.sent, r.failed), (2, 0, 2));
    let queued = store.outbox_messages(0).await.unwrap();
    for m in &queued {
        assert_eq!(m.sent_at, None);
        assert_eq!(m.attempts, 1);
        assert_eq!(m.next_attempt_at, t("2026-05-02T08:01:00Z"));
        assert_eq!(
            m.last_error.as_deref(),
            Some("smtp: 451 4.3.0 try again later")
        );
    }

    // Not due before its time: nothing is even tried.
    let r = outbox::run_once(store.as_ref(), &failing, t("2026-05-02T08:00:59Z"))
        .await
        .unwrap();
    assert_eq!(r.claimed, 0);
    assert_eq!(failing.calls.load(Ordering::SeqCst), 2);

    // Fails again: the wait doubles.
    let t1 = t("2026-05-02T08:01:00Z");
    let r = outbox::run_once(store.as_ref(), &failing, t1)
        .await
        .unwrap();
    assert_eq!(r.failed, 2);
    for m in store.outbox_messages(0).await.unwrap() {
        assert_eq!(m.attempts, 2);
        assert_eq!(m.next_attempt_at, t("2026-05-02T08:03:00Z"));
    }

    // The server is back: both are sent, once.
    let ok = Recording::default();
    let t2 = t("2026-05-02T08:03:00Z");
    let r = outbox::run_once(store.as_ref(), &ok, t2).await.unwrap();
    assert_eq!((r.claimed, r.sent, r.failed), (2, 2, 0));
    let sent = store.outbox_messages(0).await.unwrap();
    for m in &sent {
        assert_eq!(m.sent_at, Some(t2));
        assert_eq!(m.attempts, 3);
    }
    let r = outbox::run_once(store.as_ref(), &ok, t("2026-05-03T08:00:00Z"))
        .await
        .unwrap();
    assert_eq!(r.claimed, 0);
    let mut ids = ok.sent.lock().unwrap().clone();
    ids.sort();
    assert_eq!(ids, ["m1", "m2"]);
}

fn header<'a>(mail: &'a mailparse::ParsedMail<'a>, name: &str) -> String {
    use mailparse::MailHeaderMap;
    mail.headers
        .get_first_value(name)
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[tokio::test]
async fn the_eml_folder_sender_writes_well_formed_messages() {
    let (_dir, store) = sqlite().await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("data/outbox");
    let sender = EmlFolder::new(
        &out,
        "Sprout Pediatrics <portal@clinic.example>".parse().unwrap(),
    );
    let t0 = t("2026-05-02T08:00:00Z");
    store
        .enqueue_email(&new_email("plain1", false), t0)
        .await
        .unwrap();
    store
        .enqueue_email(&new_email("html1", true), t0)
        .await
        .unwrap();
    let r = outbox::run_once(store.as_ref(), &sender, t0).await.unwrap();
    assert_eq!(r.sent, 2);

    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["html1.eml", "plain1.eml"],
        "no temporary files left"
    );

    let original = new_email("plain1", false);
    let raw = std::fs::read(out.join("plain1.eml")).unwrap();
    assert!(raw.is_ascii(), "headers and body are 7-bit encoded");
    assert!(
        raw.windows(2)
            .filter(|w| w[1] == b'\n')
            .all(|w| w[0] == b'\r'),
        "every line ends in CRLF"
    );
    let mail = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(
        header(&mail, "From"),
        "\"Sprout Pediatrics\" <portal@clinic.example>"
    );
    assert_eq!(header(&mail, "To"), "Marta.Quintana@example.org");
    assert_eq!(header(&mail, "Subject"), original.subject);
    assert_eq!(header(&mail, "Message-ID"), "<plain1@clinic.example>");
    assert_eq!(header(&mail, "MIME-Version"), "1.0");
    assert_eq!(header(&mail, "Auto-Submitted"), "auto-generated");
    assert_eq!(header(&mail, "Content-Language"), "es");
    let date = mailparse::dateparse(&header(&mail, "Date")).unwrap();
    assert_eq!(date, t0.as_second());
    assert_eq!(mail.ctype.mimetype, "text/plain");
    assert_eq!(mail.ctype.charset.to_lowercase(), "utf-8");
    // The body, as written (the message adds one line end after it).
    let body = mail.get_body().unwrap().replace("\r\n", "\n");
    assert_eq!(
        body.trim_end_matches('\n'),
        original.body_text.trim_end_matches('\n')
    );

    let raw = std::fs::read(out.join("html1.eml")).unwrap();
    let mail = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    assert_eq!(mail.subparts.len(), 2);
    assert_eq!(mail.subparts[0].ctype.mimetype, "text/plain");
    assert_eq!(
        mail.subparts[0]
            .get_body()
            .unwrap()
            .replace("\r\n", "\n")
            .trim_end_matches('\n'),
        original.body_text.trim_end_matches('\n')
    );
    assert_eq!(mail.subparts[1].ctype.mimetype, "text/html");
    assert_eq!(
        mail.subparts[1].get_body().unwrap().trim_end(),
        "<p>Hola <b>Marta</b></p>"
    );

    // Sending again (a repeat after a crash) rewrites the same file.
    sender
        .send(&store.outbox_messages(1).await.unwrap()[0])
        .await
        .unwrap();
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);

    // A bad recipient is an error naming no address.
    let mut bad = store.outbox_messages(1).await.unwrap().remove(0);
    bad.to_address = "not an address".into();
    let err = sender.send(&bad).await.unwrap_err();
    assert!(matches!(err, SendError::Address));
    assert!(!err.to_string().contains("not an address"));
}

/// A minimal SMTP server on 127.0.0.1 for one test: answers every command,
/// refuses recipients at `refuse.example` with 550, and keeps each message's
/// DATA.
async fn fake_smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&got);
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let keep = Arc::clone(&keep);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write
                    .write_all(b"220 localhost ESMTP test\r\n")
                    .await
                    .unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-localhost\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT") && upper.contains("REFUSE.EXAMPLE") {
                        b"550 5.1.1 no such user\r\n"
                    } else if upper.starts_with("DATA") {
                        write.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        keep.lock().unwrap().push(data);
                        b"250 2.0.0 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

#[tokio::test]
async fn the_smtp_sender_delivers_and_a_refusal_is_retried() {
    let (port, got) = fake_smtp_server().await;
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
    let (_dir, store) = sqlite().await;
    let t0 = t("2026-05-02T08:00:00Z");
    store
        .enqueue_email(&new_email("s1", false), t0)
        .await
        .unwrap();
    let mut refused = new_email("s2", false);
    refused.to_address = "someone@refuse.example".into();
    store.enqueue_email(&refused, t0).await.unwrap();

    let r = outbox::run_once(store.as_ref(), &sender, t0).await.unwrap();
    assert_eq!((r.sent, r.failed), (1, 1), "{r:?}");
    let data = got.lock().unwrap().clone();
    assert_eq!(data.len(), 1);
    assert!(
        data[0].contains("Message-ID: <s1@clinic.example>"),
        "{}",
        data[0]
    );
    assert!(
        data[0].contains("To: Marta.Quintana@example.org"),
        "{}",
        data[0]
    );
    let queued = store.outbox_messages(0).await.unwrap();
    let s2 = queued.iter().find(|m| m.id == "s2").unwrap();
    assert_eq!(s2.sent_at, None);
    assert_eq!(s2.next_attempt_at, t0 + SignedDuration::from_secs(60));
    let error = s2.last_error.as_deref().unwrap();
    assert!(
        error.starts_with("smtp: ") && error.contains("550"),
        "{error}"
    );
    assert!(!error.contains("Lucía"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_scheduler_runs_the_days_notices_once_across_nodes() {
    let (_dir, store) = sqlite().await;
    seed_practice(store.as_ref()).await;
    let policy = Policy::default();
    let folder = tempfile::tempdir().unwrap();
    let sender = EmlFolder::new(folder.path(), "portal@clinic.example".parse().unwrap());
    let now = t("2026-05-02T07:00:00Z");

    let tick =
        |node: &'static str| scheduler::tick(store.as_ref(), &policy, &sender, TODAY, now, node);
    let (a, b, c) = tokio::join!(tick("node-a"), tick("node-b"), tick("node-c"));
    let reports = [a.unwrap(), b.unwrap(), c.unwrap()];
    let ran: Vec<_> = reports.iter().filter_map(|r| r.notices.clone()).collect();
    assert_eq!(ran.len(), 1, "one node runs the day's notices: {reports:?}");
    assert_eq!(ran[0].recorded, 5);
    assert_eq!(reports.iter().map(|r| r.outbox.sent).sum::<u64>(), 5);
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 5);

    // Later the same day, no node runs them again.
    let later = now + SignedDuration::from_hours(3);
    let r = scheduler::tick(store.as_ref(), &policy, &sender, TODAY, later, "node-b")
        .await
        .unwrap();
    assert_eq!(r.notices, None);
    assert_eq!(r.outbox.claimed, 0);

    // The next day they run again (on whichever node), and add Sofía's.
    let tomorrow = TODAY.tomorrow().unwrap();
    let next = now + SignedDuration::from_hours(24);
    let r = scheduler::tick(store.as_ref(), &policy, &sender, tomorrow, next, "node-c")
        .await
        .unwrap();
    assert_eq!(r.notices.map(|n| n.recorded), Some(1));
    assert_eq!(r.outbox.sent, 1);
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 6);
    for entry in std::fs::read_dir(folder.path()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for word in HEALTH_WORDS {
            assert!(!text.contains(word), "{text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_loop_ticks_until_shut_down() {
    let (_dir, store) = sqlite().await;
    seed_practice(store.as_ref()).await;
    let folder = tempfile::tempdir().unwrap();
    let sender: Arc<dyn Sender> = Arc::new(EmlFolder::new(
        folder.path(),
        "portal@clinic.example".parse().unwrap(),
    ));
    let ticks = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&ticks);
    let clock = move || {
        counted.fetch_add(1, Ordering::SeqCst);
        (TODAY, t("2026-05-02T07:00:00Z"))
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(scheduler::run_scheduler(
        Arc::clone(&store),
        Arc::new(Policy::default()),
        sender,
        clock,
        SchedulerConfig {
            interval: Duration::from_millis(50),
            node: "node-loop".into(),
            messaging: None,
        },
        async move {
            let _ = stopped.await;
        },
    ));
    // Until the first tick's mail is out.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while std::fs::read_dir(folder.path()).unwrap().count() < 5 {
        assert!(tokio::time::Instant::now() < deadline, "no mail written");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), handle)
        .await
        .expect("the loop stops")
        .unwrap();
    assert!(ticks.load(Ordering::SeqCst) >= 2, "it kept ticking");
    let after = ticks.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        ticks.load(Ordering::SeqCst),
        after,
        "no tick after shutdown"
    );
    assert_eq!(store.outbox_messages(0).await.unwrap().len(), 5);
}
