-- Enrollment (issue 4, items 1-4): sign-up slips, single-use emailed links,
-- office PINs and requests to link a child by MRN and visit date. SQLite
-- dialect. Forward only: never edit once released.
-- Times are UTC RFC 3339 TEXT to the whole second, dates ISO TEXT.

-- A slip as typed (JSON), its status and the codes of its problems.
CREATE TABLE signup_slips (
    id TEXT PRIMARY KEY NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    problems TEXT NOT NULL DEFAULT '',
    received_on TEXT NOT NULL,
    entered_by TEXT,
    updated_at TEXT NOT NULL,
    patient_id TEXT REFERENCES patients (id) ON DELETE SET NULL
);
CREATE INDEX signup_slips_status ON signup_slips (status, updated_at);

-- Single-use links (activation, email verification): only the token's SHA-256.
CREATE TABLE enrollment_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX enrollment_tokens_account ON enrollment_tokens (account_id);

-- One office PIN per child (a reissue replaces it): only the PIN's SHA-256.
CREATE TABLE link_pins (
    patient_id TEXT PRIMARY KEY NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    pin_hash TEXT NOT NULL UNIQUE,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    issued_by TEXT,
    used_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_at TEXT
);

-- A parent's request to link a child by MRN and visit date, for staff.
CREATE TABLE link_requests (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    child_name TEXT NOT NULL,
    mrn TEXT NOT NULL,
    visit_date TEXT NOT NULL,
    relationship TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX link_requests_status ON link_requests (status, created_at);
