//! Changing one's own password (*đổi mật khẩu*): any account, signed in, types its
//! current password and the new one twice. The strength rules apply; the account's
//! other sessions end (someone may have been using the old password), the one that
//! made the change stays; the audit trail records it.

use super::{digest, hash_password};
use crate::error::AppError;
use crate::registry::{Actor, Registry};
use chrono::{DateTime, Utc};
use hoptac_domain::auth::Principal;
use hoptac_domain::i18n::Lang;
use hoptac_store::{audit, users};

/// Why a password was not changed, tied to the form's field where it has one.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    /// The current password typed is not the account's.
    #[error("wrong current password")]
    WrongCurrent,
    /// The new password and its repetition differ.
    #[error("the new passwords differ")]
    Mismatch,
    /// The new password breaks a rule of `passwords.rs` (the reason inside).
    #[error("weak new password")]
    Weak(AppError),
    /// Anything else: throttled after failures, a storage error.
    #[error(transparent)]
    Other(#[from] AppError),
}

/// A password change as typed in the form.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub repeat: &'a str,
}

impl PasswordChangeError {
    /// The form field the problem belongs beside (`current`, `new`, `repeat`).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            PasswordChangeError::WrongCurrent => Some("current"),
            PasswordChangeError::Mismatch => Some("repeat"),
            PasswordChangeError::Weak(_) => Some("new"),
            PasswordChangeError::Other(_) => None,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            PasswordChangeError::WrongCurrent => lang
                .t(
                    "Mật khẩu hiện tại không đúng",
                    "The current password is wrong",
                )
                .to_owned(),
            PasswordChangeError::Mismatch => lang
                .t(
                    "Hai lần nhập mật khẩu mới không giống nhau",
                    "The two new passwords differ",
                )
                .to_owned(),
            PasswordChangeError::Weak(e) | PasswordChangeError::Other(e) => e.message(lang),
        }
    }
}

impl Registry {
    /// Changes `who`'s password after checking the current one (throttled like a
    /// sign-in), ends their other sessions and keeps `session` (the session token of
    /// the change, if made from a browser).
    pub fn change_own_password(
        &self,
        who: &Principal,
        change: &PasswordChange<'_>,
        session: Option<&str>,
        source: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), PasswordChangeError> {
        if change.new != change.repeat {
            return Err(PasswordChangeError::Mismatch);
        }
        if change.new == change.current {
            return Err(PasswordChangeError::Weak(AppError::refused(
                "same_password",
                "Mật khẩu mới phải khác mật khẩu hiện tại",
                "The new password must differ from the current one",
            )));
        }
        super::check_password_rules(change.new, &who.username, &who.display_name)
            .map_err(PasswordChangeError::Weak)?;
        let checked = self.authenticate_from(&who.username, change.current, source, now);
        let me = match checked {
            Ok(p) if p.user_id == who.user_id => p,
            Ok(_) => return Err(PasswordChangeError::WrongCurrent),
            // The sign-in's "wrong user name or password": here only the password.
            Err(AppError::Refused {
                code: "bad_credentials",
                ..
            }) => return Err(PasswordChangeError::WrongCurrent),
            Err(e) => return Err(e.into()),
        };
        let hash = hash_password(change.new)?;
        let keep = session.map(digest).unwrap_or_default();
        let actor = Actor::new(me.username.clone(), source.map(str::to_owned));
        self.db.write(|c| {
            let u = users::by_id(c, me.user_id)?.ok_or(AppError::Unauthorized)?;
            users::update(c, u.id, Some(&hash), None, now)?;
            users::delete_other_sessions(c, u.id, &keep)?;
            audit::record(
                c,
                &actor.name,
                actor.source.as_deref(),
                audit::Entry {
                    entity: "user".into(),
                    id: u.username.clone(),
                    action: "change_password".into(),
                    before: None,
                    after: None,
                },
            );
            Ok::<_, AppError>(())
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestApp;
    use hoptac_domain::auth::{Role, Scope};

    fn an_account_changes_its_own_password_and_its_other_sessions_end(url: &str) {
        let app = TestApp::open(url);
        let me = app.user("can.bo", Role::Leader, Scope::All);
        let old = "mat-khau-thu-nghiem-can.bo";
        let now = Utc::now();
        let p = app.authenticate("can.bo", old, now).expect("sign in");
        let (other, _) = app.start_session(&p, now).expect("second session");
        let change = |current: &'static str, new: &'static str, repeat: &'static str| {
            app.for_principal(&p).change_own_password(
                &PasswordChange {
                    current,
                    new,
                    repeat,
                },
                Some(&me.cookie),
                Some("127.0.0.1"),
            )
        };
        let strong = "mây trắng bay qua đèo Tam Thanh";
        let e = change(old, strong, "khác hẳn").expect_err("differ");
        assert!(matches!(e, PasswordChangeError::Mismatch) && e.field() == Some("repeat"));
        let e = change(old, "abc123abc1", "abc123abc1").expect_err("weak");
        assert_eq!(e.field(), Some("new"));
        assert!(
            e.message(Lang::Vi).contains("Mật khẩu quá dễ đoán"),
            "{e:?}"
        );
        let e = change("khong-phai-mat-khau", strong, strong).expect_err("wrong");
        assert!(matches!(e, PasswordChangeError::WrongCurrent) && e.field() == Some("current"));
        change(old, strong, strong).expect("changed");
        assert!(app.authenticate("can.bo", old, Utc::now()).is_err());
        app.authenticate("can.bo", strong, Utc::now())
            .expect("the new password signs in");
        assert!(
            app.session(&me.cookie, Utc::now()).expect("read").is_some(),
            "the session that made the change stays"
        );
        assert!(
            app.session(&other, Utc::now()).expect("read").is_none(),
            "the other session ended"
        );
        let trail = hoptac_store::audit::recent(&app.db, 5).expect("trail");
        assert!(
            trail
                .iter()
                .any(|l| l.actor == "can.bo" && l.entries.contains("change_password")),
            "{trail:?}"
        );
    }

    hoptac_testkit::both_backends!(an_account_changes_its_own_password_and_its_other_sessions_end);
}
