-- Refill requests, appointments, appointment requests and pre-check-in
-- (issue 6). PostgreSQL dialect: every TEXT column is COLLATE "C", as in 0001.
-- Forward only: never edit once released.
-- Times are UTC RFC 3339 TEXT to the whole second.

-- Appointments (FHIR Appointment), imported or scheduled by staff. The first
-- columns are every item table's; `confirmed_at` and `cancelled_at` are the
-- family's actions in the portal, which a re-import does not overwrite.
CREATE TABLE appointments (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT COLLATE "C" NOT NULL UNIQUE,
    confidentiality TEXT COLLATE "C" NOT NULL,
    sensitivity TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    visit_type TEXT COLLATE "C",
    reason_text TEXT COLLATE "C",
    start_at TEXT COLLATE "C",
    end_at TEXT COLLATE "C",
    practitioner TEXT COLLATE "C",
    location TEXT COLLATE "C",
    video BIGINT NOT NULL DEFAULT 0,
    confirmed_at TEXT COLLATE "C",
    cancelled_at TEXT COLLATE "C"
);
CREATE INDEX appointments_patient_start ON appointments (patient_id, start_at);

-- The pharmacy a family last chose for a patient (remembered).
CREATE TABLE pharmacy_choices (
    patient_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    pharmacy TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE refill_requests (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    medication_id TEXT COLLATE "C" NOT NULL REFERENCES medication_requests (id) ON DELETE CASCADE,
    requested_by TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    pharmacy TEXT COLLATE "C" NOT NULL,
    note TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    decided_by TEXT COLLATE "C" REFERENCES accounts (id),
    decided_at TEXT COLLATE "C",
    staff_message TEXT COLLATE "C"
);
CREATE INDEX refill_requests_patient ON refill_requests (patient_id, created_at);
CREATE INDEX refill_requests_status ON refill_requests (status, created_at);

CREATE TABLE appointment_requests (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    requested_by TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    reason TEXT COLLATE "C" NOT NULL,
    visit_type TEXT COLLATE "C" NOT NULL,
    preferred_days TEXT COLLATE "C" NOT NULL,
    preferred_times TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    decided_by TEXT COLLATE "C" REFERENCES accounts (id),
    decided_at TEXT COLLATE "C",
    staff_message TEXT COLLATE "C",
    appointment_id TEXT COLLATE "C" REFERENCES appointments (id) ON DELETE SET NULL
);
CREATE INDEX appointment_requests_patient ON appointment_requests (patient_id, created_at);
CREATE INDEX appointment_requests_status ON appointment_requests (status, created_at);

-- The insurance in force: changed only by approving an insurance change.
CREATE TABLE insurance_coverages (
    patient_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    payer TEXT COLLATE "C" NOT NULL,
    member_id TEXT COLLATE "C" NOT NULL,
    group_number TEXT COLLATE "C" NOT NULL,
    subscriber_name TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);

-- Insurance details submitted at pre-check-in, held for staff review.
CREATE TABLE insurance_changes (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    appointment_id TEXT COLLATE "C" REFERENCES appointments (id) ON DELETE SET NULL,
    submitted_by TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    payer TEXT COLLATE "C" NOT NULL,
    member_id TEXT COLLATE "C" NOT NULL,
    group_number TEXT COLLATE "C" NOT NULL,
    subscriber_name TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    decided_by TEXT COLLATE "C" REFERENCES accounts (id),
    decided_at TEXT COLLATE "C",
    staff_message TEXT COLLATE "C"
);
CREATE INDEX insurance_changes_patient ON insurance_changes (patient_id, created_at);
CREATE INDEX insurance_changes_status ON insurance_changes (status, created_at);

CREATE TABLE check_ins (
    appointment_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    contact_verified_at TEXT COLLATE "C",
    completed_at TEXT COLLATE "C",
    completed_by TEXT COLLATE "C" REFERENCES accounts (id)
);

-- A practice document signed at pre-check-in: the typed name, the time and
-- the SHA-256 of the text that was shown.
CREATE TABLE document_signatures (
    appointment_id TEXT COLLATE "C" NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    patient_id TEXT COLLATE "C" NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    document_id TEXT COLLATE "C" NOT NULL,
    document_sha256 TEXT COLLATE "C" NOT NULL,
    typed_name TEXT COLLATE "C" NOT NULL,
    signed_at TEXT COLLATE "C" NOT NULL,
    signed_by TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (appointment_id, document_id)
);
