//! Accounts, sessions, tokens and sign-in throttling, on both databases.

use crate::registry::Actor;
use crate::registry_tests::registry;
use chrono::{Duration, Utc};
use hoptac_domain::auth::{Role, Scope};

fn accounts_sessions_tokens_and_throttling(url: &str) {
    let reg = registry(url);
    let admin = Actor::new("cli", None);
    assert!(!reg.has_admin().expect("check"));
    assert!(
        reg.add_user(
            "Admin",
            "Quản trị",
            Role::Admin,
            Scope::All,
            "short",
            &admin
        )
        .is_err(),
        "weak password"
    );
    let u = reg
        .add_user(
            "Admin",
            "Quản trị",
            Role::Admin,
            Scope::All,
            "mot-mat-khau-dai",
            &admin,
        )
        .expect("add");
    assert_eq!(u.username, "admin");
    assert!(reg.has_admin().expect("check"));
    assert!(
        reg.add_user(
            "admin",
            "x",
            Role::Admin,
            Scope::All,
            "mot-mat-khau-dai",
            &admin
        )
        .is_err(),
        "taken"
    );
    assert!(
        reg.add_user(
            "xa1",
            "x",
            Role::CommuneOfficer,
            Scope::All,
            "mot-mat-khau-dai",
            &admin
        )
        .is_err(),
        "scope must fit"
    );
    assert!(
        reg.add_user(
            "xa1",
            "x",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["99999".into()]
            },
            "mot-mat-khau-dai",
            &admin
        )
        .is_err(),
        "unknown commune"
    );
    reg.add_user(
        "xa1",
        "Cán bộ xã",
        Role::CommuneOfficer,
        Scope::Communes {
            codes: vec!["06184".into()],
        },
        "mot-mat-khau-dai",
        &admin,
    )
    .expect("commune officer");
    let now = Utc::now();
    let p = reg
        .authenticate("ADMIN", "mot-mat-khau-dai", now)
        .expect("sign in");
    assert_eq!(p.role, Role::Admin);
    let (token, csrf) = reg.start_session(&p, now).expect("session");
    let (again, csrf2) = reg
        .session(&token, now + Duration::hours(1))
        .expect("read")
        .expect("live");
    assert_eq!((again.username.as_str(), csrf2), ("admin", csrf));
    // Used at 1 h, so alive until 3 h; left alone from 2½ h, it ends at 4½ h.
    assert!(
        reg.session(&token, now + Duration::minutes(150))
            .expect("read")
            .is_some(),
        "slid"
    );
    assert!(
        reg.session(&token, now + Duration::minutes(275))
            .expect("read")
            .is_none(),
        "idle"
    );
    // A session used every 100 minutes still ends 12 hours after sign-in.
    let (busy, _) = reg.start_session(&p, now).expect("session");
    for step in 1..=7 {
        assert!(
            reg.session(&busy, now + Duration::minutes(100 * step))
                .expect("read")
                .is_some(),
            "busy at {step}"
        );
    }
    assert!(
        reg.session(&busy, now + Duration::minutes(12 * 60 + 1))
            .expect("read")
            .is_none(),
        "absolute limit"
    );
    // Expired sessions are cleaned up (the idle one and the busy one).
    assert_eq!(
        reg.purge_sessions(now + Duration::hours(13))
            .expect("purge"),
        2
    );
    assert!(reg.session("not-a-token", now).expect("read").is_none());
    let bearer = reg
        .issue_token("xa1", "phần mềm xã", &admin)
        .expect("token");
    assert_eq!(
        reg.token_principal(&bearer).expect("read").map(|p| p.role),
        Some(Role::CommuneOfficer)
    );
    // Five wrong passwords, then even the right one waits.
    for _ in 0..5 {
        assert!(reg.authenticate("xa1", "sai-mat-khau-roi", now).is_err());
    }
    assert!(matches!(
        reg.authenticate("xa1", "mot-mat-khau-dai", now),
        Err(crate::AppError::Refused {
            code: "throttled",
            ..
        })
    ));
    // A reset clears the count and ends sessions; a disabled account cannot sign in.
    reg.reset_password("xa1", "mat-khau-moi-dai-hon", &admin)
        .expect("reset");
    assert!(reg.authenticate("xa1", "mat-khau-moi-dai-hon", now).is_ok());
    reg.set_disabled("xa1", true, &admin).expect("disable");
    assert!(reg
        .authenticate("xa1", "mat-khau-moi-dai-hon", now)
        .is_err());
    assert!(
        reg.token_principal(&bearer).expect("read").is_none(),
        "a disabled account's tokens stop working"
    );
    let listed = reg.users().expect("list");
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|u| u.username == "xa1" && u.disabled));
}

/// Forty wrong passwords at once get five password checks between them: the count
/// is checked and raised in one step, so the rest are turned away unchecked.
fn parallel_guesses_get_only_the_allowed_checks(url: &str) {
    let reg = registry(url);
    reg.add_user(
        "xa2",
        "Cán bộ xã",
        Role::CommuneOfficer,
        Scope::Communes {
            codes: vec!["06184".into()],
        },
        "mot-mat-khau-dai-hon",
        &Actor::new("cli", None),
    )
    .expect("user");
    let now = Utc::now();
    let outcomes: Vec<Result<_, crate::AppError>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..40)
            .map(|i| {
                let reg = reg.clone();
                s.spawn(move || reg.authenticate("xa2", &format!("doan-sai-{i}"), now))
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let checked = outcomes
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(crate::AppError::Refused {
                    code: "bad_credentials",
                    ..
                })
            )
        })
        .count();
    let turned_away = outcomes
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(crate::AppError::Refused {
                    code: "throttled",
                    ..
                })
            )
        })
        .count();
    assert_eq!((checked, turned_away), (5, 35), "{outcomes:?}");
    // An unknown name is answered like a wrong password (and costs a hash too).
    assert!(matches!(
        reg.authenticate("khong.co.ai", "doan-sai", now),
        Err(crate::AppError::Refused {
            code: "bad_credentials",
            ..
        })
    ));
}

/// Tokens are named, listed without secrets, expire, and are revoked one by one or all
/// at once when the password is reset or the account disabled.
fn tokens_are_named_listed_expire_and_are_revoked(url: &str) {
    let reg = registry(url);
    let cli = Actor::new("cli", None);
    let add = |name: &str| {
        reg.add_user(
            name,
            name,
            Role::ProvincialOfficer,
            Scope::All,
            "mot-mat-khau-dai",
            &cli,
        )
        .expect("user")
    };
    add("so.tai.chinh");
    add("lien.minh");
    let now = Utc::now();
    // Refused: no name, a control character, a name too long, 0 days, too many days.
    for (label, days) in [
        ("", 30),
        ("a\u{0}b", 30),
        (&*"x".repeat(101), 30),
        ("ok", 0),
        ("ok", 731),
    ] {
        assert!(
            reg.issue_token_for_days("so.tai.chinh", label, days, &cli)
                .is_err(),
            "{label:?} for {days} days"
        );
    }
    assert!(matches!(
        reg.issue_token_for_days("khong.co", "x", 30, &cli),
        Err(crate::AppError::NotFound { .. })
    ));
    let (plain, t1) = reg
        .issue_token("so.tai.chinh", "  báo cáo quý  ", &cli)
        .map(|s| {
            (
                s,
                reg.tokens(Some("so.tai.chinh")).expect("list")[0].clone(),
            )
        })
        .expect("token");
    assert_eq!(t1.label, "báo cáo quý");
    let expires = t1.expires_at.expect("expires by default");
    let days = (expires - t1.created_at).num_days();
    assert_eq!(days, i64::from(super::DEFAULT_TOKEN_DAYS));
    let (short, t2) = reg
        .issue_token_for_days("so.tai.chinh", "một tuần", 7, &cli)
        .expect("token");
    let (other, _) = reg
        .issue_token_for_days("lien.minh", "đồng bộ", 30, &cli)
        .expect("token");
    // Listed newest first, per account or all, never with a secret.
    let mine = reg.tokens(Some("SO.TAI.CHINH")).expect("list");
    assert_eq!(
        mine.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
        ["một tuần", "báo cáo quý"]
    );
    assert_eq!(reg.tokens(None).expect("all").len(), 3);
    let listed = serde_json::to_string(&reg.tokens(None).expect("all")).expect("json");
    for secret in [&plain, &short, &other] {
        assert!(!listed.contains(secret.as_str()));
    }
    // Expiry: a week-long token stops after a week, the default one lives on.
    let in_8_days = now + Duration::days(8);
    assert!(reg.token_principal_at(&short, now).expect("read").is_some());
    assert!(reg
        .token_principal_at(&short, in_8_days)
        .expect("read")
        .is_none());
    assert!(reg
        .token_principal_at(&plain, in_8_days)
        .expect("read")
        .is_some());
    assert!(!mine[0].live(in_8_days) && mine[1].live(in_8_days));
    // Revoking one token stops it alone; revoking again changes nothing; a missing id
    // is not found.
    reg.revoke_token(t2.id, &cli).expect("revoke");
    reg.revoke_token(t2.id, &cli).expect("revoke again");
    assert!(reg.token_principal(&short).expect("read").is_none());
    assert!(reg.token_principal(&plain).expect("read").is_some());
    assert!(matches!(
        reg.revoke_token(9_999, &cli),
        Err(crate::AppError::NotFound { .. })
    ));
    // A password reset revokes the account's tokens, not another's.
    reg.reset_password("so.tai.chinh", "mat-khau-moi-dai-hon", &cli)
        .expect("reset");
    assert!(reg.token_principal(&plain).expect("read").is_none());
    assert!(reg.token_principal(&other).expect("read").is_some());
    assert!(reg
        .tokens(Some("so.tai.chinh"))
        .expect("list")
        .iter()
        .all(|t| t.revoked_at.is_some()));
    // Disabling revokes too: enabling again does not bring tokens back.
    reg.set_disabled("lien.minh", true, &cli).expect("disable");
    reg.set_disabled("lien.minh", false, &cli).expect("enable");
    assert!(reg.token_principal(&other).expect("read").is_none());
    // Every issue and revocation is in the audit trail.
    let actions: Vec<String> = hoptac_store::audit::recent(&reg.db, 100)
        .expect("trail")
        .iter()
        .flat_map(|l| serde_json::from_str::<Vec<serde_json::Value>>(&l.entries).expect("json"))
        .filter(|e| e["entity"] == "api_token")
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "create").count(), 3);
    assert!(actions.iter().any(|a| a == "revoke"));
}

/// Stale rows that anyone can cause without signing in are purged.
fn stale_rows_are_purged(url: &str) {
    let reg = registry(url);
    let cli = Actor::new("cli", None);
    let p = reg
        .add_user(
            "htx.a",
            "HTX A",
            Role::Admin,
            Scope::All,
            "mot-mat-khau-dai",
            &cli,
        )
        .expect("user");
    let now = Utc::now();
    let principal = reg
        .authenticate("htx.a", "mot-mat-khau-dai", now)
        .expect("sign in");
    assert_eq!(principal.user_id, p.id);
    for name in ["ai.do", "nguoi.la", "khong.ton.tai"] {
        assert!(reg.authenticate(name, "sai-mat-khau-roi", now).is_err());
    }
    reg.keep_upload(&principal, "a.xlsx", None, b"PK\x03\x04")
        .expect("upload");
    // Within a day nothing but expired sessions goes.
    assert_eq!(
        reg.purge_stale(now + Duration::hours(1)).expect("purge"),
        super::Purged::default()
    );
    let later = reg
        .purge_stale(now + Duration::hours(super::STALE_HOURS + 1))
        .expect("purge");
    assert_eq!((later.failed_logins, later.uploads), (3, 1));
    assert_eq!(
        reg.purge_stale(now + Duration::hours(super::STALE_HOURS + 2))
            .expect("again"),
        super::Purged::default()
    );
}

/// Growing delays per account and address, per address and per account: guessing gets
/// slow, and guessing from elsewhere never locks the real user out.
fn sign_in_throttling_by_account_and_source(url: &str) {
    let reg = registry(url);
    let cli = Actor::new("cli", None);
    reg.add_user(
        "can.bo",
        "Cán bộ",
        Role::ProvincialOfficer,
        Scope::All,
        "mot-mat-khau-dai",
        &cli,
    )
    .expect("user");
    let t0 = Utc::now();
    let code = |r: &crate::Result<_>| match r {
        Ok(_) => "ok",
        Err(crate::AppError::Refused { code, .. }) => code,
        Err(_) => "other",
    };
    // A guesser at one address: five tries, then 15 s, then 30 s…
    for i in 0..5 {
        let r = reg.authenticate_from("can.bo", &format!("doan-{i}"), Some("203.0.113.9"), t0);
        assert_eq!(code(&r), "bad_credentials");
    }
    let r = reg.authenticate_from("can.bo", "mot-mat-khau-dai", Some("203.0.113.9"), t0);
    assert_eq!(code(&r), "throttled", "even the right password waits");
    let Err(crate::AppError::Refused { vi, .. }) = &r else {
        unreachable!()
    };
    assert!(vi.contains("15 giây"), "{vi}");
    let r = reg.authenticate_from(
        "can.bo",
        "doan-5",
        Some("203.0.113.9"),
        t0 + Duration::seconds(16),
    );
    assert_eq!(code(&r), "bad_credentials");
    let r = reg.authenticate_from(
        "can.bo",
        "x",
        Some("203.0.113.9"),
        t0 + Duration::seconds(20),
    );
    assert_eq!(code(&r), "throttled", "the next delay is longer");
    // The real user at another address is not held back by the guesser…
    let p = reg.authenticate_from("can.bo", "mot-mat-khau-dai", Some("198.51.100.7"), t0);
    assert_eq!(p.expect("signed in").username, "can.bo");
    // …and a success clears the account's failures.
    let r = reg.authenticate_from(
        "can.bo",
        "mot-mat-khau-dai",
        Some("203.0.113.9"),
        t0 + Duration::seconds(21),
    );
    assert_eq!(code(&r), "ok");
    // One address trying many accounts slows down after twenty failures.
    let t1 = t0 + Duration::hours(1);
    for i in 0..20 {
        let r = reg.authenticate_from(&format!("ten-{i}"), "sai", Some("192.0.2.1"), t1);
        assert_eq!(code(&r), "bad_credentials", "try {i}");
    }
    let r = reg.authenticate_from("ten-moi", "sai", Some("192.0.2.1"), t1);
    assert_eq!(code(&r), "throttled");
    // A very long name or address is stored cut to 64 characters.
    let long = "a".repeat(10_000);
    let r = reg.authenticate_from(&long, "sai", Some(&long), t1);
    assert_eq!(code(&r), "bad_credentials");
    let longest = reg
        .db
        .read(|c| {
            c.query_one(
                "SELECT MAX(LENGTH(username)), MAX(LENGTH(source)) FROM failed_logins",
                &[],
            )
        })
        .expect("read")
        .expect("row");
    assert_eq!(
        (longest.i64(0).expect("n"), longest.i64(1).expect("n")),
        (64, 64)
    );
}

/// Passwords that a guesser tries first are refused, with the reason named.
fn easy_passwords_are_refused_with_the_reason(url: &str) {
    let reg = registry(url);
    let cli = Actor::new("cli", None);
    let add = |name: &str, full: &str, pass: &str| {
        reg.add_user(name, full, Role::Leader, Scope::All, pass, &cli)
    };
    let reason = |r: crate::Result<crate::users::User>| match r {
        Err(crate::AppError::Refused { code, vi, .. }) => format!("{code}: {vi}"),
        other => format!("{other:?}"),
    };
    for (pass, why) in [
        ("ngan", "ít nhất 10 ký tự"),
        ("aaaaaaaaaaaaaaa", "lặp lại"),
        ("abcdefghijklmnop", "dễ đoán"),
        ("1234567890", "dễ đoán"),
        ("password1234", "dễ đoán"),
        ("matkhau123456", "dễ đoán"),
        ("nguyen.van.an", "dễ đoán"),
        ("nguyenvanan2026", "dễ đoán"),
    ] {
        let r = reason(add("nguyen.van.an", "Nguyễn Văn An", pass));
        assert!(
            r.starts_with("weak_password") && r.contains(why),
            "{pass}: {r}"
        );
    }
    assert!(reason(add("x", "X", &"dai-".repeat(60))).contains("dài nhất 200"));
    // A long phrase of uncommon words is fine, and a generated one always is.
    add("nguyen.van.an", "Nguyễn Văn An", "chè-shan-tuyết-mẫu-sơn").expect("strong");
    let generated = crate::users::generate_password("lanh.dao");
    add("lanh.dao", "Lãnh đạo", &generated).expect("generated");
    // A reset is held to the same rules.
    assert!(reg
        .reset_password("lanh.dao", "lanh.dao.2026", &cli)
        .is_err());
}

hoptac_testkit::both_backends!(
    easy_passwords_are_refused_with_the_reason,
    sign_in_throttling_by_account_and_source,
    tokens_are_named_listed_expire_and_are_revoked,
    stale_rows_are_purged,
    accounts_sessions_tokens_and_throttling,
    parallel_guesses_get_only_the_allowed_checks
);

/// A second factor: turned on with a code and the password, then needed at sign-in;
/// a code is good once; the operator can turn it off.
fn a_second_factor_is_needed_once_turned_on(url: &str) {
    use super::second_factor::code_at;
    use super::TotpSetup;
    let reg = registry(url);
    let cli = Actor::new("cli", None);
    reg.add_user(
        "quan.tri",
        "Quản trị",
        Role::Admin,
        Scope::All,
        "mot-mat-khau-dai",
        &cli,
    )
    .expect("user");
    let setup = TotpSetup::new("quan.tri");
    assert_eq!(setup.secret.len(), 32, "160 bits in base32");
    assert!(setup
        .url
        .starts_with("otpauth://totp/hoptac:quan.tri?secret="));
    let now = Utc::now();
    let code = code_at(&setup.secret, now);
    let refused = |r: crate::Result<()>| match r {
        Err(crate::AppError::Refused { code, .. }) => code,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Turning it on needs the password and a code from the secret.
    assert_eq!(
        refused(reg.enable_second_factor(
            "quan.tri",
            "sai-mat-khau-roi",
            &setup.secret,
            &code,
            &cli
        )),
        "bad_credentials"
    );
    assert_eq!(
        refused(reg.enable_second_factor(
            "quan.tri",
            "mot-mat-khau-dai",
            &setup.secret,
            "000000",
            &cli
        )),
        "bad_second_factor"
    );
    reg.enable_second_factor(
        "quan.tri",
        "mot-mat-khau-dai",
        &setup.grouped(),
        &code,
        &cli,
    )
    .expect("on");
    assert!(reg.has_second_factor("quan.tri").expect("read"));
    // Signing in: the password alone is not enough; the code used to turn it on is
    // spent; the next step's code works once.
    let sign_in = |code: Option<&str>, at| {
        reg.authenticate_with("quan.tri", "mot-mat-khau-dai", code, Some("192.0.2.9"), at)
            .map(|_| ())
    };
    assert_eq!(refused(sign_in(None, now)), "second_factor_required");
    assert_eq!(refused(sign_in(Some(&code), now)), "bad_second_factor");
    let later = now + Duration::seconds(30);
    let next = code_at(&setup.secret, later);
    sign_in(Some(&next), later).expect("signed in with a fresh code");
    assert_eq!(
        refused(sign_in(Some(&next), later)),
        "bad_second_factor",
        "never twice"
    );
    let far = now + Duration::minutes(10);
    assert_eq!(
        refused(sign_in(Some(&next), far)),
        "bad_second_factor",
        "expired"
    );
    // Off: by the account with a code, or by the operator without.
    assert!(reg
        .disable_second_factor("quan.tri", Some(("mot-mat-khau-dai", "123456")), &cli)
        .is_err());
    assert!(reg
        .disable_second_factor("quan.tri", None, &cli)
        .expect("off"));
    assert!(!reg.has_second_factor("quan.tri").expect("read"));
    sign_in(None, far + Duration::minutes(1)).expect("password alone again");
}

hoptac_testkit::both_backends!(a_second_factor_is_needed_once_turned_on);
