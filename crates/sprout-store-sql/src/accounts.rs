//! [`AccountStore`], [`ProxyStore`], [`SessionStore`] and [`SeedStore`]: who can
//! sign in, for whom they may act, who is signed in now, and the one write that
//! creates records, accounts and relationships together (demo seeding).

use crate::row::{self};
use crate::Read;
use crate::{map_err, SqlStore};
use async_trait::async_trait;
use sprout_domain::people::{Account, AccountStatus, ProxyRelationship};
use sprout_domain::record::Section;
use sprout_domain::{AccountId, PatientId};
use sprout_store::{
    normalize_email, AccountStore, ImportBatch, NewAccount, ProxyStore, SeedStore, Session,
    SessionStore, StoreError, StoreResult, WrittenCounts,
};
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

const ACCOUNT_COLS: &str = "id, email, display_name, status, staff_role, patient_id, locale";

pub(crate) fn account_from_row(r: &AnyRow) -> StoreResult<Account> {
    Ok(Account {
        id: row::id(r, "id", AccountId::parse)?,
        email: row::text(r, "email")?,
        display_name: row::text(r, "display_name")?,
        status: row::parsed(r, "status")?,
        staff_role: row::opt_parsed(r, "staff_role")?,
        patient_id: row::opt_id(r, "patient_id", PatientId::parse)?,
        locale: row::opt_text(r, "locale")?,
    })
}

/// An `UPDATE` that must touch one row: none touched is [`StoreError::NotFound`].
fn one_row(result: sqlx::any::AnyQueryResult) -> StoreResult<()> {
    if result.rows_affected() == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// The `INSERT` of a new account, its email already normalised.
pub(crate) fn insert_account<'q>(account: &'q NewAccount, email: &'q str) -> AnyQuery<'q> {
    sqlx::query(
        "INSERT INTO accounts (id, email, display_name, password_hash, status, staff_role, patient_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(account.id.as_str())
    .bind(email)
    .bind(account.display_name.as_str())
    .bind(account.password_hash.as_str())
    .bind(account.status.code())
    .bind(account.staff_role.map(|r| r.code()))
    .bind(account.patient_id.as_ref().map(PatientId::as_str))
}

/// A conflict creating an account says which rule, not which email.
pub(crate) fn account_err(e: sqlx::Error) -> StoreError {
    match map_err(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict("account id or email already in use".into())
        }
        other => other,
    }
}

fn created_account(account: &NewAccount, email: String) -> Account {
    Account {
        id: account.id.clone(),
        email,
        display_name: account.display_name.clone(),
        status: account.status,
        staff_role: account.staff_role,
        patient_id: account.patient_id.clone(),
        locale: None,
    }
}

#[async_trait]
impl AccountStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn create_account(&self, account: &NewAccount) -> StoreResult<Account> {
        let email = normalize_email(&account.email);
        insert_account(account, &email)
            .execute(&self.pool)
            .await
            .map_err(account_err)?;
        self.access_changed();
        Ok(created_account(account, email))
    }

    #[tracing::instrument(skip_all)]
    async fn account_by_email(&self, email: &str) -> StoreResult<Option<(Account, String)>> {
        let sql = format!("SELECT {ACCOUNT_COLS}, password_hash FROM accounts WHERE email = $1");
        let Some(r) = sqlx::query(&sql)
            .bind(normalize_email(email))
            .read_optional(self)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((
            account_from_row(&r)?,
            row::text(&r, "password_hash")?,
        )))
    }

    #[tracing::instrument(skip_all)]
    async fn account(&self, id: &AccountId) -> StoreResult<Option<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = $1");
        sqlx::query(&sql)
            .bind(id.as_str())
            .read_optional(self)
            .await?
            .as_ref()
            .map(account_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn set_locale(&self, id: &AccountId, locale: &str) -> StoreResult<()> {
        let r = sqlx::query("UPDATE accounts SET locale = $2 WHERE id = $1")
            .bind(id.as_str())
            .bind(locale)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        self.access_changed();
        one_row(r)
    }

    #[tracing::instrument(skip_all, fields(status = status.code()))]
    async fn set_account_status(&self, id: &AccountId, status: AccountStatus) -> StoreResult<()> {
        let r = sqlx::query("UPDATE accounts SET status = $2 WHERE id = $1")
            .bind(id.as_str())
            .bind(status.code())
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        self.access_changed();
        one_row(r)
    }

    #[tracing::instrument(skip_all)]
    async fn account_of_patient(&self, patient: &PatientId) -> StoreResult<Option<Account>> {
        // One own login per patient is the rule; should there be more, an
        // active one wins, then the lowest id, so the answer is stable.
        let sql = format!(
            "SELECT {ACCOUNT_COLS} FROM accounts WHERE patient_id = $1 \
             ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, id LIMIT 1"
        );
        sqlx::query(&sql)
            .bind(patient.as_str())
            .read_optional(self)
            .await?
            .as_ref()
            .map(account_from_row)
            .transpose()
    }

    #[tracing::instrument(skip_all, fields(n = patients.len()))]
    async fn accounts_of_patients(
        &self,
        patients: &[PatientId],
    ) -> StoreResult<BTreeMap<PatientId, Account>> {
        let mut out: BTreeMap<PatientId, Account> = BTreeMap::new();
        for chunk in patients.chunks(500) {
            let sql = format!(
                "SELECT {ACCOUNT_COLS} FROM accounts WHERE patient_id IN ({})",
                crate::row::placeholders(self.backend, 1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for p in chunk {
                q = q.bind(p.as_str());
            }
            for r in q.read_all(self).await? {
                let a = account_from_row(&r)?;
                let Some(patient) = a.patient_id.clone() else {
                    continue;
                };
                // As `account_of_patient`: an active one wins, then the
                // lowest id.
                let rank = |x: &Account| (x.status != AccountStatus::Active, x.id.clone());
                match out.get(&patient) {
                    Some(kept) if rank(kept) <= rank(&a) => {}
                    _ => {
                        out.insert(patient, a);
                    }
                }
            }
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn has_any_account(&self) -> StoreResult<bool> {
        Ok(sqlx::query("SELECT id FROM accounts LIMIT 1")
            .read_optional(self)
            .await?
            .is_some())
    }
}

const REL_COLS: &str = "id, account_id, patient_id, kind, granted_on, verified_on, \
     patient_approved_on, sections_hidden, evidence_on_file, expires_on, revoked_on, \
     evidence_expires_on";

fn sections_text(sections: &[Section]) -> String {
    sections
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(",")
}

fn relationship_from_row(r: &AnyRow) -> StoreResult<ProxyRelationship> {
    let sections_hidden = row::text(r, "sections_hidden")?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<Section>()
                .map_err(|_| StoreError::Corrupt("column sections_hidden: unknown section".into()))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(ProxyRelationship {
        id: row::text(r, "id")?,
        account_id: row::id(r, "account_id", AccountId::parse)?,
        patient_id: row::id(r, "patient_id", PatientId::parse)?,
        kind: row::parsed(r, "kind")?,
        granted_on: row::date(r, "granted_on")?,
        verified_on: row::opt_date(r, "verified_on")?,
        patient_approved_on: row::opt_date(r, "patient_approved_on")?,
        sections_hidden,
        evidence_on_file: row::int(r, "evidence_on_file")? != 0,
        evidence_expires_on: row::opt_date(r, "evidence_expires_on")?,
        expires_on: row::opt_date(r, "expires_on")?,
        revoked_on: row::opt_date(r, "revoked_on")?,
    })
}

/// The `INSERT` of a new relationship.
pub(crate) fn insert_relationship(rel: &ProxyRelationship) -> AnyQuery<'_> {
    sqlx::query(
        "INSERT INTO proxy_relationships (id, account_id, patient_id, kind, granted_on, \
         verified_on, patient_approved_on, sections_hidden, evidence_on_file, expires_on, revoked_on, \
         evidence_expires_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(rel.id.as_str())
    .bind(rel.account_id.as_str())
    .bind(rel.patient_id.as_str())
    .bind(rel.kind.code())
    .bind(rel.granted_on.to_string())
    .bind(rel.verified_on.map(|d| d.to_string()))
    .bind(rel.patient_approved_on.map(|d| d.to_string()))
    .bind(sections_text(&rel.sections_hidden))
    .bind(i64::from(rel.evidence_on_file))
    .bind(rel.expires_on.map(|d| d.to_string()))
    .bind(rel.revoked_on.map(|d| d.to_string()))
    .bind(rel.evidence_expires_on.map(|d| d.to_string()))
}

impl SqlStore {
    async fn relationships_where(
        &self,
        column: &str,
        value: &str,
    ) -> StoreResult<Vec<ProxyRelationship>> {
        let sql = format!(
            "SELECT {REL_COLS} FROM proxy_relationships WHERE {column} = $1 ORDER BY granted_on, id"
        );
        sqlx::query(&sql)
            .bind(value)
            .read_all(self)
            .await?
            .iter()
            .map(relationship_from_row)
            .collect()
    }
}

#[async_trait]
impl ProxyStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn add_relationship(&self, rel: &ProxyRelationship) -> StoreResult<()> {
        insert_relationship(rel)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        self.access_changed();
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn update_relationship(&self, rel: &ProxyRelationship) -> StoreResult<()> {
        let r = sqlx::query(
            "UPDATE proxy_relationships SET verified_on = $2, patient_approved_on = $3, \
             sections_hidden = $4, evidence_on_file = $5, expires_on = $6, revoked_on = $7, \
             evidence_expires_on = $8 \
             WHERE id = $1",
        )
        .bind(rel.id.as_str())
        .bind(rel.verified_on.map(|d| d.to_string()))
        .bind(rel.patient_approved_on.map(|d| d.to_string()))
        .bind(sections_text(&rel.sections_hidden))
        .bind(i64::from(rel.evidence_on_file))
        .bind(rel.expires_on.map(|d| d.to_string()))
        .bind(rel.revoked_on.map(|d| d.to_string()))
        .bind(rel.evidence_expires_on.map(|d| d.to_string()))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        self.access_changed();
        one_row(r)
    }

    #[tracing::instrument(skip_all)]
    async fn relationships_of_account(
        &self,
        account: &AccountId,
    ) -> StoreResult<Vec<ProxyRelationship>> {
        self.relationships_where("account_id", account.as_str())
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn relationships_of_patient(
        &self,
        patient: &PatientId,
    ) -> StoreResult<Vec<ProxyRelationship>> {
        self.relationships_where("patient_id", patient.as_str())
            .await
    }
}

#[async_trait]
impl SeedStore for SqlStore {
    #[tracing::instrument(skip_all, fields(
        patients = batch.patients.len(),
        items = batch.items.len(),
        accounts = accounts.len(),
        relationships = relationships.len(),
    ))]
    async fn seed_batch(
        &self,
        batch: &ImportBatch,
        accounts: &[NewAccount],
        relationships: &[ProxyRelationship],
    ) -> StoreResult<WrittenCounts> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let mut counts = self.write_batch(&mut tx, batch).await?;
        for a in accounts {
            let email = normalize_email(&a.email);
            insert_account(a, &email)
                .execute(&mut *tx)
                .await
                .map_err(account_err)?;
        }
        for r in relationships {
            insert_relationship(r)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        if !accounts.is_empty() {
            counts.insert("Account".to_owned(), accounts.len() as u64);
        }
        if !relationships.is_empty() {
            counts.insert("RelatedPerson".to_owned(), relationships.len() as u64);
        }
        self.access_changed();
        Ok(counts)
    }
}

#[async_trait]
impl SessionStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session.token_hash.as_str())
        .bind(session.account_id.as_str())
        .bind(session.csrf_token.as_str())
        .bind(session.created_at.as_str())
        .bind(session.expires_at.as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| match map_err(e) {
            // Never echo anything about the token.
            StoreError::Conflict(_) => StoreError::Conflict("session already exists".into()),
            other => other,
        })?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        let Some(r) = sqlx::query(
            "SELECT token_hash, account_id, csrf_token, created_at, expires_at \
             FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .read_optional(self)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(Session {
            token_hash: row::text(&r, "token_hash")?,
            account_id: row::id(&r, "account_id", AccountId::parse)?,
            csrf_token: row::text(&r, "csrf_token")?,
            created_at: row::text(&r, "created_at")?,
            expires_at: row::text(&r, "expires_at")?,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        self.access_changed();
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn delete_expired_sessions(&self, now: &str) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        self.access_changed();
        Ok(r.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::sections_text;
    use sprout_domain::record::Section;

    #[test]
    fn sections_join_with_commas() {
        assert_eq!(sections_text(&[]), "");
        assert_eq!(
            sections_text(&[Section::Vitals, Section::LabResults]),
            "vitals,lab-results"
        );
    }
}
