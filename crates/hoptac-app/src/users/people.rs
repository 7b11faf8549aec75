//! The people behind the names (*người thực hiện*): who acted is recorded by user
//! name, pages name them by full name.

use crate::error::Result;
use crate::registry::Registry;
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

impl Registry {
    /// Every account's full name by user name (one read).
    pub fn people(&self) -> Result<People> {
        Ok(People(
            self.users()?
                .into_iter()
                .map(|u| (u.username, u.display_name))
                .collect(),
        ))
    }
}
