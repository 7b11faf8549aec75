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

/// On request the page compares every stored record with the trail and names the
/// records edited behind the application's back.
fn the_page_names_records_edited_outside_the_application(url: &str) {
    let reg = TestApp::open(url);
    let (admin, _) = reg.admin().session();
    let page = |uri: &'static str| {
        let (reg, admin) = (reg.clone(), admin.clone());
        rt().block_on(async move {
            let req = Request::builder()
                .uri(uri)
                .header("cookie", format!("hoptac_session={admin}"))
                .body(Body::empty())
                .expect("req");
            let resp = router(reg).oneshot(req).await.expect("resp");
            assert_eq!(resp.status(), StatusCode::OK);
            let b = resp.into_body().collect().await.expect("b").to_bytes();
            String::from_utf8_lossy(&b).into_owned()
        })
    };
    let id = rt().block_on(async {
        let (_, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Đối Chiếu", "4900000067")),
        )
        .await;
        v["id"].as_i64().expect("id")
    });
    {
        let html = page("/nhat-ky");
        assert!(
            html.contains("/nhat-ky?doi-chieu=1"),
            "the comparison is offered"
        );
        let html = page("/nhat-ky?doi-chieu=1");
        assert!(html.contains("Dữ liệu đang lưu khớp nhật ký"), "{html}");
        // A name changed by SQL, behind the application's back.
        reg.db
            .write(|c| {
                c.execute(
                    "UPDATE organisations SET name = 'Đổi trộm' WHERE id = ?",
                    &[id.into()],
                )
            })
            .expect("tamper");
        let html = page("/nhat-ky?doi-chieu=1");
        assert!(
            html.contains("bản ghi không khớp nhật ký")
                && html.contains(&format!("<code>{id}</code>"))
                && html.contains("đã bị sửa ngoài ứng dụng"),
            "{html}"
        );
    }
}

hoptac_testkit::both_backends!(the_page_names_records_edited_outside_the_application);
