//! The API keeps its published contract at the edges: out-of-range years and ids are
//! 400 or 404 with the JSON error body (never 500), a caller without a token hears 401
//! before anything about its body, the OpenAPI document defines everything it refers
//! to, and a bad filter on the registry page is the page with a message.

use super::helpers::*;

/// A status and the error code of its JSON body.
async fn error_of(reg: &Registry, token: Option<&str>, uri: &str) -> (StatusCode, String) {
    let (s, body) = call_as(reg, token, "GET", uri, None).await;
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or("(no JSON error body)");
    (s, code.to_owned())
}

fn out_of_range_years_and_ids_are_400_or_404(url: &str) {
    let app = TestApp::open(url);
    rt().block_on(async {
        let (_, org) = call(
            &app,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Biên Năm", "4900000071")),
        )
        .await;
        let id = org["id"].as_i64().expect("id");
        let token = Some(app.admin_token());
        let bad_request = [
            "/api/v1/evaluations?year=99999".to_owned(),
            "/api/v1/evaluations?year=-1".to_owned(),
            "/api/v1/evaluations?year=99999999999".to_owned(),
            "/api/v1/follow-ups?year=3000".to_owned(),
            "/api/v1/targets?year=-2025".to_owned(),
            "/api/v1/reports/missing?year=9999&filing=final_report".to_owned(),
            format!("/api/v1/organisations/{id}/reports/99999"),
            format!("/api/v1/organisations/{id}/reports/-1/history"),
            format!("/api/v1/organisations/{id}/evaluations/0"),
            "/api/v1/organisations/99999999999999999999".to_owned(),
            "/api/v1/organisations?kind=HTX,,".to_owned(),
            "/api/v1/organisations?status=,".to_owned(),
            "/api/v1/export?kind=htx".to_owned(),
        ];
        for uri in &bad_request {
            let (s, code) = error_of(&app, token, uri).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {code}");
            assert_eq!(code, "bad_request", "{uri}");
        }
        let not_found = [
            "/api/v1/organisations/0".to_owned(),
            "/api/v1/organisations/-1".to_owned(),
            "/api/v1/organisations/0/history".to_owned(),
            "/api/v1/organisations/-1/reports/2024".to_owned(),
            // Before it was founded the record does not exist yet.
            format!("/api/v1/organisations/{id}?as_of=2001-01-01"),
            "/api/v1/places/communes?code=99999".to_owned(),
        ];
        for uri in &not_found {
            let (s, code) = error_of(&app, token, uri).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{uri}: {code}");
        }
        // The edges themselves still answer.
        for uri in [
            "/api/v1/evaluations?year=1900".to_owned(),
            "/api/v1/follow-ups?year=2999".to_owned(),
            "/api/v1/organisations?kind=&founded_from=&sort=".to_owned(),
            "/api/v1/organisations?kind=HTX,THT&status=active&sector=nong_nghiep,X%C3%A2y%20d%E1%BB%B1ng"
                .to_owned(),
        ] {
            let (s, _) = call(&app, "GET", &uri, None).await;
            assert_eq!(s, StatusCode::OK, "{uri}");
        }
    });
}

fn no_token_is_401_before_the_body_is_read(url: &str) {
    let app = TestApp::open(url);
    rt().block_on(async {
        for (method, uri, body) in [
            ("PATCH", "/api/v1/organisations/1", json!({"fields": 3})),
            ("POST", "/api/v1/organisations/1/status", json!([])),
            ("PUT", "/api/v1/organisations/1/reports/99999", json!({})),
        ] {
            let (s, e) = call_as(&app, None, method, uri, Some(body)).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {uri}");
            assert_eq!(e["error"]["code"], "unauthorized", "{method} {uri}");
        }
        // With a token the body is judged: not JSON of the right shape is 422.
        let (s, _) = call(
            &app,
            "PATCH",
            "/api/v1/organisations/1",
            Some(json!({"fields": 3})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    });
}

/// serde would read a struct from an array by position; the document says objects.
fn bodies_and_records_in_them_are_objects_only(url: &str) {
    let app = TestApp::open(url);
    rt().block_on(async {
        let (_, org) = call(
            &app,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Đối Tượng", "4900000074")),
        )
        .await;
        let id = org["id"].as_i64().expect("id");
        let report = format!("/api/v1/organisations/{id}/reports/2024");
        for (method, uri, body) in [
            (
                "PUT",
                report.as_str(),
                json!({"stage": "estimate", "figures": [null, null]}),
            ),
            ("PUT", report.as_str(), json!(["estimate", {}])),
            (
                "POST",
                "/api/v1/organisations",
                json!({"kind": "HTX", "fields": []}),
            ),
            ("POST", "/api/v1/organisations", json!([])),
            (
                "PATCH",
                &format!("/api/v1/organisations/{id}"),
                json!({"version": 1, "fields": [null]}),
            ),
        ] {
            let (s, e) = call(&app, method, uri, Some(body.clone())).await;
            assert_eq!(
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{method} {uri} {body}: {e}"
            );
            assert_eq!(e["error"]["code"], "invalid", "{body}");
        }
        let (s, _) = call(
            &app,
            "PUT",
            &report,
            Some(json!({"stage": "estimate", "figures": {"revenue": 5}})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    });
}

fn a_score_finer_than_tenths_is_invalid_with_the_criterion_named(url: &str) {
    let app = TestApp::open(url);
    rt().block_on(async {
        let (_, org) = call(
            &app,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Phần Mười", "4900000072")),
        )
        .await;
        let id = org["id"].as_i64().expect("id");
        let (s, e) = call(
            &app,
            "PUT",
            &format!("/api/v1/organisations/{id}/evaluations/2024"),
            Some(json!({"scores": {"1a": 6.55}})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "invalid");
        assert_eq!(e["error"]["fields"][0]["field"], "scores.1a");
    });
}

fn a_bad_registry_filter_is_the_page_with_a_message(url: &str) {
    let app = TestApp::open(url);
    rt().block_on(async {
        call(
            &app,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Bộ Lọc", "4900000073")),
        )
        .await;
        for uri in [
            "/?page=abc",
            "/?per_page=-1",
            "/?status=khong-co",
            "/?sort=mau",
            "/?founded_from=32/13/2024",
        ] {
            let (s, html) = page_call(&app, "GET", uri, None, None).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
            assert!(html.contains("<form"), "{uri}: the registry page");
            assert!(html.contains("role=\"alert\""), "{uri}: a message");
            assert!(html.contains("Hợp tác xã Bộ Lọc"), "{uri}: the whole list");
            assert!(!html.trim_start().starts_with('{'), "{uri}: not JSON");
        }
        let (s, html) = page_call(&app, "GET", "/?sort=mau&lang=en", None, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(html.contains("showing the whole registry"), "{html}");
    });
}

hoptac_testkit::both_backends!(
    out_of_range_years_and_ids_are_400_or_404,
    no_token_is_401_before_the_body_is_read,
    bodies_and_records_in_them_are_objects_only,
    a_score_finer_than_tenths_is_invalid_with_the_criterion_named,
    a_bad_registry_filter_is_the_page_with_a_message
);

/// Every reference resolves, no two types share a name, errors use the shared body,
/// and exports declare their real content types.
#[test]
fn the_openapi_document_can_be_trusted_by_a_generated_client() {
    let doc = serde_json::to_value(crate::api::openapi()).expect("doc");
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for part in text.split("\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().expect("name");
        assert!(
            schemas.contains_key(name),
            "{name} is referred to, not defined"
        );
    }
    for name in ["Filing", "BreakdownGroup", "CriterionGroup", "ErrorBody"] {
        assert!(schemas.contains_key(name), "{name}");
    }
    assert!(!schemas.contains_key("Group"), "an ambiguous name");
    let paths = doc["paths"].as_object().expect("paths");
    for (path, ops) in paths {
        for (method, op) in ops.as_object().expect("ops") {
            let at = format!("{method} {path}");
            let security = op["security"].as_array().expect("security");
            let public = crate::api::contract::is_public(method, path);
            assert_eq!(security.iter().any(|s| s == &json!({})), public, "{at}");
            assert_eq!(op["responses"].get("401").is_some(), !public, "{at}");
            for (status, r) in op["responses"].as_object().expect("responses") {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{at} {status}"
                    );
                }
            }
            if op.get("requestBody").is_some() {
                for status in ["413", "422"] {
                    assert!(op["responses"].get(status).is_some(), "{at} {status}");
                }
            }
        }
    }
    let export = &paths["/api/v1/export"]["get"]["responses"]["200"]["content"];
    assert!(export
        .get("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .is_some());
    assert!(export.get("text/csv").is_some());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
