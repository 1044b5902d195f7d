//! Which new passwords Sprout accepts: NIST SP 800-63B (revision 3, section
//! 5.1.1.2, "Memorized Secret Verifiers", and its revision 4 successor,
//! 3.1.1.2).
//!
//! - Length is counted in Unicode characters (code points), as NIST asks.
//! - At least [`MIN_LEN_SINGLE_FACTOR`] (15) characters when the password is
//!   the account's only factor, at least [`MIN_LEN_WITH_SECOND_FACTOR`] (8)
//!   when the account also has a second factor (TOTP).
//! - At least 64 characters must be accepted: Sprout accepts up to
//!   [`MAX_LEN`] (1024) and hashes the whole password (Argon2id, no
//!   truncation).
//! - No composition rules (no "one digit, one symbol"), no hints, no security
//!   questions.
//! - Passwords that are commonly used, expected or compromised are refused
//!   with the reason: Sprout asks the `zxcvbn` strength estimator (Dropbox's
//!   algorithm, also used by kanidm), feeding it what the user's own details
//!   are (email, names) so "maria.lopez2026!" is guessable for Maria Lopez.
//!   Anything scoring below [`MIN_SCORE`] (3 of 4: "safely unguessable",
//!   more than 10^8 guesses) is refused.

use zxcvbn::feedback::Warning;
use zxcvbn::Score;

/// Shortest password accepted for an account without a second factor
/// (NIST SP 800-63B rev. 4, 3.1.1.2: 15 characters when the password is the
/// only authenticator).
pub const MIN_LEN_SINGLE_FACTOR: usize = 15;
/// Shortest password accepted for an account with a second factor (NIST SP
/// 800-63B rev. 4, 3.1.1.2: 8 characters as part of multi-factor
/// authentication).
pub const MIN_LEN_WITH_SECOND_FACTOR: usize = 8;
/// Longest password accepted (NIST asks for at least 64). Longer input is
/// refused, never truncated.
pub const MAX_LEN: usize = 1024;
/// Lowest acceptable `zxcvbn` score (0-4).
pub const MIN_SCORE: u8 = 3;
/// Characters the strength estimator reads: its cost grows quickly with
/// length, and a password whose first 100 characters are unguessable is
/// unguessable whole.
const ESTIMATED_PREFIX: usize = 100;

/// Why a new password is refused. Each has a catalog key for the message
/// shown to the user ([`PasswordProblem::message_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Fewer characters than the account needs (`min`: 15 or 8).
    TooShort {
        /// The minimum that applies to this account.
        min: usize,
    },
    /// More than [`MAX_LEN`] characters.
    TooLong,
    /// Contains the user's own email, name or a part of them.
    ContainsPersonalInfo,
    /// A commonly used password or a close variant of one.
    Common,
    /// Common words or names, easy to guess even together.
    CommonWords,
    /// Repeated characters or repeated patterns (`aaaa`, `abcabc`).
    Repeated,
    /// A sequence (`abcdef`, `12345`) or a keyboard pattern (`qwerty`).
    Pattern,
    /// Dates or years.
    Dates,
    /// Easy to guess for another reason.
    Guessable,
}

impl PasswordProblem {
    /// The catalog key of the message explaining the problem (a Fluent
    /// message that may take `$min`).
    pub fn message_key(self) -> &'static str {
        match self {
            Self::TooShort { .. } => "password-too-short",
            Self::TooLong => "password-too-long",
            Self::ContainsPersonalInfo => "password-personal",
            Self::Common => "password-common",
            Self::CommonWords => "password-common-words",
            Self::Repeated => "password-repeated",
            Self::Pattern => "password-pattern",
            Self::Dates => "password-dates",
            Self::Guessable => "password-guessable",
        }
    }

    /// A short code for logs and audit details (never the password).
    pub fn code(self) -> &'static str {
        self.message_key()
            .strip_prefix("password-")
            .unwrap_or("password")
    }
}

/// The minimum length for an account with or without a second factor.
pub fn min_len(has_second_factor: bool) -> usize {
    if has_second_factor {
        MIN_LEN_WITH_SECOND_FACTOR
    } else {
        MIN_LEN_SINGLE_FACTOR
    }
}

/// Checks a new password against the rules in the module documentation.
///
/// `user_inputs` are the user's own details (email, the parts of the email
/// before `@`, given and family names); passwords built from them are refused.
/// Any character is allowed, spaces included; nothing is trimmed.
///
/// # Errors
/// The first [`PasswordProblem`] found: length first, then guessability.
pub fn check_new_password(
    password: &str,
    has_second_factor: bool,
    user_inputs: &[&str],
) -> Result<(), PasswordProblem> {
    let len = password.chars().count();
    let min = min_len(has_second_factor);
    if len < min {
        return Err(PasswordProblem::TooShort { min });
    }
    if len > MAX_LEN {
        return Err(PasswordProblem::TooLong);
    }
    let prefix: String = password.chars().take(ESTIMATED_PREFIX).collect();
    // Also hand the estimator the pieces of an email ("maria.lopez@x.org"
    // gives "maria", "lopez"), so each is a word it knows.
    let mut inputs: Vec<String> = Vec::new();
    for input in user_inputs {
        let lower = input.trim().to_lowercase();
        if lower.is_empty() {
            continue;
        }
        inputs.extend(
            lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|p| p.chars().count() >= 3)
                .map(str::to_owned),
        );
        inputs.push(lower);
    }
    let lowered = prefix.to_lowercase();
    if inputs
        .iter()
        .any(|i| i.chars().count() >= 4 && lowered.contains(i.as_str()) && len < 2 * min)
    {
        // A short password that is mostly the user's own name or email.
        return Err(PasswordProblem::ContainsPersonalInfo);
    }
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(&prefix, &refs);
    if u8::from(estimate.score()) >= MIN_SCORE && estimate.score() != Score::Zero {
        return Ok(());
    }
    let user_word = estimate.sequence().iter().any(|m| {
        matches!(&m.pattern, zxcvbn::matching::patterns::MatchPattern::Dictionary(d)
            if inputs.contains(&d.matched_word))
    });
    if user_word {
        return Err(PasswordProblem::ContainsPersonalInfo);
    }
    let warning = estimate.feedback().and_then(|f| f.warning());
    Err(match warning {
        Some(Warning::ThisIsATop10Password)
        | Some(Warning::ThisIsATop100Password)
        | Some(Warning::ThisIsACommonPassword)
        | Some(Warning::ThisIsSimilarToACommonlyUsedPassword) => PasswordProblem::Common,
        Some(Warning::AWordByItselfIsEasyToGuess)
        | Some(Warning::NamesAndSurnamesByThemselvesAreEasyToGuess)
        | Some(Warning::CommonNamesAndSurnamesAreEasyToGuess) => PasswordProblem::CommonWords,
        Some(Warning::RepeatsLikeAaaAreEasyToGuess)
        | Some(Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess) => PasswordProblem::Repeated,
        Some(Warning::StraightRowsOfKeysAreEasyToGuess)
        | Some(Warning::ShortKeyboardPatternsAreEasyToGuess)
        | Some(Warning::SequencesLikeAbcAreEasyToGuess) => PasswordProblem::Pattern,
        Some(Warning::RecentYearsAreEasyToGuess) | Some(Warning::DatesAreOftenEasyToGuess) => {
            PasswordProblem::Dates
        }
        _ => PasswordProblem::Guessable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARIA: &[&str] = &["maria.lopez@example.com", "Maria", "Lopez"];

    #[test]
    fn length_depends_on_the_second_factor() {
        // 14 random-looking characters: too short alone, fine with TOTP.
        let pw = "vq7#Lm2!xR9@kd";
        assert_eq!(pw.chars().count(), 14);
        assert_eq!(
            check_new_password(pw, false, MARIA),
            Err(PasswordProblem::TooShort { min: 15 })
        );
        assert_eq!(check_new_password(pw, true, MARIA), Ok(()));
        assert_eq!(
            check_new_password("vq7#Lm2", true, MARIA),
            Err(PasswordProblem::TooShort { min: 8 })
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 15 characters, 30 bytes: long enough.
        let pw = "ñandú pingüino ";
        assert_eq!(pw.chars().count(), 15);
        assert!(pw.len() > 15);
        assert_ne!(
            check_new_password(pw, false, &[]),
            Err(PasswordProblem::TooShort { min: 15 })
        );
    }

    #[test]
    fn long_passphrases_are_accepted_up_to_the_limit() {
        let base = "Granite lantern orbits quietly; tulip 47 mosaic drifts ";
        let pw64: String = base.chars().cycle().take(64).collect();
        assert_eq!(check_new_password(&pw64, false, MARIA), Ok(()));
        let pw1024: String = base.chars().cycle().take(MAX_LEN).collect();
        assert_eq!(check_new_password(&pw1024, false, MARIA), Ok(()));
        let pw1025: String = base.chars().cycle().take(MAX_LEN + 1).collect();
        assert_eq!(
            check_new_password(&pw1025, false, MARIA),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn no_composition_rules() {
        // Only lowercase letters and spaces: fine when long and unguessable.
        assert_eq!(
            check_new_password("quartz meadow pickle sonnet", false, MARIA),
            Ok(())
        );
    }

    #[test]
    fn guessable_passwords_are_refused_with_a_reason() {
        // The estimator's reason is stable for these (checked many times:
        // it picks among equally cheap guesses in no fixed order, so for
        // some passwords, "1234567890123456" for one, the reason given may be
        // either of two; the refusal itself never varies).
        for _ in 0..20 {
            for (pw, why) in [
                ("passwordpassword", PasswordProblem::Repeated),
                ("aaaaaaaaaaaaaaaaaa", PasswordProblem::Repeated),
                ("iloveyouiloveyou", PasswordProblem::Repeated),
                ("abcdefghijklmnopq", PasswordProblem::Pattern),
            ] {
                assert_eq!(check_new_password(pw, false, &[]), Err(why), "{pw}");
            }
            for pw in ["1234567890123456", "qwertyuiopasdfgh"] {
                let why = check_new_password(pw, false, &[]).unwrap_err();
                assert!(
                    matches!(why, PasswordProblem::Common | PasswordProblem::Pattern),
                    "{pw}: {why:?}"
                );
            }
        }
        // Long enough with a second factor, but a top password.
        assert_eq!(
            check_new_password("password1", true, &[]),
            Err(PasswordProblem::Common)
        );
    }

    #[test]
    fn the_users_own_details_are_refused() {
        assert_eq!(
            check_new_password("maria.lopez2026!", false, MARIA),
            Err(PasswordProblem::ContainsPersonalInfo)
        );
        assert_eq!(
            check_new_password("MariaLopez1990xx", false, MARIA),
            Err(PasswordProblem::ContainsPersonalInfo)
        );
        // The same password is fine for somebody else.
        assert_eq!(check_new_password("maria.lopez2026!", true, &[]), Ok(()));
    }

    #[test]
    fn every_problem_has_a_message_key() {
        for p in [
            PasswordProblem::TooShort { min: 15 },
            PasswordProblem::TooLong,
            PasswordProblem::ContainsPersonalInfo,
            PasswordProblem::Common,
            PasswordProblem::CommonWords,
            PasswordProblem::Repeated,
            PasswordProblem::Pattern,
            PasswordProblem::Dates,
            PasswordProblem::Guessable,
        ] {
            assert!(p.message_key().starts_with("password-"));
            assert!(!p.code().is_empty());
        }
    }
}
