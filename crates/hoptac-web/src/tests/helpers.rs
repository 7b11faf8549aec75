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

/// The inputs of the first form on a page posting to `action`, as a browser would send
/// them unchanged: inputs with their values, text areas, and each select's chosen
/// option. Enough of HTML for the pages maud writes.
pub(super) fn form_inputs(page: &str, action: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form to {action}: {page}"));
    let form = &page[start..start + page[start..].find("</form>").expect("form end")];
    let attr = |tag: &str, name: &str| {
        let key = format!(" {name}=\"");
        tag.find(&key).map(|i| {
            let rest = &tag[i + key.len()..];
            unescape(&rest[..rest.find('"').expect("quote")])
        })
    };
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let tag = &rest[..rest.find('>').expect("tag end")];
        if tag.starts_with("input ") {
            let checkbox = attr(tag, "type").as_deref() == Some("checkbox");
            if let Some(n) = attr(tag, "name") {
                if !checkbox || tag.contains(" checked") {
                    out.push((n, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("textarea ") {
            let body = &rest[tag.len() + 1..];
            let text = &body[..body.find("</textarea>").expect("textarea end")];
            out.push((attr(tag, "name").expect("name"), unescape(text)));
        } else if tag.starts_with("select ") {
            let name = attr(tag, "name").expect("name");
            let body = &rest[..rest.find("</select>").expect("select end")];
            let chosen = body
                .split("<option ")
                .find(|o| o.contains(" selected") || o.starts_with("selected"))
                .and_then(|o| attr(&format!(" {o}"), "value"))
                .unwrap_or_default();
            out.push((name, chosen));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A form body (`application/x-www-form-urlencoded`) of these pairs.
pub(super) fn form_body(pairs: &[(String, String)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Replaces (or adds) one field of a form's pairs.
pub(super) fn set_field(pairs: &mut Vec<(String, String)>, name: &str, value: &str) {
    match pairs.iter_mut().find(|(k, _)| k == name) {
        Some(p) => p.1 = value.to_owned(),
        None => pairs.push((name.to_owned(), value.to_owned())),
    }
}
