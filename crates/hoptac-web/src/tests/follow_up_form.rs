use super::helpers::*;
use chrono::NaiveDate;

async fn post(reg: &Registry, uri: &str, cookie: &str, body: String) -> (StatusCode, String) {
    page_call(reg, "POST", uri, Some(cookie), Some(body)).await
}

#[test]
fn an_officer_records_a_plan_with_vietnamese_errors_and_conflicts_shown() {
    let reg = TestApp::sqlite();
    let spec = hoptac_demo::DemoSpec {
        counts: Some((160, 20, 2)),
        ..Default::default()
    };
    hoptac_demo::generate(&reg, &spec).expect("demo");
    let target = reg
        .needing_follow_up(2025)
        .expect("list")
        .into_iter()
        .find(|n| n.follow_up.is_none())
        .expect("an HTX without a plan");
    let id = target.org.id;
    let (cookie, csrf) = reg.admin().session();
    let uri = format!("/theo-doi/{id}/2025");
    rt().block_on(async {
        let form = |deadline: &str, version: i64| {
            format!(
                "csrf={csrf}&version={version}&plan=restructure\
                 &description=T%E1%BB%95+ch%E1%BB%A9c+l%E1%BA%A1i+ban+qu%E1%BA%A3n+tr%E1%BB%8B\
                 &owner=UBND+x%C3%A3&deadline={deadline}&outcome="
            )
        };
        // A wrong date: named beside its field, nothing saved.
        let (status, html) = post(&reg, &uri, &cookie, form("31%2F02%2F2026", 0)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("id=\"deadline-error\"") && html.contains("không phải ngày"),
            "{html}"
        );
        assert!(
            html.contains("Tổ chức lại ban quản trị"),
            "what was typed is kept"
        );
        let saved = |reg: &Registry| {
            reg.needing_follow_up(2025)
                .expect("list")
                .into_iter()
                .find(|n| n.org.id == id)
                .and_then(|n| n.follow_up)
        };
        assert!(saved(&reg).is_none());
        // A wrong CSRF token is refused.
        let forged = form("30%2F06%2F2027", 0).replace(&csrf, "forged");
        assert_eq!(
            post(&reg, &uri, &cookie, forged).await.0,
            StatusCode::FORBIDDEN
        );
        // A new plan's deadline cannot have passed already (today is 27/11/2026).
        let (status, html) = post(&reg, &uri, &cookie, form("30%2F06%2F2026", 0)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("ngày 30/06/2026 đã qua"), "{html}");
        assert!(saved(&reg).is_none());
        // Saved, and confirmed on the list it returns to.
        let (status, location) =
            page_redirect(&reg, &uri, &cookie, form("30%2F06%2F2027", 0)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, format!("/theo-doi?year=2025&saved={id}"));
        let (_, html) = page_call(&reg, "GET", &location, Some(&cookie), None).await;
        assert!(
            html.contains(&format!("Đã lưu phương án của {}", target.org.name())),
            "{html}"
        );
        let rec = saved(&reg).expect("recorded");
        assert_eq!(rec.follow_up.plan, hoptac_app::followups::Plan::Restructure);
        assert_eq!(
            rec.follow_up.deadline,
            NaiveDate::from_ymd_opt(2027, 6, 30).expect("d")
        );
        assert_eq!(rec.follow_up.owner, "UBND xã");
        // A second person still holding the empty form: a conflict, the first plan kept.
        let (status, html) = post(&reg, &uri, &cookie, form("31%2F12%2F2026", 0)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{html}");
        assert!(html.contains("người khác lưu") && html.contains("30/06/2027"));
        assert_eq!(
            saved(&reg).expect("kept").follow_up.deadline,
            rec.follow_up.deadline
        );
        // With the current version, an update goes through.
        let (status, _) = post(&reg, &uri, &cookie, form("31%2F12%2F2026", rec.version)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            saved(&reg).expect("updated").follow_up.deadline,
            NaiveDate::from_ymd_opt(2026, 12, 31).expect("d")
        );
        // A recorded plan may be moved to a deadline that has passed: it is then
        // marked overdue on the list, and counted.
        let rec = saved(&reg).expect("updated");
        let (status, _) = post(&reg, &uri, &cookie, form("31%2F10%2F2026", rec.version)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = page_call(&reg, "GET", "/theo-doi?year=2025", Some(&cookie), None).await;
        assert!(
            html.contains("Quá hạn") && html.contains("<strong>1</strong> phương án quá hạn"),
            "{html}"
        );
    });
}

/// A form post's answer: its status and where it leads.
async fn page_redirect(
    reg: &Registry,
    uri: &str,
    cookie: &str,
    body: String,
) -> (StatusCode, String) {
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("hoptac_session={cookie}"))
        .body(Body::from(body))
        .expect("req");
    let resp = router(reg.clone()).oneshot(req).await.expect("resp");
    let to = resp
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (resp.status(), to)
}
