-- Sprout schema, SQLite dialect. Forward only: never edit once released; add
-- a new numbered file instead.
-- Dates and times are ISO 8601 TEXT; flags are INTEGER 0/1; sensitivity and
-- hidden sections are comma-joined codes.

CREATE TABLE patients (
    id TEXT PRIMARY KEY NOT NULL,
    source_id TEXT UNIQUE,
    mrn TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    address TEXT,
    gestation_weeks INTEGER,
    confidentiality TEXT NOT NULL DEFAULT 'normal',
    sensitivity TEXT NOT NULL DEFAULT ''
);
CREATE INDEX patients_mrn ON patients (mrn);

CREATE TABLE encounters (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    class_code TEXT,
    type_text TEXT,
    reason_text TEXT,
    period_start TEXT,
    period_end TEXT,
    practitioner TEXT,
    location TEXT
);
CREATE INDEX encounters_patient_date ON encounters (patient_id, period_start DESC);

CREATE TABLE observations (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    loinc TEXT,
    display TEXT NOT NULL,
    effective TEXT,
    value_num REAL,
    unit TEXT,
    value_text TEXT,
    components TEXT NOT NULL DEFAULT '[]',
    encounter_source_id TEXT
);
CREATE INDEX observations_patient_date ON observations (patient_id, category, effective DESC);

CREATE TABLE immunizations (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    cvx TEXT,
    vaccine_text TEXT NOT NULL,
    occurrence TEXT,
    lot_number TEXT,
    site TEXT,
    primary_source INTEGER
);
CREATE INDEX immunizations_patient_date ON immunizations (patient_id, occurrence DESC);

CREATE TABLE medication_requests (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    rxnorm TEXT,
    medication_text TEXT NOT NULL,
    dosage_text TEXT,
    authored_on TEXT,
    prescriber TEXT
);
CREATE INDEX medication_requests_patient_date ON medication_requests (patient_id, authored_on DESC);

CREATE TABLE allergies (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    display TEXT NOT NULL,
    code TEXT,
    clinical_status TEXT,
    verification_status TEXT,
    category TEXT,
    criticality TEXT,
    reaction TEXT,
    recorded TEXT
);
CREATE INDEX allergies_patient_date ON allergies (patient_id, recorded DESC);

CREATE TABLE conditions (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    display TEXT NOT NULL,
    code TEXT,
    clinical_status TEXT,
    verification_status TEXT,
    onset TEXT,
    abatement TEXT,
    recorded TEXT
);
CREATE INDEX conditions_patient_date ON conditions (patient_id, onset DESC);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    staff_role TEXT,
    patient_id TEXT REFERENCES patients (id) ON DELETE SET NULL,
    locale TEXT
);
CREATE INDEX accounts_patient ON accounts (patient_id);

CREATE TABLE proxy_relationships (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    granted_on TEXT NOT NULL,
    verified_on TEXT,
    patient_approved_on TEXT,
    sections_hidden TEXT NOT NULL DEFAULT '',
    evidence_on_file INTEGER NOT NULL DEFAULT 0,
    expires_on TEXT,
    revoked_on TEXT
);
CREATE INDEX proxy_relationships_account ON proxy_relationships (account_id);
CREATE INDEX proxy_relationships_patient ON proxy_relationships (patient_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Append-only: no foreign keys (the trail outlives what it names), and
-- triggers refuse UPDATE and DELETE.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    account_id TEXT,
    actor_role TEXT NOT NULL,
    patient_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    outcome TEXT NOT NULL,
    reason TEXT,
    client_addr TEXT,
    request_id TEXT,
    detail TEXT
);
CREATE INDEX audit_events_patient ON audit_events (patient_id, at);
CREATE INDEX audit_events_account ON audit_events (account_id, at);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
