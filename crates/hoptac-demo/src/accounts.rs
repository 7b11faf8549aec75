//! Demo accounts (*tài khoản mẫu*): one for each role, so that a newcomer signs in and
//! sees the dashboard in one step. Only `hoptac demo` makes them, in the demo database
//! it has just filled; each password is random and shown once.

use hoptac_app::registry::Actor;
use hoptac_app::{AppError, Registry};
use hoptac_domain::auth::{Role, Scope};
use hoptac_domain::list::{OrgFilter, PageRequest};
use hoptac_domain::org::OrgKind;

/// A demo account as made: its user name, role and the password to show once.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// The demo accounts' user names, full names and roles, in the order shown.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 5] = [
    ("demo.quantri", "Nguyễn Văn An", Role::Admin),
    ("demo.tinh", "Trần Thị Bình", Role::ProvincialOfficer),
    ("demo.xa", "Hoàng Văn Cường", Role::CommuneOfficer),
    ("demo.htx", "Lương Thị Dung", Role::Cooperative),
    ("demo.lanhdao", "Vi Văn Đức", Role::Leader),
];

/// Makes the demo accounts with random passwords: the commune officer looks after the
/// commune of the first HTX listed, the cooperative account is that HTX's. Nothing is
/// made in an empty registry (there would be no commune or HTX to give them).
pub fn create_demo_accounts(reg: &Registry) -> Result<Vec<DemoAccount>, AppError> {
    let filter = OrgFilter {
        kinds: vec![OrgKind::Cooperative],
        ..Default::default()
    };
    let first = reg
        .list(&Scope::All, &filter, PageRequest::new(1, 1))?
        .items
        .into_iter()
        .next();
    let Some(htx) = first else {
        return Ok(Vec::new());
    };
    let commune = htx.places.commune_2025.clone();
    let actor = Actor::new("hoptac demo", None);
    let mut made = Vec::new();
    for (username, name, role) in DEMO_ACCOUNTS {
        let scope = match role {
            Role::CommuneOfficer => match &commune {
                Some(c) => Scope::Communes {
                    codes: vec![c.clone()],
                },
                None => continue,
            },
            Role::Cooperative => Scope::Organisation { id: htx.id },
            _ => Scope::All,
        };
        let password = hoptac_app::users::generate_password(username);
        reg.add_user(username, name, role, scope, &password, &actor)?;
        made.push(DemoAccount {
            username: username.to_owned(),
            display_name: name.to_owned(),
            role,
            password,
        });
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_role_gets_an_account_that_signs_in(url: &str) {
        let reg = hoptac_app::testing::registry(url);
        assert!(
            create_demo_accounts(&reg).expect("empty").is_empty(),
            "an empty registry gets no accounts"
        );
        crate::generate(
            &reg,
            &crate::DemoSpec {
                seed: 7,
                scale: 0.05,
                counts: None,
            },
        )
        .expect("demo");
        let made = create_demo_accounts(&reg).expect("accounts");
        assert_eq!(made.len(), DEMO_ACCOUNTS.len());
        for a in &made {
            let p = reg
                .authenticate(&a.username, &a.password, chrono::Utc::now())
                .expect("signs in");
            assert_eq!(
                (p.role, p.display_name.as_str()),
                (a.role, a.display_name.as_str())
            );
        }
        assert!(reg.has_admin().expect("admin"));
    }

    hoptac_testkit::both_backends!(every_role_gets_an_account_that_signs_in);
}
