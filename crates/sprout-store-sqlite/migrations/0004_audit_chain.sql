-- The audit trail, hash-chained (issue 8). SQLite dialect. Forward only: never
-- edit once released.
--
-- Each event now carries on whose behalf it was done (the proxy relationship),
-- the hash of the event before it and its own hash (see sprout_store::audit).
-- `seq` is the chain's order: the store gives each appended event the next
-- number from `audit_chain_head`, updated in the same transaction (which also
-- serialises appenders). Events already stored are not chained: the head's
-- `chain_start` records the last of them.
--
-- Retention: events are never deleted (the triggers of 0001 refuse UPDATE and
-- DELETE); a practice may state a longer retention than 10 years, never a
-- shorter one.

ALTER TABLE audit_events ADD COLUMN on_behalf_of TEXT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;

CREATE TABLE audit_chain_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    chain_start INTEGER NOT NULL
);

INSERT INTO audit_chain_head (id, seq, hash, chain_start)
SELECT 1, COALESCE(MAX(seq), 0),
       '0000000000000000000000000000000000000000000000000000000000000000',
       COALESCE(MAX(seq), 0)
FROM audit_events;

-- The head only moves forward and is never removed.
CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head
WHEN NEW.seq < OLD.seq OR NEW.chain_start <> OLD.chain_start OR NEW.id <> OLD.id
BEGIN
    SELECT RAISE(ABORT, 'the audit chain head only moves forward');
END;

CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
BEGIN
    SELECT RAISE(ABORT, 'the audit chain head only moves forward');
END;

CREATE INDEX audit_events_action ON audit_events (action, at);
