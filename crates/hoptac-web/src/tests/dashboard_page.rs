use super::helpers::*;

#[test]
fn the_dashboard_draws_targets_trends_and_the_map_for_signed_in_readers() {
    let reg = TestApp::sqlite();
    let (cookie, _) = reg.admin().session();
    rt().block_on(async {
        call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Bảng Điều Khiển", "4900000033")),
        )
        .await;
        let public = router(reg.clone())
            .oneshot(
                Request::builder()
                    .uri("/bang-dieu-khien")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await
            .expect("resp");
        assert_eq!(public.status(), StatusCode::UNAUTHORIZED);
        for scheme in ["2025", "legacy"] {
            let req = Request::builder()
                .uri(format!(
                    "/bang-dieu-khien?year=2025&scheme={scheme}&map=new_htx"
                ))
                .header("cookie", format!("hoptac_session={cookie}"))
                .body(Body::empty())
                .expect("req");
            let resp = router(reg.clone()).oneshot(req).await.expect("resp");
            assert_eq!(resp.status(), StatusCode::OK);
            let html =
                String::from_utf8_lossy(&resp.into_body().collect().await.expect("b").to_bytes())
                    .into_owned();
            assert!(
                html.contains("Số HTX thành lập mới") && html.contains("<svg"),
                "targets and charts"
            );
            assert!(
                !html.contains("<script") && !html.contains("style="),
                "no scripts or inline styles (CSP)"
            );
            let link = if scheme == "2025" {
                "/?commune_2025=06184"
            } else {
                "/?legacy_district=183"
            };
            assert!(
                html.contains(link),
                "{scheme}: the map drills down to the list"
            );
        }
    });
    // A commune officer elsewhere counts only their commune: the new HTX in 06184
    // is not in their figures; the administrator's include it.
    let (officer, _) = reg
        .user(
            "xa.khac",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06079".into()],
            },
        )
        .session();
    rt().block_on(async {
        let mut founded_2021 = new_htx("Hợp tác xã Mới Năm 2021", "4900000034");
        founded_2021["fields"]["founding_date"] = json!("2021-03-01");
        let (s, _) = call(&reg, "POST", "/api/v1/organisations", Some(founded_2021)).await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, admin_html) = page_call(
            &reg,
            "GET",
            "/bang-dieu-khien?year=2025&map=new_htx",
            Some(&cookie),
            None,
        )
        .await;
        let (s, officer_html) = page_call(
            &reg,
            "GET",
            "/bang-dieu-khien?year=2025&map=new_htx",
            Some(&officer),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let new_htx_now = |html: &str| {
            html.split("Số HTX thành lập mới</a></td><td>")
                .nth(1)
                .and_then(|x| x.split("<td>").nth(1))
                .map(|x| x.split(' ').next().unwrap_or("").to_owned())
                .unwrap_or_default()
        };
        assert_eq!(new_htx_now(&admin_html), "1", "{admin_html}");
        assert_eq!(new_htx_now(&officer_html), "0", "{officer_html}");
        assert!(officer_html.contains("địa bàn của tài khoản"));
        assert!(
            !officer_html.contains("Mới Năm 2021"),
            "no record of another commune"
        );
        // The API gives the officer the same scoped figures.
        let req = Request::builder()
            .uri("/api/v1/targets?year=2025")
            .header("cookie", format!("hoptac_session={officer}"))
            .body(Body::empty())
            .expect("req");
        let resp = router(reg.clone()).oneshot(req).await.expect("resp");
        let v: Value =
            serde_json::from_slice(&resp.into_body().collect().await.expect("b").to_bytes())
                .expect("json");
        let new_htx = v["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .find(|t| t["target"]["indicator"] == "new_htx")
            .expect("new_htx")
            .clone();
        assert_eq!(new_htx["current"]["numerator"], 0);
        // And in English when asked.
        let (_, en) = page_call(
            &reg,
            "GET",
            "/bang-dieu-khien?year=2025&lang=en",
            Some(&officer),
            None,
        )
        .await;
        assert!(
            en.contains("New cooperatives") && en.contains("<html lang=\"en\""),
            "{en}"
        );
    });
}

/// The dashboard, the evaluation list and the follow-up list open on the same year:
/// the latest whose figures are final (today is 27/11/2026, so 2025, whose final
/// reports were due on 15/01/2026); the current year is one click away.
#[test]
fn the_pages_open_on_the_latest_final_year() {
    let reg = TestApp::sqlite();
    let (cookie, _) = reg.admin().session();
    rt().block_on(async {
        for uri in ["/bang-dieu-khien", "/danh-gia", "/theo-doi"] {
            let (s, html) = page_call(&reg, "GET", uri, Some(&cookie), None).await;
            assert_eq!(s, StatusCode::OK, "{uri}");
            let title = html
                .split("<h1>")
                .nth(1)
                .and_then(|t| t.split("</h1>").next())
                .unwrap_or_default();
            assert!(title.contains("2025"), "{uri}: {title}");
            assert!(html.contains("2026"), "{uri}: the current year is offered");
        }
    });
}

/// The language switch returns to the same page with its filters, year and page.
#[test]
fn the_language_switch_keeps_the_query() {
    let reg = TestApp::sqlite();
    let (cookie, _) = reg.admin().session();
    rt().block_on(async {
        let (_, html) = page_call(
            &reg,
            "GET",
            "/theo-doi?year=2024&page=2",
            Some(&cookie),
            None,
        )
        .await;
        assert!(
            html.contains("/ngon-ngu?to=en&amp;back=%2Ftheo-doi%3Fyear%3D2024%26page%3D2"),
            "{html}"
        );
        // The registry keeps its search too.
        let (_, html) = page_call(&reg, "GET", "/?q=ch%C3%A8", None, None).await;
        assert!(html.contains("back=%2F%3Fq%3Dch%25C3%25A8"), "{html}");
    });
}

/// A year whose final reports are not all due is marked provisional beside each figure,
/// with the HTX a share could not count (no approved evaluation); a final year is not.
#[test]
fn open_years_are_marked_provisional_with_their_coverage() {
    let reg = TestApp::sqlite();
    let spec = hoptac_demo::DemoSpec {
        counts: Some((120, 30, 2)),
        ..Default::default()
    };
    hoptac_demo::generate(&reg, &spec).expect("demo");
    let (cookie, _) = reg.admin().session();
    rt().block_on(async {
        let (s, html) = page_call(
            &reg,
            "GET",
            "/bang-dieu-khien?year=2026",
            Some(&cookie),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("Tạm tính: năm chưa hết hạn nộp báo cáo quyết toán")
                && html.contains("HTX chưa có kết quả đánh giá được duyệt"),
            "{html}"
        );
        let (_, html) = page_call(
            &reg,
            "GET",
            "/bang-dieu-khien?year=2025",
            Some(&cookie),
            None,
        )
        .await;
        assert!(!html.contains("Tạm tính"), "2025 is final on 27/11/2026");
        let (_, html) = page_call(
            &reg,
            "GET",
            "/bang-dieu-khien?year=2026&lang=en",
            Some(&cookie),
            None,
        )
        .await;
        assert!(html.contains("Provisional: the year"), "{html}");
    });
}
