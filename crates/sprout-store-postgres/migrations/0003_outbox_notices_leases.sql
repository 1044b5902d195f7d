-- The email outbox, the record of notices sent, and leases for scheduled jobs
-- (sprout-jobs). PostgreSQL dialect. Forward only: never edit once released.
-- Every TEXT column is COLLATE "C", as in 0001, so ids and times sort byte-wise.
-- Times are UTC RFC 3339 TEXT to the whole second ("2026-05-01T10:00:00Z"), so
-- they compare as text.

-- Email waits here until a sender job sends it; a failed send is retried, not
-- lost. `claimed_by` / `claimed_until`: the sender holding it right now.
CREATE TABLE outbox (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    to_address TEXT COLLATE "C" NOT NULL,
    subject TEXT COLLATE "C" NOT NULL,
    body_text TEXT COLLATE "C" NOT NULL,
    body_html TEXT COLLATE "C",
    locale TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT COLLATE "C" NOT NULL,
    claimed_by TEXT COLLATE "C",
    claimed_until TEXT COLLATE "C",
    sent_at TEXT COLLATE "C",
    last_error TEXT COLLATE "C"
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_created ON outbox (created_at);

-- One row per notice sent: the unique key makes each notice once, whichever
-- node or run gets there first.
CREATE TABLE notices_sent (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    recipient_account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    occasion TEXT COLLATE "C" NOT NULL,
    outbox_id TEXT COLLATE "C" NOT NULL,
    recorded_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (kind, patient_id, recipient_account_id, occasion)
);
CREATE INDEX notices_sent_patient ON notices_sent (patient_id, recorded_at);
CREATE INDEX notices_sent_recipient ON notices_sent (recipient_account_id);

-- A scheduled job's lease: held by one node until it expires.
CREATE TABLE job_leases (
    job TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    holder TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
);

-- The notice job looks patients up by birth date.
CREATE INDEX patients_birth_date ON patients (birth_date);
