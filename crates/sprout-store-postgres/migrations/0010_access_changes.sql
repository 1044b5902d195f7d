-- Access changes (sprout_store::access_signal): every change to what decides
-- who may see what sends a notification on channel `sprout_access`,
-- delivered when its transaction commits (several in one transaction arrive
-- as one), whoever commits it. Every app node listens and drops the sessions
-- and families it keeps in memory. A session's `last_seen_at` (written every
-- 30 s) is left out: it changes no one's access. A notification instead of a
-- counter row: concurrent writers would queue on that row's lock.
CREATE FUNCTION sprout_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sprout_access', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER accounts_access AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION sprout_access_changed();
CREATE TRIGGER account_security_access AFTER INSERT OR UPDATE OR DELETE ON account_security
    FOR EACH STATEMENT EXECUTE FUNCTION sprout_access_changed();
CREATE TRIGGER patients_access AFTER INSERT OR UPDATE OR DELETE ON patients
    FOR EACH STATEMENT EXECUTE FUNCTION sprout_access_changed();
CREATE TRIGGER proxy_relationships_access AFTER INSERT OR UPDATE OR DELETE ON proxy_relationships
    FOR EACH STATEMENT EXECUTE FUNCTION sprout_access_changed();
CREATE TRIGGER sessions_access AFTER DELETE OR UPDATE OF account_id, csrf_token, created_at, expires_at, reauth_at ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION sprout_access_changed();
