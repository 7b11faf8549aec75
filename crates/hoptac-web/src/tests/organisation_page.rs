use super::helpers::*;

fn details_for_all_history_for_accounts_in_scope(url: &str) {
    let reg = TestApp::open(url);
    let cli = hoptac_app::Actor::new("cli", None);
    reg.add_user(
        "xa.khac",
        "Cán bộ xã khác",
        Role::CommuneOfficer,
        Scope::Communes {
            codes: vec!["06079".into()],
        },
        "mat-khau-du-dai",
        &cli,
    )
    .expect("user");
    let now = chrono::Utc::now();
    let admin = reg
        .authenticate("quan.tri", "mat-khau-quan-tri", now)
        .expect("admin");
    let other = reg
        .authenticate("xa.khac", "mat-khau-du-dai", now)
        .expect("other");
    let (admin_cookie, _) = reg.start_session(&admin, now).expect("session");
    let (other_cookie, _) = reg.start_session(&other, now).expect("session");
    rt().block_on(async {
        let mut body = new_htx("Hợp tác xã Trang Hồ Sơ", "4900000088");
        body["fields"]["phone"] = json!("0912345678");
        body["fields"]["legal_representative"] = json!("Hoàng Văn Sơn");
        let (_, v) = call(&reg, "POST", "/api/v1/organisations", Some(body)).await;
        let id = v["id"].as_i64().expect("id");
        call(
            &reg,
            "PATCH",
            &format!("/api/v1/organisations/{id}"),
            Some(json!({"version": 1, "fields": {"members": 21}, "effective": "2024-03-01"})),
        )
        .await;
        let get = |cookie: Option<String>| {
            let mut r = Request::builder().uri(format!("/to-chuc/{id}"));
            if let Some(c) = cookie {
                r = r.header("cookie", format!("hoptac_session={c}"));
            }
            r.body(Body::empty()).expect("req")
        };
        let page = |resp: axum::response::Response| async move {
            let s = resp.status();
            (
                s,
                String::from_utf8_lossy(
                    &resp.into_body().collect().await.expect("body").to_bytes(),
                )
                .into_owned(),
            )
        };
        let (s, public) = page(router(reg.clone()).oneshot(get(None)).await.expect("resp")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            public.contains("Hợp tác xã Trang Hồ Sơ")
                && public.contains("Xã Đồng Đăng (06184, 2025)"),
            "{public}"
        );
        assert!(
            !public.contains("0912345678") && !public.contains("Hoàng Văn Sơn"),
            "no contacts for the public"
        );
        assert!(public.contains("/dang-nhap"));
        let (s, full) = page(
            router(reg.clone())
                .oneshot(get(Some(admin_cookie)))
                .await
                .expect("resp"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            full.contains("Lịch sử thay đổi")
                && full.contains("01/03/2024")
                && full.contains("0912345678"),
            "{full}"
        );
        // The change of members is shown as before and after, highlighted.
        assert!(
            full.contains("<td><del>9</del></td><td><ins>21</ins></td>"),
            "{full}"
        );
        assert!(
            full.contains(&format!("href=\"/danh-gia/{id}/2025\"")),
            "a way to the year's score sheet"
        );
        let (s, _) = page(
            router(reg.clone())
                .oneshot(get(Some(other_cookie)))
                .await
                .expect("resp"),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "another commune's record does not exist for its officer"
        );
    });
}

hoptac_testkit::both_backends!(details_for_all_history_for_accounts_in_scope);
