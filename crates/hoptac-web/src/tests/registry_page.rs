//! The registry's start page: plain HTML without scripts, light enough for slow links.

use super::helpers::*;

#[test]
fn start_page_renders_without_javascript() {
    let reg = TestApp::sqlite();
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
    let reg = TestApp::sqlite();
    let spec = hoptac_demo::DemoSpec {
        counts: Some((120, 40, 2)),
        ..Default::default()
    };
    hoptac_demo::generate(&reg, &spec).expect("demo");
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
