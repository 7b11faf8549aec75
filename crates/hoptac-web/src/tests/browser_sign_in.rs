use super::helpers::*;

async fn raw(reg: &Registry, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
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
    let reg = TestApp::open(url);
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
        assert_eq!(h["cache-control"], "no-store", "pages are not cached");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS over plain HTTP"
        );
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
            .split("name=\"csrf\" value=\"")
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

/// Throttling counts the connection's address: a guesser at one address waits, the
/// real user at another signs in; a forged `X-Forwarded-For` changes nothing unless a
/// proxy is trusted.
fn sign_in_is_throttled_per_client_address(url: &str) {
    use axum::extract::ConnectInfo;
    let reg = TestApp::open(url);
    rt().block_on(async {
        let (_, h, _) = raw(
            &reg,
            Request::builder()
                .uri("/dang-nhap")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        let login = set_cookie(&h, "hoptac_login").expect("login csrf cookie");
        let csrf = login
            .split_once('=')
            .map(|x| x.1.to_owned())
            .unwrap_or_default();
        let attempt = |pass: &str, from: &str, forwarded: &str| {
            let mut req = Request::builder()
                .method("POST")
                .uri("/dang-nhap")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", login.clone())
                .header("x-forwarded-for", forwarded)
                .body(Body::from(format!(
                    "username=quan.tri&password={pass}&csrf={csrf}"
                )))
                .expect("req");
            let addr: std::net::SocketAddr = format!("{from}:40000").parse().expect("addr");
            req.extensions_mut().insert(ConnectInfo(addr));
            req
        };
        for i in 0..5 {
            // Each guess claims another address; the claim is not believed.
            let (s, _, _) = raw(
                &reg,
                attempt(&format!("doan-{i}"), "203.0.113.9", &format!("10.0.0.{i}")),
            )
            .await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
        }
        let (s, _, html) = raw(
            &reg,
            attempt("mat-khau-quan-tri", "203.0.113.9", "10.0.0.99"),
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(html.contains("hãy thử lại sau 15 giây"), "{html}");
        let (s, h, _) = raw(
            &reg,
            attempt("mat-khau-quan-tri", "198.51.100.7", "203.0.113.9"),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::SEE_OTHER,
            "the real user elsewhere is not held back"
        );
        assert!(set_cookie(&h, "hoptac_session").is_some());
    });
}

hoptac_testkit::both_backends!(
    sign_in_with_a_form_then_write_only_with_the_csrf_token,
    sign_in_is_throttled_per_client_address
);

/// Behind HTTPS: HSTS and Secure cookies; exports are not cached; the stylesheet is.
#[test]
fn behind_https_cookies_are_secure_and_nothing_personal_is_cached() {
    let app = TestApp::sqlite();
    rt().block_on(async {
        let send = |uri: &'static str| {
            let router = crate::router_with(app.reg.clone(), true);
            let token = app.admin_token().to_owned();
            async move {
                router
                    .oneshot(
                        Request::builder()
                            .uri(uri)
                            .header("authorization", format!("Bearer {token}"))
                            .body(Body::empty())
                            .expect("req"),
                    )
                    .await
                    .expect("response")
            }
        };
        let page = send("/dang-nhap").await;
        let h = page.headers();
        assert_eq!(h["strict-transport-security"], "max-age=31536000");
        let login = h
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("hoptac_login="))
            .expect("login cookie");
        assert!(login.contains("; Secure"), "{login}");
        let export = send("/api/v1/export?format=csv").await;
        assert_eq!(export.status(), StatusCode::OK);
        assert_eq!(export.headers()["cache-control"], "no-store");
        let css = send("/static/app.css").await;
        assert!(css.headers()["cache-control"]
            .to_str()
            .unwrap_or("")
            .contains("max-age"));
    });
}
