//! Who may act for a patient (proxy management, ACCESS-POLICY.md rules 4 and
//! 5), at `/patients/{id}/proxies`.
//!
//! - The patient, adolescent or adult with an own login, sees their proxies
//!   and the requests waiting for their approval, approves or rejects each,
//!   hides or shows each section per proxy, and revokes a proxy.
//! - Staff see the same list: front desk adds proxies (an existing account by
//!   email, and a kind), revokes them and records evidence (guardianship
//!   papers with an optional end date, a designee's written consent); nurses
//!   and clinicians look. Every staff member who may see the patient can open
//!   the "explain" view: for one proxy today, the decision for each section
//!   and why, in plain words.
//!
//! Granting (a staff addition, a patient's approval) asks the policy's
//! `grant-proxy` decision (rule 5: proxy limit, distinct email, kind fitting
//! the band) and shows its reason when it refuses. Every change is a POST with
//! the session's CSRF token and is audited as a privilege change (`create` or
//! `update` of a `proxy-relationship`). Nothing here is cached: the next
//! request of any session reads the changed relationship.

use crate::audit::{self, Entry, Outcome};
use crate::auth;
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::{Arg, Tr};
use crate::pages::{self, Current};
use crate::read::{self, Opened, Sharing, Want};
use crate::views::{
    self, AddProxyForm, Chrome, EvidenceForm, ExplainPage, ExplainRow, KindChoice, PastProxy,
    ProxiesPage, ProxyCard, SectionChoice,
};
use crate::AppState;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;
use sprout_domain::access;
use sprout_domain::people::{Account, ProxyRelationship, RelationshipKind};
use sprout_domain::policy::{
    self, Action, AdolescentProxy, AgeBand, Decision, Item, PatientFacts, Policy, Reason, Request,
};
use sprout_domain::record::{Confidentiality, Labels, Section, Sensitivity};
use sprout_domain::AccountId;
use sprout_store::normalize_email;

/// Longest email accepted in the add form.
const MAX_EMAIL: usize = 254;

/// A stored relationship with its proxy's account.
struct Proxy {
    rel: ProxyRelationship,
    account: Account,
}

/// The policy actor of a proxy through one relationship, on `today`.
fn proxy_actor(p: &Proxy, today: Date) -> policy::Actor {
    access::proxy_actor(
        p.account.status,
        Some(access::relationship_facts(&p.rel, today)),
        0,
        None,
    )
}

/// What the policy says of a proxy today: the sections it may view and the
/// decision that best says why (a relationship-wide reason, not one about a
/// single hidden or unlisted section, when it sees nothing).
struct Standing {
    sections: Vec<Section>,
    decision: Decision,
}

fn standing(policy: &Policy, facts: &PatientFacts, p: &Proxy, today: Date) -> Standing {
    let actor = proxy_actor(p, today);
    let sections = policy::visible_sections(policy, &actor, facts, today);
    let decide = |s: Section| {
        policy::decide(
            policy,
            &Request {
                actor: actor.clone(),
                patient: facts.clone(),
                action: Action::View,
                section: Some(s),
                item: None,
            },
            today,
        )
    };
    let decision = match sections.first() {
        Some(s) => decide(*s),
        None => Section::ALL
            .iter()
            .map(|s| decide(*s))
            .find(|d| {
                !matches!(
                    d.reason,
                    Reason::SectionHiddenByPatient | Reason::AdolescentLimitedSection
                )
            })
            .unwrap_or_else(|| decide(Section::Demographics)),
    };
    Standing { sections, decision }
}

/// Whether the relationship has ended (revoked on or before today, or past its
/// end date).
fn ended(rel: &ProxyRelationship, today: Date) -> bool {
    rel.revoked_on.is_some_and(|d| d <= today) || rel.expires_on.is_some_and(|d| today > d)
}

/// A request waiting for the patient: in force, and denied only for want of
/// the (adolescent) patient's approval.
fn pending(s: &Standing) -> bool {
    matches!(
        s.decision.reason,
        Reason::AdolescentNotApproved | Reason::ApprovalBeforeAdolescence
    )
}

/// The sections a proxy could ever be shown (the patient's choices are about
/// these): `limited_sections` for an adolescent's proxy under `limited`, else
/// every section.
fn choosable(policy: &Policy, band: AgeBand) -> Vec<Section> {
    if band == AgeBand::Adolescent && policy.adolescent_proxy == AdolescentProxy::Limited {
        policy.limited_sections.clone()
    } else {
        Section::ALL.to_vec()
    }
}

/// Every relationship to the patient with its proxy's account (relationships
/// whose account is gone are skipped).
async fn proxies_of(state: &AppState, o: &Opened<'_>) -> WebResult<Vec<Proxy>> {
    let store = state.store();
    let mut out = Vec::new();
    for rel in store.relationships_of_patient(&o.patient.id).await? {
        if let Some(account) = store.account(&rel.account_id).await? {
            out.push(Proxy { rel, account });
        }
    }
    Ok(out)
}

/// How many proxies other than `except` have access to the patient today
/// (rule 5 counts them).
fn others_with_access(
    policy: &Policy,
    facts: &PatientFacts,
    proxies: &[Proxy],
    except: &AccountId,
    today: Date,
) -> u32 {
    let mut seen: Vec<&AccountId> = Vec::new();
    for p in proxies {
        if &p.account.id == except || seen.contains(&&p.account.id) {
            continue;
        }
        if !standing(policy, facts, p, today).sections.is_empty() {
            seen.push(&p.account.id);
        }
    }
    u32::try_from(seen.len()).unwrap_or(u32::MAX)
}

/// Rule 5 for making `account` a proxy of kind `kind`: the policy's
/// `grant-proxy` decision. Both the patient's own login's email and the email
/// on the chart are compared with the proxy's.
fn grant_decision(
    policy: &Policy,
    o: &Opened<'_>,
    proxies: &[Proxy],
    account: &Account,
    kind: RelationshipKind,
) -> Decision {
    let today = o.today();
    let facts = o.scope.facts();
    let others = others_with_access(policy, facts, proxies, &account.id, today);
    let ask = |patient_email: Option<String>| {
        let relationship = policy::Relationship {
            kind,
            granted_on: today,
            verified: true,
            patient_approved_on: None,
            sections_hidden: Vec::new(),
            evidence_on_file: false,
            expires_on: None,
            revoked_on: None,
        };
        policy::decide(
            policy,
            &Request {
                actor: access::proxy_actor(
                    account.status,
                    Some(relationship),
                    others,
                    Some(account.email.clone()),
                ),
                patient: PatientFacts {
                    email: patient_email,
                    ..facts.clone()
                },
                action: Action::GrantProxy,
                section: None,
                item: None,
            },
            today,
        )
    };
    let first = ask(facts.email.clone());
    match &o.patient.email {
        Some(chart) if first.allow && facts.email.as_deref() != Some(chart.as_str()) => {
            ask(Some(chart.clone()))
        }
        _ => first,
    }
}

/// A reason in plain words.
fn reason_text(t: &Tr<'_>, r: Reason) -> String {
    t.get(&format!("reason-{}", r.code()))
}

fn kind_text(t: &Tr<'_>, k: RelationshipKind) -> String {
    t.get(&format!("kind-{}", k.code()))
}

fn section_text(t: &Tr<'_>, s: Section) -> String {
    t.get(&format!("section-{}", s.code()))
}

/// `?done=` after a change: which notice to show.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DoneQuery {
    done: String,
}

/// Notices shown after a change (keys of the catalogs).
const DONE: &[(&str, &str)] = &[
    ("approve", "proxies-done-approve"),
    ("reject", "proxies-done-reject"),
    ("revoke", "proxies-done-revoke"),
    ("sections", "proxies-done-sections"),
    ("evidence", "proxies-done-evidence"),
    ("add", "proxies-done-add"),
];

/// What a refused form re-shows.
#[derive(Debug, Default)]
struct Redo {
    /// The error, in words.
    error: Option<String>,
    /// The add form as typed.
    add_email: String,
    add_kind: String,
    /// The evidence form as typed, for one relationship.
    evidence: Option<(String, bool, String)>,
}

/// `GET /patients/{id}/proxies`.
pub(crate) async fn page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<DoneQuery>, QueryRejection>,
) -> WebResult<Response> {
    let raw = path.ok().map(|Path(id)| id);
    let o = read::open(&state, &ctx, &user, raw.as_deref(), Want::Proxies).await?;
    o.audit_success(&state, &ctx, &user, "proxies", None, None)
        .await?;
    let t = state.i18n().tr(ctx.locale);
    let notice = query
        .ok()
        .and_then(|Query(q)| DONE.iter().find(|(k, _)| *k == q.done))
        .map(|(_, key)| t.get(key));
    render(
        &state,
        &ctx,
        &user,
        &o,
        notice,
        Redo::default(),
        StatusCode::OK,
    )
    .await
}

/// Draws the proxies page.
/// [`render`] again with what was typed and why it was refused (422).
async fn refuse(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    o: &Opened<'_>,
    redo: Redo,
) -> WebResult<Response> {
    render(
        state,
        ctx,
        user,
        o,
        None,
        redo,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    o: &Opened<'_>,
    notice: Option<String>,
    redo: Redo,
    status: StatusCode,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let policy = state.policy();
    let today = o.today();
    let sharing = o.sharing.ok_or(WebError::NotFound)?;
    let (patient_view, manage) = match sharing {
        Sharing::Patient => (true, true),
        Sharing::Staff { manage } => (false, manage),
    };
    let id = o.patient.id.as_str();
    let base = pages::proxies_href(id);
    let proxies = proxies_of(state, o).await?;
    let facts = o.scope.facts();
    let band = o.scope.band();
    let choices = choosable(policy, band);

    let mut waiting = Vec::new();
    let mut current = Vec::new();
    let mut past = Vec::new();
    for p in &proxies {
        let name = p.account.display_name.clone();
        let kind = kind_text(&t, p.rel.kind);
        if ended(&p.rel, today) {
            let ended_on = match (p.rel.revoked_on, p.rel.expires_on) {
                (Some(r), _) if r <= today => {
                    t.with("proxy-revoked-on", &[("date", Arg::Text(&t.date(r)))])
                }
                (_, Some(e)) => t.with("proxy-expired-on", &[("date", Arg::Text(&t.date(e)))]),
                _ => String::new(),
            };
            past.push(PastProxy {
                name,
                kind,
                ended: ended_on,
            });
            continue;
        }
        let s = standing(policy, facts, p, today);
        let is_pending = pending(&s);
        let rel_base = format!("{base}/{}", p.rel.id);
        let section_choices = if patient_view {
            choices
                .iter()
                .map(|sec| SectionChoice {
                    code: sec.code(),
                    label: section_text(&t, *sec),
                    shown: !p.rel.sections_hidden.contains(sec),
                    id: format!("show-{}-{}", p.rel.id, sec.code()),
                })
                .collect()
        } else {
            Vec::new()
        };
        let evidence = (!patient_view
            && manage
            && matches!(
                p.rel.kind,
                RelationshipKind::CourtAppointedGuardian | RelationshipKind::Designee
            ))
        .then(|| {
            let (on_file, expires, error) = match &redo.evidence {
                Some((rid, on, exp)) if rid == &p.rel.id => {
                    (*on, exp.clone(), redo.error.is_some())
                }
                _ => (
                    p.rel.evidence_on_file,
                    p.rel
                        .evidence_expires_on
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    false,
                ),
            };
            EvidenceForm {
                label: t.get(if p.rel.kind == RelationshipKind::Designee {
                    "evidence-consent"
                } else {
                    "evidence-papers"
                }),
                on_file,
                expires_on: expires,
                error,
                id: p.rel.id.clone(),
            }
        });
        let who = [("name", Arg::Text(&p.account.display_name))];
        let card = ProxyCard {
            approve_label: t.with("sharing-approve", &who),
            reject_label: t.with("sharing-reject", &who),
            sections_legend: t.with("sharing-sections-legend", &who),
            sections_save: t.with("sharing-sections-save", &who),
            revoke_label: t.with("proxy-revoke", &who),
            action_base: rel_base.clone(),
            rel_id: p.rel.id.clone(),
            name,
            email: p.account.email.clone(),
            kind,
            since: t.with(
                "proxy-since",
                &[("date", Arg::Text(&t.date(p.rel.granted_on)))],
            ),
            has_access: !s.sections.is_empty(),
            status: reason_text(&t, s.decision.reason),
            hidden: p
                .rel
                .sections_hidden
                .iter()
                .map(|sec| section_text(&t, *sec))
                .collect::<Vec<_>>()
                .join(", "),
            pending: is_pending,
            section_choices,
            evidence,
            explain_href: (!patient_view).then(|| format!("{rel_base}/explain")),
            may_revoke: manage,
        };
        if is_pending && patient_view {
            waiting.push(card);
        } else {
            current.push(card);
        }
    }

    let add = (!patient_view && manage).then(|| AddProxyForm {
        email: redo.add_email.clone(),
        kinds: RelationshipKind::ALL
            .iter()
            .map(|k| KindChoice {
                code: k.code(),
                label: kind_text(&t, *k),
                selected: redo.add_kind == k.code(),
            })
            .collect(),
        action: base.clone(),
    });
    let intro = if patient_view {
        t.get(match band {
            AgeBand::Adult => "sharing-intro-adult",
            _ if policy.adolescent_proxy == AdolescentProxy::Limited => "sharing-intro-limited",
            _ => "sharing-intro-teen",
        })
    } else {
        t.with(
            "proxies-intro-staff",
            &[("band", Arg::Text(&t.get(&format!("band-{}", band.code()))))],
        )
    };
    let heading = t.get(if patient_view {
        "sharing-heading"
    } else {
        "proxies-heading"
    });
    let mut others = read::visible_patients(state, user).await?;
    others.retain(|p| p.id != o.patient.id);
    let f = pages::frame_parts(
        &t,
        &o.patient,
        &o.sections,
        &others,
        o.sharing,
        today,
        Current::Proxies,
    );
    let title = format!("{heading} · {}", f.patient.name);
    let page = ProxiesPage {
        c: Chrome::new(state, t, title, Some(ctx), None),
        f,
        heading,
        intro,
        patient_view,
        notice,
        error: redo.error,
        waiting,
        current,
        past,
        add,
    };
    Ok((status, Html(views::render(&page)?)).into_response())
}

/// The add form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AddForm {
    csrf: String,
    email: String,
    kind: String,
}

/// Writes the audit event of a change.
#[allow(clippy::too_many_arguments)]
async fn audit_change(
    state: &AppState,
    ctx: &Ctx,
    user: &SignedIn,
    o: &Opened<'_>,
    action: &str,
    rel_id: Option<&str>,
    outcome: Outcome,
    reason: Option<&str>,
    detail: serde_json::Value,
) -> WebResult<()> {
    audit::record(
        state,
        ctx,
        Entry {
            account_id: Some(&user.actor.account_id),
            actor_role: &o.role,
            patient_id: Some(&o.patient.id),
            action,
            object_type: "proxy-relationship",
            object_id: rel_id,
            outcome,
            reason,
            detail: Some(detail.to_string()),
        },
    )
    .await
}

/// `POST /patients/{id}/proxies`: front desk adds a proxy, an existing
/// account named by its email, of a kind. Refused (the reason shown, the form
/// re-shown as typed) for an unknown or staff email, a proxy already in
/// force, and whatever rule 5 refuses.
/// Changing who may act for a patient asks for the password again when it
/// was last entered more than a few minutes ago (issue 4, item 8); the user
/// comes back to the patient's proxies page.
fn reauth(state: &AppState, ctx: &Ctx, user: &SignedIn, o: &read::Opened<'_>) -> Option<Response> {
    let back = format!("/patients/{}/proxies", o.patient.id);
    crate::security::require_recent_auth(state, ctx, user, &axum::http::Method::POST, &back)
}

pub(crate) async fn add(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<AddForm>, FormRejection>,
) -> WebResult<Response> {
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let raw = path.ok().map(|Path(id)| id);
    let o = read::open(&state, &ctx, &user, raw.as_deref(), Want::Proxies).await?;
    if o.sharing != Some(Sharing::Staff { manage: true }) {
        return Err(WebError::NotFound);
    }
    if let Some(r) = reauth(&state, &ctx, &user, &o) {
        return Ok(r);
    }
    let t = state.i18n().tr(ctx.locale);
    let email = normalize_email(&form.email);
    let redo = |error: String| Redo {
        error: Some(error),
        add_email: form.email.chars().take(MAX_EMAIL).collect(),
        add_kind: form.kind.clone(),
        evidence: None,
    };
    let Ok(kind) = form.kind.parse::<RelationshipKind>() else {
        let r = redo(t.get("proxy-add-kind-missing"));
        return refuse(&state, &ctx, &user, &o, r).await;
    };
    let account = if email.is_empty() || email.len() > MAX_EMAIL {
        None
    } else {
        state
            .store()
            .account_by_email(&email)
            .await?
            .map(|(a, _)| a)
            .filter(|a| a.staff_role.is_none())
    };
    let Some(account) = account else {
        let r = redo(t.get("proxy-add-no-account"));
        return refuse(&state, &ctx, &user, &o, r).await;
    };
    let today = o.today();
    let proxies = proxies_of(&state, &o).await?;
    if proxies
        .iter()
        .any(|p| p.account.id == account.id && !ended(&p.rel, today))
    {
        let r = redo(t.get("proxy-add-already"));
        return refuse(&state, &ctx, &user, &o, r).await;
    }
    let decision = grant_decision(state.policy(), &o, &proxies, &account, kind);
    let detail = serde_json::json!({ "change": "add", "kind": kind.code() });
    if !decision.allow {
        audit_change(
            &state,
            &ctx,
            &user,
            &o,
            "create",
            None,
            Outcome::Denied,
            Some(decision.reason.code()),
            detail,
        )
        .await?;
        let r = redo(reason_text(&t, decision.reason));
        return refuse(&state, &ctx, &user, &o, r).await;
    }
    let rel = ProxyRelationship {
        id: AccountId::from_random(auth::random_id_bytes()).to_string(),
        account_id: account.id.clone(),
        patient_id: o.patient.id.clone(),
        kind,
        granted_on: today,
        verified_on: Some(today),
        patient_approved_on: None,
        sections_hidden: Vec::new(),
        evidence_on_file: false,
        evidence_expires_on: None,
        expires_on: None,
        revoked_on: None,
    };
    state.store().add_relationship(&rel).await?;
    audit_change(
        &state,
        &ctx,
        &user,
        &o,
        "create",
        Some(&rel.id),
        Outcome::Success,
        Some(decision.reason.code()),
        detail,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}?done=add",
        pages::proxies_href(o.patient.id.as_str())
    ))
    .into_response())
}

/// `GET /patients/{id}/proxies/{rel}/explain`: for one proxy, today, the
/// decision for every section and for labelled items, and why.
pub(crate) async fn explain(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> WebResult<Response> {
    let Ok(Path((raw, rel_id, action))) = path else {
        return Err(WebError::NotFound);
    };
    if action != "explain" {
        return Err(WebError::NotFound);
    }
    let o = read::open(&state, &ctx, &user, Some(&raw), Want::Proxies).await?;
    if !matches!(o.sharing, Some(Sharing::Staff { .. })) {
        return Err(WebError::NotFound);
    }
    let proxies = proxies_of(&state, &o).await?;
    let Some(p) = proxies.iter().find(|p| p.rel.id == rel_id) else {
        return Err(WebError::NotFound);
    };
    o.audit_success(&state, &ctx, &user, "proxy-explain", Some(&p.rel.id), None)
        .await?;

    let t = state.i18n().tr(ctx.locale);
    let policy = state.policy();
    let today = o.today();
    let facts = o.scope.facts();
    let actor = proxy_actor(p, today);
    let decide = |section: Section, item: Option<Item>| {
        policy::decide(
            policy,
            &Request {
                actor: actor.clone(),
                patient: facts.clone(),
                action: Action::View,
                section: Some(section),
                item,
            },
            today,
        )
    };
    let row = |label: String, d: Decision| ExplainRow {
        label,
        allowed: d.allow,
        verdict: t.get(if d.allow {
            "explain-allowed"
        } else {
            "explain-withheld"
        }),
        why: reason_text(&t, d.reason),
        exception: d
            .exception
            .map(|e| t.get(&format!("exception-{}", e.code())))
            .unwrap_or_default(),
    };
    let rows = Section::ALL
        .iter()
        .map(|s| row(section_text(&t, *s), decide(*s, None)))
        .collect();
    // Labelled items, asked in the first section the proxy may view.
    let visible = policy::visible_sections(policy, &actor, facts, today);
    let item_rows = match visible.first() {
        None => Vec::new(),
        Some(s) => vec![
            row(
                t.get("explain-item-restricted"),
                decide(*s, Some(Item::new(Confidentiality::Restricted, Vec::new()))),
            ),
            row(
                t.get("explain-item-sensitive"),
                decide(
                    *s,
                    Some(Item {
                        labels: Labels {
                            confidentiality: Confidentiality::Normal,
                            sensitivity: vec![Sensitivity::MentalHealth],
                        },
                        patient_only_thread: false,
                    }),
                ),
            ),
        ],
    };
    let opt_date = |d: Option<Date>| {
        d.map(|d| t.date(d))
            .unwrap_or_else(|| t.get("explain-none"))
    };
    let facts_lines = vec![
        (
            t.get("explain-band"),
            t.get(&format!("band-{}", o.scope.band().code())),
        ),
        (t.get("explain-kind"), kind_text(&t, p.rel.kind)),
        (t.get("explain-granted"), t.date(p.rel.granted_on)),
        (
            t.get("explain-approved"),
            opt_date(p.rel.patient_approved_on),
        ),
        (
            t.get("explain-hidden"),
            if p.rel.sections_hidden.is_empty() {
                t.get("explain-none")
            } else {
                p.rel
                    .sections_hidden
                    .iter()
                    .map(|s| section_text(&t, *s))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        (
            t.get("explain-evidence"),
            match (p.rel.evidence_on_file, p.rel.evidence_expires_on) {
                (false, _) => t.get("explain-none"),
                (true, None) => t.get("explain-evidence-on-file"),
                (true, Some(d)) => {
                    t.with("explain-evidence-until", &[("date", Arg::Text(&t.date(d)))])
                }
            },
        ),
        (t.get("explain-expires"), opt_date(p.rel.expires_on)),
        (t.get("explain-revoked"), opt_date(p.rel.revoked_on)),
    ];
    let mut others = read::visible_patients(&state, &user).await?;
    others.retain(|x| x.id != o.patient.id);
    let f = pages::frame_parts(
        &t,
        &o.patient,
        &o.sections,
        &others,
        o.sharing,
        today,
        Current::Proxies,
    );
    let heading = t.with(
        "explain-heading",
        &[("name", Arg::Text(&p.account.display_name))],
    );
    let title = format!("{heading} · {}", f.patient.name);
    let page = ExplainPage {
        c: Chrome::new(&state, t, title, Some(&ctx), None),
        f,
        heading,
        intro: t.with("explain-intro", &[("date", Arg::Text(&t.date(today)))]),
        facts: facts_lines,
        rows,
        item_rows,
        back: pages::proxies_href(o.patient.id.as_str()),
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `POST /patients/{id}/proxies/{rel}/{action}`: `approve`, `reject`,
/// `sections` (the patient), `revoke` (the patient or front desk), `evidence`
/// (front desk). The form's pairs are read as a list, so the section
/// checkboxes (`show` = a section code, one per shown section) may repeat.
pub(crate) async fn change(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String, String)>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> WebResult<Response> {
    let Form(pairs) = form?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    ctx.check_csrf(field("csrf").unwrap_or(""))?;
    let Ok(Path((raw, rel_id, action))) = path else {
        return Err(WebError::NotFound);
    };
    let o = read::open(&state, &ctx, &user, Some(&raw), Want::Proxies).await?;
    let who = o.sharing.ok_or(WebError::NotFound)?;
    let allowed = matches!(
        (action.as_str(), who),
        ("approve" | "reject" | "sections", Sharing::Patient)
            | ("revoke", Sharing::Patient | Sharing::Staff { manage: true })
            | ("evidence", Sharing::Staff { manage: true })
    );
    if !allowed {
        return Err(WebError::NotFound);
    }
    if let Some(r) = reauth(&state, &ctx, &user, &o) {
        return Ok(r);
    }
    let today = o.today();
    let proxies = proxies_of(&state, &o).await?;
    let Some(p) = proxies.iter().find(|p| p.rel.id == rel_id) else {
        return Err(WebError::NotFound);
    };
    if ended(&p.rel, today) {
        return Err(WebError::NotFound);
    }
    let t = state.i18n().tr(ctx.locale);
    let policy = state.policy();
    let mut rel = p.rel.clone();
    let mut detail = serde_json::json!({ "change": action });
    let mut reason: Option<&'static str> = None;
    match action.as_str() {
        "approve" => {
            if !pending(&standing(policy, o.scope.facts(), p, today)) {
                return Err(WebError::BadRequest("nothing to approve"));
            }
            let d = grant_decision(policy, &o, &proxies, &p.account, p.rel.kind);
            if !d.allow {
                audit_change(
                    &state,
                    &ctx,
                    &user,
                    &o,
                    "update",
                    Some(&rel.id),
                    Outcome::Denied,
                    Some(d.reason.code()),
                    detail,
                )
                .await?;
                let redo = Redo {
                    error: Some(reason_text(&t, d.reason)),
                    ..Redo::default()
                };
                return refuse(&state, &ctx, &user, &o, redo).await;
            }
            reason = Some(d.reason.code());
            rel.patient_approved_on = Some(today);
        }
        "reject" | "revoke" => {
            rel.revoked_on = Some(today);
        }
        "sections" => {
            let choices = choosable(policy, o.scope.band());
            let shown: Vec<Section> = pairs
                .iter()
                .filter(|(k, _)| k == "show")
                .filter_map(|(_, v)| v.parse::<Section>().ok())
                .collect();
            // Sections outside the choices keep their setting.
            let mut hidden: Vec<Section> = rel
                .sections_hidden
                .iter()
                .copied()
                .filter(|s| !choices.contains(s))
                .collect();
            hidden.extend(choices.iter().copied().filter(|s| !shown.contains(s)));
            hidden.sort();
            hidden.dedup();
            // What was hidden before and after: which sections were hidden or
            // shown is a privilege change the audit trail must tell.
            detail["was_hidden"] = serde_json::json!(rel
                .sections_hidden
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>());
            detail["hidden"] =
                serde_json::json!(hidden.iter().map(|s| s.code()).collect::<Vec<_>>());
            rel.sections_hidden = hidden;
        }
        "evidence" => {
            if !matches!(
                rel.kind,
                RelationshipKind::CourtAppointedGuardian | RelationshipKind::Designee
            ) {
                return Err(WebError::BadRequest("no evidence for this kind"));
            }
            let on_file = field("on_file").is_some_and(|v| v == "1");
            let raw_date = field("expires_on").unwrap_or("").trim();
            let parsed = if raw_date.is_empty() {
                Ok(None)
            } else {
                match raw_date.parse::<Date>() {
                    Ok(d)
                        if on_file
                            && !ProxyRelationship::evidence_expiry_acceptable(
                                d,
                                state.clock().today(),
                            ) =>
                    {
                        Err("evidence-past-date")
                    }
                    Ok(d) => Ok(Some(d)),
                    Err(_) => Err("evidence-bad-date"),
                }
            };
            let expires = match parsed {
                Ok(d) => d,
                Err(key) => {
                    let redo = Redo {
                        error: Some(t.get(key)),
                        evidence: Some((
                            rel.id.clone(),
                            on_file,
                            raw_date.chars().take(32).collect(),
                        )),
                        ..Redo::default()
                    };
                    return refuse(&state, &ctx, &user, &o, redo).await;
                }
            };
            rel.evidence_on_file = on_file;
            rel.evidence_expires_on = expires.filter(|_| on_file);
            detail["on_file"] = serde_json::json!(on_file);
            detail["expires_on"] =
                serde_json::json!(rel.evidence_expires_on.map(|d| d.to_string()));
        }
        _ => return Err(WebError::NotFound),
    }
    state.store().update_relationship(&rel).await?;
    audit_change(
        &state,
        &ctx,
        &user,
        &o,
        "update",
        Some(&rel.id),
        Outcome::Success,
        reason,
        detail,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}?done={action}",
        pages::proxies_href(o.patient.id.as_str())
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Locale};
    use sprout_domain::policy::InfoBlockingException;

    /// Every reason, kind, section, band and exception has words in both
    /// languages (the keys are built at run time, so the template scan cannot
    /// see them).
    #[test]
    fn policy_words_exist_in_both_languages() {
        let i18n = I18n::new();
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Reason::ALL.iter().map(|r| format!("reason-{}", r.code())));
        keys.extend(
            RelationshipKind::ALL
                .iter()
                .map(|k| format!("kind-{}", k.code())),
        );
        keys.extend(Section::ALL.iter().map(|s| format!("section-{}", s.code())));
        keys.extend(AgeBand::ALL.iter().map(|b| format!("band-{}", b.code())));
        keys.extend(
            InfoBlockingException::ALL
                .iter()
                .map(|e| format!("exception-{}", e.code())),
        );
        keys.extend(DONE.iter().map(|(_, k)| (*k).to_owned()));
        for l in Locale::ALL {
            let t = i18n.tr(l);
            for key in &keys {
                assert_ne!(t.get(key), *key, "{} lacks {key}", l.code());
            }
        }
    }

    #[test]
    fn limited_mode_offers_only_the_limited_sections() {
        let ma = Policy::preset(policy::Preset::Massachusetts);
        assert_eq!(choosable(&ma, AgeBand::Adolescent), ma.limited_sections);
        assert_eq!(choosable(&ma, AgeBand::Adult).len(), Section::ALL.len());
        let ca = Policy::default();
        assert_eq!(
            choosable(&ca, AgeBand::Adolescent).len(),
            Section::ALL.len()
        );
    }
}
