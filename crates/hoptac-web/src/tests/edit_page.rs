use super::helpers::*;

#[test]
fn two_editors_the_second_sees_both_versions_and_nothing_is_overwritten() {
    let reg = TestApp::sqlite();
    let (a, a_csrf) = reg.admin().session();
    let (b, b_csrf) = reg
        .user("so.tai.chinh", Role::ProvincialOfficer, Scope::All)
        .session();
    rt().block_on(async {
        let (_, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Hai Người Sửa", "4900000044")),
        )
        .await;
        let id = v["id"].as_i64().expect("id");
        let post = |cookie: &str, csrf: &str, fields: &str| {
            Request::builder()
                .method("POST")
                .uri(format!("/to-chuc/{id}/sua"))
                .header("cookie", format!("hoptac_session={cookie}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={csrf}&version=1&{fields}")))
                .expect("req")
        };
        let html = |resp: axum::response::Response| async move {
            let s = resp.status();
            (
                s,
                String::from_utf8_lossy(&resp.into_body().collect().await.expect("b").to_bytes())
                    .into_owned(),
            )
        };
        // Both opened the form at version 1. A saves first.
        let (s, _) = html(
            router(reg.clone())
                .oneshot(post(&a, &a_csrf, "members=20&phone=0205111111"))
                .await
                .expect("r"),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // B's save is refused, with both versions shown.
        let (s, page) = html(
            router(reg.clone())
                .oneshot(post(&b, &b_csrf, "members=35&phone=0205222222"))
                .await
                .expect("r"),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(
            page.contains("người khác lưu")
                && page.contains("0205111111")
                && page.contains("0205222222"),
            "{page}"
        );
        assert!(
            page.contains("name=\"version\" value=\"2\""),
            "the form now names the current version"
        );
        let (_, now_v) = call(&reg, "GET", &format!("/api/v1/organisations/{id}"), None).await;
        assert_eq!(now_v["fields"]["members"], 20, "A's save stands");
        // A wrong number is named beside its field; nothing saved.
        let bad = Request::builder()
            .method("POST")
            .uri(format!("/to-chuc/{id}/sua"))
            .header("cookie", format!("hoptac_session={b}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={b_csrf}&version=2&members=m%C6%B0%E1%BB%9Di"
            )))
            .expect("req");
        let (s, page) = html(router(reg.clone()).oneshot(bad).await.expect("r")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("id=\"err-members\"") && page.contains("không phải số nguyên"),
            "{page}"
        );
        // B saves again on the current version.
        let again = Request::builder()
            .method("POST")
            .uri(format!("/to-chuc/{id}/sua"))
            .header("cookie", format!("hoptac_session={b}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={b_csrf}&version=2&members=35")))
            .expect("req");
        let (s, _) = html(router(reg.clone()).oneshot(again).await.expect("r")).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, now_v) = call(&reg, "GET", &format!("/api/v1/organisations/{id}"), None).await;
        assert_eq!(now_v["fields"]["members"], 35);
    });
}
