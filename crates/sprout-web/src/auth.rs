//! Passwords, session tokens, cookies and CSRF tokens.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults, OWASP's
//! recommended minimum: 19 MiB, 2 passes) into PHC strings. Session cookies carry
//! 32 random bytes (base64url); the database keeps only their SHA-256, so a leaked
//! database holds no usable session.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use subtle::ConstantTimeEq;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "sprout_session";
/// Name of the double-submit CSRF cookie used before sign-in.
pub const CSRF_COOKIE: &str = "sprout_csrf";
/// Name of the language cookie.
pub const LANG_COOKIE: &str = "lang";

/// Hashes a password with Argon2id and a random salt, as a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$...`). Slow on purpose (tens of
/// milliseconds): call it from blocking code (`spawn_blocking`, the CLI).
///
/// # Panics
/// Only if the operating system's random number generator fails.
pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 hashing with default parameters and an OS salt")
        .to_string()
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never
/// matches. Slow on purpose: call it from blocking code.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password nobody knows, verified when the email is unknown so a
/// failed sign-in costs the same time either way (no user enumeration by timing).
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()))
}

/// 32 random bytes from the operating system's CSPRNG, base64url without padding
/// (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes[..]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// 16 random bytes, for new ids and request ids.
pub fn random_id_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes[..]);
    bytes
}

/// SHA-256 of a session token, lowercase hex: what the session table stores.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Compares two tokens in constant time; empty tokens never match.
pub fn tokens_match(given: &str, expected: &str) -> bool {
    !given.is_empty()
        && !expected.is_empty()
        && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// Whether a cookie value could be one of our tokens (base64url, short), so
/// junk in a cookie is ignored before it reaches the database.
pub fn plausible_token(value: &str) -> bool {
    (20..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when asked;
/// `max_age` in seconds (0 deletes the cookie, `None` makes it end with the
/// browser session).
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn hashes_verify_and_reject() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert!(plausible_token(&a));
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(tokens_match(&a, &a.clone()));
        assert!(!tokens_match("", ""));
        assert!(!tokens_match(&a, "x"));
    }

    #[test]
    fn cookies_are_read_and_written() {
        let mut h = HeaderMap::new();
        h.append("cookie", HeaderValue::from_static("a=1; lang=es"));
        h.append("cookie", HeaderValue::from_static("sprout_session=tok"));
        assert_eq!(cookie(&h, "lang"), Some("es"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&h, "b"), None);
        assert_eq!(
            set_cookie("a", "b", Some(0), true),
            "a=b; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
        );
    }
}
