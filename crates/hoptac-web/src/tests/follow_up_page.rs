use super::helpers::*;

async fn page(reg: &Registry, uri: &str, cookie: Option<&str>) -> (StatusCode, String) {
    page_call(reg, "GET", uri, cookie, None).await
}

#[test]
fn weak_and_formal_only_htx_are_listed_within_the_readers_scope() {
    let reg = TestApp::sqlite();
    let spec = hoptac_demo::DemoSpec {
        counts: Some((160, 20, 2)),
        ..Default::default()
    };
    hoptac_demo::generate(&reg, &spec).expect("demo");
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
