//! HTTP tests: the real router on 127.0.0.1:0 over a fresh SQLite store,
//! driven like a browser (cookies kept, redirects inspected).

mod common;

use common::*;
use jiff::SignedDuration;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use sprout_domain::people::AccountStatus;

const SECTIONS: [&str; 8] = [
    "",
    "/vitals",
    "/immunizations",
    "/medications",
    "/allergies",
    "/problems",
    "/visits",
    "/lab-results",
];

#[tokio::test]
async fn healthz_static_and_security_headers() {
    let app = start().await;
    let b = Browser::new(&app);
    let h = b.get("/healthz").await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.body, "ok");
    let css = b.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(css.body.contains("--accent"));
    let login = b.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(login.headers[name], value, "{name}");
    }
    assert!(login.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'self'"));
    // No external assets: every src/href is local.
    assert!(!login.body.contains("http://") && !login.body.contains("https://"));
}

#[tokio::test]
async fn sign_in_and_failed_sign_in() {
    let app = start().await;
    let b = Browser::new(&app);

    // Signed out: pages send you to sign in.
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), Some("/login"));

    let form = b.get("/login").await;
    let csrf = form.csrf();
    let bad = b
        .post(
            "/login",
            &[
                ("email", PARENT_EMAIL),
                ("password", "wrong password!"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(
        bad.body.contains("email or password is incorrect"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains(&format!("value=\"{PARENT_EMAIL}\"")));
    assert!(!bad.body.contains("wrong password!"));
    assert!(bad
        .set_cookies()
        .iter()
        .all(|c| !c.starts_with("sprout_session=")));

    let unknown = b
        .post(
            "/login",
            &[
                ("email", "nobody@example.com"),
                ("password", PASSWORD),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(unknown.body.contains("email or password is incorrect"));

    let events = audit(&app, Some("login"), None).await;
    let failures: Vec<_> = events.iter().filter(|e| e.outcome == "failure").collect();
    assert_eq!(failures.len(), 2);
    assert!(failures
        .iter()
        .any(|e| e.account_id.as_ref() == Some(&app.parent)
            && e.reason.as_deref() == Some("bad-password")));
    assert!(failures
        .iter()
        .any(|e| e.account_id.is_none() && e.reason.as_deref() == Some("unknown-email")));

    // Email is compared trimmed and case-insensitively.
    let ok = b.sign_in("  Maria@Example.com ", PASSWORD).await;
    assert_eq!(ok.location(), Some("/"));
    let cookie = ok
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("sprout_session="))
        .expect("session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    assert!(!cookie.contains("Secure"));
    let token = cookie["sprout_session=".len()..].split(';').next().unwrap();
    assert_eq!(token.len(), 43, "32 bytes base64url");
    // The database keeps the token's SHA-256, never the token.
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let session = app
        .store
        .session(&hash)
        .await
        .unwrap()
        .expect("session row");
    assert_eq!(session.account_id, app.parent);
    assert!(app.store.session(token).await.unwrap().is_none());
    let created: jiff::Timestamp = session.created_at.parse().unwrap();
    let expires: jiff::Timestamp = session.expires_at.parse().unwrap();
    assert_eq!(
        expires.duration_since(created),
        SignedDuration::from_hours(12)
    );

    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Ana Lopez") && home.body.contains("Ben Lopez"));
    assert!(!home.body.contains("Cara"));
    assert!(home.body.contains("6 years old"), "Ana's age");
    assert!(home.body.contains("19 months old"), "Ben's age");

    let events = audit(&app, Some("login"), None).await;
    let success = events.iter().find(|e| e.outcome == "success").unwrap();
    assert_eq!(success.account_id.as_ref(), Some(&app.parent));
    assert_eq!(success.actor_role, "parent");
    assert_eq!(success.client_addr.as_deref(), Some("127.0.0.1"));
    assert!(success.request_id.is_some());

    // Signed in, the sign-in page goes home.
    assert_eq!(b.get("/login").await.location(), Some("/"));
}

#[tokio::test]
async fn parent_sees_both_children_and_switches() {
    let app = start().await;
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;

    for (me, mark, other, other_id) in [
        (&app.ana, "Ana", "Ben", &app.ben),
        (&app.ben, "Ben", "Ana", &app.ana),
    ] {
        for section in SECTIONS {
            let path = format!("/patients/{me}{section}");
            let page = b.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(
                page.body.contains(&format!("{mark} Lopez")),
                "{path} names the child"
            );
            assert!(!page.body.contains("Cara"), "{path}");
            // The switcher links to the same page of the other child.
            assert!(
                page.body
                    .contains(&format!("href=\"/patients/{other_id}{section}\"")),
                "{path} switcher"
            );
            assert!(page.body.contains(&format!("{other} Lopez")));
            assert_eq!(page.headers["cache-control"], "no-store");
            // This child's data, not the other's.
            let marker = match section {
                "/medications" => Some(format!("{mark} Amoxicillin")),
                "/allergies" => Some(format!("{mark} Peanut")),
                "/problems" => Some(format!("{mark} Asthma")),
                "/visits" => Some(format!("{mark} Well child visit")),
                "/lab-results" => Some(format!("{mark} Hemoglobin")),
                "/immunizations" => Some(format!("{mark} local vaccine")),
                _ => None,
            };
            if let Some(m) = marker {
                assert!(page.body.contains(&m), "{path} shows {m}");
                let theirs = m.replacen(mark, other, 1);
                assert!(
                    !page.body.contains(&theirs),
                    "{path} must not show {theirs}"
                );
            }
        }
    }

    let vitals = b.get(&format!("/patients/{}/vitals", app.ana)).await.body;
    assert!(vitals.contains("18.2 kg (40 lb 2 oz)"), "{vitals}");
    assert!(vitals.contains("102/64 mmHg"));
    assert!(vitals.contains("January 10, 2026"));
    // Newest first.
    assert!(vitals.find("18.2 kg").unwrap() < vitals.find("17.2 kg").unwrap());

    let imm = b
        .get(&format!("/patients/{}/immunizations", app.ana))
        .await
        .body;
    assert!(
        imm.contains("MMR"),
        "CVX 03 named by CDC's short description"
    );
    assert!(
        imm.contains("Ana local vaccine"),
        "unknown CVX falls back to the text"
    );
    assert!(imm.contains("Given") && imm.contains("Not given"));
    assert!(imm.contains("Reason: Parent declined"));
    assert!(imm.contains("Entered in error"));
    assert!(imm.contains("May 1, 2024"));

    let summary = b.get(&format!("/patients/{}", app.ben)).await.body;
    assert!(summary.contains("11.4 kg"), "latest weight on the summary");
    // In the "latest" tiles themselves: the newest weight, not the older one
    // (read from the store per LOINC code, not from every measurement).
    let latest = summary
        .split("id=\"latest-heading\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("a latest-vitals section");
    assert!(latest.contains("11.4 kg"), "newest weight among the tiles");
    assert!(
        !latest.contains("10.4 kg"),
        "the older weight is not a tile"
    );
    assert!(
        summary.contains("class=\"count\">3<"),
        "three immunizations counted"
    );

    let events = audit(&app, Some("read"), Some(&app.ana)).await;
    assert_eq!(events.len(), SECTIONS.len() + 2);
    let vitals_event = events.iter().find(|e| e.object_type == "vitals").unwrap();
    assert_eq!(vitals_event.outcome, "success");
    assert_eq!(vitals_event.actor_role, "parent");
    assert_eq!(vitals_event.account_id.as_ref(), Some(&app.parent));
    // The policy's reason: a parent of a child (ACCESS-POLICY.md rule 4).
    assert_eq!(vitals_event.reason.as_deref(), Some("child-parent"));
    assert_eq!(vitals_event.client_addr.as_deref(), Some("127.0.0.1"));
    assert!(vitals_event
        .request_id
        .as_deref()
        .is_some_and(|r| r.len() == 16));
}

#[tokio::test]
async fn denied_patient_is_the_same_404_as_an_unknown_one() {
    let app = start().await;
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;

    let denied = b.get(&format!("/patients/{}/vitals", app.cara)).await;
    let unknown = b
        .get("/patients/0123456789abcdef0123456789abcdef/vitals")
        .await;
    let malformed = b.get("/patients/not%20an%20id!/vitals").await;
    let no_route = b.get("/no/such/page").await;
    for p in [&denied, &unknown, &malformed, &no_route] {
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert!(p.body.contains("Page not found"));
        assert!(!p.body.contains("Cara"));
    }
    assert_eq!(denied.body, unknown.body, "a denied patient looks unknown");
    assert_eq!(denied.body, malformed.body);
    assert_eq!(denied.body, no_route.body);
    for section in SECTIONS {
        let p = b.get(&format!("/patients/{}{section}", app.cara)).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert_eq!(p.body, unknown.body);
    }

    let events = audit(&app, Some("read"), Some(&app.cara)).await;
    assert_eq!(events.len(), SECTIONS.len() + 1);
    assert!(events.iter().all(|e| e.outcome == "denied"
        && e.reason.as_deref() == Some("no-relationship")
        && e.account_id.as_ref() == Some(&app.parent)));
    let all = audit(&app, Some("read"), None).await;
    assert!(all
        .iter()
        .any(|e| e.reason.as_deref() == Some("malformed-id") && e.outcome == "denied"));
    // An id no patient has: nothing to decide on, recorded as such.
    assert!(all
        .iter()
        .any(|e| e.reason.as_deref() == Some("unknown-patient")
            && e.outcome == "failure"
            && e.object_id.as_deref() == Some("0123456789abcdef0123456789abcdef")));
}

#[tokio::test]
async fn posts_without_a_valid_token_or_from_elsewhere_are_refused() {
    let app = start().await;
    let b = Browser::new(&app);

    // Sign-in without the double-submit token, or with a wrong one.
    for token in [None, Some("forged-token-forged-token-forged")] {
        let mut form = vec![("email", PARENT_EMAIL), ("password", PASSWORD)];
        if let Some(t) = token {
            form.push(("csrf", t));
        }
        let p = b.post("/login", &form).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        assert!(p.body.contains("This form has expired"));
    }

    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let page = b.get("/").await;
    let csrf = page.csrf();
    let p = b.post("/logout", &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = b
        .post("/locale", &[("lang", "es"), ("return_to", "/")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.body.contains("<html lang=\"en\""));
    // Still signed in.
    assert_eq!(b.get("/").await.status, StatusCode::OK);

    // A valid token from another origin is refused too.
    let cross = b
        .client
        .post(format!("{}/logout", app.base))
        .header("origin", "https://evil.example")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert_eq!(b.get("/").await.status, StatusCode::OK);

    // Same origin with the token works.
    let same = b
        .client
        .post(format!("{}/logout", app.base))
        .header("origin", app.base.as_str())
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = start().await;
    let b = Browser::new(&app);
    let signed = b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let cookie = signed
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("sprout_session="))
        .unwrap();
    let pair = cookie.split(';').next().unwrap().to_owned();

    let csrf = b.get("/").await.csrf();
    let out = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login"));
    assert!(out
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("sprout_session=;") && c.contains("Max-Age=0")));

    // The old cookie, replayed, no longer works.
    let mut h = HeaderMap::new();
    h.insert("cookie", HeaderValue::from_str(&pair).unwrap());
    let replay = Browser::with_headers(&app, h);
    let p = replay.get(&format!("/patients/{}", app.ana)).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().unwrap().starts_with("/login"));

    let events = audit(&app, Some("logout"), None).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].account_id.as_ref(), Some(&app.parent));
    assert_eq!(events[0].outcome, "success");
}

#[tokio::test]
async fn revoked_or_expired_relationships_stop_access_at_once() {
    let app = start().await;
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let ben = format!("/patients/{}/vitals", app.ben);
    assert_eq!(b.get(&ben).await.status, StatusCode::OK);

    // Expires today: still in force today, gone tomorrow.
    let mut rel = app.rel_ben.clone();
    rel.expires_on = Some(TODAY);
    app.store.update_relationship(&rel).await.unwrap();
    assert_eq!(b.get(&ben).await.status, StatusCode::OK);
    app.clock.set_today(TODAY.tomorrow().unwrap());
    assert_eq!(b.get(&ben).await.status, StatusCode::NOT_FOUND);
    let home = b.get("/").await;
    assert!(!home.body.contains("Ben Lopez") && home.body.contains("Ana Lopez"));
    // And Ana's pages no longer offer Ben in the switcher.
    let ana = b.get(&format!("/patients/{}", app.ana)).await;
    assert!(!ana.body.contains("Ben Lopez"));

    // Revoked today: gone on the next request.
    app.clock.set_today(TODAY);
    assert_eq!(b.get(&ben).await.status, StatusCode::OK);
    rel.expires_on = None;
    rel.revoked_on = Some(TODAY);
    app.store.update_relationship(&rel).await.unwrap();
    assert_eq!(b.get(&ben).await.status, StatusCode::NOT_FOUND);

    let denied = audit(&app, Some("read"), Some(&app.ben)).await;
    assert!(denied.iter().any(|e| e.outcome == "denied"));
}

/// Polls `check` every 10 ms until it holds; how long that took, or `None`
/// after 3 s.
async fn within<F, Fut>(mut check: F) -> Option<std::time::Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(3) {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    None
}

/// Sessions and families kept in memory (see sprout-web's access_cache)
/// follow changes wherever they are made: two nodes on one database, the
/// parent signed in once. Node B keeps her session and family from its
/// first pages; a revocation committed through node A's store, then a
/// sign-out on node A, hold on node B within its watcher's delay (a SQLite
/// node polls every 50 ms), and on node A at once.
#[tokio::test]
async fn kept_sessions_and_families_follow_changes_made_on_another_node() {
    let app = start().await;
    let (b_base, b_store) = second_node(&app).await;
    let a = Browser::new(&app);
    a.sign_in(PARENT_EMAIL, PASSWORD).await;
    let b = Browser {
        client: a.client.clone(),
        base: b_base,
        store: b_store,
        clock: app.clock.clone(),
    };
    let ben = format!("/patients/{}/vitals", app.ben);
    for _ in 0..3 {
        assert_eq!(b.get(&ben).await.status, StatusCode::OK);
        assert!(b.get("/").await.body.contains("Ben Lopez"));
    }

    let mut rel = app.rel_ben.clone();
    rel.revoked_on = Some(TODAY);
    app.store.update_relationship(&rel).await.unwrap();
    assert_eq!(
        a.get(&ben).await.status,
        StatusCode::NOT_FOUND,
        "node A at once"
    );
    let took = within(|| async { b.get(&ben).await.status == StatusCode::NOT_FOUND })
        .await
        .expect("node B stops showing Ben");
    assert!(took < std::time::Duration::from_secs(1), "took {took:?}");
    let home = b.get("/").await;
    assert!(!home.body.contains("Ben Lopez") && home.body.contains("Ana Lopez"));

    let csrf = a.get("/").await.csrf();
    assert_eq!(
        a.post("/logout", &[("csrf", &csrf)]).await.status,
        StatusCode::SEE_OTHER
    );
    let took = within(|| async { b.get("/").await.status == StatusCode::SEE_OTHER })
        .await
        .expect("node B signs her out");
    assert!(took < std::time::Duration::from_secs(1), "took {took:?}");
    assert_eq!(b.get("/").await.location(), Some("/login"));
}

#[tokio::test]
async fn deactivated_accounts_and_old_sessions_are_signed_out() {
    let app = start().await;
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    app.store
        .set_account_status(&app.parent, AccountStatus::Deactivated)
        .await
        .unwrap();
    let p = b.get("/").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), Some("/login"));
    // A deactivated account cannot sign in again (generic message).
    let csrf = b.get("/login").await.csrf();
    let again = b
        .post(
            "/login",
            &[
                ("email", PARENT_EMAIL),
                ("password", PASSWORD),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("email or password is incorrect"));
    let events = audit(&app, Some("login"), None).await;
    assert!(events
        .iter()
        .any(|e| e.reason.as_deref() == Some("account-not-active")));

    // Sessions end 12 hours after sign-in, however busy (a request every
    // 25 minutes keeps the 30-minute idle limit away).
    let b2 = Browser::new(&app);
    b2.sign_in(OTHER_PARENT_EMAIL, PASSWORD).await;
    for _ in 0..28 {
        app.clock.advance(SignedDuration::from_mins(25));
        assert_eq!(b2.get("/").await.status, StatusCode::OK);
    }
    app.clock.advance(SignedDuration::from_mins(25));
    let p = b2.get(&format!("/patients/{}", app.cara)).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(
        p.location()
            .unwrap()
            .starts_with("/login?next=%2Fpatients%2F")
            || p.location().unwrap().starts_with("/login?next=/patients/")
    );
}

#[tokio::test]
async fn spanish_from_accept_language_and_the_switch() {
    let app = start().await;
    let mut h = HeaderMap::new();
    h.insert(
        "accept-language",
        HeaderValue::from_static("es-MX,es;q=0.9,en;q=0.5"),
    );
    let b = Browser::with_headers(&app, h);

    let login = b.get("/login").await;
    assert!(login.body.contains("<html lang=\"es\">"));
    assert!(login.body.contains("Iniciar sesión"));
    assert!(login.body.contains("Correo electrónico"));

    // Switch to English on the sign-in page (no session yet).
    let csrf = login.csrf();
    let sw = b
        .post(
            "/locale",
            &[("csrf", &csrf), ("lang", "en"), ("return_to", "/login")],
        )
        .await;
    assert_eq!(sw.status, StatusCode::SEE_OTHER);
    assert_eq!(sw.location(), Some("/login"));
    assert!(sw.set_cookies().iter().any(|c| c.starts_with("lang=en")));
    let login = b.get("/login").await;
    assert!(login.body.contains("<html lang=\"en\">"));
    assert!(login.body.contains("Sign in"));

    // Signed in, the choice is stored on the account.
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let path = format!("/patients/{}/immunizations", app.ana);
    let page = b.get(&path).await;
    let csrf = page.csrf();
    let sw = b
        .post(
            "/locale",
            &[("csrf", &csrf), ("lang", "es"), ("return_to", &path)],
        )
        .await;
    assert_eq!(sw.location(), Some(path.as_str()));
    let page = b.get(&path).await;
    assert!(page.body.contains("<html lang=\"es\">"));
    assert!(page.body.contains("Vacunas"));
    assert!(page.body.contains("Aplicada") && page.body.contains("No aplicada"));
    assert!(page.body.contains("1 de mayo de 2024"));
    let account = app.store.account(&app.parent).await.unwrap().unwrap();
    assert_eq!(account.locale.as_deref(), Some("es"));
    let vitals = b.get(&format!("/patients/{}/vitals", app.ana)).await;
    assert!(vitals.body.contains("18,2 kg"), "decimal comma in Spanish");
    assert!(vitals.body.contains("Peso"));

    // The 404 page is translated too.
    let nf = b.get(&format!("/patients/{}", app.cara)).await;
    assert_eq!(nf.status, StatusCode::NOT_FOUND);
    assert!(nf.body.contains("No encontramos la página"));

    // Open redirects are not followed.
    let csrf = b.get("/").await.csrf();
    for target in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let sw = b
            .post(
                "/locale",
                &[("csrf", &csrf), ("lang", "en"), ("return_to", target)],
            )
            .await;
        assert_eq!(sw.location(), Some("/"), "{target}");
    }
    let bad = b
        .post(
            "/locale",
            &[("csrf", &csrf), ("lang", "fr"), ("return_to", "/")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn staff_homes_and_roles() {
    let app = start().await;
    let nurse = Browser::new(&app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let home = nurse.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Staff home") && home.body.contains("Nurse"));
    let p = nurse.get(&format!("/patients/{}/vitals", app.cara)).await;
    assert_eq!(p.status, StatusCode::OK);
    let ev = audit(&app, Some("read"), Some(&app.cara)).await;
    assert_eq!(ev[0].actor_role, "nurse");
    assert_eq!(ev[0].reason.as_deref(), Some("staff-role"));

    // Staff open a patient by medical record number (trimmed); audited.
    let csrf = home.csrf();
    let found = nurse
        .post("/find", &[("csrf", &csrf), ("mrn", " MRN-CARA ")])
        .await;
    assert_eq!(found.status, StatusCode::SEE_OTHER);
    assert_eq!(
        found.location(),
        Some(format!("/patients/{}", app.cara).as_str())
    );
    // Typed in lower case, the MRN is found all the same.
    let lower = nurse
        .post("/find", &[("csrf", &csrf), ("mrn", "mrn-cara")])
        .await;
    assert_eq!(
        lower.location(),
        Some(format!("/patients/{}", app.cara).as_str())
    );
    let none = nurse
        .post("/find", &[("csrf", &csrf), ("mrn", "MRN-NOBODY")])
        .await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none
        .body
        .contains("No patient you may see has that medical record number"));
    assert!(none.body.contains("value=\"MRN-NOBODY\""));
    let searches = audit(&app, Some("read"), None).await;
    let searches: Vec<_> = searches
        .iter()
        .filter(|e| e.object_type == "patient-search")
        .collect();
    assert_eq!(searches.len(), 3, "each search once");
    assert!(searches
        .iter()
        .any(|e| e.outcome == "success" && e.patient_id.as_ref() == Some(&app.cara)));
    assert!(searches.iter().any(|e| e.outcome == "failure"));
    // Without the token: refused.
    let p = nurse.post("/find", &[("mrn", "MRN-CARA")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    // A parent cannot search.
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    let csrf = parent.get("/").await.csrf();
    let p = parent
        .post("/find", &[("csrf", &csrf), ("mrn", "MRN-CARA")])
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);

    // The practice administrator sees no clinical sections.
    let admin = Browser::new(&app);
    admin.sign_in(ADMIN_EMAIL, PASSWORD).await;
    let p = admin.get(&format!("/patients/{}/vitals", app.cara)).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let ev = audit(&app, Some("read"), Some(&app.cara)).await;
    assert_eq!(ev[0].outcome, "denied");
    assert_eq!(ev[0].actor_role, "admin");
    // Nor can the administrator find patients to open.
    let csrf = admin.get("/").await.csrf();
    let p = admin
        .post("/find", &[("csrf", &csrf), ("mrn", "MRN-CARA")])
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("No patient you may see"));
    let ev = audit(&app, Some("read"), Some(&app.cara)).await;
    assert_eq!(ev[0].object_type, "patient-search");
    assert_eq!(ev[0].outcome, "denied");
}

#[tokio::test]
async fn junk_input_never_causes_a_server_error() {
    let app = start().await;
    let b = Browser::new(&app);
    let csrf = b.get("/login").await.csrf();

    let long_email = format!("{}@example.com", "a".repeat(20_000));
    let p = b
        .post(
            "/login",
            &[("email", &long_email), ("password", "x"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("email or password is incorrect"));
    let huge = "p".repeat(200_000);
    let p = b
        .post(
            "/login",
            &[
                ("email", PARENT_EMAIL),
                ("password", &huge),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(p.body.contains("<html"));
    let p = b
        .post(
            "/login",
            &[
                ("email", PARENT_EMAIL),
                ("password", &huge[..5_000]),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);

    // Bodies that are not forms.
    let raw = b
        .client
        .post(format!("{}/login", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'=', 0x80])
        .send()
        .await
        .unwrap();
    assert!(raw.status().is_client_error(), "{}", raw.status());
    let raw = b
        .client
        .post(format!("{}/login", app.base))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(raw.status().is_client_error(), "{}", raw.status());

    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    for path in [
        "/patients/%FF%FE",
        "/patients/%FF/vitals",
        "/patients/..%2F..%2Fetc%2Fpasswd",
        "/patients/../../etc/passwd",
        "/patients/%00",
        "/patients/a'%20OR%201=1--",
        &format!("/patients/{}", "x".repeat(5000)),
        &format!("/patients/{}/../../", app.ana),
        &format!("/patients/{}/nonsense", app.ana),
        &format!("/patients/{}/vitals/extra", app.ana),
        "/login?next=%FF%FE",
        "/static/../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let p = b.get(path).await;
        assert!(
            p.status.is_client_error() || p.status.is_success() || p.status.is_redirection(),
            "{path}: {}",
            p.status
        );
        if p.status.is_client_error() {
            assert!(p.body.contains("<html"), "{path} gets a page");
        }
    }
    // Wrong methods.
    let p = b.get("/logout").await;
    assert_eq!(p.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(p.body.contains("<html"));
    let p = b
        .post(&format!("/patients/{}", app.ana), &[("a", "b")])
        .await;
    assert_eq!(p.status, StatusCode::METHOD_NOT_ALLOWED);
    let del = b
        .client
        .delete(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert!(del.status().is_client_error());
    // Junk cookies are ignored.
    let mut h = HeaderMap::new();
    h.insert(
        "cookie",
        HeaderValue::from_static("sprout_session=%%%; lang=zz; sprout_csrf=\"\""),
    );
    let junk = Browser::with_headers(&app, h);
    let p = junk.get("/").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = junk.get("/login").await;
    assert_eq!(p.status, StatusCode::OK);
}

#[tokio::test]
async fn restricted_items_are_absent_for_proxies_not_teased() {
    let app = start().await;
    let mut item = immunization(
        &app.ana,
        "ana-secret",
        "62",
        "HPV quadrivalent",
        "completed",
        None,
        jiff::civil::date(2025, 9, 1),
    );
    if let sprout_domain::record::RecordItem::Immunization(i) = &mut item {
        i.meta.labels.confidentiality = sprout_domain::record::Confidentiality::Restricted;
    }
    app.store
        .import_batch(&sprout_store::ImportBatch {
            patients: vec![],
            items: vec![item],
        })
        .await
        .unwrap();
    let b = Browser::new(&app);
    b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let page = b.get(&format!("/patients/{}/immunizations", app.ana)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("HPV"));
    assert!(!page.body.contains("September 1, 2025"));
    let summary = b.get(&format!("/patients/{}", app.ana)).await;
    assert!(
        summary.body.contains("class=\"count\">3<"),
        "still 3, the hidden one not counted"
    );

    // A clinician sees it.
    let nurse = Browser::new(&app);
    nurse.sign_in(NURSE_EMAIL, PASSWORD).await;
    let page = nurse
        .get(&format!("/patients/{}/immunizations", app.ana))
        .await;
    assert!(!page.body.contains("HPV"), "a nurse is not a clinician");
}

#[tokio::test]
async fn secure_cookies_and_practice_name_when_configured() {
    let app = start_with(sprout_web::WebConfig {
        secure_cookies: true,
        practice_name: "Main Street Pediatrics".into(),
        ..sprout_web::WebConfig::default()
    })
    .await;
    let b = Browser::new(&app);
    let login = b.get("/login").await;
    assert!(login
        .body
        .contains("<title>Sign in – Main Street Pediatrics</title>"));
    assert!(login
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("sprout_csrf=") && c.contains("; Secure")));
    // (A real browser would not send a Secure cookie over http; this client does,
    // which lets the test sign in.)
    let ok = b.sign_in(PARENT_EMAIL, PASSWORD).await;
    let cookie = ok
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("sprout_session="))
        .unwrap();
    assert!(cookie.contains("; Secure"));
}
