-- Sprout schema, PostgreSQL dialect. Forward only: never edit once released; add
-- a new numbered file instead.
-- Dates and times are ISO 8601 TEXT; flags are BIGINT 0/1; sensitivity and
-- hidden sections are comma-joined codes. Every TEXT column is COLLATE "C", so
-- ids and ISO dates sort byte-wise, as in SQLite, whatever the database locale.

CREATE TABLE patients (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    source_id TEXT COLLATE "C" UNIQUE,
    mrn TEXT COLLATE "C",
    given_name TEXT COLLATE "C" NOT NULL,
    family_name TEXT COLLATE "C" NOT NULL,
    birth_date TEXT COLLATE "C" NOT NULL,
    sex TEXT COLLATE "C" NOT NULL,
    phone TEXT COLLATE "C",
    email TEXT COLLATE "C",
    address TEXT COLLATE "C",
    gestation_weeks BIGINT,
    confidentiality TEXT COLLATE "C" NOT NULL DEFAULT 'normal',
    sensitivity TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX patients_mrn ON patients (mrn);

CREATE TABLE encounters (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT COLLATE "C" NOT NULL UNIQUE,
    confidentiality TEXT COLLATE "C" NOT NULL,
    sensitivity TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    class_code TEXT COLLATE "C",
    type_text TEXT COLLATE "C",
    reason_text TEXT COLLATE "C",
    period_start TEXT COLLATE "C",
    period_end TEXT COLLATE "C",
    practitioner TEXT COLLATE "C",
    location TEXT COLLATE "C"
);
CREATE INDEX encounters_patient_date ON encounters (patient_id, period_start DESC NULLS LAST);

CREATE TABLE observations (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT COLLATE "C" NOT NULL UNIQUE,
    confidentiality TEXT COLLATE "C" NOT NULL,
    sensitivity TEXT COLLATE "C" NOT NULL,
    category TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    loinc TEXT COLLATE "C",
    display TEXT COLLATE "C" NOT NULL,
    effective TEXT COLLATE "C",
    value_num DOUBLE PRECISION,
    unit TEXT COLLATE "C",
    value_text TEXT COLLATE "C",
    components TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    encounter_source_id TEXT COLLATE "C"
);
CREATE INDEX observations_patient_date ON observations (patient_id, category, effective DESC NULLS LAST);

CREATE TABLE immunizations (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT COLLATE "C" NOT NULL UNIQUE,
    confidentiality TEXT COLLATE "C" NOT NULL,
    sensitivity TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    status_reason TEXT COLLATE "C",
    cvx TEXT COLLATE "C",
    vaccine_text TEXT COLLATE "C" NOT NULL,
    occurrence TEXT COLLATE "C",
    lot_number TEXT COLLATE "C",
    site TEXT COLLATE "C",
    primary_source BIGINT
);
CREATE INDEX immunizations_patient_date ON immunizations (patient_id, occurrence DESC NULLS LAST);

CREATE TABLE medication_requests (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT COLLATE "C" NOT NULL UNIQUE,
    confidentiality TEXT COLLATE "C" NOT NULL,
    sensitivity TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    rxnorm TEXT COLLATE "C",
    medication_text TEXT COLLATE "C" NOT NULL,
    dosage_text TEXT COLLATE "C",
    authored_on TEXT COLLATE "C",
    prescriber TEXT COLLATE "C"
);
CREATE INDEX medication_requests_patient_date ON medication_requests (patient_id, authored_on DESC NULLS LAST);

CREATE TABLE allergies (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT COLLATE "C" NOT NULL UNIQUE,
    confidentiality TEXT COLLATE "C" NOT NULL,
    sensitivity TEXT COLLATE "C" NOT NULL,
    display TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C",
    clinical_status TEXT COLLATE "C",
    verification_status TEXT COLLATE "C",
    category TEXT COLLATE "C",
    criticality TEXT COLLATE "C",
    reaction TEXT COLLATE "C",
    recorded TEXT COLLATE "C"
);
CREATE INDEX allergies_patient_date ON allergies (patient_id, recorded DESC NULLS LAST);

CREATE TABLE conditions (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT COLLATE "C" NOT NULL UNIQUE,
    confidentiality TEXT COLLATE "C" NOT NULL,
    sensitivity TEXT COLLATE "C" NOT NULL,
    display TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C",
    clinical_status TEXT COLLATE "C",
    verification_status TEXT COLLATE "C",
    onset TEXT COLLATE "C",
    abatement TEXT COLLATE "C",
    recorded TEXT COLLATE "C"
);
CREATE INDEX conditions_patient_date ON conditions (patient_id, onset DESC NULLS LAST);

CREATE TABLE accounts (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    email TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name TEXT COLLATE "C" NOT NULL,
    password_hash TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    staff_role TEXT COLLATE "C",
    patient_id TEXT COLLATE "C" REFERENCES patients (id) ON DELETE SET NULL,
    locale TEXT COLLATE "C"
);
CREATE INDEX accounts_patient ON accounts (patient_id);

CREATE TABLE proxy_relationships (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    kind TEXT COLLATE "C" NOT NULL,
    granted_on TEXT COLLATE "C" NOT NULL,
    verified_on TEXT COLLATE "C",
    patient_approved_on TEXT COLLATE "C",
    sections_hidden TEXT COLLATE "C" NOT NULL DEFAULT '',
    evidence_on_file BIGINT NOT NULL DEFAULT 0,
    expires_on TEXT COLLATE "C",
    revoked_on TEXT COLLATE "C"
);
CREATE INDEX proxy_relationships_account ON proxy_relationships (account_id);
CREATE INDEX proxy_relationships_patient ON proxy_relationships (patient_id);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Append-only: no foreign keys (the trail outlives what it names), and
-- triggers refuse UPDATE and DELETE.
CREATE TABLE audit_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C",
    actor_role TEXT COLLATE "C" NOT NULL,
    patient_id TEXT COLLATE "C",
    action TEXT COLLATE "C" NOT NULL,
    object_type TEXT COLLATE "C" NOT NULL,
    object_id TEXT COLLATE "C",
    outcome TEXT COLLATE "C" NOT NULL,
    reason TEXT COLLATE "C",
    client_addr TEXT COLLATE "C",
    request_id TEXT COLLATE "C",
    detail TEXT COLLATE "C"
);
CREATE INDEX audit_events_patient ON audit_events (patient_id, at);
CREATE INDEX audit_events_account ON audit_events (account_id, at);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;

CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
