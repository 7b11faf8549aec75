use super::helpers::*;

fn administrators_add_disable_and_reset_accounts(url: &str) {
    let reg = TestApp::open(url);
    let (admin, csrf) = reg.admin().session();
    let (officer, _) = reg
        .user("can.bo.tinh", Role::ProvincialOfficer, Scope::All)
        .session();
    rt().block_on(async {
        let uri = "/quan-tri/nguoi-dung";
        assert_eq!(
            page_call(&reg, "GET", uri, Some(&officer), None).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            page_call(&reg, "GET", uri, None, None).await.0,
            StatusCode::UNAUTHORIZED
        );
        let (s, html) = page_call(&reg, "GET", uri, Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("can.bo.tinh") && html.contains("Cán bộ cấp tỉnh"),
            "{html}"
        );

        // A commune officer needs communes: the app's rule, in Vietnamese.
        let add = |body: String| page_call(&reg, "POST", uri, Some(&admin), Some(body));
        let (s, html) = add(format!(
            "csrf={csrf}&username=can.bo.xa&display_name=C%C3%A1n+b%E1%BB%99+x%C3%A3&\
             role=commune_officer&organisation="
        ))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("cần phạm vi phù hợp") && html.contains("value=\"can.bo.xa\""),
            "{html}"
        );
        // With two communes (a multiple select sends the field twice).
        let (s, html) = add(format!(
            "csrf={csrf}&username=can.bo.xa&display_name=C%C3%A1n+b%E1%BB%99+x%C3%A3&\
             role=commune_officer&communes=06184&communes=06079&organisation="
        ))
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        let password = html
            .split("<code>")
            .nth(1)
            .and_then(|x| x.split("</code>").next())
            .expect("first password shown")
            .to_owned();
        assert!(html.contains("Xã Đồng Đăng (06184)"), "{html}");
        // The new account signs in with it and sees only its communes.
        let now = chrono::Utc::now();
        let p = std::thread::scope(|s| {
            s.spawn(|| reg.authenticate("can.bo.xa", &password, now))
                .join()
                .expect("thread")
        })
        .expect("signs in");
        assert_eq!(
            p.scope,
            Scope::Communes {
                codes: vec!["06184".into(), "06079".into()]
            }
        );
        // A forged form changes nothing.
        let (s, _) = add("csrf=forged&username=x.y&display_name=X&role=leader".into()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        let act = |body: String| {
            page_call(
                &reg,
                "POST",
                "/quan-tri/nguoi-dung/thao-tac",
                Some(&admin),
                Some(body),
            )
        };
        let (s, _) = act(format!("csrf={csrf}&username=can.bo.tinh&action=disable")).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // Disabled: the open session ends at once.
        assert_eq!(
            page_call(&reg, "GET", "/danh-gia", Some(&officer), None)
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
        let (_, html) = page_call(
            &reg,
            "GET",
            &format!("{uri}?ok=disable"),
            Some(&admin),
            None,
        )
        .await;
        assert!(
            html.contains("Đã khóa tài khoản.") && html.contains("Đã khóa"),
            "{html}"
        );
        let (s, _) = act(format!("csrf={csrf}&username=can.bo.tinh&action=enable")).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, html) = act(format!("csrf={csrf}&username=can.bo.tinh&action=reset")).await;
        assert_eq!(s, StatusCode::OK);
        let fresh = html
            .split("<code>")
            .nth(1)
            .and_then(|x| x.split("</code>").next())
            .expect("new password")
            .to_owned();
        let back = std::thread::scope(|s| {
            s.spawn(|| reg.authenticate("can.bo.tinh", &fresh, now))
                .join()
                .expect("thread")
        });
        assert!(back.is_ok(), "the new password works");
        // Not on oneself, however the name is written.
        for me in ["quan.tri", "QUAN.TRI", "%20Quan.Tri"] {
            let (s, html) = act(format!("csrf={csrf}&username={me}&action=disable")).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{me}");
            assert!(html.contains("chính mình"), "{html}");
        }
        // And never the last enabled administrator, whoever asks.
        let last = std::thread::scope(|s| {
            s.spawn(|| reg.set_disabled("quan.tri", true, &hoptac_app::Actor::new("cli", None)))
                .join()
                .expect("thread")
        });
        assert!(
            matches!(
                last,
                Err(hoptac_app::AppError::Refused {
                    code: "last_admin",
                    ..
                })
            ),
            "{last:?}"
        );
    });
}

hoptac_testkit::both_backends!(administrators_add_disable_and_reset_accounts);

/// Administrators issue API tokens on the page (the secret shown once), see them
/// listed without secrets, and revoke them.
fn administrators_issue_list_and_revoke_api_tokens(url: &str) {
    let reg = TestApp::open(url);
    let (admin, csrf) = reg.admin().session();
    reg.user("can.bo.tinh", Role::ProvincialOfficer, Scope::All);
    rt().block_on(async {
        let uri = "/quan-tri/nguoi-dung";
        let act = |body: String| {
            page_call(&reg, "POST", "/quan-tri/nguoi-dung/thao-tac", Some(&admin), Some(body))
        };
        // Refused: no name, days out of range; with the reason.
        let (s, html) = act(format!(
            "csrf={csrf}&action=token&username=can.bo.tinh&label=&days=30"
        ))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Tên khóa cần từ 1 đến 100 ký tự"), "{html}");
        let (s, html) = act(format!(
            "csrf={csrf}&action=token&username=can.bo.tinh&label=x&days=900"
        ))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("từ 1 đến 730 ngày"), "{html}");
        let (s, html) = act(format!(
            "csrf={csrf}&action=token&username=can.bo.tinh&label=%C4%91%E1%BB%93ng+b%E1%BB%99&days=30"
        ))
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        let secret = html
            .split("<code>")
            .nth(1)
            .and_then(|x| x.split("</code>").next())
            .expect("secret shown once")
            .to_owned();
        assert!(html.contains("đồng bộ") && html.contains("can.bo.tinh"), "{html}");
        let create = |name: &'static str, tax: &'static str| {
            call_as(&reg, Some(&secret), "POST", "/api/v1/organisations", Some(new_htx(name, tax)))
        };
        let (s, _) = create("Hợp tác xã Có Khóa", "4900000071").await;
        assert_eq!(s, StatusCode::CREATED, "the token works");
        // Listed, without its secret; the list is the page's.
        let (_, html) = page_call(&reg, "GET", uri, Some(&admin), None).await;
        assert!(html.contains("đồng bộ") && !html.contains(&secret), "{html}");
        let id = html
            .split("name=\"token\" value=\"")
            .nth(1)
            .and_then(|x| x.split('"').next())
            .expect("a revoke button")
            .to_owned();
        let (s, _) = act(format!("csrf={csrf}&action=revoke-token&token={id}")).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, _) = create("Hợp tác xã Hết Khóa", "4900000072").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "a revoked token is refused");
        let (_, html) = page_call(&reg, "GET", &format!("{uri}?ok=revoke-token"), Some(&admin), None).await;
        assert!(html.contains("Đã thu hồi khóa API") && html.contains("Đã thu hồi"), "{html}");
        // A forged form revokes nothing.
        let (s, _) = act(format!("csrf=forged&action=revoke-token&token={id}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    });
}

hoptac_testkit::both_backends!(administrators_issue_list_and_revoke_api_tokens);

/// Any account turns two-step verification on for itself; sign-in then needs a code.
fn an_account_turns_on_two_step_verification(url: &str) {
    let reg = TestApp::open(url);
    let (admin, csrf) = reg.admin().session();
    let uri = "/tai-khoan/xac-thuc-hai-buoc";
    let code_for = |secret: &str, at: chrono::DateTime<chrono::Utc>| {
        let bytes = totp_rs::Secret::Encoded(secret.to_owned())
            .to_bytes()
            .expect("base32");
        totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 0, 30, bytes)
            .expect("totp")
            .generate(at.timestamp() as u64)
    };
    rt().block_on(async {
        let (s, html) = page_call(&reg, "GET", uri, Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("Đang tắt") && html.contains("otpauth://totp/hoptac:quan.tri"),
            "{html}"
        );
        let secret = html
            .split("name=\"secret\" value=\"")
            .nth(1)
            .and_then(|x| x.split('"').next())
            .expect("secret")
            .to_owned();
        let post = |body: String| page_call(&reg, "POST", uri, Some(&admin), Some(body));
        let (s, html) = post(format!(
            "csrf={csrf}&action=on&secret={secret}&code=000000&password=mat-khau-quan-tri"
        ))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Mã xác thực không đúng"), "{html}");
        let now = chrono::Utc::now();
        let (s, html) = post(format!(
            "csrf={csrf}&action=on&secret={secret}&code={}&password=mat-khau-quan-tri",
            code_for(&secret, now)
        ))
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains("Đã bật xác thực hai bước") && html.contains("Đang bật"),
            "{html}"
        );
        let (s, _) = post("csrf=forged&action=off&code=1&password=x".to_owned()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    });
    // Sign-in now needs a code: a fresh one (the next step's) works.
    let next = code_for_outside(&reg, &code_for);
    let sign_in = |code: &str| {
        let reg = reg.clone();
        let code = code.to_owned();
        std::thread::spawn(move || {
            reg.authenticate_with(
                "quan.tri",
                "mat-khau-quan-tri",
                Some(&code),
                None,
                chrono::Utc::now() + chrono::Duration::seconds(30),
            )
            .map(|p| p.username)
        })
        .join()
        .expect("thread")
    };
    assert!(reg
        .authenticate("quan.tri", "mat-khau-quan-tri", chrono::Utc::now())
        .is_err());
    assert_eq!(sign_in(&next).expect("signed in"), "quan.tri");
}

/// The secret as the database holds it, and the code for the next time step.
fn code_for_outside(
    reg: &TestApp,
    code_for: &dyn Fn(&str, chrono::DateTime<chrono::Utc>) -> String,
) -> String {
    let secret = reg
        .db
        .read(|c| c.query_one("SELECT secret FROM second_factors", &[]))
        .expect("read")
        .expect("row")
        .text(0)
        .expect("secret");
    code_for(&secret, chrono::Utc::now() + chrono::Duration::seconds(30))
}

hoptac_testkit::both_backends!(an_account_turns_on_two_step_verification);
