use super::helpers::*;

fn multipart(cookie: &str, csrf: &str, file_name: &str, content: &[u8]) -> Request<Body> {
    let b = "XB0UNDARYX";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nHTX\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
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
    let reg = TestApp::sqlite();
    let (cookie, csrf) = reg.admin().session();
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
            html =
                String::from_utf8_lossy(&resp.into_body().collect().await.expect("b").to_bytes())
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
