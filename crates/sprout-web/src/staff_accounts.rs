//! Staff pages for accounts (`/staff/accounts`): find an account by email,
//! issue a temporary password for a printed letter (valid 7 days, to be
//! changed at the first sign-in), deactivate or reactivate an account, and
//! remove a lost second factor.
//!
//! Who may do what is `sprout_domain::security::may_manage_account`: front
//! desk and admins manage family accounts, only admins staff accounts; the
//! pages are a 404 for everyone else. Every change needs the staff member's
//! password entered in the last few minutes, ends the target's sessions where
//! it touches credentials or status, and is audited (action `update`, object
//! `account`, `password` or `second-factor`, the target's id).

use crate::account::{actor_role, audit_change, deactivate_account, hash_off_runtime};
use crate::context::{Authed, Ctx, SignedIn};
use crate::error::{WebError, WebResult};
use crate::i18n::Arg;
use crate::security;
use crate::views::{self, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::Method;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use sprout_domain::people::{Account, AccountStatus, StaffRole};
use sprout_domain::security::{may_manage_account, TEMPORARY_PASSWORD_LIFETIME};
use sprout_domain::AccountId;
use sprout_store::normalize_email;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/accounts/{id}/{action}", post(act))
        .route("/staff/accounts", get(page))
}

#[derive(Template)]
#[template(path = "security_staff_accounts.html")]
struct StaffAccountsPage<'a> {
    c: Chrome<'a>,
    email: String,
    searched: bool,
    notice: Option<String>,
    found: Option<Found>,
}

/// The account found, as shown.
struct Found {
    id: String,
    name: String,
    email: String,
    kind: String,
    status: String,
    active: bool,
    deactivated: bool,
    has_totp: bool,
    temporary_until: Option<String>,
}

#[derive(Template)]
#[template(path = "security_letter.html")]
struct LetterPage<'a> {
    c: Chrome<'a>,
    practice: String,
    address: Option<String>,
    name: String,
    email: String,
    password: String,
    until: String,
    url: String,
    back: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchQuery {
    email: String,
    notice: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ActionForm {
    csrf: String,
}

/// The staff role of a user who may manage some accounts; `None` otherwise.
fn manager(user: &SignedIn) -> Option<StaffRole> {
    user.actor
        .staff_role
        .filter(|r| may_manage_account(*r, None) || may_manage_account(*r, Some(*r)))
}

fn back_to(email: &str) -> String {
    format!("/staff/accounts?email={}", views::url_encode(email))
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    role: StaffRole,
    email: &str,
    notice: Option<String>,
) -> WebResult<Response> {
    let t = state.i18n().tr(ctx.locale);
    let store = state.store();
    let normalized = normalize_email(email);
    let account = if normalized.is_empty() {
        None
    } else {
        store
            .account_by_email(&normalized)
            .await?
            .map(|(a, _)| a)
            .filter(|a| may_manage_account(role, a.staff_role))
    };
    let tz = state.config().time_zone.clone();
    let found = match account {
        Some(a) => {
            let sec = store.account_security(&a.id).await?;
            Some(Found {
                id: a.id.to_string(),
                name: a.display_name.clone(),
                email: a.email.clone(),
                kind: match a.staff_role {
                    Some(r) => t.get(&format!("staff-role-{}", r.code())),
                    None => t.get("security-staff-family-account"),
                },
                status: t.get(&format!("security-status-{}", a.status.code())),
                active: a.status == AccountStatus::Active,
                deactivated: a.status == AccountStatus::Deactivated,
                has_totp: sec.has_second_factor(),
                temporary_until: sec
                    .temporary_password_until
                    .map(|ts| t.date(ts.to_zoned(tz.clone()).date())),
            })
        }
        None => None,
    };
    let page = StaffAccountsPage {
        c: Chrome::new(state, t, t.get("security-staff-title"), Some(ctx), None),
        email: email.chars().take(254).collect(),
        searched: !normalized.is_empty(),
        notice,
        found,
    };
    Ok(Html(views::render(&page)?).into_response())
}

/// `GET /staff/accounts?email=`.
async fn page(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> WebResult<Response> {
    let Some(role) = manager(&user) else {
        return Err(WebError::NotFound);
    };
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let key = match q.notice.as_str() {
        "deactivated" => Some("security-staff-done-deactivated"),
        "reactivated" => Some("security-staff-done-reactivated"),
        "two-factor-removed" => Some("security-staff-done-two-factor"),
        _ => None,
    };
    let notice = key.map(|k| state.i18n().tr(ctx.locale).get(k));
    render(&state, &ctx, role, &q.email, notice).await
}

/// A temporary password: 16 letters and digits (no look-alikes such as 0/O,
/// 1/l) in four groups, about 79 random bits, easy to copy from a letter.
fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes[..]);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// `POST /staff/accounts/{id}/{action}`: `temporary-password`, `deactivate`,
/// `reactivate` or `remove-two-factor`.
async fn act(
    State(state): State<AppState>,
    Authed { ctx, user }: Authed,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> WebResult<Response> {
    let Some(role) = manager(&user) else {
        return Err(WebError::NotFound);
    };
    let Form(form) = form?;
    ctx.check_csrf(&form.csrf)?;
    let Ok(Path((id, action))) = path else {
        return Err(WebError::NotFound);
    };
    let id = AccountId::parse(&id).ok_or(WebError::NotFound)?;
    let store = state.store();
    let target: Account = store
        .account(&id)
        .await?
        .filter(|a| may_manage_account(role, a.staff_role))
        .ok_or(WebError::NotFound)?;
    if target.id == user.account.id {
        // One's own account is managed from /account.
        return Err(WebError::NotFound);
    }
    let back = back_to(&target.email);
    if let Some(r) = security::require_recent_auth(&state, &ctx, &user, &Method::POST, &back) {
        return Ok(r);
    }
    let actor_role = actor_role(&state, &user).await?;
    let actor = Some((&user.account.id, actor_role.as_str()));
    let now = state.clock().now();
    match action.as_str() {
        "deactivate" => {
            deactivate_account(&state, &ctx, actor, &target.id, "deactivated-by-staff").await?;
            Ok(Redirect::to(&format!("{back}&notice=deactivated")).into_response())
        }
        "reactivate" => {
            if target.status != AccountStatus::Deactivated {
                return Ok(Redirect::to(&back).into_response());
            }
            store
                .set_account_status(&target.id, AccountStatus::Active)
                .await?;
            audit_change(&state, &ctx, actor, "account", &target.id, "reactivated").await?;
            Ok(Redirect::to(&format!("{back}&notice=reactivated")).into_response())
        }
        "remove-two-factor" => {
            store.remove_totp(&target.id).await?;
            store.delete_sessions_of_account(&target.id, None).await?;
            audit_change(
                &state,
                &ctx,
                actor,
                "second-factor",
                &target.id,
                "second-factor-removed-by-staff",
            )
            .await?;
            Ok(Redirect::to(&format!("{back}&notice=two-factor-removed")).into_response())
        }
        "temporary-password" => {
            let password = temporary_password();
            let hash = hash_off_runtime(password.clone()).await?;
            let until = now
                .saturating_add(TEMPORARY_PASSWORD_LIFETIME)
                .unwrap_or(now);
            store
                .set_password(&target.id, &hash, now, Some(until))
                .await?;
            store.delete_sessions_of_account(&target.id, None).await?;
            audit_change(
                &state,
                &ctx,
                actor,
                "password",
                &target.id,
                "temporary-password-issued",
            )
            .await?;
            let t = state.i18n().tr(ctx.locale);
            let tz = state.config().time_zone.clone();
            let until_text = t.date(until.to_zoned(tz).date());
            let url = state
                .config()
                .public_origin
                .clone()
                .unwrap_or_else(|| t.get("security-letter-portal-fallback"));
            let page = LetterPage {
                c: Chrome::new(&state, t, t.get("security-letter-title"), Some(&ctx), None),
                practice: state.config().practice_name.clone(),
                address: state.config().practice_address.clone(),
                name: target.display_name.clone(),
                email: target.email.clone(),
                password,
                until: t.with("security-letter-until", &[("date", Arg::Text(&until_text))]),
                url,
                back,
            };
            Ok(Html(views::render(&page)?).into_response())
        }
        _ => Err(WebError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn temporary_passwords_are_long_random_and_unambiguous() {
        let a = super::temporary_password();
        assert_eq!(a.len(), 19);
        assert_eq!(a.matches('-').count(), 3);
        assert!(!a.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(a, super::temporary_password());
        assert!(sprout_domain::password::check_new_password(&a, false, &[]).is_ok());
    }
}
