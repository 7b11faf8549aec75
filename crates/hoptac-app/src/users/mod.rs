//! Accounts and sign-in: argon2id password hashes, sessions kept in the database (any
//! app server can check them), API bearer tokens, and throttling of failed sign-ins.
//! There is no default password: the first administrator is created from the command
//! line, with a password typed in or generated and shown once.

use crate::error::{AppError, Result};
use crate::registry::{Actor, Registry};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use hoptac_domain::auth::{Principal, Role, Scope};
use hoptac_domain::throttle;
use hoptac_store::users::{self, UserRow};
use hoptac_store::{audit, orgs};
use rand_core_06::{OsRng, RngCore};
use serde::Serialize;
use sha2::{Digest, Sha256};

mod own_password;
mod passwords;
mod people;
mod second_factor;
mod tokens;
pub use own_password::{PasswordChange, PasswordChangeError};
use passwords::check_password_rules;
pub use people::People;
pub use second_factor::TotpSetup;
pub use tokens::{ApiToken, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS};

/// The longest a browser session lasts without signing in again, however busy.
pub const SESSION_HOURS: i64 = 12;
/// A session unused for this long ends (a shared office computer left signed in).
pub const SESSION_IDLE_MINUTES: i64 = 120;
/// Sliding the expiry costs a write; do it at most this often per session.
const SESSION_SLIDE_MINUTES: i64 = 5;
/// Failed sign-ins and unconfirmed uploads are kept this long, then purged (failed
/// sign-ins count for throttling as long as they are kept).
pub const STALE_HOURS: i64 = throttle::WINDOW_HOURS;
/// User names and source addresses are cut to this length before they are stored, so
/// that sign-in attempts cannot store long strings.
const MAX_NAME_CHARS: usize = 64;

/// What a purge deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub failed_logins: u64,
    pub uploads: u64,
}

/// When a session started at `created` and last used at `now` expires.
fn session_expiry(created: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    (now + Duration::minutes(SESSION_IDLE_MINUTES)).min(created + Duration::hours(SESSION_HOURS))
}

/// An account as shown to administrators (never its password hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub disabled: bool,
}

impl From<&UserRow> for User {
    fn from(u: &UserRow) -> Self {
        User {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            scope: u.scope.clone(),
            disabled: u.disabled,
        }
    }
}

pub(crate) fn principal(u: &UserRow) -> Principal {
    Principal {
        user_id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        scope: u.scope.clone(),
    }
}

/// A random secret, URL-safe.
pub fn random_secret(bytes: usize) -> String {
    random_secret_bytes(bytes)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Random bytes from the operating system.
pub(crate) fn random_secret_bytes(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    OsRng.fill_bytes(&mut b);
    b
}

/// A user name as part of a URL (user names are ASCII letters, digits and `._-@`).
pub(crate) fn url_part(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A password for an account, generated (and shown once): random, and checked against
/// the same rules as a typed one.
pub fn generate_password(username: &str) -> String {
    loop {
        let p = random_secret(10);
        if check_password_rules(&p, username, "").is_ok() {
            return p;
        }
    }
}

/// Secrets are stored as their SHA-256 (they are random and long, so no salt is needed).
pub(crate) fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            AppError::refused(
                "hash_failed",
                format!("Không tạo được mật khẩu: {e}"),
                format!("Cannot hash the password: {e}"),
            )
        })
}

/// An argon2id hash of a random password, made once, checked against when the account
/// is unknown or disabled.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(random_secret(16).as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// A name cut to the length we store.
fn bounded(s: &str) -> String {
    s.chars().take(MAX_NAME_CHARS).collect()
}

/// The refusal of an attempt that came too soon, with the wait rounded up.
fn throttled(wait: Duration) -> AppError {
    let secs = ((wait.num_milliseconds() + 999) / 1000).max(1);
    let (vi, en) = if secs < 90 {
        (format!("{secs} giây"), format!("{secs} seconds"))
    } else {
        let mins = (secs + 59) / 60;
        (format!("{mins} phút"), format!("{mins} minutes"))
    };
    AppError::refused(
        "throttled",
        format!("Đăng nhập sai nhiều lần; hãy thử lại sau {vi}"),
        format!("Too many failed sign-ins; try again in {en}"),
    )
}

/// The account, if it is enabled and `password` is its password. An unknown or
/// disabled account costs the same hash as a real one, so the time of the answer does
/// not tell which names exist.
fn live_with_password<'a>(user: Option<&'a UserRow>, password: &str) -> Option<&'a UserRow> {
    let live = user.filter(|u| !u.disabled);
    let stored = live.map_or(dummy_hash(), |u| u.password_hash.as_str());
    let matches = PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    });
    live.filter(|_| matches)
}

fn bad_credentials() -> AppError {
    // The same answer for an unknown user and a wrong password.
    AppError::refused(
        "bad_credentials",
        "Tên đăng nhập hoặc mật khẩu không đúng",
        "Wrong username or password",
    )
}

/// Purges stale rows ([`Registry::purge_stale`]) now and every hour, on a thread of its
/// own for the life of the process. Several servers on one database purge the same
/// rows harmlessly.
pub fn purge_every_hour(reg: Registry) {
    let spawned = std::thread::Builder::new()
        .name("purge".into())
        .spawn(move || loop {
            match reg.purge_stale(Utc::now()) {
                Ok(p) if p != Purged::default() => tracing::info!(?p, "purged stale rows"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purging stale rows"),
            }
            std::thread::sleep(std::time::Duration::from_secs(3600));
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the hourly purge");
    }
}

impl Registry {
    /// Creates an account. The scope must fit the role (a commune officer names
    /// communes, a cooperative account its organisation).
    pub fn add_user(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        scope: Scope,
        password: &str,
        actor: &Actor,
    ) -> Result<User> {
        let username = username.trim().to_lowercase();
        let valid = !username.is_empty()
            && username.len() <= 64
            && username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if !valid {
            return Err(AppError::refused(
                "bad_username",
                "Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - @",
                "A username has only ASCII letters, digits and . _ - @",
            ));
        }
        if !role.scope_fits(&scope) {
            return Err(AppError::refused(
                "scope_does_not_fit",
                format!("Vai trò \"{}\" cần phạm vi phù hợp (toàn tỉnh, danh sách xã, hoặc một tổ chức)", role.label_vi()),
                format!("Role \"{}\" needs a fitting scope (all, communes, or one organisation)", role.label_en()),
            ));
        }
        if let Scope::Communes { codes } = &scope {
            let places = self.places();
            for c in codes {
                if places
                    .check(&hoptac_domain::PlaceRef::new(
                        hoptac_domain::Scheme::Y2025,
                        c.clone(),
                    ))
                    .is_err()
                {
                    return Err(AppError::refused(
                        "unknown_commune",
                        format!("Không có xã/phường mã {c} (2025) trong tỉnh"),
                        format!("No 2025 commune {c} in the province"),
                    ));
                }
            }
        }
        if let Scope::Organisation { id } = &scope {
            self.get(*id, None)?;
        }
        check_password_rules(password, &username, display_name)?;
        let hash = hash_password(password)?;
        let now = Utc::now();
        self.db.write(|c| {
            if users::by_username(c, &username)?.is_some() {
                return Err(AppError::refused(
                    "username_taken",
                    format!("Tên đăng nhập \"{username}\" đã có"),
                    format!("Username \"{username}\" is taken"),
                ));
            }
            let id = orgs::allocate_ids(c, "user", 1)?;
            let row = UserRow {
                id,
                username: username.clone(),
                display_name: hoptac_domain::text::nfc(display_name),
                password_hash: hash.clone(),
                role,
                scope: scope.clone(),
                disabled: false,
                version: 1,
            };
            users::insert(c, &row, now)?;
            audit::record(
                c,
                &actor.name,
                actor.source.as_deref(),
                audit::Entry {
                    entity: "user".into(),
                    id: username.clone(),
                    action: "create".into(),
                    before: None,
                    after: serde_json::to_value(User::from(&row)).ok(),
                },
            );
            Ok(User::from(&row))
        })
    }

    pub fn users(&self) -> Result<Vec<User>> {
        Ok(self.db.read(users::all)?.iter().map(User::from).collect())
    }

    /// Whether an enabled administrator exists (the first-run check).
    pub fn has_admin(&self) -> Result<bool> {
        Ok(self.db.read(users::count_admins)? > 0)
    }

    /// Disables (or re-enables) an account; disabling ends its sessions and revokes
    /// its API tokens.
    pub fn set_disabled(&self, username: &str, disabled: bool, actor: &Actor) -> Result<User> {
        let now = Utc::now();
        self.db.write(|c| {
            let u = users::by_username(c, &username.to_lowercase())?.ok_or(AppError::NotFound {
                what: "user",
                id: username.to_owned(),
            })?;
            // The last enabled administrator stays: nobody could manage accounts after.
            if disabled && !u.disabled && u.role == Role::Admin && users::count_admins(c)? <= 1 {
                return Err(AppError::refused(
                    "last_admin",
                    "Không khóa được quản trị viên cuối cùng đang hoạt động",
                    "The last enabled administrator cannot be disabled",
                ));
            }
            users::update(c, u.id, None, Some(disabled), now)?;
            users::delete_sessions_of(c, u.id)?;
            if disabled {
                users::revoke_tokens_of(c, u.id, now)?;
            }
            audit::record(
                c,
                &actor.name,
                actor.source.as_deref(),
                audit::Entry {
                    entity: "user".into(),
                    id: u.username.clone(),
                    action: if disabled { "disable" } else { "enable" }.into(),
                    before: serde_json::to_value(User::from(&u)).ok(),
                    after: None,
                },
            );
            Ok(User {
                disabled,
                ..User::from(&u)
            })
        })
    }

    /// Sets a new password, ends the account's sessions and revokes its API tokens.
    pub fn reset_password(&self, username: &str, password: &str, actor: &Actor) -> Result<()> {
        let known = self
            .db
            .read(|c| users::by_username(c, &username.to_lowercase()))?;
        if let Some(u) = &known {
            check_password_rules(password, &u.username, &u.display_name)?;
        }
        let hash = hash_password(password)?;
        let now = Utc::now();
        self.db.write(|c| {
            let u = users::by_username(c, &username.to_lowercase())?.ok_or(AppError::NotFound {
                what: "user",
                id: username.to_owned(),
            })?;
            users::update(c, u.id, Some(&hash), None, now)?;
            users::delete_sessions_of(c, u.id)?;
            // A reset answers a leaked or forgotten password: what the old one could
            // have issued goes too.
            users::revoke_tokens_of(c, u.id, now)?;
            users::clear_failed_logins(c, &u.username)?;
            audit::record(
                c,
                &actor.name,
                actor.source.as_deref(),
                audit::Entry {
                    entity: "user".into(),
                    id: u.username.clone(),
                    action: "reset_password".into(),
                    before: None,
                    after: None,
                },
            );
            Ok(())
        })
    }

    /// Checks a password from an unknown source (the command line, tests).
    pub fn authenticate(
        &self,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<Principal> {
        self.authenticate_from(username, password, None, now)
    }

    /// Checks a password typed at `source` (the client's address), for an account
    /// without a second factor.
    pub fn authenticate_from(
        &self,
        username: &str,
        password: &str,
        source: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Principal> {
        self.authenticate_with(username, password, None, source, now)
    }

    /// Checks a password, and the second factor's code when the account has one, typed
    /// at `source` (the client's address). After failures the attempt must wait
    /// ([`throttle`]), whatever is typed.
    pub fn authenticate_with(
        &self,
        username: &str,
        password: &str,
        code: Option<&str>,
        source: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Principal> {
        let username = bounded(&username.trim().to_lowercase());
        let source = source.map(bounded);
        let source = source.as_deref();
        let since = now - Duration::hours(throttle::WINDOW_HOURS);
        // Weighing the failures and recording this attempt are one step: the attempt
        // counts as a failure until its password is found right. So parallel guesses
        // get only the checks the throttle allows, not one each.
        let admitted = self.db.write(|c| {
            users::lock_sign_in(c, &username, source)?;
            let seen = users::failures_seen(c, &username, source, since)?;
            if let Some(wait) = throttle::wait(&seen, now) {
                return Ok::<_, AppError>(Err(wait));
            }
            users::record_failed_login(c, &username, source, now)?;
            Ok(Ok(users::by_username(c, &username)?))
        })?;
        let user = admitted.map_err(throttled)?;
        let Some(u) = live_with_password(user.as_ref(), password) else {
            return Err(bad_credentials());
        };
        // The attempt stays counted as a failure until the second factor passes too.
        self.check_second_factor(u.id, code, now)?;
        self.db
            .write(|c| users::clear_failed_logins(c, &username))?;
        Ok(principal(u))
    }

    /// The account, if `password` is its password (for changes that ask for it again).
    pub(crate) fn verify_password(&self, username: &str, password: &str) -> Result<UserRow> {
        let u = self
            .db
            .read(|c| users::by_username(c, &username.trim().to_lowercase()))?;
        live_with_password(u.as_ref(), password)
            .cloned()
            .ok_or_else(bad_credentials)
    }

    /// Starts a browser session: (session token, CSRF token).
    pub fn start_session(&self, p: &Principal, now: DateTime<Utc>) -> Result<(String, String)> {
        let token = random_secret(32);
        let csrf = random_secret(16);
        self.db.write(|c| {
            // Sign-ins are rare enough to carry the cleanup of expired sessions.
            users::delete_expired_sessions(c, now)?;
            users::insert_session(
                c,
                &digest(&token),
                p.user_id,
                &csrf,
                now,
                session_expiry(now, now),
            )
        })?;
        Ok((token, csrf))
    }

    /// The user of a live session, and its CSRF token. Using a session keeps it alive
    /// for another idle period, up to its absolute limit.
    pub fn session(&self, token: &str, now: DateTime<Utc>) -> Result<Option<(Principal, String)>> {
        let hash = digest(token);
        let found = self.db.read(|c| -> Result<_> {
            let Some(s) = users::session(c, &hash, now)? else {
                return Ok(None);
            };
            Ok(users::by_id(c, s.user_id)?
                .filter(|u| !u.disabled)
                .map(|u| (principal(&u), s)))
        })?;
        let Some((p, s)) = found else {
            return Ok(None);
        };
        let expires = session_expiry(s.created_at, now);
        if expires - s.expires_at > Duration::minutes(SESSION_SLIDE_MINUTES) {
            self.db
                .write(|c| users::extend_session(c, &hash, expires))?;
        }
        Ok(Some((p, s.csrf)))
    }

    /// Deletes expired sessions (also done at each sign-in); returns how many.
    pub fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(self.db.write(|c| users::delete_expired_sessions(c, now))?)
    }

    /// Deletes what anyone can make the database keep without signing in, once it
    /// has served: expired sessions, failed sign-ins older than a day (they stopped
    /// counting after the throttling window) and uploads whose preview was never
    /// confirmed within a day. Run by the server every hour.
    pub fn purge_stale(&self, now: DateTime<Utc>) -> Result<Purged> {
        let day_ago = now - Duration::hours(STALE_HOURS);
        self.db.write(|c| {
            Ok::<_, AppError>(Purged {
                sessions: users::delete_expired_sessions(c, now)?,
                failed_logins: users::purge_failed_logins(c, day_ago)?,
                uploads: users::purge_pending_imports(c, day_ago)?,
            })
        })
    }

    pub fn end_session(&self, token: &str) -> Result<()> {
        Ok(self
            .db
            .write(|c| users::delete_session(c, &digest(token)))?)
    }

    /// Keeps an uploaded file for a later confirmation; returns its token.
    pub fn keep_upload(
        &self,
        p: &Principal,
        file_name: &str,
        kind: Option<&str>,
        bytes: &[u8],
    ) -> Result<String> {
        let token = random_secret(16);
        let now = Utc::now();
        self.db.write(|c| {
            users::put_pending_import(c, &digest(&token), p.user_id, file_name, kind, bytes, now)
        })?;
        Ok(token)
    }

    /// The file kept under a token, for the same account only (and forgets it).
    pub fn take_upload(&self, p: &Principal, token: &str) -> Result<Option<users::PendingUpload>> {
        Ok(self
            .db
            .write(|c| users::take_pending_import(c, &digest(token), p.user_id))?)
    }
}
#[cfg(test)]
mod tests;
