//! Message threads of the demo's showcase family (issue 5), so that the
//! family's Messages page and every staff pool have something in them: the
//! mother's answered question about the infant and her open billing
//! question, the father's closed prescription question (which the mother
//! does not see: threads belong to their participants), and the
//! 16-year-old's own question to the nurse, past its reply time (which no
//! parent sees).

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use sprout_demo::DemoThread;
use sprout_domain::messaging::{reply_due, Category, Settings, ThreadStatus};
use sprout_domain::{AccountId, PatientId};
use sprout_store::messaging::{NewMessage, NewThread, Side};
use sprout_store::{AuditEvent, Store};

/// One message to seed: hours before now, author, side, text.
struct Line<'a> {
    hours_ago: i64,
    author: &'a (AccountId, String),
    side: Side,
    body: &'a str,
}

fn random_hex() -> String {
    let b: [u8; 16] = rand::random();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Seeds the showcase family's threads, once (nothing is written when the
/// mother already has threads, or the showcase accounts are missing).
///
/// # Errors
/// A store error.
pub async fn seed(
    store: &dyn Store,
    now: Timestamp,
    tz: &TimeZone,
    settings: &Settings,
) -> anyhow::Result<u32> {
    let account = |email: &'static str| async move {
        Ok::<_, anyhow::Error>(
            store
                .account_by_email(email)
                .await?
                .map(|(a, _)| (a.id, a.display_name)),
        )
    };
    let (Some(maria), Some(carlos), Some(nurse)) = (
        account("maria.garcia@example.org").await?,
        account("carlos.garcia@example.org").await?,
        account("nurse@example.org").await?,
    ) else {
        return Ok(0);
    };
    let ids: Vec<PatientId> = store
        .relationships_of_account(&maria.0)
        .await?
        .into_iter()
        .map(|r| r.patient_id)
        .collect();
    // Oldest first: the 18-year-old, the 16-year-old, the 12-year-old, the
    // 5-year-old, the infant.
    let kids = store.patients(&ids).await?;
    if kids.len() < 5 || !store.threads_of_patients(&ids, &maria.0).await?.is_empty() {
        return Ok(0);
    }
    let (teen, five, infant) = (&kids[1], &kids[3], &kids[4]);
    let Some(teen_account) = store.account_of_patient(&teen.id).await? else {
        return Ok(0);
    };
    let teen_author = (teen_account.id.clone(), teen_account.display_name.clone());
    let threads: Vec<(&PatientId, Category, &str, Vec<Line<'_>>, bool)> = vec![
        (
            &infant.id,
            Category::Clinical,
            "Feeding after the 4-month visit",
            vec![
                Line {
                    hours_ago: 30,
                    author: &maria,
                    side: Side::Family,
                    body: "Since her 4-month visit she wants to feed every two hours at night. \
                           Is that normal, or should we offer more during the day?",
                },
                Line {
                    hours_ago: 20,
                    author: &nurse,
                    side: Side::Staff,
                    body: "Growth spurts around four months often bring more night feeds. \
                           Her weight gain at the visit was right on track. Offer a full feed \
                           before bed, and call us if she has fewer wet diapers than usual.",
                },
            ],
            false,
        ),
        (
            &five.id,
            Category::Billing,
            "Statement from October",
            vec![Line {
                hours_ago: 26,
                author: &maria,
                side: Side::Family,
                body: "We received a statement for the October visit, but our insurance \
                       card was updated at check-in. Could you bill the new plan?",
            }],
            false,
        ),
        (
            &infant.id,
            Category::Prescription,
            "Vitamin D drops",
            vec![
                Line {
                    hours_ago: 120,
                    author: &carlos,
                    side: Side::Family,
                    body:
                        "Should we keep giving the vitamin D drops now that she takes some formula?",
                },
                Line {
                    hours_ago: 100,
                    author: &nurse,
                    side: Side::Staff,
                    body: "Yes, keep giving 400 IU a day until she drinks about 32 ounces of \
                           formula a day. We will review it at her 6-month visit.",
                },
            ],
            true,
        ),
        (
            &teen.id,
            Category::Clinical,
            "Question for the nurse",
            vec![Line {
                hours_ago: 24 * 4,
                author: &teen_author,
                side: Side::Family,
                body: "I have had headaches after school most days this week. \
                       Should I make an appointment?",
            }],
            false,
        ),
    ];
    let mut written = 0;
    for (patient, category, subject, lines, close) in threads {
        let thread_id = random_hex();
        for (i, l) in lines.iter().enumerate() {
            let at = now
                .checked_sub(SignedDuration::from_hours(l.hours_ago))
                .unwrap_or(now);
            let at = Timestamp::from_second(at.as_second()).unwrap_or(at);
            let new_thread = (i == 0).then(|| NewThread {
                id: thread_id.clone(),
                patient_id: patient.clone(),
                category,
                pool: settings.pool_of(category),
                subject: subject.to_owned(),
            });
            let body = l.body.split_whitespace().collect::<Vec<_>>().join(" ");
            let post = Post {
                thread_id: &thread_id,
                new_thread,
                patient,
                author: l.author,
                side: l.side,
                body,
                at,
            };
            post.write(store, tz, settings).await?;
        }
        if close {
            store
                .set_thread_status(&thread_id, ThreadStatus::Closed)
                .await?;
        }
        written += 1;
    }
    Ok(written)
}

/// One message to post, with the audit event it writes.
struct Post<'a> {
    thread_id: &'a str,
    new_thread: Option<NewThread>,
    patient: &'a PatientId,
    author: &'a (AccountId, String),
    side: Side,
    body: String,
    at: Timestamp,
}

impl Post<'_> {
    /// Posts the message through the messaging store, as the server would
    /// (a family message gets its reply-by time), audited as a demo seed.
    async fn write(
        self,
        store: &dyn Store,
        tz: &TimeZone,
        settings: &Settings,
    ) -> anyhow::Result<()> {
        let message_id = random_hex();
        let audit = AuditEvent {
            at: self.at.to_string(),
            account_id: Some(self.author.0.clone()),
            actor_role: "system".into(),
            on_behalf_of: None,
            patient_id: Some(self.patient.clone()),
            action: "create".into(),
            object_type: "message".into(),
            object_id: Some(message_id.clone()),
            outcome: "success".into(),
            reason: Some("demo-seed".into()),
            client_addr: None,
            request_id: None,
            detail: None,
        };
        let m = NewMessage {
            id: message_id,
            thread_id: self.thread_id.to_owned(),
            new_thread: self.new_thread,
            author: self.author.0.clone(),
            author_name: self.author.1.clone(),
            side: self.side,
            body: self.body,
            created_at: self.at,
            due_at: (self.side == Side::Family).then(|| {
                reply_due(
                    self.at,
                    tz,
                    &settings.holidays,
                    settings.reply_business_days,
                )
            }),
            idempotency_key: None,
            attachments: vec![],
        };
        store.post_message(&m, &[], &audit).await?;
        Ok(())
    }
}

/// Writes the generated families' threads (see `sprout_demo::DemoThread`):
/// the parent's question, then the answer of the nurse (clinical pool) or
/// the front desk (any other pool), then closes the thread when the
/// generator says so. Returns the number of threads written.
///
/// # Errors
/// A store error; the demo's staff accounts missing.
pub async fn seed_threads(
    store: &dyn Store,
    threads: &[DemoThread],
    now: Timestamp,
    tz: &TimeZone,
    settings: &Settings,
) -> anyhow::Result<usize> {
    if threads.is_empty() {
        return Ok(0);
    }
    let staff = |email: &'static str| async move {
        store
            .account_by_email(email)
            .await?
            .map(|(a, _)| (a.id, a.display_name))
            .ok_or_else(|| anyhow::anyhow!("the demo's {email} account is missing"))
    };
    let nurse = staff("nurse@example.org").await?;
    let desk = staff("frontdesk@example.org").await?;
    let ago = |hours: i64| {
        let at = now
            .checked_sub(SignedDuration::from_hours(hours))
            .unwrap_or(now);
        Timestamp::from_second(at.as_second()).unwrap_or(at)
    };
    for t in threads {
        let thread_id = random_hex();
        let parent = (t.author.clone(), t.author_name.clone());
        let pool = settings.pool_of(t.category);
        Post {
            thread_id: &thread_id,
            new_thread: Some(NewThread {
                id: thread_id.clone(),
                patient_id: t.patient_id.clone(),
                category: t.category,
                pool: pool.clone(),
                subject: t.subject.to_owned(),
            }),
            patient: &t.patient_id,
            author: &parent,
            side: Side::Family,
            body: t.question.to_owned(),
            at: ago(t.asked_hours_ago),
        }
        .write(store, tz, settings)
        .await?;
        if let Some((hours, answer)) = t.answer {
            let by = if pool == "clinical" { &nurse } else { &desk };
            Post {
                thread_id: &thread_id,
                new_thread: None,
                patient: &t.patient_id,
                author: by,
                side: Side::Staff,
                body: answer.to_owned(),
                at: ago(hours),
            }
            .write(store, tz, settings)
            .await?;
        }
        if t.closed {
            store
                .set_thread_status(&thread_id, ThreadStatus::Closed)
                .await?;
        }
    }
    Ok(threads.len())
}
