-- Account security (issue 4, items 5-10). SQLite dialect. Forward only: never
-- edit once released. Times are UTC RFC 3339 TEXT to the whole second, so
-- they compare as text.

-- One row per account that has a second factor, changed its password, or was
-- given a temporary password. `totp_last_step`: the last RFC 6238 time step
-- accepted, so a code is never accepted twice.
CREATE TABLE account_security (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    totp_secret TEXT,
    totp_last_step INTEGER,
    totp_enrolled_at TEXT,
    password_changed_at TEXT,
    temporary_password_until TEXT
);

-- Recovery codes of the second factor: SHA-256 of each code, single use.
CREATE TABLE recovery_codes (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (account_id, code_hash)
);

-- "Forgot password" links: SHA-256 of the token, single use, short-lived.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_resets_account ON password_resets (account_id);
CREATE INDEX password_resets_expires ON password_resets (expires_at);

-- Sign-ins whose password was right, waiting for the second factor.
CREATE TABLE signin_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    next_path TEXT NOT NULL
);
CREATE INDEX signin_challenges_expires ON signin_challenges (expires_at);

-- Session activity: the idle timeout and re-authentication for sensitive
-- changes. NULL means "at sign-in" (created_at).
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN reauth_at TEXT;

-- Attempt counters (sign-in, password reset, PIN), per kind, key (SHA-256 of
-- the email or client address) and fixed window.
CREATE TABLE throttle (
    kind TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    window_start TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (kind, key_hash, window_start)
);
CREATE INDEX throttle_window ON throttle (window_start);
