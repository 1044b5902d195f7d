-- Refill requests, appointments, appointment requests and pre-check-in
-- (issue 6). SQLite dialect. Forward only: never edit once released.
-- Times are UTC RFC 3339 TEXT to the whole second.

-- Appointments (FHIR Appointment), imported or scheduled by staff. The first
-- columns are every item table's; `confirmed_at` and `cancelled_at` are the
-- family's actions in the portal, which a re-import does not overwrite.
CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    visit_type TEXT,
    reason_text TEXT,
    start_at TEXT,
    end_at TEXT,
    practitioner TEXT,
    location TEXT,
    video INTEGER NOT NULL DEFAULT 0,
    confirmed_at TEXT,
    cancelled_at TEXT
);
CREATE INDEX appointments_patient_start ON appointments (patient_id, start_at);

-- The pharmacy a family last chose for a patient (remembered).
CREATE TABLE pharmacy_choices (
    patient_id TEXT PRIMARY KEY NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    pharmacy TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE refill_requests (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    medication_id TEXT NOT NULL REFERENCES medication_requests (id) ON DELETE CASCADE,
    requested_by TEXT NOT NULL REFERENCES accounts (id),
    pharmacy TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT REFERENCES accounts (id),
    decided_at TEXT,
    staff_message TEXT
);
CREATE INDEX refill_requests_patient ON refill_requests (patient_id, created_at);
CREATE INDEX refill_requests_status ON refill_requests (status, created_at);

CREATE TABLE appointment_requests (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    requested_by TEXT NOT NULL REFERENCES accounts (id),
    reason TEXT NOT NULL,
    visit_type TEXT NOT NULL,
    preferred_days TEXT NOT NULL,
    preferred_times TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT REFERENCES accounts (id),
    decided_at TEXT,
    staff_message TEXT,
    appointment_id TEXT REFERENCES appointments (id) ON DELETE SET NULL
);
CREATE INDEX appointment_requests_patient ON appointment_requests (patient_id, created_at);
CREATE INDEX appointment_requests_status ON appointment_requests (status, created_at);

-- The insurance in force: changed only by approving an insurance change.
CREATE TABLE insurance_coverages (
    patient_id TEXT PRIMARY KEY NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    payer TEXT NOT NULL,
    member_id TEXT NOT NULL,
    group_number TEXT NOT NULL,
    subscriber_name TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Insurance details submitted at pre-check-in, held for staff review.
CREATE TABLE insurance_changes (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    appointment_id TEXT REFERENCES appointments (id) ON DELETE SET NULL,
    submitted_by TEXT NOT NULL REFERENCES accounts (id),
    payer TEXT NOT NULL,
    member_id TEXT NOT NULL,
    group_number TEXT NOT NULL,
    subscriber_name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT REFERENCES accounts (id),
    decided_at TEXT,
    staff_message TEXT
);
CREATE INDEX insurance_changes_patient ON insurance_changes (patient_id, created_at);
CREATE INDEX insurance_changes_status ON insurance_changes (status, created_at);

CREATE TABLE check_ins (
    appointment_id TEXT PRIMARY KEY NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    contact_verified_at TEXT,
    completed_at TEXT,
    completed_by TEXT REFERENCES accounts (id)
);

-- A practice document signed at pre-check-in: the typed name, the time and
-- the SHA-256 of the text that was shown.
CREATE TABLE document_signatures (
    appointment_id TEXT NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    typed_name TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    signed_by TEXT NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (appointment_id, document_id)
);
