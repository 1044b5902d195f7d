//! Account security over HTTP (issue 4, items 5-10): password rules, the
//! second factor (staff must have it; a code works once), password reset
//! without account enumeration, temporary passwords, idle and absolute
//! session timeouts on an injected clock, re-authentication, throttling,
//! deactivation, and the attacks tried against a local server (session
//! fixation, CSRF, reset-link reuse, Host-header poisoning).

mod common;

use common::*;
use jiff::SignedDuration;
use reqwest::StatusCode;
use sprout_domain::people::{AccountStatus, StaffRole};
use sprout_store::NewAccount;
use sprout_web::{Clock, WebConfig};
use std::time::{Duration, Instant};

const DESK_EMAIL: &str = "desk@example.com";
const NEW_PASSWORD: &str = "velvet orchard kazoo monsoon";

/// The text of the first element with `id`, roughly (tags inside dropped).
fn text_of(body: &str, id: &str) -> Option<String> {
    let start = body.find(&format!("id=\"{id}\""))?;
    let open = start + body[start..].find('>')? + 1;
    let close = open + body[open..].find("</")?;
    Some(body[open..close].trim().to_owned())
}

async fn change_password(b: &Browser, current: &str, new: &str) -> Page {
    b.submit(
        "/account/password",
        "/account/password",
        &[("current", current), ("new_password", new)],
    )
    .await
}

/// Waits (a few seconds at most) until the outbox holds `n` messages.
async fn outbox_with(app: &App, n: usize) -> Vec<sprout_store::OutboxMessage> {
    for _ in 0..100 {
        let m = app.store.outbox_messages(0).await.unwrap();
        if m.len() >= n {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    app.store.outbox_messages(0).await.unwrap()
}

/// The reset link's path in a message body.
fn reset_path(body: &str) -> String {
    let i = body.find("/password/reset/").expect("a reset link");
    body[i..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches('.')
        .to_owned()
}

#[tokio::test]
async fn password_rules_are_nists() {
    let app = start().await;
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;

    // The page explains the rule: 15 characters without a second factor.
    let form = b.get("/account/password").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("At least 15 characters"),
        "{}",
        form.body
    );
    assert!(!form.body.contains("onpaste"), "paste is allowed");

    // Wrong current password: refused (and it is re-authentication).
    let p = change_password(&b, "not my password at all", NEW_PASSWORD).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(
        text_of(&p.body, "password-error").as_deref(),
        Some("That password is not right.")
    );

    for (candidate, reason) in [
        ("vq7#Lm2!xR9@kd", "Use at least 15 characters."),
        (
            "passwordpassword",
            "Repeated letters or patterns, like &#34;aaaa&#34; or &#34;abcabc&#34;, are easy to guess.",
        ),
        (
            "abcdefghijklmnopq",
            "Sequences and keyboard rows, like &#34;abcd&#34;, &#34;1234&#34; or &#34;qwerty&#34;, are easy to guess.",
        ),
        (
            "maria.lopez2026!",
            "Do not build your password from your name or email address.",
        ),
    ] {
        let p = change_password(&b, PASSWORD, candidate).await;
        assert_eq!(p.status, StatusCode::OK, "{candidate}");
        let shown = text_of(&p.body, "password-error").unwrap_or_default();
        assert!(shown.starts_with(reason), "{candidate}: {shown}");
    }
    let too_long: String = "orchard kazoo ".repeat(80).chars().take(1025).collect();
    let p = change_password(&b, PASSWORD, &too_long).await;
    assert!(text_of(&p.body, "password-error")
        .unwrap()
        .starts_with("Use at most 1024 characters."));

    // 100 characters, all kept: the whole of it is the password.
    let long: String = "Granite lantern orbits quietly; tulip 47 mosaic drifts "
        .repeat(2)
        .chars()
        .take(100)
        .collect();
    let p = change_password(&b, PASSWORD, &long).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location(), Some("/account?notice=password-changed"));
    let again = Browser::new(&app);
    let form = again.get("/login").await;
    let truncated: String = long.chars().take(72).collect();
    let refused = again
        .post(
            "/login",
            &[
                ("email", PARENT_EMAIL),
                ("password", &truncated),
                ("csrf", &form.csrf()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK, "no truncation at 72 bytes");
    again.sign_in(PARENT_EMAIL, &long).await;

    // With a second factor, 8 characters are enough.
    let maria = app.parent.clone();
    app.store
        .enroll_totp(&maria, STAFF_TOTP_SECRET, &[], jiff::Timestamp::now())
        .await
        .unwrap();
    let b3 = Browser::new(&app);
    b3.sign_in(PARENT_EMAIL, &long).await;
    let form = b3.get("/account/password").await;
    assert!(form.body.contains("At least 8 characters"));
    let p = change_password(&b3, &long, "vq7#Lm2!xR").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let e = audit(&app, Some("update"), None).await;
    assert!(e
        .iter()
        .any(|e| e.object_type == "password" && e.reason.as_deref() == Some("password-changed")));
}

#[tokio::test]
async fn a_password_change_ends_the_users_other_sessions() {
    let app = start().await;
    let laptop = Browser::new(&app);
    let phone = Browser::new(&app);
    let other = Browser::new(&app);
    laptop.sign_in(PARENT_EMAIL, PASSWORD).await;
    phone.sign_in(PARENT_EMAIL, PASSWORD).await;
    other.sign_in(OTHER_PARENT_EMAIL, PASSWORD).await;
    assert_eq!(phone.get("/").await.status, StatusCode::OK);

    let p = change_password(&laptop, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // The phone's session is gone; the laptop's and Sam's are not.
    let gone = phone.get("/").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(gone.location(), Some("/login"));
    assert_eq!(laptop.get("/").await.status, StatusCode::OK);
    assert_eq!(other.get("/").await.status, StatusCode::OK);
    let page = laptop.get("/account?notice=password-changed").await;
    assert!(page.body.contains("signed out on every other device"));
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_twelve_hours() {
    let app = start().await;
    // A family session lives 30 idle minutes.
    let fam = Browser::new(&app);
    fam.sign_in(PARENT_EMAIL, PASSWORD).await;
    app.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(fam.get("/").await.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(29));
    assert_eq!(fam.get("/").await.status, StatusCode::OK, "activity counts");
    app.clock.advance(SignedDuration::from_mins(30));
    let p = fam.get(&format!("/patients/{}", app.ana)).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().unwrap().starts_with("/login"));
    assert!(
        p.set_cookies()
            .iter()
            .any(|c| c.starts_with("sprout_session=;")),
        "the dead cookie is cleared"
    );

    // A staff session lives 15 idle minutes.
    let nurse = Browser::new(&app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    app.clock.advance(SignedDuration::from_mins(14));
    assert_eq!(nurse.get("/").await.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(15));
    assert_eq!(nurse.get("/").await.status, StatusCode::SEE_OTHER);

    // However busy, a session ends 12 hours after sign-in.
    let busy = Browser::new(&app);
    busy.sign_in(OTHER_PARENT_EMAIL, PASSWORD).await;
    for _ in 0..29 {
        app.clock.advance(SignedDuration::from_mins(24));
        assert_eq!(busy.get("/").await.status, StatusCode::OK);
    }
    // 11 h 36 min so far; 24 more minutes is 12 hours.
    app.clock.advance(SignedDuration::from_mins(24));
    assert_eq!(busy.get("/").await.status, StatusCode::SEE_OTHER);

    // Each end is in the audit trail, with why: two idle, one past 12 hours.
    let ends: Vec<(Option<String>, String)> = audit(&app, Some("logout"), None)
        .await
        .into_iter()
        .filter(|e| e.object_type == "session")
        .map(|e| (e.reason, e.actor_role))
        .collect();
    assert_eq!(
        ends,
        [
            (Some("session-expired".to_owned()), "parent".to_owned()),
            (Some("session-idle".to_owned()), "nurse".to_owned()),
            (Some("session-idle".to_owned()), "parent".to_owned()),
        ],
        "newest first"
    );

    // Sign-out ends the session on the server: the old cookie is worthless.
    let b = Browser::new(&app);
    let signed = b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let cookie = signed
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("sprout_session="))
        .unwrap();
    let token = cookie["sprout_session=".len()..cookie.find(';').unwrap()].to_owned();
    let replay = || {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("cookie", format!("sprout_session={token}").parse().unwrap());
        Browser::with_headers(&app, h)
    };
    assert_eq!(replay().get("/").await.status, StatusCode::OK);
    let csrf = b.get("/").await.csrf();
    let out = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(replay().get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn staff_must_enrol_a_second_factor_before_seeing_patients() {
    let app = start().await;
    // A staff account made without a second factor (as `sprout create-account` does).
    let id = sprout_domain::AccountId::from_random([0x5a; 16]);
    app.store
        .create_account(&NewAccount {
            id: id.clone(),
            email: "newnurse@example.com".into(),
            display_name: "Nia New".into(),
            password_hash: sprout_web::hash_password(PASSWORD),
            status: AccountStatus::Active,
            staff_role: Some(StaffRole::Nurse),
            patient_id: None,
        })
        .await
        .unwrap();
    let b = Browser::new(&app);
    let signed = b.sign_in("newnurse@example.com", PASSWORD).await;
    assert_eq!(signed.location(), Some("/"));
    for path in [
        "/".to_owned(),
        format!("/patients/{}", app.ana),
        format!("/patients/{}/vitals", app.ana),
        "/staff/audit".to_owned(),
    ] {
        let p = b.get(&path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(p.location(), Some("/account/two-factor"), "{path}");
    }
    // No patient page was read: nothing of Ana's was audited as seen.
    assert!(audit(&app, Some("read"), Some(&app.ana)).await.is_empty());
    let found = b
        .submit("/account/two-factor", "/find", &[("mrn", "MRN-ANA")])
        .await;
    assert_eq!(found.location(), Some("/account/two-factor"));

    let page = b.get("/account/two-factor").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"two-factor-required\""));
    assert!(page.body.contains("<svg"), "a QR code");
    let secret = {
        let m = "data-secret=\"";
        let i = page.body.find(m).unwrap() + m.len();
        page.body[i..i + 32].to_owned()
    };
    let csrf = page.csrf();
    let wrong = b
        .post(
            "/account/two-factor",
            &[("csrf", &csrf), ("secret", &secret), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.body.contains("id=\"enroll-error\""));
    let step = sprout_web::totp_step_of(app.clock.now());
    let code = sprout_web::totp_code_at_step(&secret, step).unwrap();
    let done = b
        .post(
            "/account/two-factor",
            &[("csrf", &csrf), ("secret", &secret), ("code", &code)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        done.body.matches("<li><code>").count(),
        10,
        "recovery codes"
    );
    assert_eq!(
        b.get(&format!("/patients/{}", app.ana)).await.status,
        StatusCode::OK
    );

    // Next time, the code is asked for; the enrolment's code is used up.
    let again = Browser::new(&app);
    let form = again.get("/login").await;
    let p = again
        .post(
            "/login",
            &[
                ("email", "newnurse@example.com"),
                ("password", PASSWORD),
                ("csrf", &form.csrf()),
            ],
        )
        .await;
    assert_eq!(p.location(), Some("/login/code"));
    let cookie_has_session = p
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("sprout_session=") && !c.starts_with("sprout_session=;"));
    assert!(!cookie_has_session, "no session before the second factor");
    assert_eq!(again.get("/").await.status, StatusCode::SEE_OTHER);
    let codepage = again.get("/login/code").await;
    let reused = again
        .post(
            "/login/code",
            &[("csrf", &codepage.csrf()), ("code", &code)],
        )
        .await;
    assert_eq!(reused.status, StatusCode::OK);
    assert!(reused.body.contains("id=\"code-error\""));

    // Staff cannot turn it off.
    let off = b
        .submit(
            "/account",
            "/account/two-factor/remove",
            &[("password", PASSWORD)],
        )
        .await;
    assert!(off
        .body
        .contains("Staff accounts must keep two-step sign-in"));
    assert!(app
        .store
        .account_security(&id)
        .await
        .unwrap()
        .has_second_factor());
}

#[tokio::test]
async fn a_totp_code_works_once() {
    let app = start().await;
    let nurse = app
        .store
        .account_by_email(NURSE_EMAIL)
        .await
        .unwrap()
        .unwrap()
        .0;
    let step = sprout_web::totp_step_of(app.clock.now());
    let code = sprout_web::totp_code_at_step(STAFF_TOTP_SECRET, step).unwrap();
    let try_code = |code: String| {
        let app = &app;
        async move {
            let b = Browser::new(app);
            let form = b.get("/login").await;
            let p = b
                .post(
                    "/login",
                    &[
                        ("email", NURSE_EMAIL),
                        ("password", PASSWORD),
                        ("csrf", &form.csrf()),
                    ],
                )
                .await;
            assert_eq!(p.location(), Some("/login/code"));
            let form = b.get("/login/code").await;
            b.post("/login/code", &[("csrf", &form.csrf()), ("code", &code)])
                .await
        }
    };
    let first = try_code(code.clone()).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(first.location(), Some("/"));
    let second = try_code(code.clone()).await;
    assert_eq!(
        second.status,
        StatusCode::OK,
        "the same code again is refused"
    );
    assert_eq!(
        text_of(&second.body, "code-error").as_deref(),
        Some("That code did not work. Codes change every 30 seconds and each can be used once; enter the newest one.")
    );
    // So is the step before it (a code older than one used).
    let older = sprout_web::totp_code_at_step(STAFF_TOTP_SECRET, step - 1).unwrap();
    if older != code {
        assert_eq!(try_code(older).await.status, StatusCode::OK);
    }
    let failures = audit(&app, Some("login"), None).await;
    assert!(failures
        .iter()
        .any(|e| e.account_id.as_ref() == Some(&nurse.id)
            && e.reason.as_deref() == Some("bad-second-factor")));
    // The next step's code (clock drift) is fine, once.
    let next = sprout_web::totp_code_at_step(STAFF_TOTP_SECRET, step + 1).unwrap();
    assert_eq!(try_code(next.clone()).await.status, StatusCode::SEE_OTHER);
    assert_eq!(try_code(next).await.status, StatusCode::OK);
}

#[tokio::test]
async fn families_may_turn_on_two_step_sign_in_with_recovery_codes() {
    let app = start().await;
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let acct = b.get("/account").await;
    assert_eq!(
        text_of(&acct.body, "two-factor-status").as_deref(),
        Some("Off")
    );
    let page = b.get("/account/two-factor").await;
    assert!(!page.body.contains("two-factor-required"));
    let secret = {
        let m = "data-secret=\"";
        let i = page.body.find(m).unwrap() + m.len();
        page.body[i..i + 32].to_owned()
    };
    let code =
        sprout_web::totp_code_at_step(&secret, sprout_web::totp_step_of(app.clock.now())).unwrap();
    let done = b
        .post(
            "/account/two-factor",
            &[("csrf", &page.csrf()), ("secret", &secret), ("code", &code)],
        )
        .await;
    let codes: Vec<String> = done
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find("</code>").unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10);

    // A recovery code signs in once, typed any which way.
    let sign_in_with = |code: String| {
        let app = &app;
        async move {
            let c = Browser::new(app);
            let form = c.get("/login").await;
            let p = c
                .post(
                    "/login",
                    &[
                        ("email", PARENT_EMAIL),
                        ("password", PASSWORD),
                        ("csrf", &form.csrf()),
                    ],
                )
                .await;
            assert_eq!(p.location(), Some("/login/code"));
            let form = c.get("/login/code").await;
            c.post("/login/code", &[("csrf", &form.csrf()), ("code", &code)])
                .await
        }
    };
    let typed = codes[3].to_uppercase().replace('-', " ");
    assert_eq!(
        sign_in_with(typed.clone()).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(sign_in_with(typed).await.status, StatusCode::OK);
    let acct = b.get("/account").await;
    assert!(
        acct.body.contains("Unused recovery codes: 9"),
        "{}",
        acct.body
    );

    // Turning it off needs the password.
    let wrong = b
        .submit(
            "/account",
            "/account/two-factor/remove",
            &[("password", "not the password")],
        )
        .await;
    assert!(wrong.body.contains("That password is not right."));
    let off = b
        .submit(
            "/account",
            "/account/two-factor/remove",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(off.location(), Some("/account?notice=two-factor-removed"));
    let c = Browser::new(&app);
    assert_eq!(
        c.sign_in(PARENT_EMAIL, PASSWORD).await.location(),
        Some("/")
    );
}

#[tokio::test]
async fn reset_answers_the_same_for_known_and_unknown_emails() {
    let app = start().await;
    let b = Browser::new(&app);
    let known = b
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", PARENT_EMAIL)],
        )
        .await;
    let unknown = b
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "nobody-here@example.com")],
        )
        .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body, "byte for byte the same page");
    let names = |p: &Page| {
        let mut h: Vec<String> = p
            .headers
            .keys()
            .map(|k| k.as_str().to_owned())
            .filter(|k| k != "date" && k != "x-request-id")
            .collect();
        h.sort();
        h
    };
    assert_eq!(names(&known), names(&unknown));

    // Timing: alternate known and unknown, compare medians.
    let mut t_known = Vec::new();
    let mut t_unknown = Vec::new();
    let form = b.get("/password/forgot").await;
    let csrf = form.csrf();
    for i in 0..8 {
        for (email, times) in [
            (OTHER_PARENT_EMAIL, &mut t_known),
            ("ghost@example.com", &mut t_unknown),
        ] {
            let _ = i;
            let started = Instant::now();
            let p = b
                .post("/password/forgot", &[("csrf", &csrf), ("email", email)])
                .await;
            times.push(started.elapsed());
            // Five per email per hour: after that, 429 for both alike.
            assert!(
                p.status == StatusCode::OK || p.status == StatusCode::TOO_MANY_REQUESTS,
                "{}",
                p.status
            );
        }
    }
    t_known.sort();
    t_unknown.sort();
    let (mk, mu) = (t_known[4], t_unknown[4]);
    println!("reset request median: known {mk:?}, unknown {mu:?}");
    let diff = mk.abs_diff(mu);
    assert!(
        diff < Duration::from_millis(25).max(mk.max(mu) / 2),
        "known {mk:?} vs unknown {mu:?}"
    );

    // The known one got its email (in the background); the unknown none.
    let mail = outbox_with(&app, 6).await;
    assert!(mail
        .iter()
        .all(|m| m.to_address == PARENT_EMAIL || m.to_address == OTHER_PARENT_EMAIL));
    assert!(mail
        .iter()
        .all(|m| !m.body_text.contains("Ana") && !m.body_text.contains("Ben")));
    let maria_mail = mail
        .iter()
        .find(|m| m.to_address == PARENT_EMAIL)
        .expect("Maria's reset email");
    assert!(maria_mail.subject.contains("choose a new password"));
    assert!(maria_mail.body_text.contains("within one hour"));
}

#[tokio::test]
async fn a_reset_link_works_once_within_the_hour() {
    let app = start().await;
    let signed_in = Browser::new(&app);
    signed_in.sign_in(PARENT_EMAIL, PASSWORD).await;
    let b = Browser::new(&app);
    b.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", "  Maria@Example.com ")],
    )
    .await;
    let mail = outbox_with(&app, 1).await;
    let path = reset_path(&mail[0].body_text);
    assert!(mail[0].body_text.contains("http://127.0.0.1:"));

    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    // A weak password is refused, and the link still works.
    let weak = b
        .post(
            &path,
            &[("csrf", &form.csrf()), ("new_password", "password")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::OK);
    assert!(weak.body.contains("id=\"reset-error\""));
    let done = b
        .post(
            &path,
            &[("csrf", &form.csrf()), ("new_password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/login?notice=password-changed"));
    // Used: gone for good, and the password stays the new one.
    let reused = b
        .post(
            &path,
            &[
                ("csrf", &form.csrf()),
                ("new_password", "another fine long phrase"),
            ],
        )
        .await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert_eq!(b.get(&path).await.status, StatusCode::GONE);
    // Every session of the account ended; the new password works.
    assert_eq!(signed_in.get("/").await.status, StatusCode::SEE_OTHER);
    Browser::new(&app).sign_in(PARENT_EMAIL, NEW_PASSWORD).await;

    // A link is dead after an hour.
    b.submit(
        "/password/forgot",
        "/password/forgot",
        &[("email", PARENT_EMAIL)],
    )
    .await;
    let mail = outbox_with(&app, 2).await;
    let path2 = mail
        .iter()
        .map(|m| reset_path(&m.body_text))
        .find(|p| *p != path)
        .expect("a second link");
    app.clock.advance(SignedDuration::from_mins(61));
    assert_eq!(b.get(&path2).await.status, StatusCode::GONE);
    // Made-up links too.
    assert_eq!(
        b.get("/password/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .await
            .status,
        StatusCode::GONE
    );
    assert_eq!(b.get("/password/reset/x").await.status, StatusCode::GONE);
}

#[tokio::test]
async fn reset_links_ignore_a_forged_host_header() {
    let app = start().await;
    let b = Browser::new(&app);
    let form = b.get("/password/forgot").await;
    let resp = b
        .client
        .post(format!("{}/password/forgot", app.base))
        .header("host", "evil.example")
        .form(&[("csrf", form.csrf().as_str()), ("email", PARENT_EMAIL)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mail = outbox_with(&app, 1).await;
    assert_eq!(mail.len(), 1);
    assert!(!mail[0].body_text.contains("evil.example"));
    assert!(mail[0]
        .body_text
        .contains("http://localhost/password/reset/"));
}

#[tokio::test]
async fn staff_issue_temporary_passwords_that_must_be_changed() {
    let app = start().await;
    add_account(
        &app,
        DESK_EMAIL,
        "Dana Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    let maria_old = Browser::new(&app);
    maria_old.sign_in(PARENT_EMAIL, PASSWORD).await;
    let desk = Browser::new(&app);
    desk.sign_in(DESK_EMAIL, PASSWORD).await;
    let home = desk.get("/").await;
    assert!(home.body.contains("href=\"/staff/accounts\""));
    let page = desk.get("/staff/accounts?email=Maria%40Example.com").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Maria Lopez"));
    let action = format!("/staff/accounts/{}/temporary-password", app.parent);
    let letter = desk
        .submit("/staff/accounts?email=maria%40example.com", &action, &[])
        .await;
    assert_eq!(letter.status, StatusCode::OK, "{}", letter.body);
    let temporary = text_of(&letter.body, "temporary-password").unwrap();
    assert_eq!(temporary.len(), 19);
    assert!(letter.body.contains("This password works until"));
    // Maria's old session ended; her old password no longer works.
    assert_eq!(maria_old.get("/").await.status, StatusCode::SEE_OTHER);

    let maria = Browser::new(&app);
    maria.sign_in(PARENT_EMAIL, &temporary).await;
    for path in [
        "/".to_owned(),
        format!("/patients/{}", app.ana),
        "/account".to_owned(),
    ] {
        let p = maria.get(&path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(p.location(), Some("/account/password"), "{path}");
    }
    let form = maria.get("/account/password").await;
    assert!(form.body.contains("id=\"forced-change\""));
    let p = change_password(&maria, &temporary, NEW_PASSWORD).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        maria.get(&format!("/patients/{}", app.ana)).await.status,
        StatusCode::OK
    );

    // A temporary password not used within 7 days stops working.
    desk.submit("/staff/accounts?email=maria%40example.com", &action, &[])
        .await;
    let letter = desk
        .submit("/staff/accounts?email=maria%40example.com", &action, &[])
        .await;
    let temporary = text_of(&letter.body, "temporary-password").unwrap();
    app.clock.advance(SignedDuration::from_hours(7 * 24));
    let late = Browser::new(&app);
    let form = late.get("/login").await;
    let p = late
        .post(
            "/login",
            &[
                ("email", PARENT_EMAIL),
                ("password", &temporary),
                ("csrf", &form.csrf()),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("This temporary password has expired"));
    let issued = audit(&app, Some("update"), None).await;
    assert!(issued.iter().any(|e| e.object_type == "password"
        && e.reason.as_deref() == Some("temporary-password-issued")
        && e.object_id.as_deref() == Some(app.parent.as_str())));
}

#[tokio::test]
async fn only_front_desk_and_admins_manage_accounts_and_staff_only_by_admins() {
    let app = start().await;
    add_account(
        &app,
        DESK_EMAIL,
        "Dana Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    let nurse = Browser::new(&app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    assert_eq!(
        nurse.get("/staff/accounts").await.status,
        StatusCode::NOT_FOUND
    );
    let fam = Browser::new(&app);
    fam.sign_in(PARENT_EMAIL, PASSWORD).await;
    assert_eq!(
        fam.get("/staff/accounts").await.status,
        StatusCode::NOT_FOUND
    );

    let desk = Browser::new(&app);
    desk.sign_in(DESK_EMAIL, PASSWORD).await;
    let p = desk.get("/staff/accounts?email=admin%40example.com").await;
    assert!(p.body.contains("id=\"account-not-found\""));
    let admin = app
        .store
        .account_by_email(ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap()
        .0;
    let home = desk.get("/").await;
    let r = desk
        .post(
            &format!("/staff/accounts/{}/temporary-password", admin.id),
            &[("csrf", &home.csrf())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let boss = Browser::new(&app);
    boss.sign_in(ADMIN_EMAIL, PASSWORD).await;
    let p = boss.get("/staff/accounts?email=nurse%40example.com").await;
    assert!(p.body.contains("Nora Nurse"));
    let nurse_id = app
        .store
        .account_by_email(NURSE_EMAIL)
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    // A lost phone: the admin removes the nurse's second factor; the nurse
    // must enrol again at the next sign-in.
    let r = boss
        .submit(
            "/staff/accounts?email=nurse%40example.com",
            &format!("/staff/accounts/{nurse_id}/remove-two-factor"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(nurse.get("/").await.status, StatusCode::SEE_OTHER);
    let again = Browser::new(&app);
    again.sign_in(NURSE_EMAIL, PASSWORD).await;
    assert_eq!(again.get("/").await.location(), Some("/account/two-factor"));
}

#[tokio::test]
async fn deactivation_ends_every_session_keeps_the_data_and_is_audited() {
    let app = start().await;
    add_account(
        &app,
        DESK_EMAIL,
        "Dana Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    // Staff deactivate Sam, signed in twice.
    let sam1 = Browser::new(&app);
    let sam2 = Browser::new(&app);
    sam1.sign_in(OTHER_PARENT_EMAIL, PASSWORD).await;
    sam2.sign_in(OTHER_PARENT_EMAIL, PASSWORD).await;
    let desk = Browser::new(&app);
    desk.sign_in(DESK_EMAIL, PASSWORD).await;
    let back = "/staff/accounts?email=sam%40example.com";
    let r = desk
        .submit(
            back,
            &format!("/staff/accounts/{}/deactivate", app.other_parent),
            &[],
        )
        .await;
    assert_eq!(r.location(), Some(&*format!("{back}&notice=deactivated")));
    for b in [&sam1, &sam2] {
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
    }
    let acct = app.store.account(&app.other_parent).await.unwrap().unwrap();
    assert_eq!(acct.status, AccountStatus::Deactivated);
    assert_eq!(
        app.store
            .relationships_of_account(&app.other_parent)
            .await
            .unwrap()
            .len(),
        1,
        "data kept"
    );
    let page = desk.get(back).await;
    assert_eq!(
        text_of(&page.body, "account-status").as_deref(),
        Some("Deactivated")
    );
    // Reactivated by staff, Sam signs in again.
    let r = desk
        .submit(
            back,
            &format!("/staff/accounts/{}/reactivate", app.other_parent),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    Browser::new(&app)
        .sign_in(OTHER_PARENT_EMAIL, PASSWORD)
        .await;

    // Maria deactivates her own account with her password.
    let maria = Browser::new(&app);
    maria.sign_in(PARENT_EMAIL, PASSWORD).await;
    let wrong = maria
        .submit(
            "/account",
            "/account/deactivate",
            &[("password", "nope nope")],
        )
        .await;
    assert!(wrong.body.contains("That password is not right."));
    let done = maria
        .submit("/account", "/account/deactivate", &[("password", PASSWORD)])
        .await;
    assert_eq!(done.location(), Some("/login?notice=deactivated"));
    assert_eq!(maria.get("/").await.status, StatusCode::SEE_OTHER);
    let events = audit(&app, Some("update"), None).await;
    let reasons: Vec<&str> = events
        .iter()
        .filter(|e| e.object_type == "account")
        .filter_map(|e| e.reason.as_deref())
        .collect();
    assert_eq!(
        reasons,
        ["deactivated-by-user", "reactivated", "deactivated-by-staff"]
    );
    let by_staff = events
        .iter()
        .find(|e| e.reason.as_deref() == Some("deactivated-by-staff"))
        .unwrap();
    assert_eq!(by_staff.actor_role, "front-desk");
    assert_eq!(
        by_staff.object_id.as_deref(),
        Some(app.other_parent.as_str())
    );
}

#[tokio::test]
async fn sensitive_changes_ask_for_the_password_again() {
    let app = start().await;
    add_account(
        &app,
        DESK_EMAIL,
        "Dana Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    let maria = Browser::new(&app);
    maria.sign_in(PARENT_EMAIL, PASSWORD).await;
    let desk = Browser::new(&app);
    desk.sign_in(DESK_EMAIL, PASSWORD).await;
    let proxies = format!("/patients/{}/proxies", app.ben);
    let page = desk.get(&proxies).await;
    assert_eq!(page.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(11));

    // Enrolling a second factor.
    let p = maria.get("/account/two-factor").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.location(),
        Some("/account/confirm?next=/account/two-factor")
    );
    let c = maria.get("/account/confirm?next=/account/two-factor").await;
    let bad = maria
        .post(
            "/account/confirm",
            &[
                ("csrf", &c.csrf()),
                ("password", "wrong wrong"),
                ("next", "/account/two-factor"),
            ],
        )
        .await;
    assert!(bad.body.contains("id=\"confirm-error\""));
    let good = maria
        .post(
            "/account/confirm",
            &[
                ("csrf", &c.csrf()),
                ("password", PASSWORD),
                ("next", "/account/two-factor"),
            ],
        )
        .await;
    assert_eq!(good.location(), Some("/account/two-factor"));
    assert_eq!(
        maria.get("/account/two-factor").await.status,
        StatusCode::OK
    );

    // Changing proxy grants (staff adding a proxy), from a page opened
    // before: the form is not lost, the user confirms and comes back.
    let r = desk
        .post(
            &proxies,
            &[
                ("csrf", &page.csrf()),
                ("email", "sam@example.com"),
                ("kind", "parent"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location().unwrap(),
        format!("/account/confirm?next={}", proxies)
    );
    assert!(app
        .store
        .relationships_of_account(&app.other_parent)
        .await
        .unwrap()
        .iter()
        .all(|r| r.patient_id != app.ben));
}

#[tokio::test]
async fn sign_in_guessing_is_throttled_per_account_and_per_address() {
    let mut config = WebConfig::default();
    config.security.throttle.signin_address.max = 15;
    config.security.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let app = start_with(config).await;
    let attempt = |email: &'static str, password: &'static str, from: &'static str| {
        let app = &app;
        async move {
            let b = Browser::new(app);
            let csrf = b.get("/login").await.csrf();
            let resp = b
                .client
                .post(format!("{}/login", b.base))
                .header("x-forwarded-for", from)
                .form(&[("email", email), ("password", password), ("csrf", &csrf)])
                .send()
                .await
                .unwrap();
            Browser::read(resp).await
        }
    };
    for i in 0..10 {
        let p = attempt(PARENT_EMAIL, "guess guess guess", "198.51.100.1").await;
        assert_eq!(p.status, StatusCode::OK, "attempt {i}");
    }
    // The 11th guess at Maria's account is refused unjudged, even the right one.
    let p = attempt(PARENT_EMAIL, PASSWORD, "198.51.100.2").await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = p.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(p.body.contains("Too many attempts"));
    // Sam's account, from another address, is not affected.
    let p = attempt(OTHER_PARENT_EMAIL, PASSWORD, "198.51.100.3").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);

    // Per address: 15 failures from one address, whatever the accounts.
    for i in 0..5 {
        let p = attempt(OTHER_PARENT_EMAIL, "nope nope nope", "198.51.100.1").await;
        assert_eq!(p.status, StatusCode::OK, "address attempt {i}");
    }
    let p = attempt(NURSE_EMAIL, PASSWORD, "198.51.100.1").await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    let p = attempt(NURSE_EMAIL, PASSWORD, "198.51.100.9").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // The audit trail has the refusals with the forwarded address.
    let events = audit(&app, Some("login"), None).await;
    assert!(events
        .iter()
        .any(|e| e.reason.as_deref() == Some("throttled")
            && e.client_addr.as_deref() == Some("198.51.100.1")));

    // After the window, Maria may try again.
    app.clock.advance(SignedDuration::from_mins(15));
    let p = attempt(PARENT_EMAIL, PASSWORD, "198.51.100.2").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn reset_requests_are_throttled() {
    let app = start().await;
    let b = Browser::new(&app);
    let csrf = b.get("/password/forgot").await.csrf();
    for _ in 0..5 {
        let p = b
            .post(
                "/password/forgot",
                &[("csrf", &csrf), ("email", PARENT_EMAIL)],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK);
    }
    let p = b
        .post(
            "/password/forgot",
            &[("csrf", &csrf), ("email", PARENT_EMAIL)],
        )
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.headers.contains_key("retry-after"));
    // The same for an unknown email: the limit says nothing about accounts.
    for _ in 0..5 {
        b.post(
            "/password/forgot",
            &[("csrf", &csrf), ("email", "x@example.com")],
        )
        .await;
    }
    let q = b
        .post(
            "/password/forgot",
            &[("csrf", &csrf), ("email", "x@example.com")],
        )
        .await;
    assert_eq!(q.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(p.body, q.body);
}

#[tokio::test]
async fn attacks_session_fixation_and_csrf_are_refused() {
    let app = start().await;
    // Session fixation: a session id planted before sign-in (say, through a
    // cookie set by a sibling site) is not promoted to a session.
    let planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = Browser::read(raw.get(format!("{}/login", app.base)).send().await.unwrap()).await;
    let csrf_cookie = form
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("sprout_csrf="))
        .unwrap();
    let csrf_cookie = csrf_cookie[..csrf_cookie.find(';').unwrap()].to_owned();
    let p = Browser::read(
        raw.post(format!("{}/login", app.base))
            .header("cookie", format!("{csrf_cookie}; sprout_session={planted}"))
            .form(&[
                ("email", PARENT_EMAIL),
                ("password", PASSWORD),
                ("csrf", form.csrf().as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let issued = p
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("sprout_session=") && !c.starts_with("sprout_session=;"))
        .expect("a new session cookie");
    assert!(!issued.contains(planted));
    let probe = Browser::read(
        raw.get(format!("{}/", app.base))
            .header("cookie", format!("sprout_session={planted}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(probe.status, StatusCode::SEE_OTHER);

    // CSRF: account changes without the token, or from another origin.
    let m = Browser::new(&app);
    m.sign_in(PARENT_EMAIL, PASSWORD).await;
    let p = m
        .post(
            "/account/password",
            &[("current", PASSWORD), ("new_password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let home = m.get("/account").await;
    let cross = m
        .client
        .post(format!("{}/account/deactivate", app.base))
        .header("origin", "https://evil.example")
        .form(&[("csrf", home.csrf().as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let forgot = m.post("/password/forgot", &[("email", PARENT_EMAIL)]).await;
    assert_eq!(forgot.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store
            .account(&app.parent)
            .await
            .unwrap()
            .unwrap()
            .status,
        AccountStatus::Active
    );
    Browser::new(&app).sign_in(PARENT_EMAIL, PASSWORD).await;
}
