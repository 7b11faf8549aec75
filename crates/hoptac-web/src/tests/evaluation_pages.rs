use super::helpers::*;

fn a_sheet_is_scored_submitted_reviewed_and_approved_by_someone_else(url: &str) {
    let reg = TestApp::open(url);
    let (_, created) = rt().block_on(call(
        &reg,
        "POST",
        "/api/v1/organisations",
        Some(new_htx("Hợp tác xã Chấm Điểm", "4900000011")),
    ));
    let id = created["id"].as_i64().expect("id");
    let (admin, admin_csrf) = reg.admin().session();
    let (second, second_csrf) = reg
        .user("can.bo.tinh", Role::ProvincialOfficer, Scope::All)
        .session();
    let (leader, _) = reg.user("lanh.dao", Role::Leader, Scope::All).session();
    let (elsewhere, _) = reg
        .user(
            "can.bo.xa.khac",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06079".into()],
            },
        )
        .session();
    let uri = format!("/danh-gia/{id}/2025");
    let sheet = reg.sheet(id, 2025).expect("sheet");
    // The PostgreSQL client blocks: read the store off the test's runtime thread.
    let stored = |reg: &Registry| {
        std::thread::scope(|s| {
            s.spawn(|| reg.evaluation(id, 2025).ok())
                .join()
                .ok()
                .flatten()
        })
    };
    rt().block_on(async {
        let codes: Vec<(String, i32)> = sheet
            .rule_set
            .criteria
            .iter()
            .flat_map(|c| c.subs.iter().map(|s| (s.code.clone(), s.max)))
            .collect();
        assert!(codes.len() > 5, "the rule set has sub-criteria");

        let (s, html) = page_call(&reg, "GET", &uri, Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains(&format!("name=\"s.{}\"", codes[0].0)) && html.contains("Chưa có phiếu"),
            "{html}"
        );
        assert!(
            html.contains("<main id=\"main\">") && html.contains("class=\"skip\""),
            "the page frame"
        );

        // A wrong number is named beside its criterion; nothing saved, what was typed kept.
        let bad = format!(
            "csrf={admin_csrf}&version=0&s.{}=abc&s.{}=7%2C5",
            codes[0].0, codes[1].0
        );
        let (s, html) = page_call(&reg, "POST", &uri, Some(&admin), Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("&quot;abc&quot; không phải số điểm") && html.contains("value=\"7,5\""),
            "{html}"
        );
        assert!(stored(&reg).is_none(), "nothing saved");
        // Over the maximum.
        let over = format!("csrf={admin_csrf}&version=0&s.{}=999", codes[0].0);
        let (s, html) = page_call(&reg, "POST", &uri, Some(&admin), Some(over)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Tối đa"), "{html}");
        // A forged form.
        let forged = format!("csrf=forged&version=0&s.{}=1", codes[0].0);
        assert_eq!(
            page_call(&reg, "POST", &uri, Some(&admin), Some(forged))
                .await
                .0,
            StatusCode::FORBIDDEN
        );

        // Full points everywhere (vi-VN decimals accepted).
        let full: String = codes
            .iter()
            .map(|(c, max)| {
                format!(
                    "&s.{c}={}",
                    hoptac_domain::i18n::format_decimal(f64::from(*max) / 10.0, 1)
                        .replace(',', "%2C")
                )
            })
            .collect();
        let (s, html) = page_call(
            &reg,
            "POST",
            &uri,
            Some(&admin),
            Some(format!("csrf={admin_csrf}&version=0{full}")),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
        let saved = stored(&reg).expect("saved");
        assert_eq!(saved.evaluation.scores.get(&codes[0].0), Some(&codes[0].1));
        assert_eq!(saved.evaluation.scores.values().sum::<i32>(), 1000);

        let act = |cookie: &str, csrf: &str, action: &str, version: i64, reason: &str| {
            let (cookie, body) = (
                cookie.to_owned(),
                format!("csrf={csrf}&version={version}&action={action}&reason={reason}"),
            );
            let (reg, uri) = (reg.clone(), format!("{uri}/thao-tac"));
            async move { page_call(&reg, "POST", &uri, Some(&cookie), Some(body)).await }
        };
        let (s, _) = act(&admin, &admin_csrf, "submit", saved.version, "").await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // A stale form: someone acted first.
        let (s, html) = act(&admin, &admin_csrf, "review", saved.version, "").await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(html.contains("người khác thay đổi"), "{html}");
        let (s, _) = act(&admin, &admin_csrf, "review", saved.version + 1, "").await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // The preparer cannot approve.
        let (s, html) = act(&admin, &admin_csrf, "approve", saved.version + 2, "").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("Người lập phiếu không được phê duyệt"),
            "{html}"
        );
        let (s, _) = act(&second, &second_csrf, "approve", saved.version + 2, "").await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let approved = stored(&reg).expect("approved");
        assert_eq!(
            approved.evaluation.state,
            hoptac_app::evaluations::EvalState::Approved
        );
        assert_eq!(
            approved.evaluation.approved_by.as_deref(),
            Some("can.bo.tinh")
        );
        // Reopening needs a reason.
        let (s, html) = act(&second, &second_csrf, "reopen", approved.version, "").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Cần ghi rõ lý do"), "{html}");

        let (s, html) = page_call(
            &reg,
            "GET",
            &format!("{uri}?ok=approve"),
            Some(&second),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("Đã phê duyệt phiếu.") && html.contains("Kết quả: 100,0 — Tốt"),
            "{html}"
        );
        assert!(
            html.contains("value=\"reopen\"") && !html.contains("name=\"s."),
            "approved sheets are locked: {html}"
        );
        // A leader reads, with nothing to press; another commune's officer sees nothing.
        let (s, html) = page_call(&reg, "GET", &uri, Some(&leader), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            !html.contains("/thao-tac") && !html.contains("name=\"s."),
            "{html}"
        );
        assert_eq!(
            page_call(&reg, "GET", &uri, Some(&elsewhere), None).await.0,
            StatusCode::NOT_FOUND
        );
        let (_, list) = page_call(&reg, "GET", "/danh-gia?year=2025", Some(&elsewhere), None).await;
        assert!(!list.contains("Chấm Điểm"), "{list}");
        // The API's list of sheets is scoped the same way.
        let (s, json) = page_call(
            &reg,
            "GET",
            "/api/v1/evaluations?year=2025",
            Some(&elsewhere),
            None,
        )
        .await;
        assert_eq!((s, json.as_str()), (StatusCode::OK, "[]"));
        let (_, json) = page_call(
            &reg,
            "GET",
            "/api/v1/evaluations?year=2025",
            Some(&leader),
            None,
        )
        .await;
        assert!(json.contains(&format!("\"org_id\":{id}")), "{json}");
        // Paged: the count of all in a header, an empty page past the end.
        for (page, want) in [(1, true), (2, false)] {
            let req = Request::builder()
                .uri(format!(
                    "/api/v1/evaluations?year=2025&per_page=1&page={page}"
                ))
                .header("cookie", format!("hoptac_session={leader}"))
                .body(Body::empty())
                .expect("req");
            let resp = router(reg.clone()).oneshot(req).await.expect("resp");
            assert_eq!(
                resp.headers()
                    .get("x-total-count")
                    .and_then(|v| v.to_str().ok()),
                Some("1")
            );
            let body =
                String::from_utf8_lossy(&resp.into_body().collect().await.expect("b").to_bytes())
                    .into_owned();
            assert_eq!(
                body.contains(&format!("\"org_id\":{id}")),
                want,
                "page {page}: {body}"
            );
            assert_eq!(body == "[]", !want);
        }
        // Signed out: sign in first.
        assert_eq!(
            page_call(&reg, "GET", &uri, None, None).await.0,
            StatusCode::UNAUTHORIZED
        );

        let (s, list) = page_call(
            &reg,
            "GET",
            "/danh-gia?year=2025&state=approved",
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            list.contains("Hợp tác xã Chấm Điểm") && list.contains("100,0"),
            "{list}"
        );
        // In English, on the reader's saved choice.
        let req = Request::builder()
            .uri(&uri)
            .header("cookie", format!("hoptac_session={admin}; hoptac_lang=en"))
            .body(Body::empty())
            .expect("req");
        let resp = router(reg.clone()).oneshot(req).await.expect("resp");
        let html =
            String::from_utf8_lossy(&resp.into_body().collect().await.expect("b").to_bytes())
                .into_owned();
        assert!(
            html.contains("<html lang=\"en\"") && html.contains("Result: 100.0 — Good"),
            "{html}"
        );
    });
}

hoptac_testkit::both_backends!(a_sheet_is_scored_submitted_reviewed_and_approved_by_someone_else);
