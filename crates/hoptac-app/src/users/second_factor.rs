//! A second factor (*xác thực hai bước*): time-based one-time codes (TOTP, RFC 6238:
//! SHA-1, six digits, 30 seconds) from an authenticator app. An account turns it on
//! by proving it holds the secret (a code) and its password; from then on signing in
//! needs a fresh code too. A code is good once. The operator can turn it off from the
//! command line for an account that lost its device.

use super::random_secret_bytes;
use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use chrono::{DateTime, Utc};
use hoptac_store::audit;
use hoptac_store::users;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds a code lasts.
const STEP_SECS: i64 = 30;
/// Steps either side of now a code is still taken at (clocks drift).
const SKEW_STEPS: i64 = 1;

/// What an account needs to add hoptac to an authenticator app: the secret (typed in by
/// hand, in groups of four) and the `otpauth://` address (for apps that take links).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpSetup {
    pub secret: String,
    pub url: String,
}

impl TotpSetup {
    /// A new random secret for `username`.
    pub fn new(username: &str) -> TotpSetup {
        // An encoded secret displays as its base32 text.
        let secret = Secret::Raw(random_secret_bytes(20))
            .to_encoded()
            .to_string();
        TotpSetup {
            url: format!(
                "otpauth://totp/hoptac:{user}?secret={secret}&issuer=hoptac&algorithm=SHA1&digits=6&period={STEP_SECS}",
                user = crate::users::url_part(username),
            ),
            secret,
        }
    }

    /// The secret in groups of four, as people type it.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.secret.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn totp(secret_b32: &str) -> Result<TOTP> {
    let bytes = Secret::Encoded(secret_b32.replace(' ', "").to_uppercase())
        .to_bytes()
        .map_err(|_| bad_code())?;
    TOTP::new(Algorithm::SHA1, 6, 0, STEP_SECS as u64, bytes).map_err(|_| bad_code())
}

/// The time step a code belongs to, within the allowed skew of `now`.
fn step_of(secret_b32: &str, code: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let t = totp(secret_b32)?;
    let now_step = now.timestamp().div_euclid(STEP_SECS);
    Ok((now_step - SKEW_STEPS..=now_step + SKEW_STEPS)
        .find(|step| t.check(&code, (step * STEP_SECS).max(0) as u64)))
}

fn code_required() -> AppError {
    AppError::refused(
        "second_factor_required",
        "Tài khoản này cần mã xác thực từ ứng dụng xác thực",
        "This account needs a code from its authenticator app",
    )
}

fn bad_code() -> AppError {
    AppError::refused(
        "bad_second_factor",
        "Mã xác thực không đúng, đã hết hạn hoặc đã dùng",
        "The code is wrong, expired or used already",
    )
}

fn no_user(username: &str) -> AppError {
    AppError::NotFound {
        what: "user",
        id: username.to_owned(),
    }
}

impl Registry {
    /// Whether an account has a second factor.
    pub fn has_second_factor(&self, username: &str) -> Result<bool> {
        self.db.read(|c| {
            let u = users::by_username(c, &username.trim().to_lowercase())?
                .ok_or_else(|| no_user(username))?;
            Ok(users::second_factor(c, u.id)?.is_some())
        })
    }

    /// Passes an account without a second factor; for one with, takes a fresh code.
    pub(super) fn check_second_factor(
        &self,
        user_id: i64,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let Some((secret, _)) = self.db.read(|c| users::second_factor(c, user_id))? else {
            return Ok(());
        };
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        let Some(code) = code else {
            return Err(code_required());
        };
        let step = step_of(&secret, code, now)?.ok_or_else(bad_code)?;
        let fresh = self
            .db
            .write(|c| users::use_second_factor_step(c, user_id, step))?;
        if fresh {
            Ok(())
        } else {
            Err(bad_code())
        }
    }

    /// Turns the second factor on for an account, which proves it holds `setup`'s
    /// secret (a current code) and knows its password.
    pub fn enable_second_factor(
        &self,
        username: &str,
        password: &str,
        secret: &str,
        code: &str,
        actor: &Actor,
    ) -> Result<()> {
        let now = Utc::now();
        let u = self.verify_password(username, password)?;
        let step = step_of(secret, code, now)?.ok_or_else(bad_code)?;
        let secret = secret.replace(' ', "").to_uppercase();
        self.db.write(|c| {
            users::set_second_factor(c, u.id, &secret, now)?;
            users::use_second_factor_step(c, u.id, step)?;
            record(c, actor, &u.username, "enable_second_factor");
            Ok(())
        })
    }

    /// Turns the second factor off: by the account itself (`proof`: password and a
    /// code), or without proof by the operator for an account that lost its device
    /// (the command line only).
    pub fn disable_second_factor(
        &self,
        username: &str,
        proof: Option<(&str, &str)>,
        actor: &Actor,
    ) -> Result<bool> {
        let now = Utc::now();
        let u = match proof {
            Some((password, code)) => {
                let u = self.verify_password(username, password)?;
                self.check_second_factor(u.id, Some(code), now)?;
                u
            }
            None => self
                .db
                .read(|c| users::by_username(c, &username.trim().to_lowercase()))?
                .ok_or_else(|| no_user(username))?,
        };
        self.db.write(|c| {
            let had = users::delete_second_factor(c, u.id)?;
            if had {
                record(c, actor, &u.username, "disable_second_factor");
            }
            Ok(had)
        })
    }
}

fn record(c: &mut dyn hoptac_store::Conn, actor: &Actor, username: &str, action: &str) {
    audit::record(
        c,
        &actor.name,
        actor.source.as_deref(),
        audit::Entry {
            entity: "user".into(),
            id: username.to_owned(),
            action: action.into(),
            before: None,
            after: None,
        },
    );
}

#[cfg(test)]
pub(super) fn code_at(secret_b32: &str, at: DateTime<Utc>) -> String {
    totp(secret_b32)
        .expect("secret")
        .generate(at.timestamp() as u64)
}
