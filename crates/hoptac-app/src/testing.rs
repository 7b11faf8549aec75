//! The test harness shared by this crate's tests and hoptac-web's (feature `testing`):
//! one place that opens a database, migrates it and opens a [`Registry`] on it, and a
//! [`TestApp`] that adds the administrator and signs accounts in. See
//! docs/decisions/0014-test-harness.md.

use crate::registry::{Actor, NewOrg, Registry};
use chrono::NaiveDate;
use hoptac_domain::auth::{Role, Scope};
use hoptac_domain::org::{OrgFields, OrgKind, Sector};
use hoptac_domain::place::PlaceRef;
use hoptac_store::{migrate::migrate, Db};

/// The province of test registries (Lạng Sơn).
pub const PROVINCE: &str = "20";
/// The administrator every [`TestApp`] starts with.
pub const ADMIN: &str = "quan.tri";
const ADMIN_PASSWORD: &str = "mat-khau-quan-tri";

/// The day test registries take for today.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).expect("date")
}

/// Opens the database at `url` and brings its schema up to date.
pub fn open_db(url: &str) -> Db {
    let db = Db::open(url).expect("open");
    migrate(&db).expect("migrate");
    db
}

/// A registry of the test province on a migrated database at `url`, with no accounts.
pub fn registry(url: &str) -> Registry {
    Registry::open(open_db(url), Some(PROVINCE.into()))
        .expect("registry")
        .with_today(today())
}

/// A new agricultural HTX of twelve members, founded on `founded` at `place`.
pub fn htx(name: &str, place: PlaceRef, founded: NaiveDate) -> NewOrg {
    NewOrg {
        kind: Some(OrgKind::Cooperative),
        fields: OrgFields {
            name: Some(name.into()),
            place: Some(place),
            founding_date: Some(founded),
            sector: Some(Sector::Agriculture),
            members: Some(12),
            ..Default::default()
        },
        status: None,
    }
}

/// The author of the changes tests make directly through the registry.
pub fn actor() -> Actor {
    Actor::new("tester", Some("test".into()))
}

/// The command line, which adds the accounts and issues the tokens.
fn cli() -> Actor {
    Actor::new("cli", None)
}

/// A registry (see [`registry`]) with its administrator [`ADMIN`]; it derefs to the
/// [`Registry`].
pub struct TestApp {
    pub reg: Registry,
    admin_token: String,
    _db: Option<hoptac_testkit::TestDb>,
}

/// A signed-in account: an API bearer token, and a browser session's cookie value and
/// CSRF token.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub login: String,
    pub token: String,
    pub cookie: String,
    pub csrf: String,
}

impl TestUser {
    /// The browser session: cookie value and CSRF token.
    pub fn session(&self) -> (String, String) {
        (self.cookie.clone(), self.csrf.clone())
    }
}

impl TestApp {
    /// The test registry on the database at `url`, with its administrator.
    pub fn open(url: &str) -> TestApp {
        TestApp::on(registry(url), None)
    }

    /// [`TestApp::open`] on a fresh SQLite database owned by the app.
    pub fn sqlite() -> TestApp {
        let db = hoptac_testkit::sqlite();
        TestApp::on(registry(&db), Some(db))
    }

    fn on(reg: Registry, db: Option<hoptac_testkit::TestDb>) -> TestApp {
        reg.add_user(
            ADMIN,
            "Quản trị",
            Role::Admin,
            Scope::All,
            ADMIN_PASSWORD,
            &cli(),
        )
        .expect("admin");
        let admin_token = reg.issue_token(ADMIN, "test", &cli()).expect("token");
        TestApp {
            reg,
            admin_token,
            _db: db,
        }
    }

    /// The administrator's API token (issued when the app was opened).
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// The administrator, with a new browser session.
    pub fn admin(&self) -> TestUser {
        self.sign_in(ADMIN, ADMIN_PASSWORD, self.admin_token.clone())
    }

    /// Adds the account `login` (also its display name) with `role` and `scope`,
    /// issues it an API token and signs it in.
    pub fn user(&self, login: &str, role: Role, scope: Scope) -> TestUser {
        let pass = format!("mat-khau-thu-nghiem-{login}");
        self.reg
            .add_user(login, login, role, scope, &pass, &cli())
            .expect("user");
        let token = self.reg.issue_token(login, "test", &cli()).expect("token");
        self.sign_in(login, &pass, token)
    }

    fn sign_in(&self, login: &str, pass: &str, token: String) -> TestUser {
        let now = chrono::Utc::now();
        let p = self.reg.authenticate(login, pass, now).expect("sign in");
        let (cookie, csrf) = self.reg.start_session(&p, now).expect("session");
        TestUser {
            login: login.to_owned(),
            token,
            cookie,
            csrf,
        }
    }
}

impl std::ops::Deref for TestApp {
    type Target = Registry;
    fn deref(&self) -> &Registry {
        &self.reg
    }
}
