-- Results, notes and documents; release rules; sensitivity classification
-- (issue 7). SQLite dialect.

-- Laboratory details of Observations.
ALTER TABLE observations ADD COLUMN reference_range TEXT;
ALTER TABLE observations ADD COLUMN interpretation TEXT;
ALTER TABLE observations ADD COLUMN issued TEXT;

CREATE TABLE diagnostic_reports (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT,
    loinc TEXT,
    display TEXT NOT NULL,
    effective TEXT,
    issued TEXT,
    conclusion TEXT,
    report_text TEXT,
    result_source_ids TEXT NOT NULL DEFAULT '[]',
    performer TEXT,
    encounter_source_id TEXT
);
CREATE INDEX diagnostic_reports_patient_date ON diagnostic_reports (patient_id, effective DESC);

CREATE TABLE document_references (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    source_id TEXT NOT NULL UNIQUE,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    type_code TEXT,
    type_text TEXT NOT NULL,
    doc_date TEXT,
    description TEXT,
    author TEXT,
    encounter_source_id TEXT,
    doc_text TEXT,
    attachment_type TEXT,
    attachment_title TEXT,
    attachment_size INTEGER,
    attachment_data TEXT
);
CREATE INDEX document_references_patient_date ON document_references (patient_id, doc_date DESC);

-- Why an item is sensitive: one row per rule that matched at import
-- (`meta.security:STD`, `sprout:loinc:43304-5`, `config:icd10cm:F40-F48`).
CREATE TABLE item_label_matches (
    resource_type TEXT NOT NULL,
    source_id TEXT NOT NULL,
    category TEXT NOT NULL,
    rule TEXT NOT NULL,
    PRIMARY KEY (resource_type, source_id, rule)
);

-- A clinician's corrections of an item's labels, newest wins; re-applied
-- after every import so an import never undoes one.
CREATE TABLE item_label_corrections (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    account_id TEXT NOT NULL,
    confidentiality TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX item_label_corrections_item ON item_label_corrections (item_id, at);

-- Staff releases of items held by an `on-staff-release` rule or a hold.
CREATE TABLE item_releases (
    item_id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    released_at TEXT NOT NULL,
    released_by TEXT NOT NULL
);
CREATE INDEX item_releases_patient ON item_releases (patient_id);

-- A family member's request to hold new results until a clinician has
-- talked to them.
CREATE TABLE result_holds (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    ended_at TEXT,
    ended_by TEXT
);
CREATE INDEX result_holds_patient ON result_holds (patient_id, requested_at);
