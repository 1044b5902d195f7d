//! Account security: the second factor (TOTP secret, last used time step,
//! recovery codes), password changes and temporary passwords, password-reset
//! links, pending second-factor sign-ins, session activity (idle timeout and
//! re-authentication) and attempt counters (throttling).
//!
//! Every secret handed to the store is either a hash (reset links, sign-in
//! challenges, recovery codes: SHA-256 of a random token the user holds) or
//! needed in clear to do its job (the TOTP shared secret, RFC 6238).
//! Times are whole seconds, UTC; every `now` is the caller's clock.

use crate::StoreResult;
use async_trait::async_trait;
use jiff::Timestamp;
use sprout_domain::AccountId;

/// An account's security settings. An account never touched by this module
/// has [`AccountSecurity::none`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSecurity {
    /// The account.
    pub account_id: AccountId,
    /// The TOTP shared secret (RFC 4648 base32, no padding); `None` when the
    /// account has no second factor.
    pub totp_secret: Option<String>,
    /// The last TOTP time step accepted (Unix time / 30 s): a code of this
    /// step or an earlier one is refused (RFC 6238, section 5.2).
    pub totp_last_step: Option<i64>,
    /// When the TOTP was enrolled.
    pub totp_enrolled_at: Option<Timestamp>,
    /// When the password was last changed (by the user, a reset, or staff).
    pub password_changed_at: Option<Timestamp>,
    /// Set when staff issued a temporary password: it works until then and
    /// must be changed at the first sign-in. `None` for a password the user
    /// chose.
    pub temporary_password_until: Option<Timestamp>,
}

impl AccountSecurity {
    /// The settings of an account with no second factor and a password of its
    /// own choosing.
    pub fn none(account_id: AccountId) -> Self {
        Self {
            account_id,
            totp_secret: None,
            totp_last_step: None,
            totp_enrolled_at: None,
            password_changed_at: None,
            temporary_password_until: None,
        }
    }

    /// Whether a second factor is enrolled.
    pub fn has_second_factor(&self) -> bool {
        self.totp_secret.is_some()
    }
}

/// A password-reset link, as stored (its token only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    /// SHA-256 of the link's token, lowercase hex.
    pub token_hash: String,
    /// Whose password it resets.
    pub account_id: AccountId,
    /// When it was asked for.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// When it was used; a used link never works again.
    pub used_at: Option<Timestamp>,
}

/// A sign-in waiting for its second factor: the password was right, the
/// session is not created until the code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInChallenge {
    /// SHA-256 of the challenge cookie's token, lowercase hex.
    pub token_hash: String,
    /// The account signing in.
    pub account_id: AccountId,
    /// When the password was checked.
    pub created_at: Timestamp,
    /// When the challenge stops working.
    pub expires_at: Timestamp,
    /// Local path to go to after sign-in.
    pub next: String,
}

/// A session and what a request checks of it: see
/// [`SecurityStore::session_context`].
#[derive(Debug, Clone)]
pub struct SessionContext {
    /// The session row.
    pub session: crate::Session,
    /// When it was last used and last re-authenticated.
    pub activity: SessionActivity,
    /// Whose session.
    pub account: sprout_domain::people::Account,
    /// The account's second factor and password state.
    pub security: AccountSecurity,
}

/// A session's activity, for the idle timeout and re-authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionActivity {
    /// The last request seen (to the minute or so: written at most once a
    /// minute); `None` until the first.
    pub last_seen_at: Option<Timestamp>,
    /// When the password was last entered in this session beyond the
    /// sign-in; `None` means at sign-in.
    pub reauth_at: Option<Timestamp>,
}

/// Storage of account security (see the module documentation).
#[async_trait]
pub trait SecurityStore: Send + Sync {
    /// An account's settings ([`AccountSecurity::none`] when nothing is stored).
    async fn account_security(&self, account: &AccountId) -> StoreResult<AccountSecurity>;

    /// Enrolls a TOTP secret with a new set of recovery codes (their SHA-256
    /// hashes), replacing any earlier secret and codes; the last used step is
    /// reset. [`crate::StoreError::NotFound`] for an unknown account.
    async fn enroll_totp(
        &self,
        account: &AccountId,
        secret: &str,
        recovery_code_hashes: &[String],
        now: Timestamp,
    ) -> StoreResult<()>;

    /// Removes the second factor and every recovery code.
    async fn remove_totp(&self, account: &AccountId) -> StoreResult<()>;

    /// Records TOTP time step `step` as used, atomically: `true` when it is
    /// later than the last step used (the code may be accepted), `false` when
    /// it was used already or an earlier one was (a replay), or when the
    /// account has no TOTP.
    async fn use_totp_step(&self, account: &AccountId, step: i64) -> StoreResult<bool>;

    /// Marks a recovery code (by its hash) used at `now`, atomically: `true`
    /// when it existed unused, `false` otherwise.
    async fn use_recovery_code(
        &self,
        account: &AccountId,
        code_hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool>;

    /// How many unused recovery codes the account has.
    async fn recovery_codes_left(&self, account: &AccountId) -> StoreResult<u32>;

    /// The account's password hash (Argon2id PHC string), for
    /// re-authentication; `None` for an unknown account.
    async fn password_hash(&self, account: &AccountId) -> StoreResult<Option<String>>;

    /// Replaces the password hash. `temporary_until`: the new password is a
    /// temporary one (issued by staff) that works until then and must be
    /// changed at the next sign-in; `None` clears that. Every unused reset
    /// link of the account stops working.
    /// [`crate::StoreError::NotFound`] for an unknown account.
    async fn set_password(
        &self,
        account: &AccountId,
        password_hash: &str,
        now: Timestamp,
        temporary_until: Option<Timestamp>,
    ) -> StoreResult<()>;

    /// Stores a reset link.
    async fn create_password_reset(&self, reset: &PasswordReset) -> StoreResult<()>;

    /// The reset link with this token hash, used or not.
    async fn password_reset(&self, token_hash: &str) -> StoreResult<Option<PasswordReset>>;

    /// Marks a reset link used at `now`, atomically: `true` when it was
    /// unused and not expired at `now`; `false` otherwise (used twice, at the
    /// same moment or later, it works once).
    async fn use_password_reset(&self, token_hash: &str, now: Timestamp) -> StoreResult<bool>;

    /// Stores a pending second-factor sign-in.
    async fn create_challenge(&self, challenge: &SignInChallenge) -> StoreResult<()>;

    /// The pending sign-in with this token hash.
    async fn challenge(&self, token_hash: &str) -> StoreResult<Option<SignInChallenge>>;

    /// Deletes a pending sign-in: `true` when it was there (so of two
    /// requests finishing the same sign-in, one wins).
    async fn delete_challenge(&self, token_hash: &str) -> StoreResult<bool>;

    /// A session's activity; `None` for an unknown session.
    async fn session_activity(&self, token_hash: &str) -> StoreResult<Option<SessionActivity>>;

    /// The session with this token hash, its activity, its account and the
    /// account's security settings, read together (every signed-in request
    /// needs all four: one read instead of four). `None` for an unknown
    /// session. The account is returned whatever its status; the caller
    /// decides.
    async fn session_context(&self, token_hash: &str) -> StoreResult<Option<SessionContext>>;

    /// Watches the database for committed changes to what decides access
    /// (accounts, account security, sessions ended or re-authenticated,
    /// patients, proxy relationships), by anyone, and calls
    /// [`crate::AccessSignal::changed`] for each; marks the signal live
    /// while it can see them and not live while it cannot (a lost
    /// connection, a failing poll), retrying. Runs until dropped or aborted.
    /// See [`crate::access_signal`].
    async fn watch_access_changes(&self, signal: std::sync::Arc<crate::AccessSignal>);

    /// Records a request in the session at `now`.
    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()>;

    /// Records that the password was entered again in the session at `now`.
    async fn set_session_reauth(&self, token_hash: &str, now: Timestamp) -> StoreResult<()>;

    /// Ends every session of the account except `keep` (a token hash);
    /// returns how many ended.
    async fn delete_sessions_of_account(
        &self,
        account: &AccountId,
        keep: Option<&str>,
    ) -> StoreResult<u64>;

    /// Counts one attempt of `kind` by `key_hash` in the window that started
    /// at `window_start`, atomically; returns the attempts in that window so
    /// far, this one included.
    async fn throttle_hit(
        &self,
        kind: &str,
        key_hash: &str,
        window_start: Timestamp,
    ) -> StoreResult<u32>;

    /// The attempts of `kind` by `key_hash` in the window that started at
    /// `window_start`.
    async fn throttle_count(
        &self,
        kind: &str,
        key_hash: &str,
        window_start: Timestamp,
    ) -> StoreResult<u32>;

    /// Deletes counters of windows that started before `before`, and pending
    /// sign-ins and reset links that expired before it; returns how many rows.
    async fn delete_stale_security_rows(&self, before: Timestamp) -> StoreResult<u64>;
}
