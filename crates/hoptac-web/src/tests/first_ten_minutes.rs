//! Issue 12 §1, the first ten minutes: a sign-in lands on the page that asked for it;
//! every account changes its own password; people are named by full name; search
//! understands HTX, THT and LHHTX.

use super::helpers::*;

/// A request's status, `location` header and body.
async fn send(reg: &Registry, req: Request<Body>) -> (StatusCode, String, String) {
    let resp = router(reg.clone()).oneshot(req).await.expect("response");
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        location,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// Signs in through the form, `next` as the sign-in page carried it: where it lands.
async fn sign_in_landing(reg: &Registry, next: Option<&str>) -> (StatusCode, String) {
    let page = match next {
        Some(n) => format!("/dang-nhap?next={}", crate::html::url_escape(n)),
        None => "/dang-nhap".to_owned(),
    };
    let resp = router(reg.clone())
        .oneshot(
            Request::builder()
                .uri(&page)
                .body(Body::empty())
                .expect("req"),
        )
        .await
        .expect("response");
    let login = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("hoptac_login="))
        .and_then(|v| v.split(';').next())
        .expect("login cookie")
        .to_owned();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let html = String::from_utf8_lossy(&bytes).into_owned();
    let carried = html
        .split("name=\"next\" value=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .map(|x| x.replace("&amp;", "&"));
    let mut body = format!("username=quan.tri&password=mat-khau-quan-tri&csrf={login}");
    if let Some(n) = &carried {
        body.push_str(&format!("&next={}", crate::html::url_escape(n)));
    }
    let req = Request::builder()
        .method("POST")
        .uri("/dang-nhap")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("hoptac_login={login}"))
        .body(Body::from(body))
        .expect("req");
    let (status, location, _) = send(reg, req).await;
    (status, location)
}

fn a_sign_in_lands_on_the_page_that_asked_for_it(url: &str) {
    let app = TestApp::open(url);
    rt().block_on(async {
        let asked = "/danh-gia?year=2024&lang=en";
        let (s, html) = page_call(&app, "GET", asked, None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(
            html.contains("href=\"/dang-nhap?next=%2Fdanh-gia%3Fyear%3D2024%26lang%3Den\""),
            "{html}"
        );
        assert_eq!(
            sign_in_landing(&app, Some(asked)).await,
            (StatusCode::SEE_OTHER, asked.to_owned()),
            "back where they were, in English"
        );
        for elsewhere in [None, Some("//evil.example/x"), Some("https://evil.example")] {
            assert_eq!(
                sign_in_landing(&app, elsewhere).await,
                (StatusCode::SEE_OTHER, "/bang-dieu-khien".to_owned()),
                "{elsewhere:?}"
            );
        }
        // A forged form naming another host lands on the dashboard too.
        let (_, html) = page_call(&app, "GET", "/dang-nhap?next=//evil.example", None, None).await;
        assert!(!html.contains("evil.example"), "{html}");
    });
}

fn every_account_changes_its_own_password(url: &str) {
    let app = TestApp::open(url);
    let me = app.user("lanh.dao", Role::Leader, Scope::All);
    let old = "mat-khau-thu-nghiem-lanh.dao";
    let p = app
        .authenticate("lanh.dao", old, chrono::Utc::now())
        .expect("sign in");
    let (other, _) = app
        .start_session(&p, chrono::Utc::now())
        .expect("another session");
    rt().block_on(async {
        let uri = "/tai-khoan/mat-khau";
        assert_eq!(
            page_call(&app, "GET", uri, None, None).await.0,
            StatusCode::UNAUTHORIZED
        );
        let (s, html) = page_call(&app, "GET", uri, Some(&me.cookie), None).await;
        assert_eq!(s, StatusCode::OK);
        for field in ["name=\"current\"", "name=\"new\"", "name=\"repeat\""] {
            assert!(html.contains(field), "{field}: {html}");
        }
        let post = |current: &str, new: &str, repeat: &str| {
            let body = format!(
                "csrf={}&current={}&new={}&repeat={}",
                me.csrf,
                crate::html::url_escape(current),
                crate::html::url_escape(new),
                crate::html::url_escape(repeat)
            );
            page_call(&app, "POST", uri, Some(&me.cookie), Some(body))
        };
        let strong = "sương sớm trên núi Mẫu Sơn";
        let (s, html) = post(old, "abc123abc1", "abc123abc1").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("id=\"new-error\"") && html.contains("Mật khẩu quá dễ đoán"),
            "the reason beside the field: {html}"
        );
        let (s, html) = post(old, strong, "khác").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("id=\"repeat-error\""), "{html}");
        let (s, html) = post("sai-mat-khau-roi", strong, strong).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("id=\"current-error\"") && html.contains("Mật khẩu hiện tại không đúng"),
            "{html}"
        );
        let forged = format!("csrf=sai&current={old}&new=x&repeat=x");
        let (s, _) = page_call(&app, "POST", uri, Some(&me.cookie), Some(forged)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "the form's CSRF token is checked");
        let (s, html) = post(old, strong, strong).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("Đã đổi mật khẩu"), "{html}");
        let dash = "/bang-dieu-khien";
        assert_eq!(
            page_call(&app, "GET", dash, Some(&me.cookie), None).await.0,
            StatusCode::OK,
            "this session stays"
        );
        assert_eq!(
            page_call(&app, "GET", dash, Some(&other), None).await.0,
            StatusCode::UNAUTHORIZED,
            "the other session ended"
        );
    });
    app.authenticate("lanh.dao", "sương sớm trên núi Mẫu Sơn", chrono::Utc::now())
        .expect("the new password signs in");
    let trail = hoptac_store::audit::recent(&app.db, 3).expect("trail");
    assert!(
        trail.iter().any(|l| l.entries.contains("change_password")),
        "recorded in the audit trail"
    );
}

fn people_are_named_by_full_name_in_histories(url: &str) {
    let app = TestApp::open(url);
    let (admin, _) = app.admin().session();
    let id = rt().block_on(async {
        let (s, created) = call(
            &app,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Ai Đã Sửa", "4900000055")),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("id");
        let (_, html) = page_call(&app, "GET", &format!("/to-chuc/{id}"), Some(&admin), None).await;
        assert!(html.contains("<td>Quản trị</td>"), "history: {html}");
        assert!(!html.contains("<td>quan.tri</td>"), "{html}");
        let (_, html) = page_call(&app, "GET", "/nhat-ky", Some(&admin), None).await;
        assert!(html.contains("<td>Quản trị</td>"), "audit: {html}");
        assert!(!html.contains("<td>quan.tri</td>"), "{html}");
        id
    });
    let mut scores = std::collections::BTreeMap::new();
    scores.insert("1a".to_owned(), 10);
    let actor = hoptac_app::registry::Actor::new("quan.tri", None);
    app.save_scores(id, 2025, scores, Default::default(), None, None, &actor)
        .expect("draft");
    rt().block_on(async {
        let (_, html) = page_call(
            &app,
            "GET",
            &format!("/danh-gia/{id}/2025"),
            Some(&admin),
            None,
        )
        .await;
        assert!(html.contains("Người lập: Quản trị"), "sheet: {html}");
        // The header names the reader by full name, linking to their password page.
        assert!(
            html.contains("href=\"/tai-khoan/mat-khau\" title=\"Đổi mật khẩu\">Quản trị</a>"),
            "{html}"
        );
    });
}

fn search_understands_kind_abbreviations_on_the_page_and_the_api(url: &str) {
    let app = TestApp::open(url);
    rt().block_on(async {
        for (name, tax) in [
            ("Hợp tác xã Chè Tân Tiến", "4900000055"),
            ("Hợp tác xã Lúa Gạo", "4900000099"),
        ] {
            let (s, b) = call(
                &app,
                "POST",
                "/api/v1/organisations",
                Some(new_htx(name, tax)),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (s, html) = page_call(&app, "GET", "/?q=htx+che", None, None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Hợp tác xã Chè Tân Tiến"), "{html}");
        assert!(!html.contains("Hợp tác xã Lúa Gạo"), "{html}");
        let (s, list) = call_as(
            &app,
            None,
            "GET",
            "/api/v1/organisations?q=HTX%20ch%C3%A8",
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(
            list["items"][0]["fields"]["name"],
            "Hợp tác xã Chè Tân Tiến"
        );
    });
}

hoptac_testkit::both_backends!(
    a_sign_in_lands_on_the_page_that_asked_for_it,
    every_account_changes_its_own_password,
    people_are_named_by_full_name_in_histories,
    search_understands_kind_abbreviations_on_the_page_and_the_api
);
