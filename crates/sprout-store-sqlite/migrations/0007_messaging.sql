-- Secure messaging (issue 5): threads, messages, attachments' records, read
-- marks. SQLite dialect. Forward only: never edit once released. Times are
-- UTC RFC 3339 TEXT to the whole second, so they compare as text.

-- A conversation between a family and the care team about one patient.
-- `started_by`: the family-side participant. `due_at`: when staff must reply
-- (NULL when staff had the last word or the thread is closed);
-- `reminded_due_at`: the due time an overdue reminder went out for.
CREATE TABLE message_threads (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    pool TEXT NOT NULL,
    subject TEXT NOT NULL,
    started_by TEXT NOT NULL REFERENCES accounts (id),
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    assigned_to TEXT REFERENCES accounts (id),
    due_at TEXT,
    reminded_due_at TEXT,
    last_message_at TEXT NOT NULL,
    message_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX message_threads_patient ON message_threads (patient_id, last_message_at);
CREATE INDEX message_threads_inbox ON message_threads (pool, status, due_at);

-- One message; `seq` numbers it within its thread. The author's idempotency
-- key makes a retried post store nothing new (NULLs never collide).
CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    thread_id TEXT NOT NULL REFERENCES message_threads (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    author_account_id TEXT NOT NULL REFERENCES accounts (id),
    author_name TEXT NOT NULL,
    side TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    idempotency_key TEXT,
    UNIQUE (thread_id, seq),
    UNIQUE (author_account_id, idempotency_key)
);

-- A file of a message: stored in the attachments folder under `id` (random),
-- never under the user's file name, with its SHA-256.
CREATE TABLE message_attachments (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE INDEX message_attachments_message ON message_attachments (message_id, position);

-- How far each account has read each thread.
CREATE TABLE message_reads (
    thread_id TEXT NOT NULL REFERENCES message_threads (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    read_seq INTEGER NOT NULL,
    PRIMARY KEY (thread_id, account_id)
);
