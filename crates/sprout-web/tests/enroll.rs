//! Enrollment over HTTP (issue 4, items 1-4): slips and batch invitations,
//! activation, self-registration without account enumeration, linking a
//! child with an office PIN (expired, wrong birth date, reused, locked), the
//! MRN request queue, and a teen's own login.

mod common;

use common::*;
use jiff::civil::date;
use jiff::SignedDuration;
use reqwest::StatusCode;
use sprout_domain::people::{AccountStatus, StaffRole};
use sprout_store::OutboxMessage;
use std::collections::BTreeSet;

const DESK_EMAIL: &str = "desk@example.com";
const NEW_PASSWORD: &str = "a long enough new password";

async fn desk(app: &App) -> Browser {
    add_account(
        app,
        DESK_EMAIL,
        "Dana Desk",
        Some(StaffRole::FrontDesk),
        None,
    )
    .await;
    let b = Browser::new(app);
    b.sign_in(DESK_EMAIL, PASSWORD).await;
    b
}

async fn outbox(app: &App) -> Vec<OutboxMessage> {
    app.store.outbox_messages(10_000).await.unwrap()
}

/// The token in the first link of `path` (`/activate`, `/verify`) in the
/// newest email to `to`.
async fn link_token(app: &App, to: &str, path: &str) -> String {
    let mail = outbox(app)
        .await
        .into_iter()
        .rev()
        .find(|m| m.to_address == to)
        .unwrap_or_else(|| panic!("no email to {to}"));
    let marker = format!("{path}?token=");
    let i = mail.body_text.find(&marker).expect("a link") + marker.len();
    mail.body_text[i..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// A multipart body with the CSRF token and one file.
fn multipart(csrf: &str, file: &str) -> (String, Vec<u8>) {
    let boundary = "----sprout-test-boundary-7f3a";
    let mut body = String::new();
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
    ));
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slips.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

async fn upload(b: &Browser, csv: &str) -> Page {
    let csrf = b.get("/staff/enroll").await.csrf();
    let (ct, body) = multipart(&csrf, csv);
    Browser::read(
        b.client
            .post(format!("{}/staff/enroll/upload", b.base))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

const HEADER: &str = "given_name,family_name,birth_date,mrn,form_type,consent,patient_email,\
proxy1_name,proxy1_email,proxy1_birth_date,proxy1_relationship,\
proxy2_name,proxy2_email,proxy2_birth_date,proxy2_relationship\n";

/// 500 slips: 150 families of three children (two parents each), one teen
/// mother who is a patient on her own slip and the parent on her baby's, and
/// 48 one-child families whose teen (13) has an own email. Returns the CSV and
/// the number of distinct people (emails).
fn five_hundred_slips() -> (String, usize) {
    let mut csv = String::from(HEADER);
    let mut people = BTreeSet::new();
    let mut rows = 0;
    for f in 0..150 {
        let mom = format!("mom{f}@example.org");
        let dad = format!("dad{f}@example.org");
        for k in 0..3 {
            csv.push_str(&format!(
                "Kid{k},Fam{f},{},F{f}-K{k},under-12,yes,,Mom {f},{mom},1985-01-01,parent,Dad {f},{dad},1984-02-02,parent\n",
                date(2016 + k, 3, 1)
            ));
            rows += 1;
        }
        people.insert(mom);
        people.insert(dad);
    }
    // A teen mother: a patient (own email) and her baby's parent.
    let teen_mom = "teen.mom@example.org";
    csv.push_str(&format!(
        "Tina,Young,2009-06-01,TM-1,12-and-over,yes,{teen_mom},Grandma Young,grandma@example.org,1970-05-05,legal-guardian,,,,\n"
    ));
    csv.push_str(&format!(
        "Baby,Young,2025-12-01,TM-2,under-12,yes,,Tina Young,{teen_mom},2009-06-01,parent,,,,\n"
    ));
    rows += 2;
    people.insert(teen_mom.to_owned());
    people.insert("grandma@example.org".to_owned());
    for s in 0..(500 - rows) {
        let teen = format!("teen{s}@example.org");
        let parent = format!("solo{s}@example.org");
        csv.push_str(&format!(
            "Teen{s},Solo{s},2012-07-01,S-{s},12-and-over,yes,{teen},Parent {s},{parent},1980-01-01,parent,,,,\n"
        ));
        people.insert(teen);
        people.insert(parent);
    }
    (csv, people.len())
}

#[tokio::test]
async fn five_hundred_slips_one_batch_one_email_per_person() {
    let app = start().await;
    let b = desk(&app).await;
    let (csv, people) = five_hundred_slips();
    let page = upload(&b, &csv).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("500 ready to send"), "{}", page.body);

    let before = outbox(&app).await.len();
    let home = b.get("/staff/enroll").await;
    assert!(home.body.contains("Send 500 invitations"), "{}", home.body);
    let sent = b
        .post("/staff/enroll/invite", &[("csrf", &home.csrf())])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        sent.location(),
        Some("/staff/enroll?done=sent&n=500&failed=0")
    );

    // Exactly one email per person, each to a distinct address, none
    // naming a child or an MRN.
    let mails = outbox(&app).await;
    let new: Vec<_> = mails[before..].to_vec();
    assert_eq!(new.len(), people, "one email per person");
    let to: BTreeSet<_> = new.iter().map(|m| m.to_address.clone()).collect();
    assert_eq!(to.len(), people);
    for m in &new {
        assert!(m.body_text.contains("/activate?token="), "{}", m.body_text);
        // The text without the random tokens (which may spell anything).
        let words: String = m
            .body_text
            .split_whitespace()
            .filter(|w| !w.contains("token="))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(!words.contains("Kid") && !words.contains("F1-K"), "{words}");
    }

    // A parent named on three slips: one account, three children.
    let (mom, _) = app
        .store
        .account_by_email("mom7@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mom.status, AccountStatus::Pending);
    let rels = app.store.relationships_of_account(&mom.id).await.unwrap();
    assert_eq!(rels.len(), 3);
    let kids: BTreeSet<_> = rels.iter().map(|r| r.patient_id.clone()).collect();
    assert_eq!(kids.len(), 3);

    // The teen mother: one account, her own login and her baby's parent.
    let (tina, _) = app
        .store
        .account_by_email("teen.mom@example.org")
        .await
        .unwrap()
        .unwrap();
    let own = app.store.patient_by_mrn("TM-1").await.unwrap().unwrap();
    let baby = app.store.patient_by_mrn("TM-2").await.unwrap().unwrap();
    assert_eq!(tina.patient_id.as_ref(), Some(&own.id));
    let tina_rels = app.store.relationships_of_account(&tina.id).await.unwrap();
    assert_eq!(tina_rels.len(), 1);
    assert_eq!(tina_rels[0].patient_id, baby.id);

    // Sending again sends nothing: the slips are invited.
    let again = b
        .post(
            "/staff/enroll/invite",
            &[("csrf", &b.get("/staff/enroll").await.csrf())],
        )
        .await;
    assert_eq!(
        again.location(),
        Some("/staff/enroll?done=sent&n=0&failed=0")
    );
    assert_eq!(outbox(&app).await.len(), mails.len());

    // The mother activates with the link (once) and sees her three children.
    let token = link_token(&app, "mom7@example.org", "/activate").await;
    let parent = Browser::new(&app);
    let form = parent.get(&format!("/activate?token={token}")).await;
    assert_eq!(form.status, StatusCode::OK);
    let short = parent
        .post(
            "/activate",
            &[
                ("csrf", &form.csrf()),
                ("token", &token),
                ("password", "too short"),
                ("accept", "1"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.body.contains("at least 15 characters"),
        "{}",
        short.body
    );
    let done = parent
        .post(
            "/activate",
            &[
                ("csrf", &form.csrf()),
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("accept", "1"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let reuse = parent.get(&format!("/activate?token={token}")).await;
    assert_eq!(reuse.status, StatusCode::GONE);
    parent.sign_in("mom7@example.org", NEW_PASSWORD).await;
    let home = parent.get("/").await;
    for k in 0..3 {
        assert!(home.body.contains(&format!("Kid{k} Fam7")), "{}", home.body);
    }
    assert!(!audit(&app, Some("update"), None).await.is_empty());
}

#[tokio::test]
async fn invalid_slips_are_kept_shown_with_reasons_fixed_or_rejected() {
    let app = start().await;
    let b = desk(&app).await;
    let page = b.get("/staff/enroll").await;
    let csrf = page.csrf();
    let saved = b
        .post(
            "/staff/enroll/slips",
            &[
                ("csrf", &csrf),
                ("given_name", "Lia"),
                ("family_name", "Moreno"),
                ("birth_date", "2020-01-05"),
                ("mrn", "LM-1"),
                ("form_type", "under-12"),
                ("p1_name", "Rosa Moreno"),
                ("p1_email", "rosa@example.org"),
                ("p1_birth_date", "1990-01-01"),
                ("p1_relationship", "parent"),
            ],
        )
        .await;
    // Consent not checked: stored, and re-shown as typed with the reason.
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let slip_path = saved.location().unwrap().to_owned();
    let slip = b.get(&slip_path).await;
    assert!(slip.body.contains("The consent box is not checked."));
    assert!(slip.body.contains("value=\"rosa@example.org\""));
    assert!(slip.body.contains("value=\"LM-1\""));
    let list = b.get("/staff/enroll").await;
    assert!(list.body.contains("Lia Moreno"));
    // Fixed: valid.
    let fixed = b
        .post(
            &slip_path,
            &[
                ("csrf", &csrf),
                ("given_name", "Lia"),
                ("family_name", "Moreno"),
                ("birth_date", "2020-01-05"),
                ("mrn", "LM-1"),
                ("form_type", "under-12"),
                ("consent", "1"),
                ("p1_name", "Rosa Moreno"),
                ("p1_email", "rosa@example.org"),
                ("p1_birth_date", "1990-01-01"),
                ("p1_relationship", "parent"),
            ],
        )
        .await;
    assert_eq!(fixed.location(), Some("/staff/enroll?done=saved"));
    // Another invalid slip, rejected.
    let bad = b
        .post(
            "/staff/enroll/slips",
            &[("csrf", &csrf), ("given_name", "X")],
        )
        .await;
    let bad_path = bad.location().unwrap().to_owned();
    let rejected = b
        .post(&format!("{bad_path}/reject"), &[("csrf", &csrf)])
        .await;
    assert_eq!(rejected.location(), Some("/staff/enroll?done=rejected"));
    let list = b.get("/staff/enroll").await;
    assert!(
        list.body.contains("One slip is ready to send."),
        "{}",
        list.body
    );
    assert!(list.body.contains("No slip has a problem."));
    // A bad CSV loses nothing and says why; an oversized one is refused.
    let bad_csv = upload(&b, "name,mrn\nA,1\n").await;
    assert_eq!(bad_csv.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_csv.body.contains("family_name"));
    let huge = "x".repeat(2 * 1024 * 1024);
    let too_big = upload(&b, &huge).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Families and nurses cannot reach enrollment.
    let parent = Browser::new(&app);
    parent.sign_in(PARENT_EMAIL, PASSWORD).await;
    assert_eq!(
        parent.get("/staff/enroll").await.status,
        StatusCode::NOT_FOUND
    );
    let slips = audit(&app, Some("create"), None).await;
    assert!(slips.iter().any(|e| e.object_type == "signup-slip"));
}

/// Issues a PIN for `patient` as the front desk and reads it from the page.
async fn issue_pin(desk: &Browser, patient: &str) -> String {
    let path = format!("/patients/{patient}/enrollment");
    let page = desk.submit(&path, &path, &[("what", "pin")]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let marker = "id=\"new-pin\">";
    let i = page.body.find(marker).expect("the new PIN") + marker.len();
    page.body[i..i + page.body[i..].find('<').unwrap()].to_owned()
}

async fn try_pin(b: &Browser, pin: &str, born: &str) -> Page {
    b.submit(
        "/link",
        "/link/pin",
        &[
            ("pin", pin),
            ("birth_date", born),
            ("relationship", "parent"),
        ],
    )
    .await
}

const REFUSED: &str = "The PIN and birth date do not match a child we can link.";

#[tokio::test]
async fn pin_linking_refuses_expired_wrong_birth_date_and_reused_and_locks_at_ten() {
    let app = start().await;
    let desk = desk(&app).await;
    let dora = add_patient(&app, "Dora", "Diaz", date(2020, 2, 2), vec![]).await;
    let born = "2020-02-02";
    add_account(&app, "pat@example.org", "Pat Diaz", None, None).await;
    add_account(&app, "quinn@example.org", "Quinn Diaz", None, None).await;
    let pat = Browser::new(&app);
    pat.sign_in("pat@example.org", PASSWORD).await;

    // Wrong birth date: refused, with the same words as any refusal.
    let pin = issue_pin(&desk, dora.as_str()).await;
    assert_eq!(pin.len(), 12, "{pin}"); // 10 characters, two dashes
    let wrong = try_pin(&pat, &pin, "2020-02-03").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains(REFUSED));
    let unknown = try_pin(&pat, "ABCD-EFGH-JK", born).await;
    assert!(unknown.body.contains(REFUSED));

    // Expired: 31 days later the PIN no longer works (everyone signs in
    // again: sessions end after 12 hours).
    app.clock.advance(SignedDuration::from_hours(31 * 24));
    let desk = Browser::new(&app);
    desk.sign_in(DESK_EMAIL, PASSWORD).await;
    let pat = Browser::new(&app);
    pat.sign_in("pat@example.org", PASSWORD).await;
    let quinn = Browser::new(&app);
    quinn.sign_in("quinn@example.org", PASSWORD).await;
    let expired = try_pin(&pat, &pin, born).await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(expired.body.contains(REFUSED));
    assert!(!pat.get("/").await.body.contains("Dora Diaz"));

    // A fresh PIN links once; the same PIN again is refused.
    let pin = issue_pin(&desk, dora.as_str()).await;
    let linked = try_pin(&pat, &pin.to_lowercase(), born).await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
    assert!(pat.get("/").await.body.contains("Dora Diaz"));
    let reused = try_pin(&quinn, &pin, born).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reused.body.contains(REFUSED));
    assert!(!quinn.get("/").await.body.contains("Dora Diaz"));

    // Ten wrong birth dates lock the PIN: the tenth locks it, and then even
    // the right birth date is refused until staff reissue it.
    add_account(&app, "lee@example.org", "Lee Diaz", None, None).await;
    let lee = Browser::new(&app);
    lee.sign_in("lee@example.org", PASSWORD).await;
    let pin = issue_pin(&desk, dora.as_str()).await;
    for i in 1..=9 {
        let p = try_pin(&lee, &pin, "2019-01-01").await;
        assert!(p.body.contains(REFUSED), "attempt {i}");
        let stored = app.store.pin_of_patient(&dora).await.unwrap().unwrap();
        assert_eq!(stored.failures, i);
        assert!(stored.locked_at.is_none(), "locked after {i}");
    }
    try_pin(&lee, &pin, "2019-01-01").await;
    let stored = app.store.pin_of_patient(&dora).await.unwrap().unwrap();
    assert!(stored.locked_at.is_some(), "the tenth wrong attempt locks");
    // Lee has had ten refusals this hour: the account is throttled.
    let throttled = try_pin(&lee, &pin, born).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.headers.contains_key("retry-after"));
    // From another account the right birth date is still refused: locked.
    let right = try_pin(&quinn, &pin, born).await;
    assert_eq!(right.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(right.body.contains(REFUSED));
    let staff_view = desk
        .get(&format!("/patients/{}/enrollment", dora.as_str()))
        .await;
    assert!(staff_view.body.contains("locked after 10 wrong attempts"));

    // An hour later the account's window has passed (everyone signs in
    // again: sessions end after 30 idle minutes).
    app.clock.advance(SignedDuration::from_mins(61));
    let desk = Browser::new(&app);
    desk.sign_in(DESK_EMAIL, PASSWORD).await;
    let quinn = Browser::new(&app);
    quinn.sign_in("quinn@example.org", PASSWORD).await;
    add_account(&app, "rosa@example.org", "Rosa Diaz", None, None).await;
    let rosa = Browser::new(&app);
    rosa.sign_in("rosa@example.org", PASSWORD).await;

    // Ten wrong PINs with the child's birth date lock it too.
    let pin = issue_pin(&desk, dora.as_str()).await;
    for _ in 0..10 {
        try_pin(&rosa, "ZZZZ-ZZZZ-ZZ", born).await;
    }
    assert_eq!(
        try_pin(&rosa, "ZZZZ-ZZZZ-ZZ", born).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert!(try_pin(&quinn, &pin, born).await.body.contains(REFUSED));
    // Reissued: works.
    let pin = issue_pin(&desk, dora.as_str()).await;
    let ok = try_pin(&quinn, &pin, born).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert!(quinn.get("/").await.body.contains("Dora Diaz"));

    let denied = audit(&app, Some("create"), Some(&dora)).await;
    let reasons: BTreeSet<_> = denied
        .iter()
        .filter(|e| e.outcome == "denied")
        .filter_map(|e| e.reason.clone())
        .collect();
    for r in ["birth-date-wrong", "pin-expired", "pin-used", "pin-locked"] {
        assert!(reasons.contains(r), "{reasons:?}");
    }
}

#[tokio::test]
async fn sign_up_answers_the_same_for_known_and_unknown_emails() {
    let app = start().await;
    let b = Browser::new(&app);
    let form = b.get("/signup").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    let post = |email: &'static str| {
        let b = &b;
        let csrf = csrf.clone();
        async move {
            b.post(
                "/signup",
                &[
                    ("csrf", &csrf),
                    ("name", "Some Parent"),
                    ("email", email),
                    ("password", NEW_PASSWORD),
                ],
            )
            .await
        }
    };
    let before = outbox(&app).await.len();
    let known = post(PARENT_EMAIL).await;
    let unknown = post("newparent@example.org").await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.status, unknown.status);
    assert_eq!(
        known.body, unknown.body,
        "the page must not tell them apart"
    );
    let mails = outbox(&app).await;
    assert_eq!(mails.len(), before + 2, "an email either way");
    let to_known = mails
        .iter()
        .rev()
        .find(|m| m.to_address == PARENT_EMAIL)
        .unwrap();
    assert!(to_known.body_text.contains("already has one"));
    // The known account is untouched: its password still works.
    Browser::new(&app).sign_in(PARENT_EMAIL, PASSWORD).await;

    // The new parent cannot sign in before confirming, then can.
    let token = link_token(&app, "newparent@example.org", "/verify").await;
    let confirm = b.get(&format!("/verify?token={token}")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let done = b
        .post("/verify", &[("csrf", &confirm.csrf()), ("token", &token)])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let again = b
        .post("/verify", &[("csrf", &confirm.csrf()), ("token", &token)])
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    let parent = Browser::new(&app);
    parent.sign_in("newparent@example.org", NEW_PASSWORD).await;
    assert_eq!(parent.get("/link").await.status, StatusCode::OK);

    // A short password is refused with the reason, the form re-shown.
    let short = b
        .post(
            "/signup",
            &[
                ("csrf", &csrf),
                ("name", "Short"),
                ("email", "short@example.org"),
                ("password", "tiny"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("value=\"short@example.org\""));
    assert!(short.body.contains("at least 15 characters"));
}

#[tokio::test]
async fn mrn_requests_wait_for_staff_and_get_an_email_either_way() {
    let app = start().await;
    let desk = desk(&app).await;
    let dora = add_patient(&app, "Dora", "Diaz", date(2020, 2, 2), vec![]).await;
    add_account(&app, "pat@example.org", "Pat Diaz", None, None).await;
    let pat = Browser::new(&app);
    pat.sign_in("pat@example.org", PASSWORD).await;
    let sent = pat
        .submit(
            "/link",
            "/link/request",
            &[
                ("child_name", "Dora Diaz"),
                ("mrn", "MRN-DORA"),
                ("visit_date", "2026-01-10"),
                ("relationship", "parent"),
            ],
        )
        .await;
    assert_eq!(sent.location(), Some("/link?done=requested"));
    let queue = desk.get("/staff/enroll").await;
    assert!(queue.body.contains("Pat Diaz") && queue.body.contains("MRN-DORA"));
    let i = queue.body.find("/staff/enroll/requests/").unwrap();
    let action = &queue.body[i..i + queue.body[i..].find('"').unwrap()];
    let before = outbox(&app).await.len();
    let approved = desk.post(action, &[("csrf", &queue.csrf())]).await;
    assert_eq!(approved.location(), Some("/staff/enroll?done=approved"));
    assert!(pat.get("/").await.body.contains("Dora Diaz"));
    let mails = outbox(&app).await;
    assert_eq!(mails.len(), before + 1);
    assert_eq!(mails.last().unwrap().to_address, "pat@example.org");
    let events = audit(&app, Some("update"), Some(&dora)).await;
    assert!(events.iter().any(|e| e.object_type == "link-request"));
}

#[tokio::test]
async fn a_teen_is_invited_with_an_email_of_her_own_and_consents() {
    let app = start().await;
    let desk = desk(&app).await;
    // Ana (fixture) is Maria's child; make a 13-year-old with Maria as parent.
    let teen = add_patient(&app, "Tess", "Lopez", date(2012, 9, 1), vec![]).await;
    app.store
        .add_relationship(&relationship(&app.parent, &teen))
        .await
        .unwrap();
    let path = format!("/patients/{}/enrollment", teen.as_str());
    let same = desk
        .submit(
            &path,
            &path,
            &[("what", "teen"), ("email", " MARIA@example.com ")],
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(same.body.contains("That is a parent"), "{}", same.body);
    let ok = desk
        .submit(
            &path,
            &path,
            &[("what", "teen"), ("email", "tess@example.org")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let token = link_token(&app, "tess@example.org", "/activate").await;
    let b = Browser::new(&app);
    let form = b.get(&format!("/activate?token={token}")).await;
    assert!(form.body.contains("name=\"consent\""));
    let no_consent = b
        .post(
            "/activate",
            &[
                ("csrf", &form.csrf()),
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("accept", "1"),
            ],
        )
        .await;
    assert_eq!(no_consent.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = b
        .post(
            "/activate",
            &[
                ("csrf", &form.csrf()),
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("accept", "1"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    b.sign_in("tess@example.org", NEW_PASSWORD).await;
    // California preset: her mother now waits for her approval.
    let sharing = b.get(&format!("/patients/{}/proxies", teen.as_str())).await;
    assert_eq!(sharing.status, StatusCode::OK);
    assert!(sharing.body.contains("Maria Lopez"));
    assert!(
        sharing.body.contains("Approve Maria Lopez"),
        "{}",
        sharing.body
    );
    let ev = audit(&app, Some("update"), Some(&teen)).await;
    assert!(ev.iter().any(|e| e.reason.as_deref() == Some("activated")
        && e.detail
            .as_deref()
            .is_some_and(|d| d.contains("\"own_login_consent\":true"))));
}

/// Found with curl: without a public URL, sign-up put the request's `Host`
/// into the emailed link, so a forged `Host` sent a genuine email with an
/// attacker's link (and the token of an invited person's activation).
#[tokio::test]
async fn a_forged_host_never_reaches_an_email() {
    let app = start().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("host", "evil.example".parse().unwrap());
    let b = Browser::with_headers(&app, headers);
    let form = b.get("/signup").await;
    assert_eq!(form.status, StatusCode::OK);
    let page = b
        .post(
            "/signup",
            &[
                ("csrf", &form.csrf()),
                ("name", "Mallory"),
                ("email", PARENT_EMAIL),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mail = outbox(&app).await.pop().unwrap();
    assert_eq!(mail.to_address, PARENT_EMAIL);
    assert!(
        !mail.body_text.contains("evil.example"),
        "{}",
        mail.body_text
    );
    assert!(
        mail.body_text.contains("http://localhost/login"),
        "{}",
        mail.body_text
    );
}
