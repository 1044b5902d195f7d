//! Passwords, session tokens, cookies and CSRF tokens.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults, OWASP's
//! recommended minimum: 19 MiB, 2 passes) into PHC strings. Session cookies carry
//! 32 random bytes (base64url); the database keeps only their SHA-256, so a leaked
//! database holds no usable session.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::PasswordHasher;
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

/// Threads kept for Argon2 (see [`argon2_job`]): both cores of a small
/// server may hash at once.
const ARGON2_THREADS: usize = 2;

/// A unit of work for the Argon2 threads.
type Argon2Job = Box<dyn FnOnce() + Send>;

/// Runs `f` (a password hash or check) on one of the [`ARGON2_THREADS`]
/// threads kept for it and returns its result.
///
/// Why not `spawn_blocking`: an Argon2 call allocates its 19 MiB of memory on
/// whichever blocking-pool thread runs it, and the C allocator keeps that
/// memory in the thread's arena afterwards. 32 sign-ins left the server
/// about 60 MB larger (measured; bench/RESULTS.md), and under load it went
/// past the 200 MB budget. Two fixed threads reuse their own memory.
///
/// # Errors
/// [`WebError::Internal`] when `f` panicked or the threads are gone.
pub(crate) async fn argon2_job<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::WebError> {
    use std::sync::{mpsc, Arc, Mutex, OnceLock};
    static QUEUE: OnceLock<mpsc::Sender<Argon2Job>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Argon2Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..ARGON2_THREADS {
            let rx = Arc::clone(&rx);
            let started = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    // A panicking job drops its result sender (its caller gets
                    // an error); the thread lives on.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                });
            if let Err(e) = started {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        tx
    });
    let (done, result) = tokio::sync::oneshot::channel();
    queue
        .send(Box::new(move || {
            let _ = done.send(f());
        }))
        .map_err(|_| crate::error::WebError::Internal("password hashing is not running".into()))?;
    result
        .await
        .map_err(|_| crate::error::WebError::Internal("password hashing failed".into()))
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never
/// matches. Slow on purpose: call it from blocking code ([`argon2_job`] in
/// the server).
///
/// The same check as argon2's `PasswordVerifier` (algorithm, version and
/// parameters from the hash; constant-time comparison of the outputs), but
/// Argon2's memory (19 MiB with the default parameters) is the calling
/// thread's own buffer, kept between calls, instead of a fresh allocation
/// each time: freed 19 MiB blocks stayed in the C allocator's per-thread
/// arenas, and the server grew by about 5 MB per sign-in up to 160 MB
/// (measured with /proc/PID/smaps; bench/RESULTS.md).
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::{Algorithm, Block, Params, Version};
    thread_local! {
        static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = parsed.version.map(Version::try_from).transpose() else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    let argon = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut buffer = [0u8; 64];
    let Some(out) = buffer.get_mut(..expected.len()) else {
        return false;
    };
    let computed = MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon.hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..blocks])
    });
    computed.is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
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
    fn hashes_with_other_parameters_verify_by_their_own() {
        // Algorithm, version, memory, passes and output length come from the
        // stored hash, as argon2's own verifier reads them.
        for (alg, version, out) in [
            (argon2::Algorithm::Argon2i, argon2::Version::V0x10, 32),
            (argon2::Algorithm::Argon2d, argon2::Version::V0x13, 16),
            (argon2::Algorithm::Argon2id, argon2::Version::V0x13, 64),
        ] {
            let params = argon2::Params::new(64, 2, 1, Some(out)).unwrap();
            let h = Argon2::new(alg, version, params)
                .hash_password(b"tr0ub4dor")
                .unwrap()
                .to_string();
            assert!(verify_password("tr0ub4dor", &h), "{h}");
            assert!(!verify_password("tr0ub4dor!", &h), "{h}");
            // The same hash with one character of the output changed.
            let mut tampered = h.clone().into_bytes();
            let last = tampered.len() - 2;
            tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
            assert!(!verify_password(
                "tr0ub4dor",
                &String::from_utf8(tampered).unwrap()
            ));
        }
        // A bigger hash after a smaller one on the same thread (the memory
        // buffer grows) and the default again.
        let h = hash_password("correct horse");
        assert!(verify_password("correct horse", &h));
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
