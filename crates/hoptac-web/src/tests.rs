//! API tests through the real router, on both databases, and the OpenAPI snapshot.

use crate::router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use hoptac_app::Registry;
use hoptac_domain::auth::{Role, Scope};
use hoptac_store::{migrate::migrate, Db};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

thread_local! {
    /// The administrator token of this test's registry: writes need one.
    static TOKEN: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn registry(url: &str) -> Registry {
    let db = Db::open(url).expect("open");
    migrate(&db).expect("migrate");
    let reg = Registry::open(db, Some("20".into()))
        .expect("registry")
        .with_today(NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"));
    let cli = hoptac_app::Actor::new("cli", None);
    reg.add_user(
        "quan.tri",
        "Quản trị",
        Role::Admin,
        Scope::All,
        "mat-khau-quan-tri",
        &cli,
    )
    .expect("admin");
    let token = reg.issue_token("quan.tri", "test", &cli).expect("token");
    TOKEN.with(|t| *t.borrow_mut() = token);
    reg
}

/// The administrator's `Authorization` header value.
fn bearer() -> String {
    TOKEN.with(|t| format!("Bearer {}", t.borrow()))
}

/// A request as someone else (or nobody, with `None`).
async fn call_as(
    reg: &Registry,
    token: Option<&str>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let resp = router(reg.clone())
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A request as the test's administrator.
async fn call(reg: &Registry, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let token = TOKEN.with(|t| t.borrow().clone());
    call_as(reg, Some(&token), method, uri, body).await
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A browser page request with an optional session cookie and form body: the status
/// and the HTML.
async fn page_call(
    reg: &Registry,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    form: Option<String>,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = cookie {
        req = req.header("cookie", format!("hoptac_session={c}"));
    }
    let body = match form {
        Some(f) => {
            req = req.header("content-type", "application/x-www-form-urlencoded");
            Body::from(f)
        }
        None => Body::empty(),
    };
    let resp = router(reg.clone())
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Adds an account (unless `user` is the test's administrator) and signs it in: its
/// session cookie value and CSRF token.
fn signed_in(reg: &Registry, user: &str, role: Role, scope: Scope) -> (String, String) {
    let now = chrono::Utc::now();
    let pass = if user == "quan.tri" {
        "mat-khau-quan-tri".to_owned()
    } else {
        let pass = format!("mat-khau-{user}");
        reg.add_user(
            user,
            user,
            role,
            scope,
            &pass,
            &hoptac_app::Actor::new("cli", None),
        )
        .expect("user");
        pass
    };
    reg.start_session(&reg.authenticate(user, &pass, now).expect("sign in"), now)
        .expect("session")
}

fn new_htx(name: &str, tax: &str) -> Value {
    json!({"kind": "HTX", "fields": {
        "name": name, "tax_code": tax, "founding_date": "2019-05-01", "members": 9,
        "place": {"scheme": "legacy", "code": "06205"}, "sector": "nong_nghiep"}})
}

fn create_read_update_and_conflict(url: &str) {
    let reg = registry(url);
    rt().block_on(async {
        let (s, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Hồng Phong", "4900000001")),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().expect("id");
        assert_eq!(v["version"], 1);
        assert_eq!(v["places"]["commune_2025"], "06184");
        let (s, v) = call(&reg, "GET", &format!("/api/v1/organisations/{id}"), None).await;
        assert_eq!(
            (s, v["fields"]["name"].as_str()),
            (StatusCode::OK, Some("Hợp tác xã Hồng Phong"))
        );
        let (s, v) = call(
            &reg,
            "PATCH",
            &format!("/api/v1/organisations/{id}"),
            Some(json!({"version": 1, "fields": {"members": 15}})),
        )
        .await;
        assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(2)));
        // A second editor who also read version 1.
        let (s, v) = call(
            &reg,
            "PATCH",
            &format!("/api/v1/organisations/{id}"),
            Some(json!({"version": 1, "fields": {"members": 20}})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(v["error"]["code"], "conflict");
        assert_eq!(v["error"]["your_version"], 1);
        assert_eq!(v["error"]["current"]["version"], 2);
        assert_eq!(v["error"]["current"]["fields"]["members"], 15);
        assert_eq!(v["error"]["yours"]["members"], 20);
        assert!(v["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("phiên bản"));
        // As of a date before the change.
        let (_, v) = call(
            &reg,
            "GET",
            &format!("/api/v1/organisations/{id}?as_of=01/01/2020"),
            None,
        )
        .await;
        assert_eq!(v["fields"]["members"], 9);
        let (s, v) = call(
            &reg,
            "GET",
            &format!("/api/v1/organisations/{id}/history"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["changes"].as_array().map(Vec::len), Some(3));
    });
}

fn errors_are_json_with_codes_and_localised_messages(url: &str) {
    let reg = registry(url);
    rt().block_on(async {
        call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Một", "4900000002")),
        )
        .await;
        let (s, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Hai", "4900000002")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["code"], "invalid");
        assert_eq!(v["error"]["fields"][0]["field"], "tax_code");
        assert!(v["error"]["fields"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("Hợp tác xã Một"));
        let (s, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations?lang=en",
            Some(new_htx("Hợp tác xã Ba", "12")),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("Invalid data"),
            "{v}"
        );
        let (s, v) = call(&reg, "GET", "/api/v1/organisations/999999", None).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found"))
        );
        let (s, v) = call(
            &reg,
            "GET",
            "/api/v1/organisations?founded_from=31/02/2020",
            None,
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_request"))
        );
        let (s, _) = call(&reg, "GET", "/api/v1/nowhere", None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    });
}

fn search_filters_and_places(url: &str) {
    let reg = registry(url);
    rt().block_on(async {
        call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Nông nghiệp Đồng Tiến", "4900000003")),
        )
        .await;
        call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Vận tải Bắc Sơn", "4900000004")),
        )
        .await;
        let (_, v) = call(
            &reg,
            "GET",
            "/api/v1/organisations?q=hop%20tac%20nong%20nghiep",
            None,
        )
        .await;
        assert_eq!(v["total"], 1);
        let (_, v) = call(
            &reg,
            "GET",
            "/api/v1/organisations?q=dong&legacy_district=183&kind=HTX,LHHTX",
            None,
        )
        .await;
        assert_eq!(v["total"], 1);
        let (_, v) = call(
            &reg,
            "GET",
            "/api/v1/places/communes?scheme=2025&name=dong%20dang",
            None,
        )
        .await;
        assert_eq!(v[0]["code"], "06184");
        assert_eq!(v[0]["attributed_district"], "183");
        let (s, v) = call(
            &reg,
            "GET",
            "/api/v1/places/communes?scheme=legacy&name=H%E1%BB%93ng%20Phong",
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("06205"),
            "{v}"
        );
        let (_, v) = call(
            &reg,
            "GET",
            "/api/v1/places/communes?scheme=legacy&code=06184",
            None,
        )
        .await;
        assert_eq!(v[0]["name"], "Thị trấn Đồng Đăng");
        assert_eq!(v[0]["maps_to"][0]["code_2025"], "06184");
        let (_, v) = call(&reg, "GET", "/api/v1/places/suspect-mappings", None).await;
        assert_eq!(v[0]["row"]["legacy_code"], "06079");
        let (_, v) = call(&reg, "GET", "/api/v1/places/districts", None).await;
        assert_eq!(v.as_array().map(Vec::len), Some(11));
    });
}

fn import_by_upload_and_export(url: &str) {
    let reg = registry(url);
    rt().block_on(async {
            let csv = "\u{feff}Tên HTX;Loại hình;Xã;Huyện;Ngày thành lập;Số thành viên\nHợp tác xã Chè Mẫu Sơn;HTX;Mẫu Sơn;Cao Lộc;02/09/2019;9\n";
            let boundary = "XBOUNDARYX";
            let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ds.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n");
            let send = |uri: &str| {
                Request::builder()
                    .method("POST")
                    .uri(uri)
                    .header("content-type", format!("multipart/form-data; boundary={boundary}"))
                    .header("authorization", bearer())
                    .body(Body::from(body.clone()))
                    .expect("request")
            };
            let resp = router(reg.clone()).oneshot(send("/api/v1/import?dry_run=true")).await.expect("response");
            assert_eq!(resp.status(), StatusCode::OK);
            let v: Value = serde_json::from_slice(&resp.into_body().collect().await.expect("body").to_bytes()).expect("json");
            assert_eq!((v["created"].as_i64(), v["written"].as_bool()), (Some(1), Some(false)));
            let resp = router(reg.clone()).oneshot(send("/api/v1/import")).await.expect("response");
            assert_eq!(resp.status(), StatusCode::OK);
            let resp = router(reg.clone())
                .oneshot(Request::builder().uri("/api/v1/export?format=csv&q=che").body(Body::empty()).expect("req"))
                .await
                .expect("response");
            assert_eq!(resp.status(), StatusCode::OK);
            assert!(resp.headers()["content-disposition"].to_str().unwrap_or("").contains(".csv"));
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            let text = String::from_utf8_lossy(&bytes);
            assert!(text.starts_with('\u{feff}'));
            assert!(text.contains("Hợp tác xã Chè Mẫu Sơn"));
        });
}

hoptac_testkit::both_backends!(
    create_read_update_and_conflict,
    errors_are_json_with_codes_and_localised_messages,
    search_filters_and_places,
    import_by_upload_and_export
);

fn reports_evaluations_and_targets_over_http(url: &str) {
    let reg = registry(url);
    rt().block_on(async {
            let (_, v) = call(&reg, "POST", "/api/v1/organisations", Some(new_htx("Hợp tác xã Chè Bắc Sơn", "4900000009"))).await;
            let id = v["id"].as_i64().expect("id");
            let report = json!({"stage": "final", "figures": {"revenue": 1200000000, "supplied_to_members": 300000000}});
            let (s, v) = call(&reg, "PUT", &format!("/api/v1/organisations/{id}/reports/2024"), Some(report.clone())).await;
            assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
            let (s, v) = call(&reg, "PUT", &format!("/api/v1/organisations/{id}/reports/2024"), Some(report)).await;
            assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "a second filing must name the version");
            let bad = json!({"stage": "final", "figures": {"revenue": -1}});
            let (s, v) = call(&reg, "PUT", &format!("/api/v1/organisations/{id}/reports/2019"), Some(bad)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
            let fields: Vec<&str> = v["error"]["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
            assert_eq!(fields, vec!["revenue"]);
            let mut scores = serde_json::Map::new();
            scores.insert("1a".into(), json!(6.5));
            let (s, v) = call(&reg, "PUT", &format!("/api/v1/organisations/{id}/evaluations/2024"), Some(json!({"scores": scores}))).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "6.5 is above 1a's maximum of 6: {v}");
            assert!(v["error"]["message"].as_str().unwrap_or("").contains("1a"));
            let (s, v) = call(&reg, "PUT", &format!("/api/v1/organisations/{id}/evaluations/2024"), Some(json!({"scores": {"1a": 5.5}}))).await;
            assert_eq!((s, v["evaluation"]["scores"]["1a"].as_i64()), (StatusCode::OK, Some(55)), "{v}");
            let (s, v) = call(&reg, "POST", &format!("/api/v1/organisations/{id}/evaluations/2024/actions"), Some(json!({"action": "approve", "version": 1}))).await;
            assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("wrong_state")));
            let (s, v) = call(&reg, "GET", "/api/v1/targets?year=2025&by=district", None).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["targets"].as_array().map(Vec::len), Some(6));
            assert_eq!(v["targets"][0]["target"]["indicator"], "new_htx");
            let (s, v) = call(&reg, "GET", "/api/v1/rule-sets", None).await;
            assert_eq!((s, v.as_array().map(Vec::len)), (StatusCode::OK, Some(2)));
            let (s, _) = call(&reg, "GET", "/api/v1/reports/missing?year=2024&filing=final_report", None).await;
            assert_eq!(s, StatusCode::OK);
        });
}

hoptac_testkit::both_backends!(reports_evaluations_and_targets_over_http);

fn writes_need_a_token_a_writing_role_and_the_right_commune(url: &str) {
    let reg = registry(url);
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
        let in_dong_dang = new_htx("Hợp tác xã Trong Xã", "4900000011"); // legacy 06205 → 2025 06184
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
        let (s, v) = call(&reg, "PUT", &format!("/api/v1/targets/{id}"), Some(target)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    });
}

hoptac_testkit::both_backends!(writes_need_a_token_a_writing_role_and_the_right_commune);

#[test]
fn openapi_document_is_stable() {
    let doc = serde_json::to_value(crate::api::openapi()).expect("json");
    insta::assert_json_snapshot!("openapi", doc);
}

#[test]
fn start_page_renders_without_javascript() {
    let lite = hoptac_testkit::sqlite();
    let reg = registry(&lite);
    rt().block_on(async {
        let resp = router(reg.clone())
            .oneshot(
                Request::builder()
                    .uri("/?q=hop+tac")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await
            .expect("resp");
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let html = String::from_utf8_lossy(&bytes);
        assert!(html.contains("Sổ đăng ký kinh tế tập thể"));
        assert!(!html.contains("<script"));
    });
}

/// Slow links: the first 50-row registry page with everything it loads (its stylesheet;
/// there are no scripts) weighs at most 200 KB, counted on a demo province.
#[test]
fn first_registry_page_with_its_assets_fits_in_200_kb() {
    let lite = hoptac_testkit::sqlite();
    let reg = registry(&lite);
    let spec = hoptac_app::demo::DemoSpec {
        counts: Some((120, 40, 2)),
        ..Default::default()
    };
    hoptac_app::demo::generate(&reg, &spec).expect("demo");
    rt().block_on(async {
        let get = |uri: &str| {
            let app = router(reg.clone());
            let req = Request::builder()
                .uri(uri)
                .body(Body::empty())
                .expect("req");
            async move {
                let resp = app.oneshot(req).await.expect("resp");
                assert_eq!(resp.status(), StatusCode::OK);
                resp.into_body().collect().await.expect("body").to_bytes()
            }
        };
        let page = get("/").await;
        let html = String::from_utf8_lossy(&page).into_owned();
        assert_eq!(
            html.matches("href=\"/to-chuc/").count(),
            50,
            "a full first page"
        );
        let mut total = page.len();
        for asset in html.split("href=\"/static/").skip(1) {
            let path = asset.split('"').next().expect("asset path");
            total += get(&format!("/static/{path}")).await.len();
        }
        assert!(!html.contains("<script"), "no scripts to count");
        assert!(
            total <= 200_000,
            "first page and its assets weigh {total} bytes"
        );
    });
}

/// Every route of the API, classified; a route missing here (or here but gone) fails.
/// Each is then called as every role, and the answer must fit its class.
mod route_access {
    use super::*;

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
                Some(
                    json!({"legacy_code": "06079", "source": "kiểm tra", "rows": [{"legacy_code": "06079", "code_2025": "06079", "is_default": true, "split": false}]}),
                ),
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
                Some(
                    json!({"plan": "support", "description": "Hỗ trợ", "owner": "Sở", "deadline": "2026-06-30"}),
                ),
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
            let csv = "Tên HTX,Loại hình,Xã,Huyện,Ngày thành lập,Số thành viên\nHợp tác xã Nhập,HTX,Mẫu Sơn,Cao Lộc,02/09/2019,9\n";
            let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n");
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
        let reg = registry(url);
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
            let denied =
                |s: StatusCode| s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN;
            for (method, uri, class, body) in &table {
                let at = format!("{method} {uri}");
                let public = send(&reg, None, method, uri, body.clone()).await;
                let as_leader = send(&reg, Some(&leader), method, uri, body.clone()).await;
                let as_commune = send(&reg, Some(&commune), method, uri, body.clone()).await;
                let as_coop = send(&reg, Some(&coop), method, uri, body.clone()).await;
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
                    assert!(!denied(s), "{at}: provincial officer {s}");
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
            assert!(
                v["fields"]["legal_representative"].is_null() && v["fields"]["phone"].is_null()
            );
        });
    }

    hoptac_testkit::both_backends!(every_route_is_classified_and_enforced_for_every_role);
}

mod browser_sign_in {
    use super::*;

    async fn raw(
        reg: &Registry,
        req: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let resp = router(reg.clone()).oneshot(req).await.expect("response");
        let (status, headers) = (resp.status(), resp.headers().clone());
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    fn set_cookie(h: &axum::http::HeaderMap, name: &str) -> Option<String> {
        h.get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
    }

    fn sign_in_with_a_form_then_write_only_with_the_csrf_token(url: &str) {
        let reg = registry(url);
        rt().block_on(async {
            let (s, h, html) = raw(
                &reg,
                Request::builder()
                    .uri("/dang-nhap")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
            assert_eq!(s, StatusCode::OK);
            assert!(h["content-security-policy"]
                .to_str()
                .unwrap_or("")
                .contains("script-src 'self'"));
            assert_eq!(h["x-frame-options"], "DENY");
            assert!(
                !html.contains("<script") && !html.contains("<style"),
                "no inline script or style"
            );
            let login = set_cookie(&h, "hoptac_login").expect("login csrf cookie");
            let csrf = login
                .split_once('=')
                .map(|x| x.1.to_owned())
                .unwrap_or_default();
            assert!(h
                .get_all("set-cookie")
                .iter()
                .any(|v| v.to_str().unwrap_or("").contains("HttpOnly; SameSite=Lax")));
            let form = |pass: &str, token: &str| {
                Request::builder()
                    .method("POST")
                    .uri("/dang-nhap")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", login.clone())
                    .body(Body::from(format!(
                        "username=quan.tri&password={pass}&csrf={token}"
                    )))
                    .expect("req")
            };
            let (s, _, html) = raw(&reg, form("sai-mat-khau-1", &csrf)).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
            assert!(
                html.contains("Tên đăng nhập hoặc mật khẩu không đúng"),
                "{html}"
            );
            let (s, _, _) = raw(&reg, form("mat-khau-quan-tri", "forged")).await;
            assert_eq!(
                s,
                StatusCode::FORBIDDEN,
                "the form's CSRF token must match its cookie"
            );
            let (s, h, _) = raw(&reg, form("mat-khau-quan-tri", &csrf)).await;
            assert_eq!(s, StatusCode::SEE_OTHER);
            let session = set_cookie(&h, "hoptac_session").expect("session cookie");
            let (_, _, home) = raw(
                &reg,
                Request::builder()
                    .uri("/")
                    .header("cookie", session.clone())
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
            assert!(
                home.contains("Quản trị") && home.contains("/dang-xuat"),
                "signed in"
            );
            let page_csrf = home
                .split("name=csrf value=\"")
                .nth(1)
                .and_then(|x| x.split('"').next())
                .expect("csrf in page")
                .to_owned();
            let create = |with_csrf: bool| {
                let mut r = Request::builder()
                    .method("POST")
                    .uri("/api/v1/organisations")
                    .header("content-type", "application/json")
                    .header("cookie", session.clone());
                if with_csrf {
                    r = r.header("x-csrf-token", page_csrf.clone());
                }
                r.body(Body::from(
                    new_htx("Hợp tác xã Phiên Trình Duyệt", "4900000077").to_string(),
                ))
                .expect("req")
            };
            let (s, _, _) = raw(&reg, create(false)).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "a cookie alone cannot write");
            let (s, _, body) = raw(&reg, create(true)).await;
            assert_eq!(s, StatusCode::CREATED, "{body}");
            let out = Request::builder()
                .method("POST")
                .uri("/dang-xuat")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", session.clone())
                .body(Body::from(format!("csrf={page_csrf}")))
                .expect("req");
            let (s, _, _) = raw(&reg, out).await;
            assert_eq!(s, StatusCode::SEE_OTHER);
            let (_, _, home) = raw(
                &reg,
                Request::builder()
                    .uri("/")
                    .header("cookie", session)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
            assert!(home.contains("/dang-nhap"), "signed out");
        });
    }

    hoptac_testkit::both_backends!(sign_in_with_a_form_then_write_only_with_the_csrf_token);
}

mod organisation_page {
    use super::*;

    fn details_for_all_history_for_accounts_in_scope(url: &str) {
        let reg = registry(url);
        let cli = hoptac_app::Actor::new("cli", None);
        reg.add_user(
            "xa.khac",
            "Cán bộ xã khác",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06079".into()],
            },
            "mat-khau-du-dai",
            &cli,
        )
        .expect("user");
        let now = chrono::Utc::now();
        let admin = reg
            .authenticate("quan.tri", "mat-khau-quan-tri", now)
            .expect("admin");
        let other = reg
            .authenticate("xa.khac", "mat-khau-du-dai", now)
            .expect("other");
        let (admin_cookie, _) = reg.start_session(&admin, now).expect("session");
        let (other_cookie, _) = reg.start_session(&other, now).expect("session");
        rt().block_on(async {
            let mut body = new_htx("Hợp tác xã Trang Hồ Sơ", "4900000088");
            body["fields"]["phone"] = json!("0912345678");
            body["fields"]["legal_representative"] = json!("Hoàng Văn Sơn");
            let (_, v) = call(&reg, "POST", "/api/v1/organisations", Some(body)).await;
            let id = v["id"].as_i64().expect("id");
            call(
                &reg,
                "PATCH",
                &format!("/api/v1/organisations/{id}"),
                Some(json!({"version": 1, "fields": {"members": 21}, "effective": "2024-03-01"})),
            )
            .await;
            let get = |cookie: Option<String>| {
                let mut r = Request::builder().uri(format!("/to-chuc/{id}"));
                if let Some(c) = cookie {
                    r = r.header("cookie", format!("hoptac_session={c}"));
                }
                r.body(Body::empty()).expect("req")
            };
            let page = |resp: axum::response::Response| async move {
                let s = resp.status();
                (
                    s,
                    String::from_utf8_lossy(
                        &resp.into_body().collect().await.expect("body").to_bytes(),
                    )
                    .into_owned(),
                )
            };
            let (s, public) =
                page(router(reg.clone()).oneshot(get(None)).await.expect("resp")).await;
            assert_eq!(s, StatusCode::OK);
            assert!(
                public.contains("Hợp tác xã Trang Hồ Sơ")
                    && public.contains("Xã Đồng Đăng (06184, 2025)"),
                "{public}"
            );
            assert!(
                !public.contains("0912345678") && !public.contains("Hoàng Văn Sơn"),
                "no contacts for the public"
            );
            assert!(public.contains("/dang-nhap"));
            let (s, full) = page(
                router(reg.clone())
                    .oneshot(get(Some(admin_cookie)))
                    .await
                    .expect("resp"),
            )
            .await;
            assert_eq!(s, StatusCode::OK);
            assert!(
                full.contains("Lịch sử thay đổi")
                    && full.contains("01/03/2024")
                    && full.contains("0912345678"),
                "{full}"
            );
            // The change of members is shown as before and after, highlighted.
            assert!(
                full.contains("<td><del>9</del></td><td><ins>21</ins></td>"),
                "{full}"
            );
            assert!(
                full.contains(&format!("href=\"/danh-gia/{id}/2025\"")),
                "a way to the year's score sheet"
            );
            let (s, _) = page(
                router(reg.clone())
                    .oneshot(get(Some(other_cookie)))
                    .await
                    .expect("resp"),
            )
            .await;
            assert_eq!(
                s,
                StatusCode::NOT_FOUND,
                "another commune's record does not exist for its officer"
            );
        });
    }

    hoptac_testkit::both_backends!(details_for_all_history_for_accounts_in_scope);
}

mod organisation_links_and_status {
    use super::*;

    fn a_page_shows_links_both_ways_and_the_status_over_time(url: &str) {
        let reg = registry(url);
        let (admin, _) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        rt().block_on(async {
                let mut union = new_htx("Liên hiệp HTX Xứ Lạng", "4900000066");
                union["kind"] = json!("LHHTX");
                let (s, u) = call(&reg, "POST", "/api/v1/organisations", Some(union)).await;
                assert_eq!(s, StatusCode::CREATED, "{u}");
                let (_, h) = call(&reg, "POST", "/api/v1/organisations", Some(new_htx("Hợp tác xã Thành Viên", "4900000067"))).await;
                let (uid, hid) = (u["id"].as_i64().expect("u"), h["id"].as_i64().expect("h"));
                let (s, v) = call(&reg, "POST", &format!("/api/v1/organisations/{hid}/links"), Some(json!({"version": 1, "kind": "member_of", "target": uid, "effective": "2021-01-01"}))).await;
                assert_eq!(s, StatusCode::OK, "{v}");
                let (s, v) = call(&reg, "POST", &format!("/api/v1/organisations/{hid}/status"), Some(json!({"version": 2, "status": {"status": "suspended", "until": "2023-06-30", "document": "QĐ 12/2023"}, "effective": "2023-01-01"}))).await;
                assert_eq!(s, StatusCode::OK, "{v}");
                let (_, member) = page_call(&reg, "GET", &format!("/to-chuc/{hid}"), Some(&admin), None).await;
                assert!(member.contains(&format!("Thành viên của LHHTX: <a href=\"/to-chuc/{uid}\">Liên hiệp HTX Xứ Lạng</a>")), "{member}");
                assert!(member.contains("Tình trạng qua các thời kỳ") && member.contains("01/01/2023</time>: Tạm ngừng kinh doanh đến 30/06/2023 (QĐ 12/2023)"), "{member}");
                assert!(member.contains("Thành viên của LHHTX #"), "link changes read as words in the history: {member}");
                let (_, union_page) = page_call(&reg, "GET", &format!("/to-chuc/{uid}"), None, None).await;
                assert!(union_page.contains(&format!("HTX thành viên: <a href=\"/to-chuc/{hid}\">Hợp tác xã Thành Viên</a>")), "{union_page}");
            });
    }

    hoptac_testkit::both_backends!(a_page_shows_links_both_ways_and_the_status_over_time);
}

mod audit_page {
    use super::*;

    #[test]
    fn administrators_see_the_trail_and_what_changed() {
        let lite = hoptac_testkit::sqlite();
        let reg = registry(&lite);
        let (admin, _) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        let (leader, _) = signed_in(&reg, "lanh.dao", Role::Leader, Scope::All);
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
}

mod dashboard_page {
    use super::*;

    #[test]
    fn the_dashboard_draws_targets_trends_and_the_map_for_signed_in_readers() {
        let lite = hoptac_testkit::sqlite();
        let reg = registry(&lite);
        let (cookie, _) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
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
                let html = String::from_utf8_lossy(
                    &resp.into_body().collect().await.expect("b").to_bytes(),
                )
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
        let (officer, _) = signed_in(
            &reg,
            "xa.khac",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06079".into()],
            },
        );
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
}

mod follow_up_page {
    use super::*;

    async fn page(reg: &Registry, uri: &str, cookie: Option<&str>) -> (StatusCode, String) {
        page_call(reg, "GET", uri, cookie, None).await
    }

    #[test]
    fn weak_and_formal_only_htx_are_listed_within_the_readers_scope() {
        let lite = hoptac_testkit::sqlite();
        let reg = registry(&lite);
        let spec = hoptac_app::demo::DemoSpec {
            counts: Some((160, 20, 2)),
            ..Default::default()
        };
        hoptac_app::demo::generate(&reg, &spec).expect("demo");
        let needed = reg.needing_follow_up(2025).expect("list");
        assert!(needed.len() >= 2, "the demo has weak or formal-only HTX");
        let now = chrono::Utc::now();
        let session = |user: &str, pass: &str| {
            reg.start_session(&reg.authenticate(user, pass, now).expect("sign in"), now)
                .expect("session")
                .0
        };
        let admin = session("quan.tri", "mat-khau-quan-tri");
        // A commune officer of the first listed HTX's commune.
        let commune = needed[0].org.places.commune_2025.clone().expect("placed");
        reg.add_user(
            "can.bo.xa",
            "Cán bộ xã",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec![commune.clone()],
            },
            "mat-khau-can-bo-xa",
            &hoptac_app::Actor::new("cli", None),
        )
        .expect("officer");
        let officer = session("can.bo.xa", "mat-khau-can-bo-xa");
        rt().block_on(async {
            assert_eq!(
                page(&reg, "/theo-doi", None).await.0,
                StatusCode::UNAUTHORIZED
            );
            let (status, html) = page(&reg, "/theo-doi?year=2025", Some(&admin)).await;
            assert_eq!(status, StatusCode::OK);
            let without = needed.iter().filter(|n| n.follow_up.is_none()).count();
            assert!(
                html.contains(&format!(
                    "{} HTX cần có phương án; <strong>{without}</strong> chưa có",
                    needed.len()
                )),
                "{html}"
            );
            for n in &needed {
                assert!(
                    html.contains(&format!("href=\"/to-chuc/{}\"", n.org.id)),
                    "{} listed",
                    n.org.id
                );
            }
            assert!(!html.contains("<script") && !html.contains("style="), "CSP");
            let (_, mine) = page(&reg, "/theo-doi?year=2025", Some(&officer)).await;
            for n in &needed {
                let shown = mine.contains(&format!("href=\"/to-chuc/{}\"", n.org.id));
                let in_scope = n.org.places.commune_2025.as_deref() == Some(commune.as_str());
                assert_eq!(
                    shown, in_scope,
                    "{}: shown only within the officer's commune",
                    n.org.id
                );
            }
        });
    }
}

mod follow_up_form {
    use super::*;

    async fn post(reg: &Registry, uri: &str, cookie: &str, body: String) -> (StatusCode, String) {
        page_call(reg, "POST", uri, Some(cookie), Some(body)).await
    }

    #[test]
    fn an_officer_records_a_plan_with_vietnamese_errors_and_conflicts_shown() {
        let lite = hoptac_testkit::sqlite();
        let reg = registry(&lite);
        let spec = hoptac_app::demo::DemoSpec {
            counts: Some((160, 20, 2)),
            ..Default::default()
        };
        hoptac_app::demo::generate(&reg, &spec).expect("demo");
        let target = reg
            .needing_follow_up(2025)
            .expect("list")
            .into_iter()
            .find(|n| n.follow_up.is_none())
            .expect("an HTX without a plan");
        let id = target.org.id;
        let (cookie, csrf) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        let uri = format!("/theo-doi/{id}/2025");
        rt().block_on(async {
            let form = |deadline: &str, version: i64| {
                format!("csrf={csrf}&version={version}&plan=restructure&description=T%E1%BB%95+ch%E1%BB%A9c+l%E1%BA%A1i+ban+qu%E1%BA%A3n+tr%E1%BB%8B&owner=UBND+x%C3%A3&deadline={deadline}&outcome=")
            };
            // A wrong date: named beside its field, nothing saved.
            let (status, html) = post(&reg, &uri, &cookie, form("31%2F02%2F2026", 0)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(html.contains("id=\"deadline-error\"") && html.contains("không phải ngày"), "{html}");
            assert!(html.contains("Tổ chức lại ban quản trị"), "what was typed is kept");
            let saved = |reg: &Registry| {
                reg.needing_follow_up(2025)
                    .expect("list")
                    .into_iter()
                    .find(|n| n.org.id == id)
                    .and_then(|n| n.follow_up)
            };
            assert!(saved(&reg).is_none());
            // A wrong CSRF token is refused.
            let forged = form("30%2F06%2F2026", 0).replace(&csrf, "forged");
            assert_eq!(post(&reg, &uri, &cookie, forged).await.0, StatusCode::FORBIDDEN);
            // Saved.
            let (status, _) = post(&reg, &uri, &cookie, form("30%2F06%2F2026", 0)).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            let rec = saved(&reg).expect("recorded");
            assert_eq!(rec.follow_up.plan, hoptac_app::followups::Plan::Restructure);
            assert_eq!(rec.follow_up.deadline, NaiveDate::from_ymd_opt(2026, 6, 30).expect("d"));
            assert_eq!(rec.follow_up.owner, "UBND xã");
            // A second person still holding the empty form: a conflict, the first plan kept.
            let (status, html) = post(&reg, &uri, &cookie, form("31%2F12%2F2026", 0)).await;
            assert_eq!(status, StatusCode::CONFLICT, "{html}");
            assert!(html.contains("người khác lưu") && html.contains("30/06/2026"));
            assert_eq!(saved(&reg).expect("kept").follow_up.deadline, rec.follow_up.deadline);
            // With the current version, an update goes through.
            let (status, _) = post(&reg, &uri, &cookie, form("31%2F12%2F2026", rec.version)).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            assert_eq!(
                saved(&reg).expect("updated").follow_up.deadline,
                NaiveDate::from_ymd_opt(2026, 12, 31).expect("d")
            );
        });
    }
}

mod edit_page {
    use super::*;

    #[test]
    fn two_editors_the_second_sees_both_versions_and_nothing_is_overwritten() {
        let lite = hoptac_testkit::sqlite();
        let reg = registry(&lite);
        let (a, a_csrf) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        let (b, b_csrf) = signed_in(&reg, "so.tai.chinh", Role::ProvincialOfficer, Scope::All);
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
                    String::from_utf8_lossy(
                        &resp.into_body().collect().await.expect("b").to_bytes(),
                    )
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
}

mod import_page {
    use super::*;

    fn multipart(cookie: &str, csrf: &str, file_name: &str, content: &[u8]) -> Request<Body> {
        let b = "XB0UNDARYX";
        let mut body = format!("--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nHTX\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        Request::builder()
            .method("POST")
            .uri("/nhap")
            .header("cookie", format!("hoptac_session={cookie}"))
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(Body::from(body))
            .expect("req")
    }

    async fn page(reg: &Registry, req: Request<Body>) -> (StatusCode, String) {
        let resp = router(reg.clone()).oneshot(req).await.expect("resp");
        let s = resp.status();
        (
            s,
            String::from_utf8_lossy(&resp.into_body().collect().await.expect("b").to_bytes())
                .into_owned(),
        )
    }

    #[test]
    fn preview_shows_row_errors_and_writes_nothing_then_confirm_writes_all() {
        let lite = hoptac_testkit::sqlite();
        let reg = registry(&lite);
        let (cookie, csrf) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        let fixtures =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let bad = std::fs::read(fixtures.join("registry_1000_with_3_bad.csv")).expect("bad");
        let good = std::fs::read(fixtures.join("registry_messy.xlsx")).expect("good");
        rt().block_on(async {
            let (s, html) = page(
                &reg,
                multipart(&cookie, &csrf, "registry_1000_with_3_bad.csv", &bad),
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                html.contains("<td>101</td><td>C</td>") && html.contains("Không ghi dữ liệu nào"),
                "{}",
                &html[..html.len().min(3000)]
            );
            let (_, list) = call(&reg, "GET", "/api/v1/organisations", None).await;
            assert_eq!(list["total"], 0, "a preview writes nothing");
            let (s, html) = page(
                &reg,
                multipart(&cookie, &csrf, "registry_messy.xlsx", &good),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{html}");
            assert!(
                html.contains("10 thêm mới") && html.contains("Xác nhận nhập 10 dòng"),
                "{html}"
            );
            let (_, list) = call(&reg, "GET", "/api/v1/organisations", None).await;
            assert_eq!(list["total"], 0, "still nothing before the confirmation");
            let token = html
                .split("name=\"token\" value=\"")
                .nth(1)
                .and_then(|x| x.split('"').next())
                .expect("token")
                .to_owned();
            let confirm = Request::builder()
                .method("POST")
                .uri("/nhap/xac-nhan")
                .header("cookie", format!("hoptac_session={cookie}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={csrf}&token={token}")))
                .expect("req");
            // One server for the confirmation and its progress page.
            let server = router(reg.clone());
            let resp = server.clone().oneshot(confirm).await.expect("resp");
            assert_eq!(resp.status(), StatusCode::SEE_OTHER);
            let progress = resp.headers()["location"]
                .to_str()
                .expect("location")
                .to_owned();
            assert!(progress.starts_with("/nhap/tien-do/"), "{progress}");
            // The progress page refreshes itself until the import is done, then shows
            // the report. Wait for it as a reader would (bounded, not a timing claim).
            let mut html = String::new();
            for _ in 0..600 {
                let req = Request::builder()
                    .uri(&progress)
                    .header("cookie", format!("hoptac_session={cookie}"))
                    .body(Body::empty())
                    .expect("req");
                let resp = server.clone().oneshot(req).await.expect("resp");
                let refreshing = resp.headers().contains_key("refresh");
                html = String::from_utf8_lossy(
                    &resp.into_body().collect().await.expect("b").to_bytes(),
                )
                .into_owned();
                if !refreshing {
                    break;
                }
                assert!(html.contains("<progress"), "{html}");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            assert!(html.contains("Đã nhập: 10 dòng"), "{html}");
            // The same confirmation again: the upload is gone, nothing written twice.
            let again = Request::builder()
                .method("POST")
                .uri("/nhap/xac-nhan")
                .header("cookie", format!("hoptac_session={cookie}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={csrf}&token={token}")))
                .expect("req");
            assert_eq!(
                server.clone().oneshot(again).await.expect("resp").status(),
                StatusCode::GONE
            );
            let (_, list) = call(&reg, "GET", "/api/v1/organisations", None).await;
            assert_eq!(list["total"], 10);
        });
    }
}

mod evaluation_pages {
    use super::*;

    fn a_sheet_is_scored_submitted_reviewed_and_approved_by_someone_else(url: &str) {
        let reg = registry(url);
        let (_, created) = rt().block_on(call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Chấm Điểm", "4900000011")),
        ));
        let id = created["id"].as_i64().expect("id");
        let (admin, admin_csrf) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        let (second, second_csrf) =
            signed_in(&reg, "can.bo.tinh", Role::ProvincialOfficer, Scope::All);
        let (leader, _) = signed_in(&reg, "lanh.dao", Role::Leader, Scope::All);
        let (elsewhere, _) = signed_in(
            &reg,
            "can.bo.xa.khac",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06079".into()],
            },
        );
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
                html.contains(&format!("name=\"s.{}\"", codes[0].0))
                    && html.contains("Chưa có phiếu"),
                "{html}"
            );
            assert!(
                html.contains("<main id=main>") && html.contains("class=skip"),
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
                html.contains("&quot;abc&quot; không phải số điểm")
                    && html.contains("value=\"7,5\""),
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
            let (_, list) =
                page_call(&reg, "GET", "/danh-gia?year=2025", Some(&elsewhere), None).await;
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
                let body = String::from_utf8_lossy(
                    &resp.into_body().collect().await.expect("b").to_bytes(),
                )
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

    hoptac_testkit::both_backends!(
        a_sheet_is_scored_submitted_reviewed_and_approved_by_someone_else
    );
}

mod create_form {
    use super::*;

    fn officers_register_in_their_communes_with_errors_named(url: &str) {
        let reg = registry(url);
        let (admin, admin_csrf) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        let (officer, officer_csrf) = signed_in(
            &reg,
            "can.bo.xa",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06184".into()],
            },
        );
        let (leader, _) = signed_in(&reg, "lanh.dao", Role::Leader, Scope::All);
        rt().block_on(async {
                let (s, html) = page_call(&reg, "GET", "/to-chuc/moi", Some(&admin), None).await;
                assert_eq!(s, StatusCode::OK);
                assert!(html.contains("<option value=\"06184\">") && html.contains("<option value=\"06079\">"), "every commune of the province");
                let (_, html) = page_call(&reg, "GET", "/to-chuc/moi", Some(&officer), None).await;
                assert!(html.contains("<option value=\"06184\">") && !html.contains("<option value=\"06079\">"), "only the officer's commune: {html}");
                assert_eq!(page_call(&reg, "GET", "/to-chuc/moi", Some(&leader), None).await.0, StatusCode::FORBIDDEN);
                assert_eq!(page_call(&reg, "GET", "/to-chuc/moi", None, None).await.0, StatusCode::UNAUTHORIZED);

                let form = |csrf: &str, commune: &str, founded: &str, members: &str| {
                    format!("csrf={csrf}&kind=HTX&commune={commune}&founding_date={founded}&name=H%E1%BB%A3p+t%C3%A1c+x%C3%A3+Bi%E1%BB%83u+M%E1%BA%ABu&tax_code=4900000123&members={members}&sector=nong_nghiep")
                };
                // A wrong date and a wrong number: both named, nothing written.
                let (s, html) = page_call(&reg, "POST", "/to-chuc/moi", Some(&admin), Some(form(&admin_csrf, "06184", "31%2F02%2F2020", "nhi%E1%BB%81u"))).await;
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
                assert!(html.contains("id=\"err-founding_date\"") && html.contains("id=\"err-members\"") && html.contains("value=\"Hợp tác xã Biểu Mẫu\""), "{html}");
                // Another commune than the officer's.
                let (s, html) = page_call(&reg, "POST", "/to-chuc/moi", Some(&officer), Some(form(&officer_csrf, "06079", "01%2F03%2F2020", "9"))).await;
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
                assert!(html.contains("ngoài địa bàn"), "{html}");
                let (_, list) = call(&reg, "GET", "/api/v1/organisations", None).await;
                assert_eq!(list["total"], 0, "nothing written");
                // The law's rules come back beside their field (an HTX needs 5 members).
                let (s, html) = page_call(&reg, "POST", "/to-chuc/moi", Some(&officer), Some(form(&officer_csrf, "06184", "01%2F03%2F2020", "2"))).await;
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
                assert!(html.contains("id=\"err-members\""), "{html}");
                // Registered.
                let (s, _) = page_call(&reg, "POST", "/to-chuc/moi", Some(&officer), Some(form(&officer_csrf, "06184", "01%2F03%2F2020", "9"))).await;
                assert_eq!(s, StatusCode::SEE_OTHER);
                let (_, list) = call(&reg, "GET", "/api/v1/organisations", None).await;
                assert_eq!(list["total"], 1);
                assert_eq!(list["items"][0]["fields"]["members"], 9);
                assert_eq!(list["items"][0]["fields"]["founding_date"], "2020-03-01");
            });
    }

    hoptac_testkit::both_backends!(officers_register_in_their_communes_with_errors_named);
}

mod users_page {
    use super::*;

    fn administrators_add_disable_and_reset_accounts(url: &str) {
        let reg = registry(url);
        let (admin, csrf) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        let (officer, _) = signed_in(&reg, "can.bo.tinh", Role::ProvincialOfficer, Scope::All);
        rt().block_on(async {
                let uri = "/quan-tri/nguoi-dung";
                assert_eq!(page_call(&reg, "GET", uri, Some(&officer), None).await.0, StatusCode::FORBIDDEN);
                assert_eq!(page_call(&reg, "GET", uri, None, None).await.0, StatusCode::UNAUTHORIZED);
                let (s, html) = page_call(&reg, "GET", uri, Some(&admin), None).await;
                assert_eq!(s, StatusCode::OK);
                assert!(html.contains("can.bo.tinh") && html.contains("Cán bộ cấp tỉnh"), "{html}");

                // A commune officer needs communes: the app's rule, in Vietnamese.
                let add = |body: String| page_call(&reg, "POST", uri, Some(&admin), Some(body));
                let (s, html) = add(format!("csrf={csrf}&username=can.bo.xa&display_name=C%C3%A1n+b%E1%BB%99+x%C3%A3&role=commune_officer&organisation=")).await;
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
                assert!(html.contains("cần phạm vi phù hợp") && html.contains("value=\"can.bo.xa\""), "{html}");
                // With two communes (a multiple select sends the field twice).
                let (s, html) = add(format!("csrf={csrf}&username=can.bo.xa&display_name=C%C3%A1n+b%E1%BB%99+x%C3%A3&role=commune_officer&communes=06184&communes=06079&organisation=")).await;
                assert_eq!(s, StatusCode::OK, "{html}");
                let password = html.split("<code>").nth(1).and_then(|x| x.split("</code>").next()).expect("first password shown").to_owned();
                assert!(html.contains("Xã Đồng Đăng (06184)"), "{html}");
                // The new account signs in with it and sees only its communes.
                let now = chrono::Utc::now();
                let p = std::thread::scope(|s| s.spawn(|| reg.authenticate("can.bo.xa", &password, now)).join().expect("thread")).expect("signs in");
                assert_eq!(p.scope, Scope::Communes { codes: vec!["06184".into(), "06079".into()] });
                // A forged form changes nothing.
                let (s, _) = add("csrf=forged&username=x.y&display_name=X&role=leader".into()).await;
                assert_eq!(s, StatusCode::FORBIDDEN);

                let act = |body: String| page_call(&reg, "POST", "/quan-tri/nguoi-dung/thao-tac", Some(&admin), Some(body));
                let (s, _) = act(format!("csrf={csrf}&username=can.bo.tinh&action=disable")).await;
                assert_eq!(s, StatusCode::SEE_OTHER);
                // Disabled: the open session ends at once.
                assert_eq!(page_call(&reg, "GET", "/danh-gia", Some(&officer), None).await.0, StatusCode::UNAUTHORIZED);
                let (_, html) = page_call(&reg, "GET", &format!("{uri}?ok=disable"), Some(&admin), None).await;
                assert!(html.contains("Đã khóa tài khoản.") && html.contains("Đã khóa"), "{html}");
                let (s, _) = act(format!("csrf={csrf}&username=can.bo.tinh&action=enable")).await;
                assert_eq!(s, StatusCode::SEE_OTHER);
                let (s, html) = act(format!("csrf={csrf}&username=can.bo.tinh&action=reset")).await;
                assert_eq!(s, StatusCode::OK);
                let fresh = html.split("<code>").nth(1).and_then(|x| x.split("</code>").next()).expect("new password").to_owned();
                let back = std::thread::scope(|s| s.spawn(|| reg.authenticate("can.bo.tinh", &fresh, now)).join().expect("thread"));
                assert!(back.is_ok(), "the new password works");
                // Not on oneself, however the name is written.
                for me in ["quan.tri", "QUAN.TRI", "%20Quan.Tri"] {
                    let (s, html) = act(format!("csrf={csrf}&username={me}&action=disable")).await;
                    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{me}");
                    assert!(html.contains("chính mình"), "{html}");
                }
                // And never the last enabled administrator, whoever asks.
                let last = std::thread::scope(|s| s.spawn(|| reg.set_disabled("quan.tri", true, &hoptac_app::Actor::new("cli", None))).join().expect("thread"));
                assert!(matches!(last, Err(hoptac_app::AppError::Refused { code: "last_admin", .. })), "{last:?}");
            });
    }

    hoptac_testkit::both_backends!(administrators_add_disable_and_reset_accounts);
}

/// What a page does for people who navigate by keyboard or a screen reader: the
/// language named, one main heading, a main landmark, every control labelled, tables
/// with headers, images described. A problem list, empty when all is well.
fn accessibility_problems(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !html.contains("<html lang=\"") {
        out.push("no <html lang>".into());
    }
    if html.matches("<h1").count() != 1 {
        out.push(format!("{} <h1>", html.matches("<h1").count()));
    }
    if !html.contains("<main") {
        out.push("no <main>".into());
    }
    if html.contains("<table") && !html.contains("<th") {
        out.push("a table without headers".into());
    }
    if html
        .split("<img")
        .skip(1)
        .any(|t| !t.split('>').next().unwrap_or("").contains("alt="))
    {
        out.push("an image without alt".into());
    }
    for tag in ["<input", "<select", "<textarea"] {
        let mut rest = html;
        while let Some(at) = rest.find(tag) {
            let before = &html[..html.len() - rest.len() + at];
            let element = rest[at..].split('>').next().unwrap_or("");
            rest = &rest[at + tag.len()..];
            if element.contains("type=hidden") || element.contains("type=\"hidden\"") {
                continue;
            }
            let in_label = before
                .rfind("<label")
                .is_some_and(|l| before.rfind("</label>").is_none_or(|c| c < l));
            let id_label = element
                .split("id=\"")
                .nth(1)
                .and_then(|x| x.split('"').next())
                .is_some_and(|id| {
                    html.contains(&format!("for={id}")) || html.contains(&format!("for=\"{id}\""))
                });
            if !in_label && !id_label && !element.contains("aria-label") {
                out.push(format!("unlabelled {element}>"));
            }
        }
    }
    out
}

#[test]
fn the_accessibility_check_finds_what_it_should() {
    let good = "<html lang=\"vi\"><main><h1>T</h1><label>A <input name=a></label><input type=hidden name=c><input aria-label=\"B\" name=b><table><th>x</th></table></main>";
    assert!(
        accessibility_problems(good).is_empty(),
        "{:?}",
        accessibility_problems(good)
    );
    let bad = "<html><h1>T</h1><h1>U</h1><input name=a><img src=x></html>";
    assert_eq!(
        accessibility_problems(bad).len(),
        5,
        "{:?}",
        accessibility_problems(bad)
    );
}

mod page_access {
    use super::*;
    use crate::pages::Access;

    /// Who, their session (cookie, CSRF) if signed in, role, and whether the test
    /// record lies in their scope.
    type Account = (&'static str, Option<(String, String)>, Role, bool);

    fn every_page_for_every_role_in_and_out_of_scope(url: &str) {
        let reg = registry(url);
        // An active HTX in 2025 commune 06184 with no 2025 report: formal-only, so
        // it has a follow-up form.
        let (_, created) = rt().block_on(call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Kiểm Tra Quyền", "4900000055")),
        ));
        let id = created["id"].as_i64().expect("id");
        let accounts: Vec<Account> = vec![
            ("nobody", None, Role::Leader, true),
            (
                "admin",
                Some(signed_in(&reg, "quan.tri", Role::Admin, Scope::All)),
                Role::Admin,
                true,
            ),
            (
                "provincial",
                Some(signed_in(&reg, "tinh", Role::ProvincialOfficer, Scope::All)),
                Role::ProvincialOfficer,
                true,
            ),
            (
                "commune here",
                Some(signed_in(
                    &reg,
                    "xa.day",
                    Role::CommuneOfficer,
                    Scope::Communes {
                        codes: vec!["06184".into()],
                    },
                )),
                Role::CommuneOfficer,
                true,
            ),
            (
                "commune elsewhere",
                Some(signed_in(
                    &reg,
                    "xa.khac",
                    Role::CommuneOfficer,
                    Scope::Communes {
                        codes: vec!["06079".into()],
                    },
                )),
                Role::CommuneOfficer,
                false,
            ),
            (
                "its cooperative",
                Some(signed_in(
                    &reg,
                    "htx",
                    Role::Cooperative,
                    Scope::Organisation { id },
                )),
                Role::Cooperative,
                true,
            ),
            (
                "leader",
                Some(signed_in(&reg, "lanh.dao", Role::Leader, Scope::All)),
                Role::Leader,
                true,
            ),
        ];
        let mut checked = 0;
        rt().block_on(async {
            for (path, access, _) in crate::pages::table() {
                if access == Access::PostOnly {
                    continue;
                }
                let uri = path
                    .replace("{id}", &id.to_string())
                    .replace("{year}", "2025")
                    .replace("{job}", "khong-co");
                let per_record = path.contains("{id}");
                for (who, session, role, in_scope) in &accounts {
                    let signed = session.is_some();
                    let writer = signed && *role != Role::Leader;
                    let officer = writer && *role != Role::Cooperative;
                    let provincial =
                        signed && matches!(role, Role::Admin | Role::ProvincialOfficer);
                    let allowed = match access {
                        Access::Public => !signed || !per_record || *in_scope,
                        Access::SignedIn => signed && (!per_record || *in_scope),
                        Access::Registrar => officer,
                        Access::Writer => writer && *in_scope,
                        Access::Officer => officer && *in_scope,
                        Access::Provincial => provincial,
                        Access::Admin => signed && *role == Role::Admin,
                        Access::PostOnly => false,
                    };
                    let (status, html) = page_call(
                        &reg,
                        "GET",
                        &uri,
                        session.as_ref().map(|s| s.0.as_str()),
                        None,
                    )
                    .await;
                    if allowed {
                        // The unknown import job is the one page whose allowed answer is 404.
                        let ok = if path.contains("{job}") {
                            status == StatusCode::NOT_FOUND && html.contains("Không thấy lượt nhập")
                        } else {
                            status.is_success() || status.is_redirection()
                        };
                        assert!(ok, "{uri} as {who}: {status}\n{html}");
                        if status == StatusCode::OK && html.starts_with("<!doctype html>") {
                            let problems = accessibility_problems(&html);
                            assert!(problems.is_empty(), "{uri} as {who}: {problems:?}");
                        }
                    } else {
                        assert!(
                            matches!(
                                status,
                                StatusCode::UNAUTHORIZED
                                    | StatusCode::FORBIDDEN
                                    | StatusCode::NOT_FOUND
                            ),
                            "{uri} as {who}: {status} but should be refused\n{html}"
                        );
                        assert!(
                            !html.contains("Kiểm Tra Quyền") || !per_record,
                            "{uri} as {who}: the record leaked"
                        );
                        // Refusals are pages too: framed for screen readers.
                        if html.starts_with("<!doctype html>") {
                            let problems = accessibility_problems(&html);
                            assert!(
                                problems.is_empty(),
                                "{uri} as {who} ({status}): {problems:?}\n{html}"
                            );
                        }
                    }
                    checked += 1;
                }
            }
            // The sign-in page too.
            let (_, html) = page_call(&reg, "GET", "/dang-nhap", None, None).await;
            assert!(
                accessibility_problems(&html).is_empty(),
                "{:?}",
                accessibility_problems(&html)
            );
        });
        assert!(checked >= 15 * 7, "every page for every account: {checked}");
    }

    hoptac_testkit::both_backends!(every_page_for_every_role_in_and_out_of_scope);
}

mod write_scope;
