-- Evidence on file for a proxy relationship (guardianship papers, a designee's
-- written consent) may have an end date: from the day after, the access policy
-- reads it as no longer on file (ACCESS-POLICY.md rule 4). ISO date or NULL.
ALTER TABLE proxy_relationships ADD COLUMN evidence_expires_on TEXT;
