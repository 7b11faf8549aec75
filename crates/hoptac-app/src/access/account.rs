//! One's own account through the scoped handle (*tài khoản của tôi*): change the
//! password; and the people behind the names in histories, shown by full name.

use super::Scoped;
use crate::error::Result;
use crate::users::{PasswordChange, PasswordChangeError};
use hoptac_domain::auth::Action;
use std::collections::HashMap;

/// The accounts' full names (*họ tên*) by user name: histories and the audit trail
/// record who acted by user name, people read them by name.
#[derive(Debug, Clone, Default)]
pub struct People(HashMap<String, String>);

impl People {
    /// The full name of the account `username`, or the recorded name itself when it
    /// is not an account (the command line, an import, the demo).
    pub fn name_of<'a>(&'a self, username: &'a str) -> &'a str {
        self.0
            .get(username)
            .map(String::as_str)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(username)
    }
}

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
        Ok(People(
            self.reg
                .users()?
                .into_iter()
                .map(|u| (u.username, u.display_name))
                .collect(),
        ))
    }
}
