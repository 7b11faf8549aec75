//! Scope holds for writes as it holds for reads: every write is checked on the record
//! as it is and as it would become, link targets are in scope too, and a record out of
//! scope answers 404 like a missing one. Each case here once went through.

use super::helpers::*;

/// A commune officer of Đồng Đăng (2025 commune 06184) and the account of one HTX.
struct World {
    reg: TestApp,
    own: i64,
    other: i64,
    commune: String,
    coop: String,
}

fn world(url: &str) -> World {
    let reg = TestApp::open(url);
    let cli = hoptac_app::Actor::new("cli", None);
    let (own, other) = rt().block_on(async {
        let (_, a) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Trong Xã", "4900000101")),
        )
        .await;
        let mut b = new_htx("Hợp tác xã Ngoài Xã", "4900000102");
        b["fields"]["place"] = json!({"scheme": "legacy", "code": "06094"});
        let (_, b) = call(&reg, "POST", "/api/v1/organisations", Some(b)).await;
        (a["id"].as_i64().expect("a"), b["id"].as_i64().expect("b"))
    });
    reg.add_user(
        "xa.dongdang",
        "Cán bộ xã",
        Role::CommuneOfficer,
        Scope::Communes {
            codes: vec!["06184".into()],
        },
        "mat-khau-can-bo-xa",
        &cli,
    )
    .expect("commune");
    reg.add_user(
        "htx.trong.xa",
        "HTX",
        Role::Cooperative,
        Scope::Organisation { id: own },
        "mat-khau-tai-khoan-htx",
        &cli,
    )
    .expect("coop");
    let commune = reg.issue_token("xa.dongdang", "t", &cli).expect("token");
    let coop = reg.issue_token("htx.trong.xa", "t", &cli).expect("token");
    World {
        reg,
        own,
        other,
        commune,
        coop,
    }
}

async fn version(reg: &TestApp, id: i64) -> i64 {
    let (_, v) = call(reg, "GET", &format!("/api/v1/organisations/{id}"), None).await;
    v["version"].as_i64().expect("version")
}

fn an_officer_cannot_move_a_record_out_of_their_communes(url: &str) {
    let w = world(url);
    rt().block_on(async {
        let away =
            json!({"version": 1, "fields": {"place": {"scheme": "legacy", "code": "06094"}}});
        let (s, v) = call_as(
            &w.reg,
            Some(&w.commune),
            "PATCH",
            &format!("/api/v1/organisations/{}", w.own),
            Some(away),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (_, now) = call(
            &w.reg,
            "GET",
            &format!("/api/v1/organisations/{}", w.own),
            None,
        )
        .await;
        assert_eq!(now["version"], 1, "nothing was written: {now}");
        assert_eq!(now["fields"]["place"]["code"], "06205");
        // Within the communes, the same officer edits as before.
        let stay = json!({"version": 1, "fields": {"members": 12}});
        let (s, _) = call_as(
            &w.reg,
            Some(&w.commune),
            "PATCH",
            &format!("/api/v1/organisations/{}", w.own),
            Some(stay),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    });
}

fn a_cooperative_account_cannot_move_itself_or_change_its_identity(url: &str) {
    let w = world(url);
    rt().block_on(async {
        let path = format!("/api/v1/organisations/{}", w.own);
        for fields in [
            json!({"place": {"scheme": "legacy", "code": "06094"}}),
            json!({"tax_code": "4900000199"}),
            json!({"name": "Hợp tác xã Tên Mới"}),
            json!({"registration_number": "14-G-000999"}),
        ] {
            let (s, v) = call_as(
                &w.reg,
                Some(&w.coop),
                "PATCH",
                &path,
                Some(json!({"version": 1, "fields": fields})),
            )
            .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{fields}: {v}");
        }
        assert_eq!(version(&w.reg, w.own).await, 1, "nothing was written");
        // Its own contact and figures are its to keep up to date.
        let (s, v) = call_as(
            &w.reg,
            Some(&w.coop),
            "PATCH",
            &path,
            Some(json!({"version": 1, "fields": {"members": 15, "phone": "0205 3870 123"}})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // Another organisation does not exist for it.
        let (s, _) = call_as(
            &w.reg,
            Some(&w.coop),
            "PATCH",
            &format!("/api/v1/organisations/{}", w.other),
            Some(json!({"version": 1, "fields": {"members": 15}})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    });
}

fn converting_a_group_cannot_register_the_cooperative_elsewhere(url: &str) {
    let w = world(url);
    rt().block_on(async {
        let mut tht = new_htx("Tổ hợp tác Chè Trong Xã", "");
        tht["kind"] = json!("THT");
        tht["fields"]
            .as_object_mut()
            .expect("fields")
            .remove("tax_code");
        let (s, g) = call(&w.reg, "POST", "/api/v1/organisations", Some(tht)).await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        let gid = g["id"].as_i64().expect("id");
        let (_, before) = call(&w.reg, "GET", "/api/v1/organisations", None).await;
        let elsewhere = json!({
            "version": 1,
            "fields": {"name": "Hợp tác xã Chè Mới", "place": {"scheme": "legacy", "code": "06094"}}
        });
        let (s, v) = call_as(
            &w.reg,
            Some(&w.commune),
            "POST",
            &format!("/api/v1/organisations/{gid}/convert"),
            Some(elsewhere),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (_, after) = call(&w.reg, "GET", "/api/v1/organisations", None).await;
        assert_eq!(
            before["total"], after["total"],
            "no cooperative was registered"
        );
        assert_eq!(version(&w.reg, gid).await, 1, "the group is unchanged");
        let here = json!({"version": 1, "fields": {"name": "Hợp tác xã Chè Mới"}});
        let (s, v) = call_as(
            &w.reg,
            Some(&w.commune),
            "POST",
            &format!("/api/v1/organisations/{gid}/convert"),
            Some(here),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    });
}

fn links_need_a_target_in_scope_and_either_end_may_remove_them(url: &str) {
    let w = world(url);
    rt().block_on(async {
        let mut far = new_htx("Liên hiệp HTX Ngoài Xã", "4900000103");
        far["kind"] = json!("LHHTX");
        far["fields"]["place"] = json!({"scheme": "legacy", "code": "06094"});
        let (_, far) = call(&w.reg, "POST", "/api/v1/organisations", Some(far)).await;
        let far = far["id"].as_i64().expect("union");
        // A union in another commune does not exist for this officer: 404, as a
        // missing id, with nothing of it in the message.
        let link = |target: i64| {
            json!({
                "version": 1, "kind": "member_of", "target": target, "effective": "2021-01-01"
            })
        };
        let (s, v) = call_as(
            &w.reg,
            Some(&w.commune),
            "POST",
            &format!("/api/v1/organisations/{}/links", w.own),
            Some(link(far)),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
        assert!(!v.to_string().contains("Ngoài Xã"), "{v}");
        let (s, missing) = call_as(
            &w.reg,
            Some(&w.commune),
            "POST",
            &format!("/api/v1/organisations/{}/links", w.own),
            Some(link(999_999)),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["error"]["code"], missing["error"]["code"]);
        // A union that has been dissolved takes no members.
        let mut near = new_htx("Liên hiệp HTX Trong Xã", "4900000104");
        near["kind"] = json!("LHHTX");
        let (_, near) = call(&w.reg, "POST", "/api/v1/organisations", Some(near)).await;
        let near = near["id"].as_i64().expect("union");
        let (s, v) = call(
            &w.reg,
            "POST",
            &format!("/api/v1/organisations/{near}/status"),
            Some(json!({
                "version": 1,
                "status": {"status": "dissolved", "document": "QĐ 1/2024"},
                "effective": "2024-01-01"
            })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = call_as(
            &w.reg,
            Some(&w.commune),
            "POST",
            &format!("/api/v1/organisations/{}/links", w.own),
            Some(link(near)),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("link_target_status")),
            "{v}"
        );
        // A link from another commune's HTX to a union here: this commune's officer
        // sees it on their union and may end it.
        let mut mine = new_htx("Liên hiệp HTX Của Xã", "4900000105");
        mine["kind"] = json!("LHHTX");
        let (_, mine) = call(&w.reg, "POST", "/api/v1/organisations", Some(mine)).await;
        let mine = mine["id"].as_i64().expect("union");
        let (s, linked) = call(
            &w.reg,
            "POST",
            &format!("/api/v1/organisations/{}/links", w.other),
            Some(link(mine)),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{linked}");
        let link_id = linked["links"][0]["id"].as_i64().expect("link id");
        // They cannot read the other HTX, so they cannot know its version: a stale one
        // is not a conflict that would show it to them. They get their union back.
        let end = json!({"version": 1, "effective": "2024-06-30"});
        let (s, v) = call_as(
            &w.reg,
            Some(&w.commune),
            "POST",
            &format!("/api/v1/organisations/{}/links/{link_id}/end", w.other),
            Some(end),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            v["id"].as_i64(),
            Some(mine),
            "their own union, not the subject: {v}"
        );
        assert!(!v.to_string().contains("Ngoài Xã"), "{v}");
        let (_, other) = call(
            &w.reg,
            "GET",
            &format!("/api/v1/organisations/{}", w.other),
            None,
        )
        .await;
        assert_eq!(
            other["links"][0]["active"], false,
            "the link is ended: {other}"
        );
    });
}

fn past_lists_use_todays_scope(url: &str) {
    let w = world(url);
    rt().block_on(async {
        // The HTX elsewhere moves into Đồng Đăng today: it is this officer's in every
        // list, past ones too; and the one that leaves is no longer theirs.
        let into =
            json!({"version": 1, "fields": {"place": {"scheme": "legacy", "code": "06205"}}});
        let (s, v) = call(
            &w.reg,
            "PATCH",
            &format!("/api/v1/organisations/{}", w.other),
            Some(into),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let out = json!({"version": 1, "fields": {"place": {"scheme": "legacy", "code": "06094"}}});
        let (s, v) = call(
            &w.reg,
            "PATCH",
            &format!("/api/v1/organisations/{}", w.own),
            Some(out),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // The registry's today is 27/11/2026 (the moves take effect then).
        let (s, page) = call_as(
            &w.reg,
            Some(&w.commune),
            "GET",
            "/api/v1/organisations?as_of=2026-11-26",
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let ids: Vec<i64> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["id"].as_i64())
            .collect();
        assert_eq!(ids, vec![w.other], "{page}");
    });
}

hoptac_testkit::both_backends!(
    an_officer_cannot_move_a_record_out_of_their_communes,
    a_cooperative_account_cannot_move_itself_or_change_its_identity,
    converting_a_group_cannot_register_the_cooperative_elsewhere,
    links_need_a_target_in_scope_and_either_end_may_remove_them,
    past_lists_use_todays_scope
);
