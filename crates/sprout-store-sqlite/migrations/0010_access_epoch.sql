-- Access epoch (sprout_store::access_signal): a counter that every change
-- to what decides who may see what bumps in its own transaction, whoever
-- commits it (the server, another process such as `sprout import`). The
-- server polls it and drops the sessions and families it keeps in memory
-- when it moves. A session's `last_seen_at` (written every 30 s) is left out:
-- it changes no one's access.
CREATE TABLE access_epoch (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO access_epoch (id, n) VALUES (1, 0);
CREATE TRIGGER accounts_access_ins AFTER INSERT ON accounts
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER accounts_access_upd AFTER UPDATE ON accounts
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER accounts_access_del AFTER DELETE ON accounts
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER account_security_access_ins AFTER INSERT ON account_security
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER account_security_access_upd AFTER UPDATE ON account_security
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER account_security_access_del AFTER DELETE ON account_security
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER patients_access_ins AFTER INSERT ON patients
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER patients_access_upd AFTER UPDATE ON patients
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER patients_access_del AFTER DELETE ON patients
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER proxy_relationships_access_ins AFTER INSERT ON proxy_relationships
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER proxy_relationships_access_upd AFTER UPDATE ON proxy_relationships
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER proxy_relationships_access_del AFTER DELETE ON proxy_relationships
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_access_del AFTER DELETE ON sessions
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_access_upd AFTER UPDATE OF account_id, csrf_token, created_at, expires_at, reauth_at ON sessions
    BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
