//! The contract of [`crate::SecurityStore`], in the style of [`crate::contract`]:
//! backends call [`account_security`] from their own tests with a fresh,
//! migrated store (it needs no other data and uses its own ids and emails).

use crate::security::{AccountSecurity, PasswordReset, SessionActivity, SignInChallenge};
use crate::{NewAccount, Session, Store};
use jiff::Timestamp;
use sprout_domain::people::AccountStatus;
use sprout_domain::AccountId;

fn t(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

async fn account(store: &dyn Store, id: &str) -> AccountId {
    let id = AccountId::parse(id).expect("test account id");
    store
        .create_account(&NewAccount {
            id: id.clone(),
            email: format!("{id}@security.example.org"),
            display_name: format!("Person {id}"),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$old".into(),
            status: AccountStatus::Active,
            staff_role: None,
            patient_id: None,
        })
        .await
        .expect("create account");
    id
}

fn session(account: &AccountId, hash: &str) -> Session {
    Session {
        token_hash: hash.into(),
        account_id: account.clone(),
        csrf_token: format!("csrf-{hash}"),
        created_at: "2026-03-02T09:00:00Z".into(),
        expires_at: "2026-03-02T21:00:00Z".into(),
    }
}

/// Every promise of [`crate::SecurityStore`].
pub async fn account_security(store: &dyn Store) {
    totp_and_recovery_codes(store).await;
    passwords_and_reset_links(store).await;
    challenges(store).await;
    session_activity(store).await;
    throttle(store).await;
}

/// TOTP: enrol, one use per step (never an earlier step), concurrent uses of
/// one step (exactly one wins), recovery codes used once, removal.
pub async fn totp_and_recovery_codes(store: &dyn Store) {
    let a = account(store, "sec-totp").await;
    assert_eq!(
        store.account_security(&a).await.unwrap(),
        AccountSecurity::none(a.clone())
    );
    // No TOTP: no step is accepted.
    assert!(!store.use_totp_step(&a, 100).await.unwrap());

    let codes = vec!["h1".to_owned(), "h2".to_owned(), "h3".to_owned()];
    store
        .enroll_totp(&a, "JBSWY3DPEHPK3PXP", &codes, t("2026-03-02T09:00:00Z"))
        .await
        .unwrap();
    let s = store.account_security(&a).await.unwrap();
    assert_eq!(s.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
    assert_eq!(s.totp_enrolled_at, Some(t("2026-03-02T09:00:00Z")));
    assert!(s.has_second_factor());
    assert_eq!(store.recovery_codes_left(&a).await.unwrap(), 3);

    assert!(store.use_totp_step(&a, 100).await.unwrap());
    assert!(
        !store.use_totp_step(&a, 100).await.unwrap(),
        "same step twice"
    );
    assert!(!store.use_totp_step(&a, 99).await.unwrap(), "earlier step");
    assert!(store.use_totp_step(&a, 101).await.unwrap());
    assert_eq!(
        store.account_security(&a).await.unwrap().totp_last_step,
        Some(101)
    );
    // Eight requests with the same code at once: one wins.
    let results = futures_join(store, &a, 150).await;
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");

    let now = t("2026-03-02T09:05:00Z");
    assert!(store.use_recovery_code(&a, "h2", now).await.unwrap());
    assert!(!store.use_recovery_code(&a, "h2", now).await.unwrap());
    assert!(!store.use_recovery_code(&a, "nope", now).await.unwrap());
    assert_eq!(store.recovery_codes_left(&a).await.unwrap(), 2);

    // Enrolling again replaces secret and codes and forgets the last step.
    store
        .enroll_totp(&a, "NEWSECRET234567", &["h9".to_owned()], now)
        .await
        .unwrap();
    assert_eq!(store.recovery_codes_left(&a).await.unwrap(), 1);
    assert!(!store.use_recovery_code(&a, "h1", now).await.unwrap());
    assert!(store.use_totp_step(&a, 50).await.unwrap());

    store.remove_totp(&a).await.unwrap();
    let s = store.account_security(&a).await.unwrap();
    assert_eq!(s.totp_secret, None);
    assert!(!s.has_second_factor());
    assert_eq!(store.recovery_codes_left(&a).await.unwrap(), 0);
    assert!(!store.use_totp_step(&a, 200).await.unwrap());
}

async fn futures_join(store: &dyn Store, a: &AccountId, step: i64) -> Vec<bool> {
    let tries = (0..8).map(|_| store.use_totp_step(a, step));
    let mut out = Vec::new();
    for r in join_all(tries).await {
        out.push(r.unwrap());
    }
    out
}

/// Polls every future to completion concurrently (a tiny `join_all`).
async fn join_all<F: std::future::Future>(futs: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut futs: Vec<_> = futs.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in futs.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter()
        .map(|o| o.expect("polled to completion"))
        .collect()
}

/// Passwords: a change replaces the hash, records the time, sets or clears a
/// temporary password and voids unused reset links; reset links work once
/// and not after they expire.
pub async fn passwords_and_reset_links(store: &dyn Store) {
    let a = account(store, "sec-pass").await;
    let now = t("2026-03-02T10:00:00Z");
    let reset = |hash: &str, expires: &str| PasswordReset {
        token_hash: hash.into(),
        account_id: a.clone(),
        created_at: now,
        expires_at: t(expires),
        used_at: None,
    };
    store
        .create_password_reset(&reset("r1", "2026-03-02T11:00:00Z"))
        .await
        .unwrap();
    store
        .create_password_reset(&reset("r2", "2026-03-02T11:00:00Z"))
        .await
        .unwrap();
    store
        .create_password_reset(&reset("r3", "2026-03-02T10:30:00Z"))
        .await
        .unwrap();
    assert!(store
        .create_password_reset(&reset("r1", "2026-03-02T11:00:00Z"))
        .await
        .is_err());
    assert_eq!(
        store.password_reset("r1").await.unwrap(),
        Some(reset("r1", "2026-03-02T11:00:00Z"))
    );
    assert_eq!(store.password_reset("zz").await.unwrap(), None);

    let later = t("2026-03-02T10:40:00Z");
    assert!(store.use_password_reset("r1", later).await.unwrap());
    assert!(
        !store.use_password_reset("r1", later).await.unwrap(),
        "reuse"
    );
    assert!(
        !store.use_password_reset("r3", later).await.unwrap(),
        "expired"
    );
    assert!(!store.use_password_reset("zz", later).await.unwrap());
    assert_eq!(
        store.password_reset("r1").await.unwrap().unwrap().used_at,
        Some(later)
    );

    // A temporary password, then the user's own.
    let until = t("2026-03-09T10:40:00Z");
    store
        .set_password(&a, "$argon2id$temp", later, Some(until))
        .await
        .unwrap();
    assert_eq!(
        store.password_hash(&a).await.unwrap().as_deref(),
        Some("$argon2id$temp")
    );
    assert_eq!(
        store
            .account_by_email(&format!("{a}@security.example.org"))
            .await
            .unwrap()
            .unwrap()
            .1,
        "$argon2id$temp"
    );
    let s = store.account_security(&a).await.unwrap();
    assert_eq!(s.temporary_password_until, Some(until));
    assert_eq!(s.password_changed_at, Some(later));
    // The password change voided r2.
    assert!(!store.use_password_reset("r2", later).await.unwrap());

    let own = t("2026-03-03T08:00:00Z");
    store
        .set_password(&a, "$argon2id$own", own, None)
        .await
        .unwrap();
    let s = store.account_security(&a).await.unwrap();
    assert_eq!(s.temporary_password_until, None);
    assert_eq!(s.password_changed_at, Some(own));
    assert_eq!(
        store.password_hash(&a).await.unwrap().as_deref(),
        Some("$argon2id$own")
    );

    let nobody = AccountId::parse("sec-nobody").unwrap();
    assert!(store.password_hash(&nobody).await.unwrap().is_none());
    assert!(matches!(
        store.set_password(&nobody, "x", own, None).await,
        Err(crate::StoreError::NotFound)
    ));
}

/// Pending second-factor sign-ins: stored, read, deleted once.
pub async fn challenges(store: &dyn Store) {
    let a = account(store, "sec-chal").await;
    let c = SignInChallenge {
        token_hash: "c1".into(),
        account_id: a.clone(),
        created_at: t("2026-03-02T10:00:00Z"),
        expires_at: t("2026-03-02T10:05:00Z"),
        next: "/patients/x".into(),
    };
    store.create_challenge(&c).await.unwrap();
    assert!(store.create_challenge(&c).await.is_err());
    assert_eq!(store.challenge("c1").await.unwrap(), Some(c));
    assert!(store.delete_challenge("c1").await.unwrap());
    assert!(!store.delete_challenge("c1").await.unwrap());
    assert_eq!(store.challenge("c1").await.unwrap(), None);
}

/// Session activity: none at first, touched, re-authenticated; ending every
/// session of an account but one.
pub async fn session_activity(store: &dyn Store) {
    let a = account(store, "sec-sess").await;
    let b = account(store, "sec-sess-other").await;
    for (acct, h) in [(&a, "s1"), (&a, "s2"), (&a, "s3"), (&b, "s4")] {
        store.create_session(&session(acct, h)).await.unwrap();
    }
    assert_eq!(
        store.session_activity("s1").await.unwrap(),
        Some(SessionActivity {
            last_seen_at: None,
            reauth_at: None
        })
    );
    assert_eq!(store.session_activity("nope").await.unwrap(), None);
    store
        .touch_session("s1", t("2026-03-02T09:10:00Z"))
        .await
        .unwrap();
    store
        .set_session_reauth("s1", t("2026-03-02T09:11:00Z"))
        .await
        .unwrap();
    assert_eq!(
        store.session_activity("s1").await.unwrap(),
        Some(SessionActivity {
            last_seen_at: Some(t("2026-03-02T09:10:00Z")),
            reauth_at: Some(t("2026-03-02T09:11:00Z")),
        })
    );
    // The session row itself is unchanged by activity.
    assert_eq!(store.session("s1").await.unwrap(), Some(session(&a, "s1")));

    assert_eq!(
        store
            .delete_sessions_of_account(&a, Some("s2"))
            .await
            .unwrap(),
        2
    );
    assert!(store.session("s1").await.unwrap().is_none());
    assert!(store.session("s2").await.unwrap().is_some());
    assert!(
        store.session("s4").await.unwrap().is_some(),
        "other account"
    );
    assert_eq!(store.delete_sessions_of_account(&a, None).await.unwrap(), 1);
    assert!(store.session("s2").await.unwrap().is_none());
}

/// Attempt counters: counted per kind, key and window, atomically (eight at
/// once count eight), and deleted when stale.
pub async fn throttle(store: &dyn Store) {
    let w1 = t("2026-03-02T10:00:00Z");
    let w2 = t("2026-03-02T10:15:00Z");
    assert_eq!(store.throttle_count("signin", "k1", w1).await.unwrap(), 0);
    assert_eq!(store.throttle_hit("signin", "k1", w1).await.unwrap(), 1);
    assert_eq!(store.throttle_hit("signin", "k1", w1).await.unwrap(), 2);
    assert_eq!(store.throttle_hit("signin", "k2", w1).await.unwrap(), 1);
    assert_eq!(store.throttle_hit("reset", "k1", w1).await.unwrap(), 1);
    assert_eq!(store.throttle_hit("signin", "k1", w2).await.unwrap(), 1);
    assert_eq!(store.throttle_count("signin", "k1", w1).await.unwrap(), 2);

    let hits = join_all((0..8).map(|_| store.throttle_hit("pin", "k3", w1))).await;
    let mut counts: Vec<u32> = hits.into_iter().map(Result::unwrap).collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=8).collect::<Vec<u32>>());

    let removed = store.delete_stale_security_rows(w2).await.unwrap();
    assert!(removed >= 4, "removed {removed}");
    assert_eq!(store.throttle_count("signin", "k1", w1).await.unwrap(), 0);
    assert_eq!(store.throttle_count("signin", "k1", w2).await.unwrap(), 1);
}
