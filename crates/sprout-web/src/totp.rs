//! Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 30-second steps, 6
//! digits, the parameters every authenticator app supports) through the
//! `totp-rs` crate, and recovery codes.
//!
//! A code is accepted for the current step and one step either side (clock
//! drift, RFC 6238 section 5.2), and only for a step later than the last one
//! accepted for the account ([`sprout_store::SecurityStore::use_totp_step`]),
//! so a code, once used, is refused, even by a second request racing the
//! first.
//!
//! Recovery codes are 80 random bits written as 16 base32 letters in four
//! groups; the store keeps their SHA-256 (enough for 80 random bits: no
//! dictionary to try).

use crate::auth;
use jiff::Timestamp;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Seconds per step.
pub const STEP: i64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A new random shared secret: 160 bits (RFC 4226 section 4 recommends 160),
/// base32 without padding (32 letters).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::fill(&mut bytes[..]);
    Secret::from(bytes).to_base32()
}

fn totp(secret: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS as u8)
        .with_skew(1)
        .with_step_duration(STEP as u64)
        .with_secret(secret)
        .build()
        .ok()
}

/// The step holding `now`.
pub fn step_of(now: Timestamp) -> i64 {
    now.as_second().div_euclid(STEP)
}

/// The code of `secret` for `step` (for tests and the demo); `None` for a
/// secret that is not base32 of at least 128 bits.
pub fn code_at_step(secret: &str, step: i64) -> Option<String> {
    let t = totp(secret)?;
    Some(
        t.generate(u64::try_from(step).ok()? * STEP as u64)
            .to_string(),
    )
}

/// The step (current, previous or next: RFC 6238's recommended one step of
/// drift) whose code is `code`, if any, compared in constant time by
/// `totp-rs`. The caller must still record the step as used before accepting
/// it.
pub fn matching_step(secret: &str, code: &str, now: Timestamp) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret)?;
    let step = t.check(&code, u64::try_from(now.as_second()).ok()?)?;
    i64::try_from(step).ok()
}

/// The `otpauth://` URI an authenticator app reads from a QR code (Google
/// Authenticator's key URI format).
pub fn otpauth_uri(secret: &str, issuer: &str, account: &str) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'@') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The secret in groups of four letters, easier to type by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// New recovery codes, as shown to the user (`abcd-efgh-ijkl-mnop`).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::fill(&mut bytes[..]);
            let s = Secret::from(bytes.to_vec()).to_base32().to_lowercase();
            s.as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The stored hash of a recovery code as typed: case, spaces and dashes do
/// not matter.
pub fn recovery_code_hash(typed: &str) -> String {
    let norm: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    auth::token_hash(&format!("recovery:{norm}"))
}

/// Whether typed text looks like a recovery code rather than a TOTP code.
pub fn looks_like_recovery_code(typed: &str) -> bool {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8 digits
        // there; the last 6 digits here.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        for (time, code) in [
            (59i64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(
                code_at_step(&secret, time / STEP).as_deref(),
                Some(code),
                "t={time}"
            );
        }
    }

    #[test]
    fn codes_match_one_step_either_side() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let now: Timestamp = "2026-03-02T10:00:10Z".parse().unwrap();
        let s = step_of(now);
        for d in [-1, 0, 1] {
            let code = code_at_step(&secret, s + d).unwrap();
            assert_eq!(matching_step(&secret, &code, now), Some(s + d));
        }
        let old = code_at_step(&secret, s - 2).unwrap();
        if ![-1, 0, 1]
            .iter()
            .any(|d| code_at_step(&secret, s + d).as_deref() == Some(old.as_str()))
        {
            assert_eq!(matching_step(&secret, &old, now), None);
        }
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        let spaced = code_at_step(&secret, s).unwrap();
        let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
        assert_eq!(matching_step(&secret, &spaced, now), Some(s));
    }

    #[test]
    fn recovery_codes_are_random_and_forgiving_to_type() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes[0].len(), 19);
        assert_ne!(codes[0], codes[1]);
        assert!(looks_like_recovery_code(&codes[0]));
        assert!(!looks_like_recovery_code("123456"));
        assert_eq!(
            recovery_code_hash(&codes[0]),
            recovery_code_hash(&format!(" {} ", codes[0].to_uppercase().replace('-', " ")))
        );
    }

    #[test]
    fn otpauth_uri_names_issuer_and_account() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "Main Street Pediatrics", "a@b.org");
        assert_eq!(
            uri,
            "otpauth://totp/Main%20Street%20Pediatrics:a@b.org?secret=JBSWY3DPEHPK3PXP&issuer=Main%20Street%20Pediatrics&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
