//! Secure messaging's storage (issue 5): threads between a family and the care
//! team about one patient, their messages, the attachments' records (the files
//! themselves live in the attachments folder under random ids), who read how
//! far, and the overdue reminders sent.
//!
//! A message and its attachments' rows (and the emails announcing it) are
//! written in one transaction, after the files are durable, so a message is
//! there whole or not at all. An idempotency key per author makes a retried
//! post return the first message instead of storing a second.
//!
//! Access is not decided here: the store returns what was asked for, and the
//! web layer's one read path asks the access policy about each thread.

use crate::{AuditEvent, NewEmail, Store, StoreError, StoreResult};
use async_trait::async_trait;
use jiff::Timestamp;
use sprout_domain::messaging::{AttachmentKind, Category, ThreadStatus};
use sprout_domain::{AccountId, PatientId};

/// Which side of the conversation wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The patient or a proxy.
    Family,
    /// Practice staff.
    Staff,
}

impl Side {
    /// `family` or `staff`, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Family => "family",
            Self::Staff => "staff",
        }
    }

    /// The side of a stored code.
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "family" => Some(Self::Family),
            "staff" => Some(Self::Staff),
            _ => None,
        }
    }
}

/// A thread as listed (without its messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// Random id (32 hex digits).
    pub id: String,
    /// The patient it is about.
    pub patient_id: PatientId,
    /// What it is about.
    pub category: Category,
    /// The pool that answers it (from the category when it was started).
    pub pool: String,
    /// Subject line as typed.
    pub subject: String,
    /// The family-side account that started it (its participant).
    pub started_by: AccountId,
    /// When it was started.
    pub created_at: Timestamp,
    /// Open or closed.
    pub status: ThreadStatus,
    /// The staff member it is assigned to, if any.
    pub assigned_to: Option<AccountId>,
    /// When staff must reply by; `None` when the family has the last word
    /// answered (the last message is staff's) or the thread is closed.
    pub due_at: Option<Timestamp>,
    /// The due time an overdue reminder was sent for, if one was.
    pub reminded_due_at: Option<Timestamp>,
    /// When the last message was written.
    pub last_message_at: Timestamp,
    /// How many messages it holds.
    pub message_count: u32,
    /// For the account asked about: messages of the other side it has not
    /// read yet (0 when not asked for an account).
    pub unread: u32,
}

/// An attachment's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Random id: the file's name in the attachments folder (32 hex digits).
    pub id: String,
    /// The message it belongs to.
    pub message_id: String,
    /// Its place among the message's files (0-based).
    pub position: u32,
    /// The name the user gave it: shown, never used as a path.
    pub file_name: String,
    /// Its type, recognised from its content.
    pub kind: AttachmentKind,
    /// Size in bytes.
    pub size_bytes: u64,
    /// SHA-256 of the content, 64 lowercase hex digits.
    pub sha256: String,
}

/// A message with its attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Random id (32 hex digits).
    pub id: String,
    /// Its thread.
    pub thread_id: String,
    /// 1 for the first message of the thread, then 2, 3...
    pub seq: u32,
    /// Who wrote it.
    pub author: AccountId,
    /// The author's name when written (shown to the other side).
    pub author_name: String,
    /// Family or staff.
    pub side: Side,
    /// The text.
    pub body: String,
    /// When it was stored.
    pub created_at: Timestamp,
    /// Its files, in order.
    pub attachments: Vec<Attachment>,
}

/// What starts a new thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewThread {
    /// Random id.
    pub id: String,
    /// The patient it is about.
    pub patient_id: PatientId,
    /// What it is about.
    pub category: Category,
    /// The pool that answers it.
    pub pool: String,
    /// Subject line.
    pub subject: String,
}

/// A message to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Random id.
    pub id: String,
    /// The thread to add it to; ignored when `new_thread` is given.
    pub thread_id: String,
    /// A new thread this message starts.
    pub new_thread: Option<NewThread>,
    /// Who writes it.
    pub author: AccountId,
    /// The author's name.
    pub author_name: String,
    /// Family or staff.
    pub side: Side,
    /// The text.
    pub body: String,
    /// When it is stored.
    pub created_at: Timestamp,
    /// The thread's reply-due time after this message (`None` after a staff
    /// reply).
    pub due_at: Option<Timestamp>,
    /// The client's idempotency key: a second post by the same author with
    /// the same key stores nothing and returns the first message.
    pub idempotency_key: Option<String>,
    /// Its files, already durable in the attachments folder under their ids
    /// (`message_id` and `position` are taken from this message and order).
    pub attachments: Vec<Attachment>,
}

/// What [`MessageStore::post_message`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// Stored, with its thread's id and its number in the thread.
    Created {
        /// Thread id.
        thread_id: String,
        /// Message id.
        message_id: String,
    },
    /// The author posted with this idempotency key before: nothing was
    /// written; these are the first post's ids.
    Duplicate {
        /// Thread id.
        thread_id: String,
        /// Message id.
        message_id: String,
    },
}

impl Posted {
    /// The thread's id either way.
    pub fn thread_id(&self) -> &str {
        match self {
            Self::Created { thread_id, .. } | Self::Duplicate { thread_id, .. } => thread_id,
        }
    }

    /// The message's id either way.
    pub fn message_id(&self) -> &str {
        match self {
            Self::Created { message_id, .. } | Self::Duplicate { message_id, .. } => message_id,
        }
    }
}

/// Filter of the staff inbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxFilter {
    /// Only this pool.
    pub pool: Option<String>,
    /// Only open (true) or closed (false) threads; `None` for both.
    pub open: Option<bool>,
    /// Only threads assigned to this account.
    pub assigned_to: Option<AccountId>,
    /// At most this many (0 = 200), oldest due first, then newest.
    pub limit: u32,
}

/// Messaging storage.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a message (and the thread it starts) with its attachments'
    /// rows, queues `emails` in the outbox and appends `audit`, in one
    /// transaction. A post whose author already used `idempotency_key` writes
    /// nothing and answers [`Posted::Duplicate`]. A family message re-opens a
    /// closed thread. [`StoreError::NotFound`] for an unknown thread, patient
    /// or author.
    async fn post_message(
        &self,
        message: &NewMessage,
        emails: &[NewEmail],
        audit: &AuditEvent,
    ) -> StoreResult<Posted>;

    /// One thread, with the unread count of `reader` if given.
    async fn thread(&self, id: &str, reader: Option<&AccountId>) -> StoreResult<Option<Thread>>;

    /// A thread's messages with their attachments, oldest first.
    async fn thread_messages(&self, id: &str) -> StoreResult<Vec<Message>>;

    /// The threads about these patients, newest activity first, with
    /// `reader`'s unread counts. The caller filters them by the access policy.
    async fn threads_of_patients(
        &self,
        patients: &[PatientId],
        reader: &AccountId,
    ) -> StoreResult<Vec<Thread>>;

    /// The staff inbox: threads matching the filter, with `reader`'s unread
    /// counts; open threads by due time (soonest first), then by last message.
    async fn inbox(&self, filter: &InboxFilter, reader: &AccountId) -> StoreResult<Vec<Thread>>;

    /// Records that `reader` has read the thread up to message `seq`
    /// (never moves backwards).
    async fn mark_read(&self, thread: &str, reader: &AccountId, seq: u32) -> StoreResult<()>;

    /// Assigns (or, with `None`, un-assigns) a thread.
    async fn assign_thread(&self, thread: &str, to: Option<&AccountId>) -> StoreResult<()>;

    /// Opens or closes a thread; closing clears its due time.
    async fn set_thread_status(&self, thread: &str, status: ThreadStatus) -> StoreResult<()>;

    /// One attachment's record.
    async fn attachment(&self, id: &str) -> StoreResult<Option<Attachment>>;

    /// Which of these attachment ids some message refers to.
    async fn referenced_attachments(&self, ids: &[String]) -> StoreResult<Vec<String>>;

    /// Open threads due at or before `now` whose reminder was not sent for
    /// their current due time, oldest due first, at most `limit`.
    async fn overdue_unreminded(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Thread>>;

    /// In one transaction: notes that the reminder for the thread's due time
    /// `due_at` was sent and queues `emails` (due at `now`), unless it was noted already (by
    /// another node at the same moment), in which case nothing is written and
    /// the answer is `false`.
    async fn record_reminder(
        &self,
        thread: &str,
        due_at: Timestamp,
        emails: &[NewEmail],
        now: Timestamp,
    ) -> StoreResult<bool>;

    /// Email addresses of the active staff accounts whose role is one of
    /// `roles` (codes), sorted.
    async fn staff_emails(&self, roles: &[&str]) -> StoreResult<Vec<String>>;
}

// ---------------------------------------------------------------------------
// Contract

/// The messaging contract every backend must pass; call with a fresh, migrated
/// store (it seeds its own patient and accounts).
pub async fn contract(store: &dyn Store) {
    use crate::{ImportBatch, NewAccount};
    use jiff::civil::date;
    use sprout_domain::people::{AccountStatus, StaffRole};
    use sprout_domain::record::{AdministrativeSex, Labels, Patient};

    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    let patient = PatientId::parse("msg-p1").unwrap();
    store
        .import_batch(&ImportBatch {
            patients: vec![Patient {
                id: patient.clone(),
                source_id: Some("msg-src-p1".into()),
                mrn: Some("MSG-1".into()),
                given_name: "Lia".into(),
                family_name: "Moss".into(),
                birth_date: date(2020, 1, 1),
                sex: AdministrativeSex::Female,
                phone: None,
                email: None,
                address: None,
                gestation_weeks: None,
                labels: Labels::default(),
            }],
            items: vec![],
        })
        .await
        .unwrap();
    let acct = |id: &str, email: &str, role: Option<StaffRole>| NewAccount {
        id: AccountId::parse(id).unwrap(),
        email: email.into(),
        display_name: id.into(),
        password_hash: "x".into(),
        status: AccountStatus::Active,
        staff_role: role,
        patient_id: None,
    };
    let parent = store
        .create_account(&acct("msg-a1", "msg-parent@example.org", None))
        .await
        .unwrap()
        .id;
    let nurse = store
        .create_account(&acct(
            "msg-a2",
            "msg-nurse@example.org",
            Some(StaffRole::Nurse),
        ))
        .await
        .unwrap()
        .id;
    store
        .create_account(&acct(
            "msg-a3",
            "msg-desk@example.org",
            Some(StaffRole::FrontDesk),
        ))
        .await
        .unwrap();
    let audit = |what: &str| AuditEvent {
        at: "2026-03-02T15:00:00Z".into(),
        account_id: Some(parent.clone()),
        actor_role: "parent".into(),
        on_behalf_of: None,
        patient_id: Some(patient.clone()),
        action: "create".into(),
        object_type: "message".into(),
        object_id: Some(what.into()),
        outcome: "success".into(),
        reason: None,
        client_addr: None,
        request_id: None,
        detail: None,
    };
    let attachment = |id: &str, pos: u32| Attachment {
        id: id.into(),
        message_id: String::new(),
        position: pos,
        file_name: format!("photo {pos}.png"),
        kind: AttachmentKind::Png,
        size_bytes: 1234,
        sha256: "ab".repeat(32),
    };
    let first = NewMessage {
        id: "msg-m1".into(),
        thread_id: String::new(),
        new_thread: Some(NewThread {
            id: "msg-t1".into(),
            patient_id: patient.clone(),
            category: Category::Clinical,
            pool: "clinical".into(),
            subject: "Rash on arm".into(),
        }),
        author: parent.clone(),
        author_name: "Parent".into(),
        side: Side::Family,
        body: "She has a rash.".into(),
        created_at: t("2026-03-02T15:00:00Z"),
        due_at: Some(t("2026-03-04T15:00:00Z")),
        idempotency_key: Some("key-1".into()),
        attachments: vec![attachment("msg-f1", 0), attachment("msg-f2", 1)],
    };
    let email = NewEmail {
        id: "msg-e1".into(),
        to_address: "msg-nurse@example.org".into(),
        subject: "New message".into(),
        body_text: "You have a new message.".into(),
        body_html: None,
        locale: "en".into(),
    };
    let posted = store
        .post_message(&first, std::slice::from_ref(&email), &audit("m1"))
        .await
        .unwrap();
    assert_eq!(
        posted,
        Posted::Created {
            thread_id: "msg-t1".into(),
            message_id: "msg-m1".into()
        }
    );
    // A retry with the same key: nothing new, the first ids back.
    let retry = NewMessage {
        id: "msg-m1-retry".into(),
        new_thread: Some(NewThread {
            id: "msg-t1-retry".into(),
            ..first.new_thread.clone().unwrap()
        }),
        attachments: vec![],
        ..first.clone()
    };
    let again = store
        .post_message(
            &retry,
            &[NewEmail {
                id: "msg-e1-retry".into(),
                ..email.clone()
            }],
            &audit("m1-retry"),
        )
        .await
        .unwrap();
    assert_eq!(
        again,
        Posted::Duplicate {
            thread_id: "msg-t1".into(),
            message_id: "msg-m1".into()
        }
    );
    assert!(store.thread("msg-t1-retry", None).await.unwrap().is_none());
    let outbox = store.outbox_messages(0).await.unwrap();
    assert!(outbox.iter().any(|m| m.id == "msg-e1"));
    assert!(!outbox.iter().any(|m| m.id == "msg-e1-retry"));

    let th = store.thread("msg-t1", Some(&nurse)).await.unwrap().unwrap();
    assert_eq!(th.subject, "Rash on arm");
    assert_eq!(th.category, Category::Clinical);
    assert_eq!(th.status, ThreadStatus::Open);
    assert_eq!(th.due_at, Some(t("2026-03-04T15:00:00Z")));
    assert_eq!(th.message_count, 1);
    assert_eq!(th.unread, 1, "the nurse has not read the family's message");
    let msgs = store.thread_messages("msg-t1").await.unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].attachments.len(), 2);
    assert_eq!(msgs[0].attachments[1].file_name, "photo 1.png");
    assert_eq!(msgs[0].attachments[1].message_id, "msg-m1");
    assert_eq!(msgs[0].side, Side::Family);
    assert_eq!(
        store
            .attachment("msg-f2")
            .await
            .unwrap()
            .unwrap()
            .size_bytes,
        1234
    );
    let mut refs = store
        .referenced_attachments(&["msg-f1".into(), "msg-f2".into(), "msg-nope".into()])
        .await
        .unwrap();
    refs.sort();
    assert_eq!(refs, vec!["msg-f1".to_owned(), "msg-f2".to_owned()]);

    // A staff reply: due time cleared, the parent has one unread.
    let reply = NewMessage {
        id: "msg-m2".into(),
        thread_id: "msg-t1".into(),
        new_thread: None,
        author: nurse.clone(),
        author_name: "Nurse".into(),
        side: Side::Staff,
        body: "Please send a photo.".into(),
        created_at: t("2026-03-03T09:00:00Z"),
        due_at: None,
        idempotency_key: None,
        attachments: vec![],
    };
    store.post_message(&reply, &[], &audit("m2")).await.unwrap();
    let th = store
        .thread("msg-t1", Some(&parent))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(th.message_count, 2);
    assert_eq!(th.due_at, None);
    assert_eq!(th.unread, 1);
    store.mark_read("msg-t1", &parent, 2).await.unwrap();
    store.mark_read("msg-t1", &parent, 1).await.unwrap();
    let listed = store
        .threads_of_patients(std::slice::from_ref(&patient), &parent)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].unread, 0, "read marks never move backwards");

    // Inbox, assignment, closing and reopening.
    let inbox = store
        .inbox(
            &InboxFilter {
                pool: Some("clinical".into()),
                open: Some(true),
                ..InboxFilter::default()
            },
            &nurse,
        )
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert!(store
        .inbox(
            &InboxFilter {
                pool: Some("front-office".into()),
                ..InboxFilter::default()
            },
            &nurse
        )
        .await
        .unwrap()
        .is_empty());
    store.assign_thread("msg-t1", Some(&nurse)).await.unwrap();
    let mine = store
        .inbox(
            &InboxFilter {
                assigned_to: Some(nurse.clone()),
                ..InboxFilter::default()
            },
            &nurse,
        )
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    store
        .set_thread_status("msg-t1", ThreadStatus::Closed)
        .await
        .unwrap();
    let th = store.thread("msg-t1", None).await.unwrap().unwrap();
    assert_eq!(th.status, ThreadStatus::Closed);
    assert_eq!(th.assigned_to.as_ref(), Some(&nurse));
    let follow = NewMessage {
        id: "msg-m3".into(),
        thread_id: "msg-t1".into(),
        new_thread: None,
        author: parent.clone(),
        author_name: "Parent".into(),
        side: Side::Family,
        body: "Thanks, one more question.".into(),
        created_at: t("2026-03-05T09:00:00Z"),
        due_at: Some(t("2026-03-09T09:00:00Z")),
        idempotency_key: Some("key-2".into()),
        attachments: vec![],
    };
    store
        .post_message(&follow, &[], &audit("m3"))
        .await
        .unwrap();
    let th = store.thread("msg-t1", None).await.unwrap().unwrap();
    assert_eq!(th.status, ThreadStatus::Open, "a family message re-opens");
    assert_eq!(th.due_at, Some(t("2026-03-09T09:00:00Z")));

    // Overdue reminders, once per due time.
    let due = store
        .overdue_unreminded(t("2026-03-09T10:00:00Z"), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    let reminder = NewEmail {
        id: "msg-e2".into(),
        ..email.clone()
    };
    assert!(store
        .record_reminder(
            "msg-t1",
            t("2026-03-09T09:00:00Z"),
            std::slice::from_ref(&reminder),
            t("2026-03-09T10:00:00Z")
        )
        .await
        .unwrap());
    assert!(!store
        .record_reminder(
            "msg-t1",
            t("2026-03-09T09:00:00Z"),
            &[NewEmail {
                id: "msg-e3".into(),
                ..email.clone()
            }],
            t("2026-03-09T10:00:00Z")
        )
        .await
        .unwrap());
    assert!(store
        .overdue_unreminded(t("2026-03-09T10:00:00Z"), 10)
        .await
        .unwrap()
        .is_empty());
    let outbox = store.outbox_messages(0).await.unwrap();
    assert!(outbox.iter().any(|m| m.id == "msg-e2"));
    assert!(!outbox.iter().any(|m| m.id == "msg-e3"));

    // A post to an unknown thread writes nothing.
    let lost = NewMessage {
        id: "msg-m4".into(),
        thread_id: "msg-t404".into(),
        idempotency_key: None,
        attachments: vec![attachment("msg-f9", 0)],
        ..follow.clone()
    };
    assert!(matches!(
        store.post_message(&lost, &[], &audit("m4")).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.attachment("msg-f9").await.unwrap().is_none());

    assert_eq!(
        store.staff_emails(&["nurse", "clinician"]).await.unwrap(),
        vec!["msg-nurse@example.org".to_owned()]
    );
}
