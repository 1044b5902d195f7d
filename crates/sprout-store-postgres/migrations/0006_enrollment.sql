-- Enrollment (issue 4, items 1-4): sign-up slips, single-use emailed links,
-- office PINs and requests to link a child by MRN and visit date. PostgreSQL
-- dialect. Every TEXT column is COLLATE "C", as in 0001. Forward only: never edit once released.
-- Times are UTC RFC 3339 TEXT to the whole second, dates ISO TEXT.

-- A slip as typed (JSON), its status and the codes of its problems.
CREATE TABLE signup_slips (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    content TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    problems TEXT COLLATE "C" NOT NULL DEFAULT '',
    received_on TEXT COLLATE "C" NOT NULL,
    entered_by TEXT COLLATE "C",
    updated_at TEXT COLLATE "C" NOT NULL,
    patient_id TEXT COLLATE "C" REFERENCES patients (id) ON DELETE SET NULL
);
CREATE INDEX signup_slips_status ON signup_slips (status, updated_at);

-- Single-use links (activation, email verification): only the token's SHA-256.
CREATE TABLE enrollment_tokens (
    token_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    purpose TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    used_at TEXT COLLATE "C"
);
CREATE INDEX enrollment_tokens_account ON enrollment_tokens (account_id);

-- One office PIN per child (a reissue replaces it): only the PIN's SHA-256.
CREATE TABLE link_pins (
    patient_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    pin_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    issued_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    issued_by TEXT COLLATE "C",
    used_at TEXT COLLATE "C",
    failures BIGINT NOT NULL DEFAULT 0,
    locked_at TEXT COLLATE "C"
);

-- A parent's request to link a child by MRN and visit date, for staff.
CREATE TABLE link_requests (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    child_name TEXT COLLATE "C" NOT NULL,
    mrn TEXT COLLATE "C" NOT NULL,
    visit_date TEXT COLLATE "C" NOT NULL,
    relationship TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    decided_by TEXT COLLATE "C",
    decided_at TEXT COLLATE "C"
);
CREATE INDEX link_requests_status ON link_requests (status, created_at);
