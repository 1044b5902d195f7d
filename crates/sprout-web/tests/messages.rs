//! Secure messaging over HTTP (issue 5): attachment limits and types refused
//! before anything is stored (and exactly 10 files and exactly 25 MB
//! accepted), downloads with their headers and hash check, idempotent posts,
//! who may read, list, count and send threads, the notice email's content,
//! the staff inbox, and the audit events.

mod common;

use common::*;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use sprout_domain::messaging::Settings;
use sprout_domain::people::RelationshipKind;
use sprout_domain::policy::{Action, Policy, Preset};
use sprout_domain::PatientId;
use sprout_store::messaging::Side;
use tempfile::TempDir;

const MB25: usize = 25 * 1024 * 1024;

/// California, with messages allowed to proxies (the preset allows none).
fn ca_with_messages() -> Policy {
    let mut p = Policy::preset(Preset::California);
    p.proxy_actions = vec![Action::Message];
    p
}

/// Files of a post: (name, bytes).
type Files = Vec<(String, Vec<u8>)>;

struct Fixture {
    app: App,
    files: TempDir,
}

async fn fixture(policy: Policy) -> Fixture {
    let files = tempfile::tempdir().unwrap();
    let app = start_with(sprout_web::WebConfig {
        policy,
        time_zone: jiff::tz::TimeZone::get("America/New_York").unwrap(),
        messaging: Settings {
            attachments_dir: files.path().join("attachments"),
            ..Settings::default()
        },
        // What `sprout serve` sets when no public URL is configured: the
        // address it listens on, for links in emails.
        enrollment: sprout_web::EnrollmentConfig {
            link_origin: Some("http://127.0.0.1:8080".to_owned()),
            ..sprout_web::EnrollmentConfig::default()
        },
        ..Default::default()
    })
    .await;
    Fixture { app, files }
}

impl Fixture {
    fn dir(&self) -> std::path::PathBuf {
        self.files.path().join("attachments")
    }

    /// Names of the files in the attachments folder.
    fn stored_files(&self) -> Vec<String> {
        match std::fs::read_dir(self.dir()) {
            Ok(rd) => rd
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => vec![],
        }
    }

    async fn threads_of(&self, p: &PatientId) -> usize {
        self.app
            .store
            .threads_of_patients(std::slice::from_ref(p), &self.app.parent)
            .await
            .unwrap()
            .len()
    }
}

fn png(n: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.resize(n.max(v.len()), 0x5a);
    v
}

fn pdf(n: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    v.resize(n.max(v.len()), b' ');
    v
}

/// A multipart post of `fields` and `files` (name, bytes) from `page_path`'s
/// CSRF token.
async fn post_multipart(
    b: &Browser,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
    files: Vec<(String, Vec<u8>)>,
    key_header: Option<&str>,
) -> Page {
    let page = b.get(page_path).await;
    assert_eq!(page.status, StatusCode::OK, "{page_path}: {}", page.body);
    let mut form = Form::new().text("csrf", page.csrf());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        form = form.part(
            "files",
            Part::bytes(bytes)
                .file_name(name)
                .mime_str("application/octet-stream")
                .unwrap(),
        );
    }
    let mut req = b.client.post(format!("{}{action}", b.base)).multipart(form);
    if let Some(k) = key_header {
        req = req.header("Idempotency-Key", k);
    }
    Browser::read(req.send().await.unwrap()).await
}

/// Maria writes a new thread about `patient`.
async fn new_thread(
    b: &Browser,
    patient: &PatientId,
    subject: &str,
    body: &str,
    files: Vec<(String, Vec<u8>)>,
) -> Page {
    post_multipart(
        b,
        "/messages/new",
        "/messages",
        &[
            ("patient", patient.as_str()),
            ("category", "clinical"),
            ("subject", subject),
            ("body", body),
        ],
        files,
        None,
    )
    .await
}

fn thread_path(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location().unwrap().to_owned()
}

#[tokio::test]
async fn limits_and_types_are_refused_before_anything_is_stored() {
    let f = fixture(ca_with_messages()).await;
    let b = Browser::new(&f.app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let ana = f.app.ana.clone();

    let refusals: Vec<(&str, Files, &str, &str)> = vec![
        (
            "an 11th file",
            (1..=11).map(|i| (format!("photo-{i}.png"), png(2000))).collect(),
            "photo-11.png",
            "at most 10 files",
        ),
        (
            "25 MB plus one byte",
            vec![
                ("scan-a.pdf".into(), pdf(MB25 / 2)),
                ("scan-b.pdf".into(), pdf(MB25 - MB25 / 2 + 1)),
            ],
            "scan-b.pdf",
            "at most 25 MB",
        ),
        (
            // Past the request's body limit (25 MB + 1 MB for the form): the
            // refusal still names the file and the rule, with the form.
            "one file of 27 MB",
            vec![("video.pdf".into(), pdf(27 * 1024 * 1024))],
            "video.pdf",
            "at most 25 MB",
        ),
        (
            "a Windows executable named .pdf",
            vec![(
                "report.pdf".into(),
                b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0\xb8\0\0\0\0\0\0\0@\0".to_vec(),
            )],
            "report.pdf",
            "only .docx, .pdf, .png, .jpg/.jpeg, .mov and .mpeg",
        ),
        (
            "an HTML file named .png",
            vec![
                ("ok.png".into(), png(500)),
                (
                    "rash.png".into(),
                    b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
                ),
            ],
            "rash.png",
            "only .docx, .pdf, .png, .jpg/.jpeg, .mov and .mpeg",
        ),
        (
            "an SVG",
            vec![(
                "drawing.svg".into(),
                b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                    .to_vec(),
            )],
            "drawing.svg",
            "only .docx, .pdf, .png, .jpg/.jpeg, .mov and .mpeg",
        ),
    ];
    for (case, files, file, rule) in refusals {
        let page = new_thread(&b, &ana, "Typed subject stays", "Typed body stays", files).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
        assert!(page.body.contains(file), "{case}: names the file");
        assert!(page.body.contains(rule), "{case}: names the rule");
        assert!(page.body.contains("Nothing was sent"), "{case}");
        assert!(page.body.contains("attach them again"), "{case}");
        assert!(
            page.body.contains("value=\"Typed subject stays\"")
                && page.body.contains("Typed body stays</textarea>"),
            "{case}: what was typed is shown again"
        );
        assert_eq!(f.threads_of(&ana).await, 0, "{case}: no message stored");
        assert!(
            f.stored_files().is_empty(),
            "{case}: no file kept: {:?}",
            f.stored_files()
        );
    }

    // Exactly 10 files, and exactly 25 MB, are accepted.
    let ten: Vec<(String, Vec<u8>)> = (1..=10)
        .map(|i| (format!("photo-{i}.png"), png(1000 + i)))
        .collect();
    let at = thread_path(&new_thread(&b, &ana, "Ten photos", "Here they are", ten).await);
    let full = vec![
        ("part-1.pdf".to_owned(), pdf(MB25 / 2)),
        ("part-2.pdf".to_owned(), pdf(MB25 - MB25 / 2)),
    ];
    let at2 = thread_path(&new_thread(&b, &ana, "Full scan", "25 MB exactly", full.clone()).await);
    assert_eq!(f.threads_of(&ana).await, 2);
    let id2 = at2.trim_start_matches("/messages/");
    let msgs = f.app.store.thread_messages(id2).await.unwrap();
    let sizes: u64 = msgs[0].attachments.iter().map(|a| a.size_bytes).sum();
    assert_eq!(sizes, MB25 as u64);
    // Files are stored under random ids with their SHA-256, never the user's name.
    let stored = f.stored_files();
    assert_eq!(stored.len(), 12);
    assert!(stored
        .iter()
        .all(|n| n.len() == 32 && n.bytes().all(|c| c.is_ascii_hexdigit())));
    for a in &msgs[0].attachments {
        let bytes = std::fs::read(f.dir().join(&a.id)).unwrap();
        let want = &full[a.position as usize].1;
        assert_eq!(&bytes, want);
        assert_eq!(a.sha256, sha256_hex(want));
    }
    let page = b.get(&at).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("/files/").count(), 10);
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// The first attachment link of a thread page.
fn first_file_link(body: &str) -> String {
    let i = body.find("/files/").expect("a file link");
    let start = body[..i].rfind('"').unwrap() + 1;
    let end = i + body[i..].find('"').unwrap();
    body[start..end].to_owned()
}

#[tokio::test]
async fn downloads_carry_safe_headers_and_are_checked_against_the_hash() {
    let f = fixture(ca_with_messages()).await;
    let b = Browser::new(&f.app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let photo = png(4321);
    let at = thread_path(
        &new_thread(
            &b,
            &f.app.ana,
            "Rash",
            "Photo attached",
            vec![("../../etc/passwd.png".into(), photo.clone())],
        )
        .await,
    );
    let page = b.get(&at).await;
    assert!(page.body.contains("passwd.png"), "the name is shown");
    assert!(!page.body.contains("../../etc"), "but no path part of it");
    let link = first_file_link(&page.body);
    let resp = b
        .client
        .get(format!("{}{link}", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"attachment-1.png\""
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), photo);

    // Audit: the send, the thread read, the download.
    let events = audit(&f.app, None, Some(&f.app.ana)).await;
    let has = |action: &str, object: &str| {
        events
            .iter()
            .any(|e| e.action == action && e.object_type == object && e.outcome == "success")
    };
    assert!(has("create", "message"));
    assert!(has("read", "message-thread"));
    assert!(has("export", "message-attachment"));
    for e in &events {
        let d = e.detail.clone().unwrap_or_default();
        assert!(!d.contains("Rash") && !d.contains("Photo attached"), "{d}");
    }

    // A file changed on disk is refused, not served.
    let id = link.rsplit('/').next().unwrap();
    std::fs::write(
        f.dir().join(id),
        png(4321).iter().map(|b| b ^ 1).collect::<Vec<_>>(),
    )
    .unwrap();
    let bad = b.get(&link).await;
    assert_eq!(bad.status, StatusCode::INTERNAL_SERVER_ERROR);
    // Unknown or malformed ids are 404s.
    assert_eq!(
        b.get(&format!("{at}/files/{}", "0".repeat(32)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/messages/not-an-id").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_stores_no_second_message() {
    let f = fixture(ca_with_messages()).await;
    let b = Browser::new(&f.app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let ana = f.app.ana.clone();
    let fields = [
        ("patient", ana.as_str()),
        ("category", "clinical"),
        ("subject", "Fever"),
        ("body", "38.5 since this morning"),
    ];
    let one = post_multipart(
        &b,
        "/messages/new",
        "/messages",
        &fields,
        vec![("a.png".into(), png(900))],
        Some("retry-key-1"),
    )
    .await;
    let two = post_multipart(
        &b,
        "/messages/new",
        "/messages",
        &fields,
        vec![("a.png".into(), png(900))],
        Some("retry-key-1"),
    )
    .await;
    assert_eq!(thread_path(&one), thread_path(&two));
    assert_eq!(f.threads_of(&ana).await, 1);
    assert_eq!(f.stored_files().len(), 1, "the retry's file is not kept");
    // The browser form's hidden field works the same way, for replies too.
    let at = thread_path(&one);
    for _ in 0..2 {
        let page = post_multipart(
            &b,
            &at,
            &at,
            &[("body", "Still 38.5"), ("idempotency_key", "form-key-7")],
            vec![],
            None,
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let id = at.trim_start_matches("/messages/");
    assert_eq!(f.app.store.thread_messages(id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn threads_are_for_participants_and_the_care_team() {
    let f = fixture(ca_with_messages()).await;
    let app = &f.app;
    // Ana's second parent.
    let dad = add_account(app, "dad@example.com", "Dan Lopez", None, None).await;
    app.store
        .add_relationship(&relationship(&dad, &app.ana))
        .await
        .unwrap();

    let maria = Browser::new(app);
    maria.sign_in(PARENT_EMAIL, PASSWORD).await;
    let at = thread_path(
        &new_thread(
            &maria,
            &app.ana,
            "Private worry",
            "Only for the nurse",
            vec![("x.png".into(), png(800))],
        )
        .await,
    );
    let page = maria.get(&at).await;
    let file = first_file_link(&page.body);

    // The nurse replies, so each parent has a message from the care team
    // in the thread to count.
    let nurse = Browser::new(app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let r = post_multipart(
        &nurse,
        &at,
        &at,
        &[("body", "We will call you.")],
        vec![],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let list = maria.get("/messages").await;
    assert!(list.body.contains("Private worry"));
    assert!(list.body.contains("data-unread=\"1\""), "{}", list.body);

    // The second parent: cannot list, read, count, download or reply.
    let dan = Browser::new(app);
    dan.sign_in("dad@example.com", PASSWORD).await;
    let list = dan.get("/messages").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("Private worry"));
    assert!(list.body.contains("data-unread=\"0\""));
    assert_eq!(dan.get(&at).await.status, StatusCode::NOT_FOUND);
    assert_eq!(dan.get(&file).await.status, StatusCode::NOT_FOUND);
    let tried = post_multipart(&dan, "/messages", &at, &[("body", "me too")], vec![], None).await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);
    let id = at.trim_start_matches("/messages/");
    assert_eq!(app.store.thread_messages(id).await.unwrap().len(), 2);
    let denied = audit(app, Some("read"), Some(&app.ana))
        .await
        .into_iter()
        .any(|e| {
            e.object_type == "message-thread"
                && e.outcome == "denied"
                && e.reason.as_deref() == Some("not-thread-participant")
        });
    assert!(denied, "the refused read is audited");

    // A 14-year-old's own thread: never seen by an approved proxy.
    let teo = add_patient(app, "Teo", "Lopez", jiff::civil::date(2011, 12, 1), vec![]).await;
    let mut rel = relationship(&app.parent, &teo);
    rel.kind = RelationshipKind::Parent;
    rel.patient_approved_on = Some(jiff::civil::date(2024, 6, 1));
    app.store.add_relationship(&rel).await.unwrap();
    add_account(app, "teo@example.com", "Teo Lopez", None, Some(&teo)).await;
    let teen = Browser::new(app);
    teen.sign_in("teo@example.com", PASSWORD).await;
    let teen_at =
        thread_path(&new_thread(&teen, &teo, "Just for me", "A private question", vec![]).await);
    let r = post_multipart(
        &nurse,
        &teen_at,
        &teen_at,
        &[("body", "Come see us.")],
        vec![],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Maria sees Teo's record (approved) but not his thread, nor its unread reply.
    assert_eq!(
        maria.get(&format!("/patients/{teo}")).await.status,
        StatusCode::OK
    );
    let list = maria.get("/messages").await;
    assert!(!list.body.contains("Just for me"));
    assert!(
        list.body.contains("data-unread=\"1\""),
        "only her own thread counts"
    );
    assert_eq!(maria.get(&teen_at).await.status, StatusCode::NOT_FOUND);
    // Teo does not see his mother's thread about Ana either, and sees his own.
    let list = teen.get("/messages").await;
    assert!(list.body.contains("Just for me") && !list.body.contains("Private worry"));
    // The care team sees both.
    assert_eq!(nurse.get(&at).await.status, StatusCode::OK);
    assert_eq!(nurse.get(&teen_at).await.status, StatusCode::OK);
}

#[tokio::test]
async fn under_california_a_proxy_cannot_send_at_all() {
    let f = fixture(Policy::preset(Preset::California)).await;
    let b = Browser::new(&f.app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let list = b.get("/messages").await;
    assert!(list
        .body
        .contains("does not take messages through the portal"));
    assert!(!list.body.contains("href=\"/messages/new\""));
    let compose = b.get("/messages/new").await;
    assert_eq!(compose.status, StatusCode::SEE_OTHER);
    // A post made anyway is refused and stores nothing.
    let form = Form::new()
        .text("csrf", list.csrf())
        .text("patient", f.app.ana.to_string())
        .text("category", "clinical")
        .text("subject", "Hello")
        .text("body", "Can I send?")
        .part("files", Part::bytes(png(500)).file_name("a.png"));
    let resp = b
        .client
        .post(format!("{}/messages", b.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = resp.text().await.unwrap();
    assert!(body.contains("Choose the child"));
    assert_eq!(f.threads_of(&f.app.ana).await, 0);
    assert!(f.stored_files().is_empty());
}

#[tokio::test]
async fn notice_emails_carry_no_name_subject_or_text() {
    let f = fixture(ca_with_messages()).await;
    let app = &f.app;
    let b = Browser::new(app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let at = thread_path(
        &new_thread(
            &b,
            &app.ana,
            "Rash on Ana's elbow",
            "Ana Lopez has a red itchy rash",
            vec![],
        )
        .await,
    );
    let nurse = Browser::new(app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let r = post_multipart(
        &nurse,
        &at,
        &at,
        &[("body", "Use the hydrocortisone cream on Ana")],
        vec![],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let outbox = app.store.outbox_messages(0).await.unwrap();
    let to_staff: Vec<_> = outbox
        .iter()
        .filter(|m| m.to_address == NURSE_EMAIL)
        .collect();
    let to_parent: Vec<_> = outbox
        .iter()
        .filter(|m| m.to_address == PARENT_EMAIL)
        .collect();
    assert_eq!(
        to_staff.len(),
        1,
        "the new message is announced to the pool"
    );
    assert_eq!(to_parent.len(), 1, "the reply is announced to the parent");
    for m in to_staff.iter().chain(&to_parent) {
        let all = format!(
            "{} {} {}",
            m.subject,
            m.body_text,
            m.body_html.clone().unwrap_or_default()
        );
        for word in [
            "Ana",
            "Lopez",
            "Rash",
            "rash",
            "elbow",
            "itchy",
            "hydrocortisone",
            "cream",
            "Maria",
        ] {
            assert!(!all.contains(word), "the notice contains `{word}`: {all}");
        }
        assert!(m.body_text.contains("new message"), "{}", m.body_text);
    }
    // Full links: staff to their inbox, the family to their messages.
    assert!(
        to_staff[0]
            .body_text
            .contains("http://127.0.0.1:8080/staff/inbox"),
        "{}",
        to_staff[0].body_text
    );
    assert!(
        to_parent[0]
            .body_text
            .contains("http://127.0.0.1:8080/messages"),
        "{}",
        to_parent[0].body_text
    );
}

#[tokio::test]
async fn staff_inbox_pools_due_times_assign_reply_close_and_unread() {
    let f = fixture(ca_with_messages()).await;
    let app = &f.app;
    let b = Browser::new(app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let at =
        thread_path(&new_thread(&b, &app.ana, "Cough at night", "Three nights now", vec![]).await);
    let billing = post_multipart(
        &b,
        "/messages/new",
        "/messages",
        &[
            ("patient", app.ben.as_str()),
            ("category", "billing"),
            ("subject", "Bill for January"),
            ("body", "Was insurance billed?"),
        ],
        vec![],
        None,
    )
    .await;
    assert_eq!(billing.status, StatusCode::SEE_OTHER);

    let nurse = Browser::new(app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let home = nurse.get("/").await;
    assert!(
        home.body.contains("href=\"/staff/inbox\""),
        "staff get an Inbox link"
    );
    let clinical = nurse.get("/staff/inbox?pool=clinical").await;
    assert_eq!(clinical.status, StatusCode::OK);
    assert!(clinical.body.contains("Cough at night"));
    assert!(!clinical.body.contains("Bill for January"));
    assert!(
        clinical.body.contains("Reply due"),
        "each thread shows its due time"
    );
    let front = nurse.get("/staff/inbox?pool=front-office").await;
    assert!(front.body.contains("Bill for January"));

    // Assign, reply, close.
    let thread = nurse.get(&at).await;
    assert!(thread.body.contains("Reply due"));
    let assign = nurse.submit(&at, &format!("{at}/assign"), &[]).await;
    assert_eq!(assign.status, StatusCode::SEE_OTHER);
    assert!(nurse
        .get("/staff/inbox?pool=clinical")
        .await
        .body
        .contains("Assigned to me"));
    let r = post_multipart(
        &nurse,
        &at,
        &at,
        &[("body", "Try honey before bed.")],
        vec![],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The parent: one unread, then none after reading.
    assert!(b.get("/messages").await.body.contains("data-unread=\"1\""));
    let read = b.get(&at).await;
    assert!(read.body.contains("Try honey before bed."));
    assert!(b.get("/messages").await.body.contains("data-unread=\"0\""));

    let close = nurse.submit(&at, &format!("{at}/close"), &[]).await;
    assert_eq!(close.status, StatusCode::SEE_OTHER);
    assert!(!nurse
        .get("/staff/inbox?pool=clinical")
        .await
        .body
        .contains("Cough at night"));
    assert!(nurse
        .get("/staff/inbox?pool=clinical&closed=1")
        .await
        .body
        .contains("Cough at night"));

    // Overdue threads are highlighted: a week later (signing in again, the
    // session having ended).
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 7));
    let nurse = Browser::new(app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let late = nurse.get("/staff/inbox?pool=front-office").await;
    assert!(late.body.contains("msg-overdue"), "{}", late.body);
    assert!(late.body.contains("Overdue"));

    // Administrators and front desk have no inbox (the policy gives them no
    // messages), and the attempt is audited.
    let admin = Browser::new(app);
    admin.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert_eq!(
        admin.get("/staff/inbox").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(admin.get(&at).await.status, StatusCode::NOT_FOUND);
    // Staff replies are staff-side messages.
    let id = at.trim_start_matches("/messages/");
    let msgs = app.store.thread_messages(id).await.unwrap();
    assert_eq!(
        msgs.iter().map(|m| m.side).collect::<Vec<_>>(),
        vec![Side::Family, Side::Staff]
    );
}
