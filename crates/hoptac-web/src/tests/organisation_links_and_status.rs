use super::helpers::*;

fn a_page_shows_links_both_ways_and_the_status_over_time(url: &str) {
    let reg = TestApp::open(url);
    let (admin, _) = reg.admin().session();
    rt().block_on(async {
        let mut union = new_htx("Liên hiệp HTX Xứ Lạng", "4900000066");
        union["kind"] = json!("LHHTX");
        let (s, u) = call(&reg, "POST", "/api/v1/organisations", Some(union)).await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
        let (_, h) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Thành Viên", "4900000067")),
        )
        .await;
        let (uid, hid) = (u["id"].as_i64().expect("u"), h["id"].as_i64().expect("h"));
        let (s, v) = call(
            &reg,
            "POST",
            &format!("/api/v1/organisations/{hid}/links"),
            Some(json!({
                "version": 1, "kind": "member_of", "target": uid, "effective": "2021-01-01"
            })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = call(
            &reg,
            "POST",
            &format!("/api/v1/organisations/{hid}/status"),
            Some(json!({
                "version": 2,
                "status": {"status": "suspended", "until": "2023-06-30", "document": "QĐ 12/2023"},
                "effective": "2023-01-01"
            })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, member) =
            page_call(&reg, "GET", &format!("/to-chuc/{hid}"), Some(&admin), None).await;
        assert!(
            member.contains(&format!(
                "Thành viên của LHHTX: <a href=\"/to-chuc/{uid}\">Liên hiệp HTX Xứ Lạng</a>"
            )),
            "{member}"
        );
        assert!(
            member.contains("Tình trạng qua các thời kỳ")
                && member.contains(
                    "01/01/2023</time>: Tạm ngừng kinh doanh đến 30/06/2023 (QĐ 12/2023)"
                ),
            "{member}"
        );
        assert!(
            member.contains("Thành viên của LHHTX #"),
            "link changes read as words in the history: {member}"
        );
        let (_, union_page) = page_call(&reg, "GET", &format!("/to-chuc/{uid}"), None, None).await;
        assert!(
            union_page.contains(&format!(
                "HTX thành viên: <a href=\"/to-chuc/{hid}\">Hợp tác xã Thành Viên</a>"
            )),
            "{union_page}"
        );
    });
}

hoptac_testkit::both_backends!(a_page_shows_links_both_ways_and_the_status_over_time);
