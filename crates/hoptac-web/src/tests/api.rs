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
