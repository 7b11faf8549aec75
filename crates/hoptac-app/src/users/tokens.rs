//! API bearer tokens (*khóa truy cập API*): issued for an account with a name and an
//! expiry, listed without their secret, revoked one by one, and revoked all together
//! when the account's password is reset or the account is disabled.

use super::{digest, principal, random_secret};
use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use chrono::{DateTime, Duration, Utc};
use hoptac_domain::auth::Principal;
use hoptac_store::users::{self, NewToken, TokenRow};
use hoptac_store::{audit, orgs};
use serde::Serialize;

/// How long a token lives when nothing else is asked.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest a token may be issued for: a forgotten token must end some day.
pub const MAX_TOKEN_DAYS: u32 = 730;
/// The longest name a token may carry.
const MAX_LABEL_CHARS: usize = 100;

/// An API token as listed: never its secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub username: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    /// `None` only for tokens issued before tokens expired.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Usable now: not revoked, not expired.
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

impl From<TokenRow> for ApiToken {
    fn from(t: TokenRow) -> Self {
        ApiToken {
            id: t.id,
            username: t.username,
            label: t.label,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

fn no_user(username: &str) -> AppError {
    AppError::NotFound {
        what: "user",
        id: username.to_owned(),
    }
}

fn check_label(label: &str) -> Result<String> {
    let label = hoptac_domain::text::nfc(label.trim());
    let bad = label.is_empty()
        || label.chars().count() > MAX_LABEL_CHARS
        || hoptac_domain::validate::control_character(&label, false).is_some();
    if bad {
        return Err(AppError::refused(
            "bad_token_label",
            format!("Tên khóa cần từ 1 đến {MAX_LABEL_CHARS} ký tự, không có ký tự điều khiển"),
            format!(
                "A token's name needs 1 to {MAX_LABEL_CHARS} characters, no control characters"
            ),
        ));
    }
    Ok(label)
}

fn check_days(days: u32) -> Result<()> {
    if days == 0 || days > MAX_TOKEN_DAYS {
        return Err(AppError::refused(
            "bad_token_days",
            format!("Thời hạn của khóa là từ 1 đến {MAX_TOKEN_DAYS} ngày"),
            format!("A token lives from 1 to {MAX_TOKEN_DAYS} days"),
        ));
    }
    Ok(())
}

impl Registry {
    /// Issues an API bearer token for an account, valid for the default period (the
    /// secret is shown once).
    pub fn issue_token(&self, username: &str, label: &str, actor: &Actor) -> Result<String> {
        self.issue_token_for_days(username, label, DEFAULT_TOKEN_DAYS, actor)
            .map(|(secret, _)| secret)
    }

    /// Issues an API bearer token valid for `days`: its secret (shown once) and its
    /// listing.
    pub fn issue_token_for_days(
        &self,
        username: &str,
        label: &str,
        days: u32,
        actor: &Actor,
    ) -> Result<(String, ApiToken)> {
        let label = check_label(label)?;
        check_days(days)?;
        let secret = random_secret(32);
        let now = Utc::now();
        let expires_at = now + Duration::days(i64::from(days));
        let token = self.db.write(|c| {
            let u = users::by_username(c, &username.trim().to_lowercase())?
                .ok_or_else(|| no_user(username))?;
            let id = orgs::allocate_ids(c, "api_token", 1)?;
            let hash = digest(&secret);
            let new = NewToken {
                id,
                token_hash: &hash,
                user_id: u.id,
                label: &label,
                expires_at: Some(expires_at),
            };
            users::insert_token(c, &new, now)?;
            let listed = ApiToken {
                id,
                username: u.username.clone(),
                label: label.clone(),
                created_at: now,
                expires_at: Some(expires_at),
                revoked_at: None,
            };
            audit::record(
                c,
                &actor.name,
                actor.source.as_deref(),
                audit::Entry {
                    entity: "api_token".into(),
                    id: id.to_string(),
                    action: "create".into(),
                    before: None,
                    after: serde_json::to_value(&listed).ok(),
                },
            );
            Ok::<_, AppError>(listed)
        })?;
        Ok((secret, token))
    }

    /// The tokens of one account (or of all), newest first, without their secrets.
    pub fn tokens(&self, username: Option<&str>) -> Result<Vec<ApiToken>> {
        self.db.read(|c| {
            let user_id = match username {
                None => None,
                Some(n) => Some(
                    users::by_username(c, &n.trim().to_lowercase())?
                        .ok_or_else(|| no_user(n))?
                        .id,
                ),
            };
            Ok(users::tokens(c, user_id)?
                .into_iter()
                .map(ApiToken::from)
                .collect())
        })
    }

    /// Revokes one token by its id; revoking a revoked token changes nothing.
    pub fn revoke_token(&self, id: i64, actor: &Actor) -> Result<()> {
        let now = Utc::now();
        self.db.write(|c| {
            users::revoke_token(c, id, now)?.ok_or(AppError::NotFound {
                what: "api_token",
                id: id.to_string(),
            })?;
            audit::record(
                c,
                &actor.name,
                actor.source.as_deref(),
                audit::Entry {
                    entity: "api_token".into(),
                    id: id.to_string(),
                    action: "revoke".into(),
                    before: None,
                    after: None,
                },
            );
            Ok(())
        })
    }

    /// The account behind a live bearer token.
    pub fn token_principal(&self, token: &str) -> Result<Option<Principal>> {
        self.token_principal_at(token, Utc::now())
    }

    /// The account behind a bearer token live at `now`.
    pub fn token_principal_at(&self, token: &str, now: DateTime<Utc>) -> Result<Option<Principal>> {
        self.db.read(|c| {
            let Some(uid) = users::token_user(c, &digest(token), now)? else {
                return Ok(None);
            };
            Ok(users::by_id(c, uid)?
                .filter(|u| !u.disabled)
                .map(|u| principal(&u)))
        })
    }
}
