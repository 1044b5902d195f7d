//! Messaging's jobs: one overdue reminder per thread and due time, sent to
//! the pool without a name or the message's words; and the removal of
//! attachment files no message refers to, after the grace period only.

mod common;

use common::*;
use jiff::{SignedDuration, Timestamp};
use sprout_domain::messaging::{AttachmentKind, Category, Settings};
use sprout_domain::people::{AccountStatus, StaffRole};
use sprout_store::messaging::{Attachment, NewMessage, NewThread, Side};
use sprout_store::{AuditEvent, ImportBatch, NewAccount, Store};
use std::collections::BTreeMap;

async fn seed(store: &dyn Store, attachments: Vec<Attachment>, due: Timestamp) -> String {
    store
        .import_batch(&ImportBatch {
            patients: vec![patient("jm-p1", "Iris", jiff::civil::date(2021, 4, 4))],
            items: vec![],
        })
        .await
        .unwrap();
    for (id, email, role) in [
        ("jm-a1", "parent@example.org", None),
        ("jm-a2", "nurse@example.org", Some(StaffRole::Nurse)),
        ("jm-a3", "doc@example.org", Some(StaffRole::Clinician)),
        ("jm-a4", "desk@example.org", Some(StaffRole::FrontDesk)),
    ] {
        store
            .create_account(&NewAccount {
                id: aid(id),
                email: email.into(),
                display_name: id.into(),
                password_hash: "x".into(),
                status: AccountStatus::Active,
                staff_role: role,
                patient_id: None,
            })
            .await
            .unwrap();
    }
    let at: Timestamp = "2026-03-02T15:00:00Z".parse().unwrap();
    store
        .post_message(
            &NewMessage {
                id: "jm-m1".into(),
                thread_id: String::new(),
                new_thread: Some(NewThread {
                    id: "jm-t1".into(),
                    patient_id: pid("jm-p1"),
                    category: Category::Clinical,
                    pool: "clinical".into(),
                    subject: "Iris has a secret subject".into(),
                }),
                author: aid("jm-a1"),
                author_name: "Parent".into(),
                side: Side::Family,
                body: "Secret words".into(),
                created_at: at,
                due_at: Some(due),
                idempotency_key: None,
                attachments,
            },
            &[],
            &AuditEvent {
                at: "2026-03-02T15:00:00Z".into(),
                account_id: Some(aid("jm-a1")),
                actor_role: "parent".into(),
                on_behalf_of: None,
                patient_id: Some(pid("jm-p1")),
                action: "create".into(),
                object_type: "message".into(),
                object_id: Some("jm-m1".into()),
                outcome: "success".into(),
                reason: None,
                client_addr: None,
                request_id: None,
                detail: None,
            },
        )
        .await
        .unwrap();
    "jm-t1".into()
}

#[tokio::test]
async fn an_overdue_thread_is_reminded_once_to_its_pool() {
    let (_dir, store) = sqlite().await;
    let due: Timestamp = "2026-03-04T15:00:00Z".parse().unwrap();
    seed(store.as_ref(), vec![], due).await;
    let settings = Settings::default();
    let before = due.checked_sub(SignedDuration::from_mins(1)).unwrap();
    let after = due.checked_add(SignedDuration::from_mins(1)).unwrap();
    let run = |now| {
        let store = store.clone();
        let settings = settings.clone();
        async move {
            sprout_jobs::messaging::remind_overdue(store.as_ref(), &settings, now)
                .await
                .unwrap()
        }
    };
    assert_eq!(run(before).await, 0, "not overdue yet");
    assert_eq!(run(after).await, 1);
    assert_eq!(run(after).await, 0, "once per due time");
    let outbox = store.outbox_messages(0).await.unwrap();
    let mut to: Vec<&str> = outbox.iter().map(|m| m.to_address.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        vec!["doc@example.org", "nurse@example.org"],
        "nurses and clinicians"
    );
    for m in &outbox {
        let all = format!("{} {}", m.subject, m.body_text);
        assert!(!all.contains("Iris") && !all.contains("Secret") && !all.contains("Quintana"));
        assert!(all.contains("past its reply time"));
    }

    // A pool with its own address is reminded there.
    let (_dir2, store2) = sqlite().await;
    seed(store2.as_ref(), vec![], due).await;
    let mut pools = BTreeMap::new();
    pools.insert("clinical".to_owned(), "triage@example.org".to_owned());
    let settings = Settings {
        pool_emails: pools,
        ..Settings::default()
    };
    assert_eq!(
        sprout_jobs::messaging::remind_overdue(store2.as_ref(), &settings, after)
            .await
            .unwrap(),
        1
    );
    let outbox = store2.outbox_messages(0).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].to_address, "triage@example.org");
}

#[tokio::test]
async fn files_no_message_refers_to_are_removed_after_the_grace_period() {
    let (dir, store) = sqlite().await;
    let folder = dir.path().join("attachments");
    std::fs::create_dir_all(&folder).unwrap();
    let kept = "a".repeat(32);
    let orphan = "b".repeat(32);
    let temp = format!("tmp-{}", "c".repeat(32));
    let other = "README.txt".to_owned();
    for name in [&kept, &orphan, &temp, &other] {
        std::fs::write(folder.join(name), b"x").unwrap();
    }
    seed(
        store.as_ref(),
        vec![Attachment {
            id: kept.clone(),
            message_id: String::new(),
            position: 0,
            file_name: "photo.png".into(),
            kind: AttachmentKind::Png,
            size_bytes: 1,
            sha256: "0".repeat(64),
        }],
        "2026-03-04T15:00:00Z".parse().unwrap(),
    )
    .await;
    let settings = Settings {
        attachments_dir: folder.clone(),
        orphan_grace: SignedDuration::from_hours(1),
        ..Settings::default()
    };
    let clean = |now: Timestamp| {
        let store = store.clone();
        let settings = settings.clone();
        let folder = folder.clone();
        async move {
            sprout_jobs::messaging::clean_orphans(store.as_ref(), &folder, &settings, now)
                .await
                .unwrap()
        }
    };
    let names = || {
        let mut v: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    // Within the grace period nothing goes (an upload may be under way).
    assert_eq!(clean(Timestamp::now()).await, 0);
    assert_eq!(names().len(), 4);
    let later = Timestamp::now()
        .checked_add(SignedDuration::from_hours(2))
        .unwrap();
    assert_eq!(clean(later).await, 2);
    assert_eq!(names(), vec![other.clone(), kept.clone()]);
    // A missing folder is no error.
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(clean(later).await, 0);
}
