-- The email outbox, the record of notices sent, and leases for scheduled jobs
-- (sprout-jobs). SQLite dialect. Forward only: never edit once released.
-- Times are UTC RFC 3339 TEXT to the whole second ("2026-05-01T10:00:00Z"), so
-- they compare as text.

-- Email waits here until a sender job sends it; a failed send is retried, not
-- lost. `claimed_by` / `claimed_until`: the sender holding it right now.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    locale TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_created ON outbox (created_at);

-- One row per notice sent: the unique key makes each notice once, whichever
-- node or run gets there first.
CREATE TABLE notices_sent (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    recipient_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    occasion TEXT NOT NULL,
    outbox_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (kind, patient_id, recipient_account_id, occasion)
);
CREATE INDEX notices_sent_patient ON notices_sent (patient_id, recorded_at);
CREATE INDEX notices_sent_recipient ON notices_sent (recipient_account_id);

-- A scheduled job's lease: held by one node until it expires.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- The notice job looks patients up by birth date.
CREATE INDEX patients_birth_date ON patients (birth_date);
