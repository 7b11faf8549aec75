//! One error path: every API error is the JSON body (axum's rejections too), a panic is
//! a logged 500, a storage failure while checking who is calling is never "not signed
//! in", an outage is never a 404, a busy pool answers 503 quickly, and a tax-code race
//! names the real other record.

use super::helpers::*;
use hoptac_store::{migrate::migrate, Db};

/// A request with raw parts, for bodies and headers `call_as` would make right.
async fn raw_api(
    app: &TestApp,
    method: &str,
    uri: &str,
    content_type: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {}", app.admin_token()));
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = router(app.reg.clone())
        .oneshot(req.body(Body::from(body.to_owned())).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn axum_rejections_are_the_json_error_body(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        let cases = [
            (
                "POST",
                "/api/v1/organisations",
                Some("application/json"),
                "{not json",
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                "POST",
                "/api/v1/organisations",
                Some("application/json"),
                "{\"fields\": {\"members\": \"nhiều\"}}",
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
            ),
            (
                "POST",
                "/api/v1/organisations",
                None,
                "{}",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ),
            (
                "GET",
                "/api/v1/organisations/abc",
                None,
                "",
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                "GET",
                "/api/v1/organisations?page=x",
                None,
                "",
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                "DELETE",
                "/api/v1/organisations",
                None,
                "",
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            ),
            (
                "GET",
                "/api/v1/nowhere",
                None,
                "",
                StatusCode::NOT_FOUND,
                "not_found",
            ),
        ];
        for (method, uri, ct, body, status, code) in cases {
            let (s, v) = raw_api(&reg, method, uri, ct, body).await;
            assert_eq!(
                (s, v["error"]["code"].as_str()),
                (status, Some(code)),
                "{method} {uri}: {v}"
            );
            assert!(
                v["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{v}"
            );
        }
    });
}

fn a_storage_failure_while_checking_the_caller_is_not_signed_out(url: &str) {
    let reg = TestApp::open(url);
    let cookie = reg.admin().cookie;
    // The tables that hold tokens and sessions go away (a broken database).
    let break_it = "ALTER TABLE api_tokens RENAME TO api_tokens_gone; ALTER TABLE sessions RENAME TO sessions_gone;";
    reg.db.write(|c| c.batch(break_it)).expect("break");
    rt().block_on(async {
        let (s, v) = call(
            &reg,
            "PATCH",
            "/api/v1/organisations/1",
            Some(json!({"version": 1, "fields": {}})),
        )
        .await;
        assert!(
            s.is_server_error(),
            "a token that cannot be checked is not 'not signed in': {s} {v}"
        );
        assert_eq!(v["error"]["code"], "internal", "{v}");
        let (s, page) = page_call(&reg, "GET", "/bang-dieu-khien", Some(&cookie), None).await;
        assert!(s.is_server_error(), "{s}");
        assert!(
            page.contains("<main") && page.contains("Lỗi hệ thống"),
            "a framed page: {page}"
        );
    });
}

fn an_outage_is_not_a_missing_record(url: &str) {
    let reg = TestApp::open(url);
    let cookie = reg.admin().cookie;
    let id = rt().block_on(async {
        let (_, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Mất Điện", "4900000301")),
        )
        .await;
        v["id"].as_i64().expect("id")
    });
    let break_it = "ALTER TABLE organisations RENAME TO organisations_gone;";
    reg.db.write(|c| c.batch(break_it)).expect("break");
    rt().block_on(async {
        let (s, page) = page_call(
            &reg,
            "GET",
            &format!("/to-chuc/{id}/sua"),
            Some(&cookie),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{page}");
        assert!(page.contains("Lỗi hệ thống"), "{page}");
    });
}

fn two_writers_of_one_tax_code_are_told_the_real_other_record(url: &str) {
    let reg = TestApp::open(url);
    let token = reg.admin_token().to_owned();
    let results: Vec<(StatusCode, Value)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|i| {
                let (reg, token) = (reg.reg.clone(), token.clone());
                s.spawn(move || {
                    rt().block_on(call_as(
                        &reg,
                        Some(&token),
                        "POST",
                        "/api/v1/organisations",
                        Some(new_htx(&format!("Hợp tác xã Đua {i}"), "4900000302")),
                    ))
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let won: Vec<i64> = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .filter_map(|(_, v)| v["id"].as_i64())
        .collect();
    assert_eq!(won.len(), 1, "{results:?}");
    for (s, v) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let m = v["error"]["fields"][0]["message"]
            .as_str()
            .expect("message");
        assert!(
            m.contains(&format!("mã hồ sơ {}", won[0])),
            "names the real record: {m}"
        );
    }
}

fn control_characters_and_bad_phones_are_refused_by_field(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        let mut bad = new_htx("Hợp tác xã\u{0}Ẩn", "4900000401");
        bad["fields"]["phone"] = json!("=HYPERLINK(\"http://x\")");
        bad["fields"]["notes"] = json!("Dòng một\nDòng hai");
        let (s, v) = call(&reg, "POST", "/api/v1/organisations", Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let fields: Vec<&str> = v["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        assert_eq!(fields, vec!["name", "phone"], "notes may span lines: {v}");
    });
}

hoptac_testkit::both_backends!(
    control_characters_and_bad_phones_are_refused_by_field,
    axum_rejections_are_the_json_error_body,
    a_storage_failure_while_checking_the_caller_is_not_signed_out,
    an_outage_is_not_a_missing_record,
    two_writers_of_one_tax_code_are_told_the_real_other_record
);

#[test]
fn a_panicked_worker_is_a_500_with_the_json_body() {
    use axum::response::IntoResponse;
    rt().block_on(async {
        let r = crate::api::blocking(
            hoptac_domain::i18n::Lang::En,
            || -> Result<(), hoptac_app::AppError> { panic!("a bug") },
        )
        .await;
        let resp = r.expect_err("a panic is an error").into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let v: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(v["error"]["code"], "internal");
    });
}

#[test]
fn a_busy_pool_answers_503_within_its_wait() {
    let url = hoptac_testkit::sqlite();
    let db =
        Db::open_with_pool(&url, Some(1), std::time::Duration::from_millis(300)).expect("open");
    migrate(&db).expect("migrate");
    let reg = hoptac_app::Registry::open(db, Some("20".into())).expect("registry");
    // The only connection is held while the request comes.
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let holder = {
        let reg = reg.clone();
        std::thread::spawn(move || {
            reg.db
                .read(|_| {
                    held_tx.send(()).expect("held");
                    done_rx.recv().ok();
                    Ok::<_, hoptac_store::StoreError>(())
                })
                .expect("hold");
        })
    };
    held_rx.recv().expect("held");
    let (s, v) = rt().block_on(call_as(&reg, None, "GET", "/api/v1/organisations", None));
    done_tx.send(()).expect("release");
    holder.join().expect("holder");
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")),
        "{v}"
    );
}
