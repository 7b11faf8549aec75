//! The account's own settings (*tài khoản của tôi*): its second factor.

use super::Scoped;
use crate::error::Result;

impl Scoped {
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
