//! The JSON API through the real router, on both databases.

use super::helpers::*;

fn create_read_update_and_conflict(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        let (s, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Hồng Phong", "4900000001")),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().expect("id");
        assert_eq!(v["version"], 1);
        assert_eq!(v["places"]["commune_2025"], "06184");
        let (s, v) = call(&reg, "GET", &format!("/api/v1/organisations/{id}"), None).await;
        assert_eq!(
            (s, v["fields"]["name"].as_str()),
            (StatusCode::OK, Some("Hợp tác xã Hồng Phong"))
        );
        let (s, v) = call(
            &reg,
            "PATCH",
            &format!("/api/v1/organisations/{id}"),
            Some(json!({"version": 1, "fields": {"members": 15}})),
        )
        .await;
        assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(2)));
        // A second editor who also read version 1.
        let (s, v) = call(
            &reg,
            "PATCH",
            &format!("/api/v1/organisations/{id}"),
            Some(json!({"version": 1, "fields": {"members": 20}})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(v["error"]["code"], "conflict");
        assert_eq!(v["error"]["your_version"], 1);
        assert_eq!(v["error"]["current"]["version"], 2);
        assert_eq!(v["error"]["current"]["fields"]["members"], 15);
        assert_eq!(v["error"]["yours"]["members"], 20);
        assert!(v["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("phiên bản"));
        // As of a date before the change.
        let (_, v) = call(
            &reg,
            "GET",
            &format!("/api/v1/organisations/{id}?as_of=01/01/2020"),
            None,
        )
        .await;
        assert_eq!(v["fields"]["members"], 9);
        let (s, v) = call(
            &reg,
            "GET",
            &format!("/api/v1/organisations/{id}/history"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["changes"].as_array().map(Vec::len), Some(3));
    });
}

fn errors_are_json_with_codes_and_localised_messages(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Một", "4900000002")),
        )
        .await;
        let (s, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Hai", "4900000002")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "invalid");
        assert_eq!(v["error"]["fields"][0]["field"], "tax_code");
        assert!(v["error"]["fields"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("Hợp tác xã Một"));
        let (s, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations?lang=en",
            Some(new_htx("Hợp tác xã Ba", "12")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("Invalid data"),
            "{v}"
        );
        let (s, v) = call(&reg, "GET", "/api/v1/organisations/999999", None).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found"))
        );
        let (s, v) = call(
            &reg,
            "GET",
            "/api/v1/organisations?founded_from=31/02/2020",
            None,
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_request"))
        );
        let (s, _) = call(&reg, "GET", "/api/v1/nowhere", None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    });
}

fn search_filters_and_places(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Nông nghiệp Đồng Tiến", "4900000003")),
        )
        .await;
        call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Vận tải Bắc Sơn", "4900000004")),
        )
        .await;
        let (_, v) = call(
            &reg,
            "GET",
            "/api/v1/organisations?q=hop%20tac%20nong%20nghiep",
            None,
        )
        .await;
        assert_eq!(v["total"], 1);
        let (_, v) = call(
            &reg,
            "GET",
            "/api/v1/organisations?q=dong&legacy_district=183&kind=HTX,LHHTX",
            None,
        )
        .await;
        assert_eq!(v["total"], 1);
        let (_, v) = call(
            &reg,
            "GET",
            "/api/v1/places/communes?scheme=2025&name=dong%20dang",
            None,
        )
        .await;
        assert_eq!(v[0]["code"], "06184");
        assert_eq!(v[0]["attributed_district"], "183");
        let (s, v) = call(
            &reg,
            "GET",
            "/api/v1/places/communes?scheme=legacy&name=H%E1%BB%93ng%20Phong",
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("06205"),
            "{v}"
        );
        let (_, v) = call(
            &reg,
            "GET",
            "/api/v1/places/communes?scheme=legacy&code=06184",
            None,
        )
        .await;
        assert_eq!(v[0]["name"], "Thị trấn Đồng Đăng");
        assert_eq!(v[0]["maps_to"][0]["code_2025"], "06184");
        let (_, v) = call(&reg, "GET", "/api/v1/places/suspect-mappings", None).await;
        assert_eq!(v[0]["row"]["legacy_code"], "06079");
        let (_, v) = call(&reg, "GET", "/api/v1/places/districts", None).await;
        assert_eq!(v.as_array().map(Vec::len), Some(11));
    });
}

fn import_by_upload_and_export(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        let csv = "\u{feff}Tên HTX;Loại hình;Xã;Huyện;Ngày thành lập;Số thành viên\n\
                   Hợp tác xã Chè Mẫu Sơn;HTX;Mẫu Sơn;Cao Lộc;02/09/2019;9\n";
        let boundary = "XBOUNDARYX";
        let body = format!(
            "--{boundary}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"ds.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
        );
        let send = |uri: &str| {
            Request::builder()
                .method("POST")
                .uri(uri)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("authorization", format!("Bearer {}", reg.admin_token()))
                .body(Body::from(body.clone()))
                .expect("request")
        };
        let resp = router(reg.clone())
            .oneshot(send("/api/v1/import?dry_run=true"))
            .await
            .expect("response");
        assert_eq!(resp.status(), StatusCode::OK);
        let v: Value =
            serde_json::from_slice(&resp.into_body().collect().await.expect("body").to_bytes())
                .expect("json");
        assert_eq!(
            (v["created"].as_i64(), v["written"].as_bool()),
            (Some(1), Some(false))
        );
        let resp = router(reg.clone())
            .oneshot(send("/api/v1/import"))
            .await
            .expect("response");
        assert_eq!(resp.status(), StatusCode::OK);
        let resp = router(reg.clone())
            .oneshot(
                Request::builder()
                    .uri("/api/v1/export?format=csv&q=che")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await
            .expect("response");
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.headers()["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains(".csv"));
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("Hợp tác xã Chè Mẫu Sơn"));
    });
}

hoptac_testkit::both_backends!(
    create_read_update_and_conflict,
    errors_are_json_with_codes_and_localised_messages,
    search_filters_and_places,
    import_by_upload_and_export
);

fn reports_evaluations_and_targets_over_http(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        let (_, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Chè Bắc Sơn", "4900000009")),
        )
        .await;
        let id = v["id"].as_i64().expect("id");
        let report = json!({
            "stage": "final",
            "figures": {"revenue": 1200000000, "supplied_to_members": 300000000}
        });
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/reports/2024"),
            Some(report.clone()),
        )
        .await;
        assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/reports/2024"),
            Some(report),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("conflict")),
            "a second filing must name the version"
        );
        let bad = json!({"stage": "final", "figures": {"revenue": -1}});
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/reports/2019"),
            Some(bad),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = v["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        assert_eq!(fields, vec!["revenue"]);
        let mut scores = serde_json::Map::new();
        scores.insert("1a".into(), json!(6.5));
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/evaluations/2024"),
            Some(json!({"scores": scores})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::BAD_REQUEST,
            "6.5 is above 1a's maximum of 6: {v}"
        );
        assert!(v["error"]["message"].as_str().unwrap_or("").contains("1a"));
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/evaluations/2024"),
            Some(json!({"scores": {"1a": 5.5}})),
        )
        .await;
        assert_eq!(
            (s, v["evaluation"]["scores"]["1a"].as_i64()),
            (StatusCode::OK, Some(55)),
            "{v}"
        );
        let (s, v) = call(
            &reg,
            "POST",
            &format!("/api/v1/organisations/{id}/evaluations/2024/actions"),
            Some(json!({"action": "approve", "version": 1})),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("wrong_state"))
        );
        let (s, v) = call(&reg, "GET", "/api/v1/targets?year=2025&by=district", None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["targets"].as_array().map(Vec::len), Some(6));
        assert_eq!(v["targets"][0]["target"]["indicator"], "new_htx");
        let (s, v) = call(&reg, "GET", "/api/v1/rule-sets", None).await;
        assert_eq!((s, v.as_array().map(Vec::len)), (StatusCode::OK, Some(2)));
        let (s, _) = call(
            &reg,
            "GET",
            "/api/v1/reports/missing?year=2024&filing=final_report",
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    });
}

hoptac_testkit::both_backends!(reports_evaluations_and_targets_over_http);

fn writes_need_a_token_a_writing_role_and_the_right_commune(url: &str) {
    let reg = TestApp::open(url);
    let cli = hoptac_app::Actor::new("cli", None);
    reg.add_user(
        "lanh.dao",
        "Lãnh đạo",
        Role::Leader,
        Scope::All,
        "mat-khau-lanh-dao",
        &cli,
    )
    .expect("leader");
    reg.add_user(
        "xa.dongdang",
        "Cán bộ xã Đồng Đăng",
        Role::CommuneOfficer,
        Scope::Communes {
            codes: vec!["06184".into()],
        },
        "mat-khau-can-bo-xa",
        &cli,
    )
    .expect("commune");
    let leader = reg.issue_token("lanh.dao", "t", &cli).expect("token");
    let commune = reg.issue_token("xa.dongdang", "t", &cli).expect("token");
    rt().block_on(async {
        // legacy 06205 → 2025 06184
        let in_dong_dang = new_htx("Hợp tác xã Trong Xã", "4900000011");
        let mut elsewhere = new_htx("Hợp tác xã Ngoài Xã", "4900000012");
        elsewhere["fields"]["place"] = json!({"scheme": "legacy", "code": "06094"});
        let (s, v) = call_as(
            &reg,
            None,
            "POST",
            "/api/v1/organisations",
            Some(in_dong_dang.clone()),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthorized"))
        );
        let (s, _) = call_as(
            &reg,
            Some("not-a-token"),
            "POST",
            "/api/v1/organisations",
            Some(in_dong_dang.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, v) = call_as(
            &reg,
            Some(&leader),
            "POST",
            "/api/v1/organisations",
            Some(in_dong_dang.clone()),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden"))
        );
        let (s, v) = call_as(
            &reg,
            Some(&commune),
            "POST",
            "/api/v1/organisations",
            Some(elsewhere.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (s, v) = call_as(
            &reg,
            Some(&commune),
            "POST",
            "/api/v1/organisations",
            Some(in_dong_dang),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let own = v["id"].as_i64().expect("id");
        // The history (for signed-in readers) names the account that wrote.
        let (_, h) = call_as(
            &reg,
            Some(&commune),
            "GET",
            &format!("/api/v1/organisations/{own}/history"),
            None,
        )
        .await;
        assert_eq!(h["changes"][0]["author"], "xa.dongdang");
        let (_, v) = call(&reg, "POST", "/api/v1/organisations", Some(elsewhere)).await;
        let other = v["id"].as_i64().expect("id");
        let patch = json!({"version": 1, "fields": {"members": 30}});
        let (s, _) = call_as(
            &reg,
            Some(&commune),
            "PATCH",
            &format!("/api/v1/organisations/{other}"),
            Some(patch.clone()),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "another commune's record does not exist for them"
        );
        let (s, _) = call_as(
            &reg,
            Some(&commune),
            "PATCH",
            &format!("/api/v1/organisations/{own}"),
            Some(patch),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        // Approving is the province's.
        let (s, _) = call_as(
            &reg,
            Some(&commune),
            "POST",
            &format!("/api/v1/organisations/{own}/evaluations/2025/actions"),
            Some(json!({"action": "approve", "version": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, t) = call_as(
            &reg,
            Some(&commune),
            "GET",
            "/api/v1/targets?year=2025",
            None,
        )
        .await;
        let target =
            json!({"version": t["targets"][0]["version"], "target": t["targets"][0]["target"]});
        let id = t["targets"][0]["id"].as_str().expect("id").to_owned();
        let (s, _) = call_as(
            &reg,
            Some(&commune),
            "PUT",
            &format!("/api/v1/targets/{id}"),
            Some(target.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "targets are the province's");
        // A bad target is refused by field, and the stored one stays as it was.
        let mut bad = target.clone();
        bad["target"]["period_end"] = json!("2018-12-31");
        bad["target"]["value"] = json!(150.5);
        bad["target"]["document"] = json!("  ");
        bad["target"]["province"] = json!("99");
        let (s, v) = call(&reg, "PUT", &format!("/api/v1/targets/{id}"), Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let mut fields: Vec<&str> = v["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            ["document", "period_end", "province", "value"],
            "{v}"
        );
        let (s, v) = call(&reg, "PUT", &format!("/api/v1/targets/{id}"), Some(target)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    });
}

hoptac_testkit::both_backends!(writes_need_a_token_a_writing_role_and_the_right_commune);

#[test]
fn start_page_renders_without_javascript() {
    let reg = TestApp::sqlite();
    rt().block_on(async {
        let resp = router(reg.clone())
            .oneshot(
                Request::builder()
                    .uri("/?q=hop+tac")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await
            .expect("resp");
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let html = String::from_utf8_lossy(&bytes);
        assert!(html.contains("Sổ đăng ký kinh tế tập thể"));
        assert!(!html.contains("<script"));
    });
}

/// Slow links: the first 50-row registry page with everything it loads (its stylesheet;
/// there are no scripts) weighs at most 200 KB, counted on a demo province.
#[test]
fn first_registry_page_with_its_assets_fits_in_200_kb() {
    let reg = TestApp::sqlite();
    let spec = hoptac_demo::DemoSpec {
        counts: Some((120, 40, 2)),
        ..Default::default()
    };
    hoptac_demo::generate(&reg, &spec).expect("demo");
    rt().block_on(async {
        let get = |uri: &str| {
            let app = router(reg.clone());
            let req = Request::builder()
                .uri(uri)
                .body(Body::empty())
                .expect("req");
            async move {
                let resp = app.oneshot(req).await.expect("resp");
                assert_eq!(resp.status(), StatusCode::OK);
                resp.into_body().collect().await.expect("body").to_bytes()
            }
        };
        let page = get("/").await;
        let html = String::from_utf8_lossy(&page).into_owned();
        assert_eq!(
            html.matches("href=\"/to-chuc/").count(),
            50,
            "a full first page"
        );
        let mut total = page.len();
        for asset in html.split("href=\"/static/").skip(1) {
            let path = asset.split('"').next().expect("asset path");
            total += get(&format!("/static/{path}")).await.len();
        }
        assert!(!html.contains("<script"), "no scripts to count");
        assert!(
            total <= 200_000,
            "first page and its assets weigh {total} bytes"
        );
    });
}
