//! [`SecurityStore`]: the tables of migration 5 (account security).
//!
//! The single-use guarantees are the database's: a TOTP step, a recovery code,
//! a reset link and a pending sign-in are each consumed by one `UPDATE` or
//! `DELETE` whose `WHERE` re-checks that they are unused, so of two requests
//! racing with the same code exactly one wins, on any node.

use crate::row;
use crate::Read;
use crate::{map_err, SqlStore};
use async_trait::async_trait;
use jiff::Timestamp;
use sprout_domain::AccountId;
use sprout_store::security::{
    AccountSecurity, PasswordReset, SecurityStore, SessionActivity, SessionContext, SignInChallenge,
};
use sprout_store::{Session, StoreError, StoreResult};
use sqlx::any::AnyRow;

/// A time as stored: UTC, whole seconds, `2026-05-01T10:00:00Z`.
fn ts(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn opt_ts(r: &AnyRow, col: &str) -> StoreResult<Option<Timestamp>> {
    row::opt_parsed(r, col)
}

fn count(r: &AnyRow, col: &str) -> StoreResult<u32> {
    u32::try_from(row::int(r, col)?)
        .map_err(|_| StoreError::Corrupt(format!("column {col}: out of range")))
}

/// Makes sure the account has a settings row (no error when it has one).
async fn ensure_row<'e, E>(exec: E, account: &AccountId) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO account_security (account_id) VALUES ($1) ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account.as_str())
    .execute(exec)
    .await
    .map_err(map_err)?;
    Ok(())
}

#[async_trait]
impl SecurityStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn account_security(&self, account: &AccountId) -> StoreResult<AccountSecurity> {
        let r = sqlx::query(
            "SELECT totp_secret, totp_last_step, totp_enrolled_at, password_changed_at, \
             temporary_password_until FROM account_security WHERE account_id = $1",
        )
        .bind(account.as_str())
        .read_optional(self)
        .await?;
        let Some(r) = r else {
            return Ok(AccountSecurity::none(account.clone()));
        };
        Ok(AccountSecurity {
            account_id: account.clone(),
            totp_secret: row::opt_text(&r, "totp_secret")?,
            totp_last_step: row::opt_int(&r, "totp_last_step")?,
            totp_enrolled_at: opt_ts(&r, "totp_enrolled_at")?,
            password_changed_at: opt_ts(&r, "password_changed_at")?,
            temporary_password_until: opt_ts(&r, "temporary_password_until")?,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn enroll_totp(
        &self,
        account: &AccountId,
        secret: &str,
        recovery_code_hashes: &[String],
        now: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        ensure_row(&mut *tx, account).await?;
        sqlx::query(
            "UPDATE account_security SET totp_secret = $2, totp_last_step = NULL, \
             totp_enrolled_at = $3 WHERE account_id = $1",
        )
        .bind(account.as_str())
        .bind(secret)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
            .bind(account.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        for h in recovery_code_hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2) \
                 ON CONFLICT (account_id, code_hash) DO NOTHING",
            )
            .bind(account.as_str())
            .bind(h.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        self.access_changed();
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn remove_totp(&self, account: &AccountId) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(
            "UPDATE account_security SET totp_secret = NULL, totp_last_step = NULL, \
             totp_enrolled_at = NULL WHERE account_id = $1",
        )
        .bind(account.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
            .bind(account.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        self.access_changed();
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn use_totp_step(&self, account: &AccountId, step: i64) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE account_security SET totp_last_step = $2 \
             WHERE account_id = $1 AND totp_secret IS NOT NULL \
             AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(account.as_str())
        .bind(step)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        self.access_changed();
        Ok(r.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn use_recovery_code(
        &self,
        account: &AccountId,
        code_hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 \
             WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(account.as_str())
        .bind(code_hash)
        .bind(ts(now))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(r.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn recovery_codes_left(&self, account: &AccountId) -> StoreResult<u32> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL",
        )
        .bind(account.as_str())
        .read_one(self)
        .await?;
        count(&r, "n")
    }

    #[tracing::instrument(skip_all)]
    async fn password_hash(&self, account: &AccountId) -> StoreResult<Option<String>> {
        let r = sqlx::query("SELECT password_hash FROM accounts WHERE id = $1")
            .bind(account.as_str())
            .read_optional(self)
            .await?;
        r.map(|r| row::text(&r, "password_hash")).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn set_password(
        &self,
        account: &AccountId,
        password_hash: &str,
        now: Timestamp,
        temporary_until: Option<Timestamp>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let r = sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
            .bind(account.as_str())
            .bind(password_hash)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        ensure_row(&mut *tx, account).await?;
        sqlx::query(
            "UPDATE account_security SET password_changed_at = $2, temporary_password_until = $3 \
             WHERE account_id = $1",
        )
        .bind(account.as_str())
        .bind(ts(now))
        .bind(temporary_until.map(ts))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        sqlx::query(
            "UPDATE password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
        )
        .bind(account.as_str())
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        self.access_changed();
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn create_password_reset(&self, reset: &PasswordReset) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at, used_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(reset.token_hash.as_str())
        .bind(reset.account_id.as_str())
        .bind(ts(reset.created_at))
        .bind(ts(reset.expires_at))
        .bind(reset.used_at.map(ts))
        .execute(&self.pool)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict("reset link already exists".into()),
            other => other,
        })?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn password_reset(&self, token_hash: &str) -> StoreResult<Option<PasswordReset>> {
        let Some(r) = sqlx::query(
            "SELECT token_hash, account_id, created_at, expires_at, used_at \
             FROM password_resets WHERE token_hash = $1",
        )
        .bind(token_hash)
        .read_optional(self)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(PasswordReset {
            token_hash: row::text(&r, "token_hash")?,
            account_id: row::id(&r, "account_id", AccountId::parse)?,
            created_at: row::parsed(&r, "created_at")?,
            expires_at: row::parsed(&r, "expires_at")?,
            used_at: opt_ts(&r, "used_at")?,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn use_password_reset(&self, token_hash: &str, now: Timestamp) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE password_resets SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(ts(now))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(r.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn create_challenge(&self, c: &SignInChallenge) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO signin_challenges (token_hash, account_id, created_at, expires_at, next_path) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(c.token_hash.as_str())
        .bind(c.account_id.as_str())
        .bind(ts(c.created_at))
        .bind(ts(c.expires_at))
        .bind(c.next.as_str())
        .execute(&self.pool)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict("challenge already exists".into()),
            other => other,
        })?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn challenge(&self, token_hash: &str) -> StoreResult<Option<SignInChallenge>> {
        let Some(r) = sqlx::query(
            "SELECT token_hash, account_id, created_at, expires_at, next_path \
             FROM signin_challenges WHERE token_hash = $1",
        )
        .bind(token_hash)
        .read_optional(self)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(SignInChallenge {
            token_hash: row::text(&r, "token_hash")?,
            account_id: row::id(&r, "account_id", AccountId::parse)?,
            created_at: row::parsed(&r, "created_at")?,
            expires_at: row::parsed(&r, "expires_at")?,
            next: row::text(&r, "next_path")?,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_challenge(&self, token_hash: &str) -> StoreResult<bool> {
        let r = sqlx::query("DELETE FROM signin_challenges WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(r.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn session_activity(&self, token_hash: &str) -> StoreResult<Option<SessionActivity>> {
        let r = sqlx::query("SELECT last_seen_at, reauth_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .read_optional(self)
            .await?;
        r.map(|r| {
            Ok(SessionActivity {
                last_seen_at: opt_ts(&r, "last_seen_at")?,
                reauth_at: opt_ts(&r, "reauth_at")?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn session_context(&self, token_hash: &str) -> StoreResult<Option<SessionContext>> {
        // Column names are unique across the three tables but for
        // account_id, taken from the session.
        let r = sqlx::query(
            "SELECT s.token_hash, s.account_id, s.csrf_token, s.created_at, s.expires_at, \
             s.last_seen_at, s.reauth_at, \
             a.id, a.email, a.display_name, a.status, a.staff_role, a.patient_id, a.locale, \
             x.totp_secret, x.totp_last_step, x.totp_enrolled_at, x.password_changed_at, \
             x.temporary_password_until \
             FROM sessions s JOIN accounts a ON a.id = s.account_id \
             LEFT JOIN account_security x ON x.account_id = s.account_id \
             WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .read_optional(self)
        .await?;
        let Some(r) = r else {
            return Ok(None);
        };
        let account_id = row::id(&r, "account_id", AccountId::parse)?;
        Ok(Some(SessionContext {
            session: Session {
                token_hash: row::text(&r, "token_hash")?,
                account_id: account_id.clone(),
                csrf_token: row::text(&r, "csrf_token")?,
                created_at: row::text(&r, "created_at")?,
                expires_at: row::text(&r, "expires_at")?,
            },
            activity: SessionActivity {
                last_seen_at: opt_ts(&r, "last_seen_at")?,
                reauth_at: opt_ts(&r, "reauth_at")?,
            },
            account: crate::accounts::account_from_row(&r)?,
            // No settings row reads as no second factor, as
            // `account_security` answers.
            security: AccountSecurity {
                account_id,
                totp_secret: row::opt_text(&r, "totp_secret")?,
                totp_last_step: row::opt_int(&r, "totp_last_step")?,
                totp_enrolled_at: opt_ts(&r, "totp_enrolled_at")?,
                password_changed_at: opt_ts(&r, "password_changed_at")?,
                temporary_password_until: opt_ts(&r, "temporary_password_until")?,
            },
        }))
    }

    async fn watch_access_changes(&self, signal: std::sync::Arc<sprout_store::AccessSignal>) {
        crate::watch::watch(self, signal).await;
    }

    #[tracing::instrument(skip_all)]
    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(ts(now))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn set_session_reauth(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET reauth_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(ts(now))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        self.access_changed();
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn delete_sessions_of_account(
        &self,
        account: &AccountId,
        keep: Option<&str>,
    ) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(account.as_str())
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        self.access_changed();
        Ok(r.rows_affected())
    }

    #[tracing::instrument(skip_all)]
    async fn throttle_hit(
        &self,
        kind: &str,
        key_hash: &str,
        window_start: Timestamp,
    ) -> StoreResult<u32> {
        let r = sqlx::query(
            "INSERT INTO throttle (kind, key_hash, window_start, attempts) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (kind, key_hash, window_start) \
             DO UPDATE SET attempts = throttle.attempts + 1 \
             RETURNING attempts",
        )
        .bind(kind)
        .bind(key_hash)
        .bind(ts(window_start))
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        count(&r, "attempts")
    }

    #[tracing::instrument(skip_all)]
    async fn throttle_count(
        &self,
        kind: &str,
        key_hash: &str,
        window_start: Timestamp,
    ) -> StoreResult<u32> {
        let r = sqlx::query(
            "SELECT attempts FROM throttle WHERE kind = $1 AND key_hash = $2 AND window_start = $3",
        )
        .bind(kind)
        .bind(key_hash)
        .bind(ts(window_start))
        .read_optional(self)
        .await?;
        r.map_or(Ok(0), |r| count(&r, "attempts"))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_stale_security_rows(&self, before: Timestamp) -> StoreResult<u64> {
        let before = ts(before);
        let mut n = 0;
        for sql in [
            "DELETE FROM throttle WHERE window_start < $1",
            "DELETE FROM signin_challenges WHERE expires_at < $1",
            "DELETE FROM password_resets WHERE expires_at < $1",
        ] {
            n += sqlx::query(sql)
                .bind(before.as_str())
                .execute(&self.pool)
                .await
                .map_err(map_err)?
                .rows_affected();
        }
        Ok(n)
    }
}
