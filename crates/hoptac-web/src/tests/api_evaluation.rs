//! Annual reports, score sheets and targets through the JSON API, on both databases.

use super::helpers::*;

fn reports_evaluations_and_targets_over_http(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        let (_, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Chè Bắc Sơn", "4900000009")),
        )
        .await;
        let id = v["id"].as_i64().expect("id");
        let report = json!({
            "stage": "final",
            "figures": {"revenue": 1200000000, "supplied_to_members": 300000000}
        });
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/reports/2024"),
            Some(report.clone()),
        )
        .await;
        assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/reports/2024"),
            Some(report),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("conflict")),
            "a second filing must name the version"
        );
        let bad = json!({"stage": "final", "figures": {"revenue": -1}});
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/reports/2019"),
            Some(bad),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = v["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        assert_eq!(fields, vec!["revenue"]);
        let mut scores = serde_json::Map::new();
        scores.insert("1a".into(), json!(6.5));
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/evaluations/2024"),
            Some(json!({"scores": scores})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::BAD_REQUEST,
            "6.5 is above 1a's maximum of 6: {v}"
        );
        assert!(v["error"]["message"].as_str().unwrap_or("").contains("1a"));
        let (s, v) = call(
            &reg,
            "PUT",
            &format!("/api/v1/organisations/{id}/evaluations/2024"),
            Some(json!({"scores": {"1a": 5.5}})),
        )
        .await;
        assert_eq!(
            (s, v["evaluation"]["scores"]["1a"].as_i64()),
            (StatusCode::OK, Some(55)),
            "{v}"
        );
        let (s, v) = call(
            &reg,
            "POST",
            &format!("/api/v1/organisations/{id}/evaluations/2024/actions"),
            Some(json!({"action": "approve", "version": 1})),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("wrong_state"))
        );
        let (s, v) = call(&reg, "GET", "/api/v1/targets?year=2025&by=district", None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["targets"].as_array().map(Vec::len), Some(6));
        assert_eq!(v["targets"][0]["target"]["indicator"], "new_htx");
        let (s, v) = call(&reg, "GET", "/api/v1/rule-sets", None).await;
        assert_eq!((s, v.as_array().map(Vec::len)), (StatusCode::OK, Some(2)));
        let (s, _) = call(
            &reg,
            "GET",
            "/api/v1/reports/missing?year=2024&filing=final_report",
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    });
}

hoptac_testkit::both_backends!(reports_evaluations_and_targets_over_http);
