use super::helpers::*;

#[test]
fn administrators_see_the_trail_and_what_changed() {
    let reg = TestApp::sqlite();
    let (admin, _) = reg.admin().session();
    let (leader, _) = reg.user("lanh.dao", Role::Leader, Scope::All).session();
    rt().block_on(async {
        let (_, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Nhật Ký", "4900000066")),
        )
        .await;
        let id = v["id"].as_i64().expect("id");
        call(
            &reg,
            "PATCH",
            &format!("/api/v1/organisations/{id}"),
            Some(json!({"version": 1, "fields": {"members": 44}})),
        )
        .await;
        let get = |cookie: String| {
            Request::builder()
                .uri("/nhat-ky")
                .header("cookie", format!("hoptac_session={cookie}"))
                .body(Body::empty())
                .expect("req")
        };
        let resp = router(reg.clone())
            .oneshot(get(leader))
            .await
            .expect("resp");
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let resp = router(reg.clone()).oneshot(get(admin)).await.expect("resp");
        assert_eq!(resp.status(), StatusCode::OK);
        let html =
            String::from_utf8_lossy(&resp.into_body().collect().await.expect("b").to_bytes())
                .into_owned();
        assert!(
            html.contains("nguyên vẹn")
                && html.contains("quan.tri")
                && html.contains("<mark>members</mark>"),
            "{html}"
        );
    });
}
