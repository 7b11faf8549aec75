//! Every route of the API, classified; a route missing here (or here but gone) fails.
//! Each is then called as every role, and the answer must fit its class.

use super::helpers::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    /// Anyone, signed in or not (published facts, places, rule sets).
    Public,
    /// Any account; a record outside the account's scope does not exist for it.
    SignedIn,
    /// Accounts that write, within their scope.
    Writer,
    /// Officers (not cooperative accounts), within their scope.
    Officer,
    /// Provincial officers and administrators.
    Provincial,
}
use Class::*;

fn routes(
    id: i64,
    other: i64,
    target: &str,
    target_body: &Value,
) -> Vec<(&'static str, String, Class, Option<Value>)> {
    vec![
        ("get", "/api/v1/organisations".into(), Public, None),
        (
            "post",
            "/api/v1/organisations".into(),
            Writer,
            Some(new_htx("Hợp tác xã Mới Đăng Ký", "4900000099")),
        ),
        ("get", format!("/api/v1/organisations/{id}"), Public, None),
        (
            "patch",
            format!("/api/v1/organisations/{id}"),
            Writer,
            Some(json!({"version": 1, "fields": {"members": 13}})),
        ),
        (
            "post",
            format!("/api/v1/organisations/{id}/status"),
            Officer,
            Some(json!({"version": 1, "status": {"status": "active"}})),
        ),
        (
            "post",
            format!("/api/v1/organisations/{id}/links"),
            Officer,
            Some(json!({"version": 1, "kind": "member_of", "target": other})),
        ),
        (
            "post",
            format!("/api/v1/organisations/{id}/links/1/end"),
            Officer,
            Some(json!({"version": 1})),
        ),
        (
            "post",
            format!("/api/v1/organisations/{id}/convert"),
            Officer,
            Some(json!({"version": 1, "fields": {}})),
        ),
        (
            "get",
            format!("/api/v1/organisations/{id}/history"),
            SignedIn,
            None,
        ),
        ("get", "/api/v1/export?format=csv".into(), Public, None),
        ("post", "/api/v1/import".into(), Provincial, None),
        (
            "get",
            "/api/v1/places/communes?scheme=2025".into(),
            Public,
            None,
        ),
        ("get", "/api/v1/places/districts".into(), Public, None),
        (
            "get",
            "/api/v1/places/suspect-mappings".into(),
            Public,
            None,
        ),
        (
            "post",
            "/api/v1/places/corrections".into(),
            Provincial,
            Some(json!({
                "legacy_code": "06079",
                "source": "kiểm tra",
                "rows": [{
                    "legacy_code": "06079", "code_2025": "06079", "is_default": true, "split": false
                }]
            })),
        ),
        (
            "post",
            "/api/v1/places/aliases".into(),
            Provincial,
            Some(json!({"name": "Xã Cũ", "legacy_code": "06079", "source": "kiểm tra"})),
        ),
        ("get", "/api/v1/openapi.json".into(), Public, None),
        ("get", "/api/v1/rule-sets".into(), Public, None),
        (
            "get",
            format!("/api/v1/organisations/{id}/reports/2025"),
            SignedIn,
            None,
        ),
        (
            "put",
            format!("/api/v1/organisations/{id}/reports/2025"),
            Writer,
            Some(json!({"stage": "final", "figures": {"revenue": 1}})),
        ),
        (
            "get",
            format!("/api/v1/organisations/{id}/reports/2025/history"),
            SignedIn,
            None,
        ),
        (
            "get",
            "/api/v1/reports/missing?year=2025&filing=final_report".into(),
            SignedIn,
            None,
        ),
        (
            "get",
            format!("/api/v1/organisations/{id}/evaluations/2025"),
            SignedIn,
            None,
        ),
        (
            "put",
            format!("/api/v1/organisations/{id}/evaluations/2025"),
            Writer,
            Some(json!({"scores": {"1a": 5}})),
        ),
        (
            "post",
            format!("/api/v1/organisations/{id}/evaluations/2025/actions"),
            Writer,
            Some(json!({"action": "submit", "version": 1})),
        ),
        (
            "get",
            "/api/v1/evaluations?year=2025".into(),
            SignedIn,
            None,
        ),
        ("get", "/api/v1/targets?year=2025".into(), SignedIn, None),
        (
            "put",
            format!("/api/v1/targets/{target}"),
            Provincial,
            Some(target_body.clone()),
        ),
        ("get", "/api/v1/follow-ups?year=2025".into(), SignedIn, None),
        (
            "put",
            format!("/api/v1/organisations/{id}/follow-ups/2025"),
            Officer,
            Some(json!({
                "plan": "support", "description": "Hỗ trợ", "owner": "Sở", "deadline": "2026-06-30"
            })),
        ),
    ]
}

/// `/api/v1/organisations/12/links` → `/api/v1/organisations/{id}/links`, for
/// comparing with the OpenAPI paths.
fn template(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let names = ["{id}", "{link_id}", "{year}"];
    let mut n = 0;
    path.split('/')
        .map(|seg| {
            if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() {
                let name = if seg.len() == 4 && seg.starts_with("20") {
                    "{year}"
                } else {
                    names[n.min(1)]
                };
                n += 1;
                name.to_owned()
            } else if seg.starts_with("20:") {
                "{id}".to_owned()
            } else {
                seg.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn send(
    reg: &Registry,
    token: Option<&str>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> StatusCode {
    if uri.starts_with("/api/v1/import") {
        let boundary = "B0UNDARY";
        let csv = "Tên HTX,Loại hình,Xã,Huyện,Ngày thành lập,Số thành viên\n\
                   Hợp tác xã Nhập,HTX,Mẫu Sơn,Cao Lộc,02/09/2019,9\n";
        let body = format!(
            "--{boundary}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n\
             {csv}\r\n--{boundary}--\r\n"
        );
        let mut req = Request::builder()
            .method("POST")
            .uri("/api/v1/import?dry_run=true")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            );
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        return router(reg.clone())
            .oneshot(req.body(Body::from(body)).expect("req"))
            .await
            .expect("resp")
            .status();
    }
    call_as(reg, token, &method.to_uppercase(), uri, body)
        .await
        .0
}

fn every_route_is_classified_and_enforced_for_every_role(url: &str) {
    let reg = TestApp::open(url);
    let cli = hoptac_app::Actor::new("cli", None);
    let (id, other, table) = rt().block_on(async {
        let (_, x) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Đồng Đăng Một", "4900000051")),
        )
        .await;
        let id = x["id"].as_i64().expect("id");
        let mut y = new_htx("Hợp tác xã Hồng Phong Hai", "4900000052");
        y["fields"]["place"] = json!({"scheme": "legacy", "code": "06094"});
        let (_, y) = call(&reg, "POST", "/api/v1/organisations", Some(y)).await;
        let other = y["id"].as_i64().expect("id");
        let (_, t) = call(&reg, "GET", "/api/v1/targets?year=2025", None).await;
        let target = t["targets"][0]["id"].as_str().expect("target").to_owned();
        let target_body = json!({"version": 1, "target": t["targets"][0]["target"]});
        let table = routes(id, other, &target, &target_body);
        // The table and the OpenAPI document list the same routes.
        let doc = serde_json::to_value(crate::api::openapi()).expect("doc");
        let mut documented: Vec<(String, String)> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(p, ops)| {
                ops.as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(m, _)| (m.clone(), p.clone()))
            })
            .collect();
        documented.sort();
        let mut classified: Vec<(String, String)> = table
            .iter()
            .map(|(m, p, _, _)| (m.to_string(), template(p)))
            .collect();
        classified.sort();
        classified.dedup();
        assert_eq!(
            classified, documented,
            "every route must be classified here"
        );
        // The document's security (and the early 401) follow the same classes.
        for (method, uri, class, _) in &table {
            let public = crate::api::contract::is_public(method, &template(uri));
            assert_eq!(public, *class == Public, "{method} {uri}");
        }
        (id, other, table)
    });
    // Accounts: a leader, an officer of another commune (Bình Gia's Hồng Phong),
    // another organisation's account, a provincial officer.
    for (name, role, scope) in [
        ("lanh.dao", Role::Leader, Scope::All),
        (
            "xa.khac",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06079".into()],
            },
        ),
        (
            "htx.khac",
            Role::Cooperative,
            Scope::Organisation { id: other },
        ),
        ("so.tai.chinh", Role::ProvincialOfficer, Scope::All),
    ] {
        reg.add_user(name, name, role, scope, "mat-khau-du-dai", &cli)
            .expect("user");
    }
    let token = |n: &str| reg.issue_token(n, "t", &cli).expect("token");
    let (leader, commune, coop, province) = (
        token("lanh.dao"),
        token("xa.khac"),
        token("htx.khac"),
        token("so.tai.chinh"),
    );
    rt().block_on(async {
        let denied = |s: StatusCode| s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN;
        for (method, uri, class, body) in &table {
            let at = format!("{method} {uri}");
            let public = send(&reg, None, method, uri, body.clone()).await;
            let as_leader = send(&reg, Some(&leader), method, uri, body.clone()).await;
            let as_commune = send(&reg, Some(&commune), method, uri, body.clone()).await;
            let as_coop = send(&reg, Some(&coop), method, uri, body.clone()).await;
            for (who, s) in [
                ("public", public),
                ("leader", as_leader),
                ("another commune", as_commune),
                ("another organisation", as_coop),
            ] {
                assert!(!s.is_server_error(), "{at} as {who}: {s}");
            }
            match class {
                Public => {
                    for s in [public, as_leader, as_commune, as_coop] {
                        assert!(!denied(s), "{at}: {s}");
                    }
                }
                SignedIn => {
                    assert_eq!(public, StatusCode::UNAUTHORIZED, "{at}");
                    assert!(!denied(as_leader), "{at}: leader {as_leader}");
                    // Outside the scope a record is not found; lists are filtered.
                    assert!(
                        !denied(as_commune) || as_commune == StatusCode::NOT_FOUND,
                        "{at}: commune {as_commune}"
                    );
                }
                Writer | Officer | Provincial => {
                    assert_eq!(public, StatusCode::UNAUTHORIZED, "{at}");
                    assert_eq!(as_leader, StatusCode::FORBIDDEN, "{at}: leader");
                    // A role that may not act is refused (403); a record outside
                    // the scope does not exist (404, exactly as a missing id).
                    let per_record = uri.starts_with("/api/v1/organisations/");
                    let out_of_scope = if per_record {
                        StatusCode::NOT_FOUND
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    let commune_expected = if *class == Provincial {
                        StatusCode::FORBIDDEN
                    } else {
                        out_of_scope
                    };
                    let coop_expected = if *class == Writer {
                        out_of_scope
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    assert_eq!(as_commune, commune_expected, "{at}: another commune");
                    assert_eq!(as_coop, coop_expected, "{at}: another organisation");
                }
            }
            if *class != Public {
                let s = send(&reg, Some(&province), method, uri, body.clone()).await;
                assert!(
                    !denied(s) && !s.is_server_error(),
                    "{at}: provincial officer {s}"
                );
            }
        }
        // Nothing of another commune is visible to a commune officer by id,
        // search or export.
        let (s, _) = call_as(
            &reg,
            Some(&commune),
            "GET",
            &format!("/api/v1/organisations/{id}"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, l) = call_as(
            &reg,
            Some(&commune),
            "GET",
            "/api/v1/organisations?q=dong%20dang",
            None,
        )
        .await;
        assert_eq!(l["total"], 0);
        let (_, l) = call_as(&reg, Some(&commune), "GET", "/api/v1/organisations", None).await;
        assert!(l["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|v| v["places"]["commune_2025"] == "06079"));
        // The public sees registry facts, not people's contacts.
        let (_, v) = call_as(
            &reg,
            None,
            "GET",
            &format!("/api/v1/organisations/{id}"),
            None,
        )
        .await;
        assert!(v["fields"]["legal_representative"].is_null() && v["fields"]["phone"].is_null());
    });
}

hoptac_testkit::both_backends!(every_route_is_classified_and_enforced_for_every_role);
