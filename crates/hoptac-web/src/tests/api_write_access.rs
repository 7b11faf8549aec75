//! Who may write through the JSON API: a token, a role that writes, and the right
//! commune.

use super::helpers::*;

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
