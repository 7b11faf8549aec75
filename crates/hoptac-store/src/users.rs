//! Accounts, sessions, API tokens and failed sign-ins. Secrets arrive here already
//! hashed; nothing in these tables can sign anyone in by itself.

use crate::audit::{touch, Audited};
use crate::db::{Conn, Result, Row, StoreError, Val};
use chrono::{DateTime, Utc};
use hoptac_domain::auth::{Role, Scope};
use hoptac_domain::throttle::{Failures, Seen};

/// A stored account.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub disabled: bool,
    pub version: i64,
}

const COLS: &str = "id, username, display_name, password_hash, role, scope, disabled, version";

fn user(r: &Row) -> Result<UserRow> {
    let role = r.text(4)?;
    Ok(UserRow {
        id: r.i64(0)?,
        username: r.text(1)?,
        display_name: r.text(2)?,
        password_hash: r.text(3)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        scope: serde_json::from_str(&r.text(5)?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        disabled: r.i64(6)? != 0,
        version: r.i64(7)?,
    })
}

pub fn insert(c: &mut dyn Conn, u: &UserRow, now: DateTime<Utc>) -> Result<()> {
    c.execute(
        &format!("INSERT INTO users ({COLS}, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"),
        &[
            u.id.into(),
            u.username.clone().into(),
            u.display_name.clone().into(),
            u.password_hash.clone().into(),
            u.role.code().into(),
            serde_json::to_string(&u.scope).map_err(|e| StoreError::Corrupt(e.to_string()))?.into(),
            i64::from(u.disabled).into(),
            now.into(),
            now.into(),
        ],
    )?;
    touch(c, Audited::Users, u.id.to_string());
    Ok(())
}

pub fn by_username(c: &mut dyn Conn, username: &str) -> Result<Option<UserRow>> {
    c.query_one(
        &format!("SELECT {COLS} FROM users WHERE username = ?"),
        &[username.into()],
    )?
    .map(|r| user(&r))
    .transpose()
}

pub fn by_id(c: &mut dyn Conn, id: i64) -> Result<Option<UserRow>> {
    c.query_one(
        &format!("SELECT {COLS} FROM users WHERE id = ?"),
        &[id.into()],
    )?
    .map(|r| user(&r))
    .transpose()
}

pub fn all(c: &mut dyn Conn) -> Result<Vec<UserRow>> {
    c.query(&format!("SELECT {COLS} FROM users ORDER BY username"), &[])?
        .iter()
        .map(user)
        .collect()
}

/// Sets the password hash and/or the disabled flag.
pub fn update(
    c: &mut dyn Conn,
    id: i64,
    password_hash: Option<&str>,
    disabled: Option<bool>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(h) = password_hash {
        c.execute("UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE id = ?", &[h.into(), now.into(), id.into()])?;
    }
    if let Some(d) = disabled {
        c.execute(
            "UPDATE users SET disabled = ?, version = version + 1, updated_at = ? WHERE id = ?",
            &[i64::from(d).into(), now.into(), id.into()],
        )?;
    }
    touch(c, Audited::Users, id.to_string());
    Ok(())
}

pub fn count_admins(c: &mut dyn Conn) -> Result<i64> {
    c.query_one(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0",
        &[],
    )?
    .map(|r| r.i64(0))
    .transpose()
    .map(Option::unwrap_or_default)
}

pub fn insert_session(
    c: &mut dyn Conn,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        &[token_hash.into(), user_id.into(), csrf.into(), now.into(), expires.into()],
    )?;
    Ok(())
}

/// An unexpired session: its user, CSRF token, start and current expiry.
pub struct SessionRow {
    pub user_id: i64,
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An unexpired session.
pub fn session(
    c: &mut dyn Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionRow>> {
    c.query_one(
        "SELECT user_id, csrf, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
        &[token_hash.into(), now.into()],
    )?
    .map(|r| {
        Ok(SessionRow {
            user_id: r.i64(0)?,
            csrf: r.text(1)?,
            created_at: r.ts(2)?,
            expires_at: r.ts(3)?,
        })
    })
    .transpose()
}

/// Moves a session's expiry (sliding idle expiry).
pub fn extend_session(c: &mut dyn Conn, token_hash: &str, expires: DateTime<Utc>) -> Result<()> {
    c.execute(
        "UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
        &[expires.into(), token_hash.into()],
    )?;
    Ok(())
}

/// Removes sessions that have expired; returns how many.
pub fn delete_expired_sessions(c: &mut dyn Conn, now: DateTime<Utc>) -> Result<u64> {
    c.execute("DELETE FROM sessions WHERE expires_at <= ?", &[now.into()])
}

pub fn delete_session(c: &mut dyn Conn, token_hash: &str) -> Result<()> {
    c.execute(
        "DELETE FROM sessions WHERE token_hash = ?",
        &[token_hash.into()],
    )?;
    Ok(())
}

pub fn delete_sessions_of(c: &mut dyn Conn, user_id: i64) -> Result<()> {
    c.execute("DELETE FROM sessions WHERE user_id = ?", &[user_id.into()])?;
    Ok(())
}

/// Ends every session of an account but one (the one that changed its password).
pub fn delete_other_sessions(c: &mut dyn Conn, user_id: i64, keep_hash: &str) -> Result<u64> {
    c.execute(
        "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
        &[user_id.into(), keep_hash.into()],
    )
}

/// A new API token (stored as the digest of its secret).
pub struct NewToken<'a> {
    pub id: i64,
    pub token_hash: &'a str,
    pub user_id: i64,
    pub label: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
}

pub fn insert_token(c: &mut dyn Conn, t: &NewToken<'_>, now: DateTime<Utc>) -> Result<()> {
    let expires = t.expires_at.map_or(Val::Null, Val::Ts);
    c.execute(
        "INSERT INTO api_tokens (id, token_hash, user_id, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        &[t.id.into(), t.token_hash.into(), t.user_id.into(), t.label.into(), now.into(), expires],
    )?;
    touch(c, Audited::ApiTokens, t.id.to_string());
    Ok(())
}

/// The account of a live token: not revoked, not expired.
pub fn token_user(c: &mut dyn Conn, token_hash: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
    c.query_one(
        "SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > ?)",
        &[token_hash.into(), Val::Ts(now)],
    )?
    .map(|r| r.i64(0))
    .transpose()
}

/// An API token as listed (never its secret or digest).
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: i64,
    pub username: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The tokens of one account, or of all accounts, newest first.
pub fn tokens(c: &mut dyn Conn, user_id: Option<i64>) -> Result<Vec<TokenRow>> {
    // A nullable time is read as a flag and a value (COALESCE), so the row reader
    // needs no nullable-time decoder of its own.
    let sql = "SELECT t.id, u.username, t.label, t.created_at, \
               CASE WHEN t.expires_at IS NULL THEN 0 ELSE 1 END, COALESCE(t.expires_at, t.created_at), \
               CASE WHEN t.revoked_at IS NULL THEN 0 ELSE 1 END, COALESCE(t.revoked_at, t.created_at) \
               FROM api_tokens t JOIN users u ON u.id = t.user_id \
               WHERE (? = 0 OR t.user_id = ?) ORDER BY t.created_at DESC, t.id DESC";
    let uid = user_id.unwrap_or(0);
    c.query(sql, &[uid.into(), uid.into()])?
        .iter()
        .map(|r| {
            let opt = |flag: usize| -> Result<Option<DateTime<Utc>>> {
                Ok(if r.i64(flag)? == 1 {
                    Some(r.ts(flag + 1)?)
                } else {
                    None
                })
            };
            Ok(TokenRow {
                id: r.i64(0)?,
                username: r.text(1)?,
                label: r.text(2)?,
                created_at: r.ts(3)?,
                expires_at: opt(4)?,
                revoked_at: opt(6)?,
            })
        })
        .collect()
}

/// Revokes one token (if it is live); returns the account it belonged to.
pub fn revoke_token(c: &mut dyn Conn, id: i64, now: DateTime<Utc>) -> Result<Option<i64>> {
    let Some(owner) = c
        .query_one("SELECT user_id FROM api_tokens WHERE id = ?", &[id.into()])?
        .map(|r| r.i64(0))
        .transpose()?
    else {
        return Ok(None);
    };
    c.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        &[Val::Ts(now), id.into()],
    )?;
    touch(c, Audited::ApiTokens, id.to_string());
    Ok(Some(owner))
}

/// Revokes every live token of an account; returns how many.
pub fn revoke_tokens_of(c: &mut dyn Conn, user_id: i64, now: DateTime<Utc>) -> Result<u64> {
    for r in c.query(
        "SELECT id FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT NULL",
        &[user_id.into()],
    )? {
        touch(c, Audited::ApiTokens, r.i64(0)?.to_string());
    }
    c.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        &[Val::Ts(now), user_id.into()],
    )
}

/// Forgets failed sign-ins older than `before` (they no longer count for throttling).
pub fn purge_failed_logins(c: &mut dyn Conn, before: DateTime<Utc>) -> Result<u64> {
    c.execute("DELETE FROM failed_logins WHERE at < ?", &[Val::Ts(before)])
}

/// Notes a failed (or not yet checked) sign-in on `username` from `source`.
pub fn record_failed_login(
    c: &mut dyn Conn,
    username: &str,
    source: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO failed_logins (username, source, at) VALUES (?, ?, ?)",
        &[
            username.into(),
            source.map_or(Val::Null, Val::from),
            now.into(),
        ],
    )?;
    Ok(())
}

/// Serialises sign-in attempts on one user name until the transaction ends, so that
/// counting the failures and recording the attempt are one step. SQLite's write
/// transactions are serialised already; PostgreSQL takes a transaction-scoped
/// advisory lock on the name.
pub fn lock_sign_in(c: &mut dyn Conn, username: &str, source: Option<&str>) -> Result<()> {
    if c.backend() == crate::Backend::Postgres {
        // Always the source first, then the name: one order, so no two attempts wait
        // on each other in a circle.
        let keys = source
            .map(|s| format!("sign-in-from:{s}"))
            .into_iter()
            .chain(std::iter::once(format!("sign-in:{username}")));
        for key in keys {
            // The lock function returns void, which no row decoder reads: run it, read nothing.
            c.execute("SELECT pg_advisory_xact_lock(hashtext(?))", &[key.into()])?;
        }
    }
    Ok(())
}

/// The failed sign-ins since `since` that throttling weighs: this account from this
/// source, this source on any account, and this account from anywhere.
pub fn failures_seen(
    c: &mut dyn Conn,
    username: &str,
    source: Option<&str>,
    since: DateTime<Utc>,
) -> Result<Seen> {
    // The latest failure is read with the window's start standing in for "none", so a
    // time is always decoded; a count of zero makes it irrelevant.
    let mut one = |filter: &str, params: Vec<Val>| -> Result<Failures> {
        let sql = format!(
            "SELECT COUNT(*), COALESCE(MAX(at), ?) FROM failed_logins WHERE at > ? AND {filter}"
        );
        let all: Vec<Val> = [Val::Ts(since), Val::Ts(since)]
            .into_iter()
            .chain(params)
            .collect();
        let r = c
            .query_one(&sql, &all)?
            .ok_or_else(|| StoreError::Corrupt("COUNT returned no row".into()))?;
        let count = r.i64(0)?;
        Ok(Failures {
            count,
            last: (count > 0).then(|| r.ts(1)).transpose()?,
        })
    };
    let account = one("username = ?", vec![username.into()])?;
    let pair = one(
        "username = ? AND COALESCE(source, '') = ?",
        vec![username.into(), source.unwrap_or_default().into()],
    )?;
    let from = match source {
        Some(s) => Some(one("source = ?", vec![s.into()])?),
        None => None,
    };
    Ok(Seen {
        pair,
        source: from,
        account,
    })
}

pub fn clear_failed_logins(c: &mut dyn Conn, username: &str) -> Result<()> {
    c.execute(
        "DELETE FROM failed_logins WHERE username = ?",
        &[username.into()],
    )?;
    Ok(())
}

/// Keeps an uploaded file (its bytes as they came) until its import is confirmed.
pub fn put_pending_import(
    c: &mut dyn Conn,
    token_hash: &str,
    user_id: i64,
    file_name: &str,
    kind: Option<&str>,
    content: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO pending_imports (token_hash, user_id, file_name, kind, content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        &[token_hash.into(), user_id.into(), file_name.into(), kind.map(str::to_owned).into(), content.into(), now.into()],
    )?;
    Ok(())
}

/// An uploaded file waiting for its import to be confirmed.
#[derive(Debug, Clone)]
pub struct PendingUpload {
    pub file_name: String,
    pub kind: Option<String>,
    pub bytes: Vec<u8>,
}

/// Takes an uploaded file back (and forgets it).
pub fn take_pending_import(
    c: &mut dyn Conn,
    token_hash: &str,
    user_id: i64,
) -> Result<Option<PendingUpload>> {
    let Some(r) = c.query_one(
        "SELECT file_name, kind, content FROM pending_imports WHERE token_hash = ? AND user_id = ?",
        &[token_hash.into(), user_id.into()],
    )?
    else {
        return Ok(None);
    };
    c.execute(
        "DELETE FROM pending_imports WHERE token_hash = ?",
        &[token_hash.into()],
    )?;
    Ok(Some(PendingUpload {
        file_name: r.text(0)?,
        kind: r.opt_text(1)?,
        bytes: r.bytes(2)?,
    }))
}

/// Forgets uploads kept for a confirmation that never came, older than `before`.
pub fn purge_pending_imports(c: &mut dyn Conn, before: DateTime<Utc>) -> Result<u64> {
    c.execute(
        "DELETE FROM pending_imports WHERE created_at < ?",
        &[Val::Ts(before)],
    )
}

/// An account's second factor: its secret and the last time step a code was used for.
pub fn second_factor(c: &mut dyn Conn, user_id: i64) -> Result<Option<(String, i64)>> {
    c.query_one(
        "SELECT secret, last_step FROM second_factors WHERE user_id = ?",
        &[user_id.into()],
    )?
    .map(|r| Ok((r.text(0)?, r.i64(1)?)))
    .transpose()
}

/// Turns on (or replaces) an account's second factor.
pub fn set_second_factor(
    c: &mut dyn Conn,
    user_id: i64,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "DELETE FROM second_factors WHERE user_id = ?",
        &[user_id.into()],
    )?;
    c.execute(
        "INSERT INTO second_factors (user_id, secret, last_step, created_at) VALUES (?, ?, 0, ?)",
        &[user_id.into(), secret.into(), now.into()],
    )?;
    touch(c, Audited::SecondFactors, user_id.to_string());
    Ok(())
}

/// Turns an account's second factor off; whether it had one.
pub fn delete_second_factor(c: &mut dyn Conn, user_id: i64) -> Result<bool> {
    let n = c.execute(
        "DELETE FROM second_factors WHERE user_id = ?",
        &[user_id.into()],
    )?;
    if n > 0 {
        touch(c, Audited::SecondFactors, user_id.to_string());
    }
    Ok(n > 0)
}

/// Marks a time step used, if it is later than the last one: false means the code was
/// used already (a replay), in one statement so two sign-ins cannot both use it.
pub fn use_second_factor_step(c: &mut dyn Conn, user_id: i64, step: i64) -> Result<bool> {
    Ok(c.execute(
        "UPDATE second_factors SET last_step = ? WHERE user_id = ? AND last_step < ?",
        &[step.into(), user_id.into(), step.into()],
    )? > 0)
}
