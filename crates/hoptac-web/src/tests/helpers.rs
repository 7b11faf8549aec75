//! What the web tests share: requests through the router as someone or nobody, pages
//! with a session cookie, and the records they create.

pub(super) use crate::router;
pub(super) use axum::body::Body;
pub(super) use axum::http::{Request, StatusCode};
pub(super) use hoptac_app::testing::TestApp;
pub(super) use hoptac_app::Registry;
pub(super) use hoptac_domain::auth::{Role, Scope};
pub(super) use http_body_util::BodyExt;
pub(super) use serde_json::{json, Value};
pub(super) use tower::ServiceExt;

/// A request as someone else (or nobody, with `None`).
pub(super) async fn call_as(
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
pub(super) async fn call(
    app: &TestApp,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    call_as(app, Some(app.admin_token()), method, uri, body).await
}

pub(super) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A browser page request with an optional session cookie and form body: the status
/// and the HTML.
pub(super) async fn page_call(
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

pub(super) fn new_htx(name: &str, tax: &str) -> Value {
    json!({"kind": "HTX", "fields": {
        "name": name, "tax_code": tax, "founding_date": "2019-05-01", "members": 9,
        "place": {"scheme": "legacy", "code": "06205"}, "sector": "nong_nghiep"}})
}
