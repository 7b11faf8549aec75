use super::helpers::*;

/// `/tam-ngung` lists the stopped HTX in the reader's scope, overdue first, and the
/// stoppages settled per year; leaders read it, the public is asked to sign in.
fn stopped_htx_are_listed_overdue_first(url: &str) {
    let reg = TestApp::open(url);
    let (admin, _) = reg.admin().session();
    let (commune, _) = reg
        .user(
            "can.bo.xa",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06079".into()],
            },
        )
        .session();
    rt().block_on(async {
        let mut ids = Vec::new();
        for (name, tax) in [("Hợp tác xã Ngừng Lâu", "4900000081"), ("Hợp tác xã Tạm Nghỉ", "4900000082")] {
            let (_, v) = call(&reg, "POST", "/api/v1/organisations", Some(new_htx(name, tax))).await;
            ids.push(v["id"].as_i64().expect("id"));
        }
        let status = |id: i64, body: serde_json::Value| {
            let app = &reg;
            async move {
                let uri = format!("/api/v1/organisations/{id}/status");
                call(app, "POST", &uri, Some(body)).await
            }
        };
        let (s, _) = status(
            ids[0],
            json!({"version": 1, "status": {"status": "inactive"}, "effective": "2026-01-05"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = status(
            ids[1],
            json!({"version": 1, "status": {"status": "suspended", "until": "2026-12-31"}, "effective": "2026-06-01"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, html) = page_call(&reg, "GET", "/tam-ngung", Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK);
        let first = html.find("Ngừng Lâu").expect("listed");
        let second = html.find("Tạm Nghỉ").expect("listed");
        assert!(first < second, "overdue first");
        assert!(
            html.contains("Quá hạn") && html.contains("05/01/2026") && html.contains("31/12/2026"),
            "{html}"
        );
        // An officer of another commune (both are in Cao Lộc's 06205, now Đồng Đăng)
        // sees neither.
        let (s, html) = page_call(&reg, "GET", "/tam-ngung", Some(&commune), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(!html.contains("Ngừng Lâu") && !html.contains("Tạm Nghỉ"), "{html}");
        let (s, _) = page_call(&reg, "GET", "/tam-ngung", None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    });
}

hoptac_testkit::both_backends!(stopped_htx_are_listed_overdue_first);
