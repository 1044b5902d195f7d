-- Account security (issue 4, items 5-10). PostgreSQL dialect. Forward only: never
-- edit once released. TEXT columns are COLLATE "C", as in 0001. Times are UTC
-- RFC 3339 TEXT to the whole second, so they compare as text.

-- One row per account that has a second factor, changed its password, or was
-- given a temporary password. `totp_last_step`: the last RFC 6238 time step
-- accepted, so a code is never accepted twice.
CREATE TABLE account_security (
    account_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    totp_secret TEXT COLLATE "C",
    totp_last_step BIGINT,
    totp_enrolled_at TEXT COLLATE "C",
    password_changed_at TEXT COLLATE "C",
    temporary_password_until TEXT COLLATE "C"
);

-- Recovery codes of the second factor: SHA-256 of each code, single use.
CREATE TABLE recovery_codes (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash TEXT COLLATE "C" NOT NULL,
    used_at TEXT COLLATE "C",
    PRIMARY KEY (account_id, code_hash)
);

-- "Forgot password" links: SHA-256 of the token, single use, short-lived.
CREATE TABLE password_resets (
    token_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    used_at TEXT COLLATE "C"
);
CREATE INDEX password_resets_account ON password_resets (account_id);
CREATE INDEX password_resets_expires ON password_resets (expires_at);

-- Sign-ins whose password was right, waiting for the second factor.
CREATE TABLE signin_challenges (
    token_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    next_path TEXT COLLATE "C" NOT NULL
);
CREATE INDEX signin_challenges_expires ON signin_challenges (expires_at);

-- Session activity: the idle timeout and re-authentication for sensitive
-- changes. NULL means "at sign-in" (created_at).
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT COLLATE "C";
ALTER TABLE sessions ADD COLUMN reauth_at TEXT COLLATE "C";

-- Attempt counters (sign-in, password reset, PIN), per kind, key (SHA-256 of
-- the email or client address) and fixed window.
CREATE TABLE throttle (
    kind TEXT COLLATE "C" NOT NULL,
    key_hash TEXT COLLATE "C" NOT NULL,
    window_start TEXT COLLATE "C" NOT NULL,
    attempts BIGINT NOT NULL,
    PRIMARY KEY (kind, key_hash, window_start)
);
CREATE INDEX throttle_window ON throttle (window_start);
