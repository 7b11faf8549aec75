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

hoptac_testkit::both_backends!(
    accounts_sessions_tokens_and_throttling,
    parallel_guesses_get_only_the_allowed_checks
);
