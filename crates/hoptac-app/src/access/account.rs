//! One's own account through the scoped handle (*tài khoản của tôi*): change the
//! password; and the people behind the names in histories, shown by full name.

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
}
