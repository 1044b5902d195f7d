//! Throttling: attempts at guessing (sign-in, second-factor codes, password
//! reset requests, linking PINs) are limited per account and per client
//! address; an excess gets `429 Too Many Requests` with `Retry-After`
//! (RFC 6585), without the attempt being judged.
//!
//! Counters live in the database ([`sprout_store::SecurityStore::throttle_hit`]),
//! not in memory, because app nodes are stateless (DESIGN.md, "Scale-out"): an
//! attacker spreading guesses over N nodes gets no N times the allowance.
//! Windows are fixed (a window starts at a multiple of its length since the
//! Unix epoch); keys are stored as SHA-256, never as the email or address.
//!
//! The client address is the TCP peer's, unless the peer is one of the
//! configured trusted reverse proxies, in which case it is the right-most
//! address of `X-Forwarded-For` that is not itself a trusted proxy (the
//! left-most ones are whatever the client wrote).
//!
//! Use: [`check`] before judging an attempt whose failures alone count
//! (sign-in: families sign in often, successfully, from one office address),
//! [`fail`] after a failure; [`hit`] where every attempt counts (reset
//! requests, PINs).

use crate::auth;
use crate::error::WebResult;
use crate::AppState;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use std::net::IpAddr;

/// What is being counted, and by what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Failed sign-ins (password or second-factor code) per account email.
    SignInAccount,
    /// Failed sign-ins per client address.
    SignInAddress,
    /// Password-reset requests per email.
    ResetAccount,
    /// Password-reset requests per client address.
    ResetAddress,
    /// PIN attempts per patient or account (enrollment).
    PinAccount,
    /// PIN attempts per client address (enrollment).
    PinAddress,
}

impl Kind {
    /// The code stored with the counter.
    pub fn code(self) -> &'static str {
        match self {
            Self::SignInAccount => "signin-account",
            Self::SignInAddress => "signin-address",
            Self::ResetAccount => "reset-account",
            Self::ResetAddress => "reset-address",
            Self::PinAccount => "pin-account",
            Self::PinAddress => "pin-address",
        }
    }
}

/// A limit: at most `max` attempts per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed in a window.
    pub max: u32,
    /// The window's length.
    pub window: SignedDuration,
}

/// The limits in force, per [`Kind`]. Defaults: 10 failed sign-ins per
/// account and 100 per address in 15 minutes (NIST SP 800-63B 5.2.2 allows
/// at most 100 consecutive failures per account; 10 keeps online guessing of
/// even a weak password hopeless); 5 reset requests per email and 30 per
/// address per hour; 10 PIN attempts per account and 50 per address per hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// [`Kind::SignInAccount`].
    pub signin_account: Limit,
    /// [`Kind::SignInAddress`].
    pub signin_address: Limit,
    /// [`Kind::ResetAccount`].
    pub reset_account: Limit,
    /// [`Kind::ResetAddress`].
    pub reset_address: Limit,
    /// [`Kind::PinAccount`].
    pub pin_account: Limit,
    /// [`Kind::PinAddress`].
    pub pin_address: Limit,
}

impl Default for Limits {
    fn default() -> Self {
        let quarter = SignedDuration::from_mins(15);
        let hour = SignedDuration::from_hours(1);
        Self {
            signin_account: Limit {
                max: 10,
                window: quarter,
            },
            signin_address: Limit {
                max: 100,
                window: quarter,
            },
            reset_account: Limit {
                max: 5,
                window: hour,
            },
            reset_address: Limit {
                max: 30,
                window: hour,
            },
            pin_account: Limit {
                max: 10,
                window: hour,
            },
            pin_address: Limit {
                max: 50,
                window: hour,
            },
        }
    }
}

impl Limits {
    /// The limit of a kind.
    pub fn of(&self, kind: Kind) -> Limit {
        match kind {
            Kind::SignInAccount => self.signin_account,
            Kind::SignInAddress => self.signin_address,
            Kind::ResetAccount => self.reset_account,
            Kind::ResetAddress => self.reset_address,
            Kind::PinAccount => self.pin_account,
            Kind::PinAddress => self.pin_address,
        }
    }
}

/// Too many attempts: try again after this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl IntoResponse for RetryAfter {
    /// `429` with `Retry-After`; the page is drawn by the error layer.
    fn into_response(self) -> Response {
        let mut resp = StatusCode::TOO_MANY_REQUESTS.into_response();
        if let Ok(v) = HeaderValue::from_str(&self.0.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// The start of the window holding `now`, and the seconds left in it.
fn window(limit: Limit, now: Timestamp) -> (Timestamp, u64) {
    let len = limit.window.as_secs().max(1);
    let secs = now.as_second();
    let start = secs - secs.rem_euclid(len);
    let left = (start + len - secs).max(1) as u64;
    (Timestamp::from_second(start).unwrap_or(now), left)
}

/// The stored form of a key: SHA-256, so no email or address is kept.
fn key_hash(kind: Kind, key: &str) -> String {
    auth::token_hash(&format!(
        "{}\u{0}{}",
        kind.code(),
        key.trim().to_lowercase()
    ))
}

/// Whether another attempt of `kind` by `key` is allowed at `now`, without
/// counting one.
///
/// # Errors
/// The store's; `Ok(Err(RetryAfter))` when the limit is reached.
pub async fn check(
    state: &AppState,
    kind: Kind,
    key: &str,
    now: Timestamp,
) -> WebResult<Result<(), RetryAfter>> {
    let limit = state.config().security.throttle.of(kind);
    let (start, left) = window(limit, now);
    let n = state
        .store()
        .throttle_count(kind.code(), &key_hash(kind, key), start)
        .await?;
    Ok(if n >= limit.max {
        Err(RetryAfter(left))
    } else {
        Ok(())
    })
}

/// Counts a failed attempt of `kind` by `key` at `now`.
///
/// # Errors
/// The store's.
pub async fn fail(state: &AppState, kind: Kind, key: &str, now: Timestamp) -> WebResult<()> {
    let limit = state.config().security.throttle.of(kind);
    let (start, _) = window(limit, now);
    let n = state
        .store()
        .throttle_hit(kind.code(), &key_hash(kind, key), start)
        .await?;
    if n == 1 {
        // A new window: clear windows that ended long ago.
        let before = now
            .saturating_sub(SignedDuration::from_hours(24))
            .unwrap_or(now);
        if let Err(e) = state.store().delete_stale_security_rows(before).await {
            tracing::warn!(error = %e, "could not delete stale throttle rows");
        }
    }
    Ok(())
}

/// Counts an attempt of `kind` by `key` at `now` and says whether it is
/// within the limit (the attempt that reaches the limit is allowed; the next
/// one is not).
///
/// # Errors
/// The store's; `Ok(Err(RetryAfter))` over the limit.
pub async fn hit(
    state: &AppState,
    kind: Kind,
    key: &str,
    now: Timestamp,
) -> WebResult<Result<(), RetryAfter>> {
    let limit = state.config().security.throttle.of(kind);
    let (start, left) = window(limit, now);
    let n = state
        .store()
        .throttle_hit(kind.code(), &key_hash(kind, key), start)
        .await?;
    Ok(if n > limit.max {
        Err(RetryAfter(left))
    } else {
        Ok(())
    })
}

/// The client's address: the peer's, or, when the peer is a trusted reverse
/// proxy, the right-most `X-Forwarded-For` entry that is not one.
pub(crate) fn client_addr(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .map(|s| s.parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .or(Some(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_fixed_and_say_how_long_is_left() {
        let limit = Limit {
            max: 3,
            window: SignedDuration::from_mins(15),
        };
        let now: Timestamp = "2026-03-02T10:07:30Z".parse().unwrap();
        let (start, left) = window(limit, now);
        assert_eq!(start, "2026-03-02T10:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(left, 450);
        let (_, left) = window(limit, "2026-03-02T10:00:00Z".parse().unwrap());
        assert_eq!(left, 900);
    }

    #[test]
    fn keys_are_hashed_case_insensitively() {
        assert_eq!(
            key_hash(Kind::SignInAccount, " Maria@Example.com"),
            key_hash(Kind::SignInAccount, "maria@example.com")
        );
        assert_ne!(
            key_hash(Kind::SignInAccount, "maria@example.com"),
            key_hash(Kind::ResetAccount, "maria@example.com")
        );
        assert!(!key_hash(Kind::SignInAccount, "maria@example.com").contains("maria"));
    }

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 198.51.100.7"),
        );
        // An untrusted peer's header is ignored.
        assert_eq!(client_addr(Some(peer), &h, &[proxy]), Some(peer));
        // Behind the proxy: the right-most address the proxy saw.
        assert_eq!(
            client_addr(Some(proxy), &h, &[proxy]),
            Some("198.51.100.7".parse().unwrap())
        );
        // Two trusted proxies in a row.
        let inner: IpAddr = "10.0.0.6".parse().unwrap();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.7, 10.0.0.6"),
        );
        assert_eq!(
            client_addr(Some(proxy), &h, &[proxy, inner]),
            Some("198.51.100.7".parse().unwrap())
        );
        // Garbage in the header: the proxy itself.
        h.insert("x-forwarded-for", HeaderValue::from_static("not-an-ip"));
        assert_eq!(client_addr(Some(proxy), &h, &[proxy]), Some(proxy));
        assert_eq!(client_addr(None, &h, &[proxy]), None);
    }
}
