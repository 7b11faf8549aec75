//! One's own account through the scoped handle (*tài khoản của tôi*): change the
//! password, turn the second factor on or off; and the people behind the names in
//! histories, shown by full name.

use super::Scoped;
use crate::error::Result;
use crate::users::{PasswordChange, PasswordChangeError, People};
use hoptac_domain::auth::Action;

impl Scoped {
    /// Changes this account's own password ([`PasswordChange`]); its other sessions
    /// end, `session` (the browser session making the change) stays.
    pub fn change_own_password(
        &self,
        change: &PasswordChange<'_>,
        session: Option<&str>,
        source: Option<&str>,
    ) -> std::result::Result<(), PasswordChangeError> {
        self.reg
            .change_own_password(&self.who, change, session, source, chrono::Utc::now())
    }

    /// The full names of every account, for the internal pages that name who acted.
    pub fn people(&self) -> Result<People> {
        self.allowed(Action::ReadInternal)?;
        self.reg.people()
    }

    /// Whether this account has a second factor.
    pub fn has_second_factor(&self) -> Result<bool> {
        self.reg.has_second_factor(&self.who.username)
    }

    /// Turns this account's second factor on: its password again, the secret it was
    /// shown and a current code from it.
    pub fn enable_second_factor(&self, password: &str, secret: &str, code: &str) -> Result<()> {
        let actor = self.actor("web: tài khoản");
        self.reg
            .enable_second_factor(&self.who.username, password, secret, code, &actor)
    }

    /// Turns this account's second factor off: its password again and a current code.
    pub fn disable_second_factor(&self, password: &str, code: &str) -> Result<bool> {
        let actor = self.actor("web: tài khoản");
        self.reg
            .disable_second_factor(&self.who.username, Some((password, code)), &actor)
    }
}
