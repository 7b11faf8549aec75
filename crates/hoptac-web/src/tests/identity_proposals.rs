//! Issue 12 §6: a cooperative account cannot change its own legal identity, but its
//! edit form sends such changes as a proposal, listed on the organisation page for
//! the officers in scope with Accept / Refuse; accepting applies it as the officer's
//! update. An officer of another commune neither sees nor decides it.

use super::helpers::*;

struct World {
    app: TestApp,
    id: i64,
    coop: (String, String),
    officer: (String, String),
    stranger: (String, String),
}

fn world(url: &str) -> World {
    let app = TestApp::open(url);
    let id = rt().block_on(async {
        let (_, v) = call(
            &app,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Đề Nghị", "4900000301")),
        )
        .await;
        v["id"].as_i64().expect("id")
    });
    let coop = app
        .user("htx.de.nghi", Role::Cooperative, Scope::Organisation { id })
        .session();
    let officer = app
        .user(
            "xa.dongdang",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06184".into()],
            },
        )
        .session();
    let stranger = app
        .user(
            "xa.hongphong",
            Role::CommuneOfficer,
            Scope::Communes {
                codes: vec!["06079".into()],
            },
        )
        .session();
    World {
        app,
        id,
        coop,
        officer,
        stranger,
    }
}

async fn fields(app: &TestApp, id: i64) -> Value {
    let (_, v) = call(app, "GET", &format!("/api/v1/organisations/{id}"), None).await;
    v["fields"].clone()
}

/// The cooperative renames itself and updates its phone on its edit form.
async fn propose(w: &World) {
    let edit = format!("/to-chuc/{}/sua", w.id);
    let (s, page) = page_call(&w.app, "GET", &edit, Some(&w.coop.0), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("đề nghị"),
        "the form says it proposes: {page}"
    );
    let mut form = form_inputs(&page, &edit);
    set_field(&mut form, "name", "Hợp tác xã Tên Mới");
    set_field(&mut form, "phone", "0205333444");
    let (s, page) = page_call(
        &w.app,
        "POST",
        &edit,
        Some(&w.coop.0),
        Some(form_body(&form)),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
    let now = fields(&w.app, w.id).await;
    assert_eq!(
        now["phone"], "0205333444",
        "its own contact is its to change"
    );
    assert_eq!(
        now["name"], "Hợp tác xã Đề Nghị",
        "the name waits for an officer"
    );
}

fn a_cooperatives_identity_change_is_a_proposal_an_officer_accepts(url: &str) {
    let w = world(url);
    rt().block_on(async {
        propose(&w).await;
        let org = format!("/to-chuc/{}", w.id);
        let accept = format!("/to-chuc/{}/de-nghi/chap-nhan", w.id);
        // The cooperative sees its proposal pending, without the buttons.
        let (_, page) = page_call(&w.app, "GET", &org, Some(&w.coop.0), None).await;
        assert!(
            page.contains("Hợp tác xã Tên Mới") && page.contains("Chờ duyệt"),
            "{page}"
        );
        assert!(!page.contains(&accept), "{page}");
        // An officer of another commune sees neither the page nor the proposal.
        let (s, _) = page_call(&w.app, "GET", &org, Some(&w.stranger.0), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The officer in scope has Accept and Refuse.
        let (s, page) = page_call(&w.app, "GET", &org, Some(&w.officer.0), None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            page.contains("htx.de.nghi") && page.contains("Hợp tác xã Tên Mới"),
            "{page}"
        );
        let form = form_inputs(&page, &accept);
        // The stranger, with their own token, posting the officer's form: 404.
        let mut theirs = form.clone();
        set_field(&mut theirs, "csrf", &w.stranger.1);
        let (s, _) = page_call(
            &w.app,
            "POST",
            &accept,
            Some(&w.stranger.0),
            Some(form_body(&theirs)),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The cooperative cannot decide its own.
        let mut own = form.clone();
        set_field(&mut own, "csrf", &w.coop.1);
        let (s, _) = page_call(
            &w.app,
            "POST",
            &accept,
            Some(&w.coop.0),
            Some(form_body(&own)),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(fields(&w.app, w.id).await["name"], "Hợp tác xã Đề Nghị");
        // The officer accepts: the name changes, by the officer.
        let (s, page) = page_call(
            &w.app,
            "POST",
            &accept,
            Some(&w.officer.0),
            Some(form_body(&form)),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(fields(&w.app, w.id).await["name"], "Hợp tác xã Tên Mới");
        let (_, page) = page_call(&w.app, "GET", &org, Some(&w.officer.0), None).await;
        assert!(
            page.contains("Đã chấp nhận") && !page.contains(&accept),
            "{page}"
        );
    });
}

fn a_refusal_needs_a_reason_and_is_shown_to_the_cooperative(url: &str) {
    let w = world(url);
    rt().block_on(async {
        propose(&w).await;
        let org = format!("/to-chuc/{}", w.id);
        let refuse = format!("/to-chuc/{}/de-nghi/tu-choi", w.id);
        let (_, page) = page_call(&w.app, "GET", &org, Some(&w.officer.0), None).await;
        let mut form = form_inputs(&page, &refuse);
        let (s, _) = page_call(
            &w.app,
            "POST",
            &refuse,
            Some(&w.officer.0),
            Some(form_body(&form)),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
        set_field(&mut form, "reason", "Chưa có giấy chứng nhận mới");
        let (s, _) = page_call(
            &w.app,
            "POST",
            &refuse,
            Some(&w.officer.0),
            Some(form_body(&form)),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(fields(&w.app, w.id).await["name"], "Hợp tác xã Đề Nghị");
        let (_, page) = page_call(&w.app, "GET", &org, Some(&w.coop.0), None).await;
        assert!(
            page.contains("Đã từ chối") && page.contains("Chưa có giấy chứng nhận mới"),
            "{page}"
        );
    });
}

fn a_stale_proposal_shows_what_changed_and_is_accepted_field_by_field(url: &str) {
    let w = world(url);
    rt().block_on(async {
        // The cooperative proposes a new name and registration number.
        let edit = format!("/to-chuc/{}/sua", w.id);
        let (_, page) = page_call(&w.app, "GET", &edit, Some(&w.coop.0), None).await;
        let mut form = form_inputs(&page, &edit);
        set_field(&mut form, "name", "Hợp tác xã Tên Mới");
        set_field(&mut form, "registration_number", "14-G-000777");
        let (s, _) = page_call(
            &w.app,
            "POST",
            &edit,
            Some(&w.coop.0),
            Some(form_body(&form)),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // Meanwhile the officer corrects the name.
        let (_, page) = page_call(&w.app, "GET", &edit, Some(&w.officer.0), None).await;
        let mut fix = form_inputs(&page, &edit);
        set_field(&mut fix, "name", "Hợp tác xã Đề Nghị Sửa");
        let (s, _) = page_call(
            &w.app,
            "POST",
            &edit,
            Some(&w.officer.0),
            Some(form_body(&fix)),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // The page shows the name changed since it was proposed; the officer accepts
        // only the registration number.
        let org = format!("/to-chuc/{}", w.id);
        let accept = format!("/to-chuc/{}/de-nghi/chap-nhan", w.id);
        let (_, page) = page_call(&w.app, "GET", &org, Some(&w.officer.0), None).await;
        assert!(page.contains("đã đổi từ khi đề nghị"), "{page}");
        let mut form = form_inputs(&page, &accept);
        form.retain(|(k, _)| k != "f_name");
        let (s, page) = page_call(
            &w.app,
            "POST",
            &accept,
            Some(&w.officer.0),
            Some(form_body(&form)),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
        let now = fields(&w.app, w.id).await;
        assert_eq!(now["name"], "Hợp tác xã Đề Nghị Sửa", "{now}");
        assert_eq!(now["registration_number"], "14-G-000777", "{now}");
    });
}

hoptac_testkit::both_backends!(
    a_cooperatives_identity_change_is_a_proposal_an_officer_accepts,
    a_refusal_needs_a_reason_and_is_shown_to_the_cooperative,
    a_stale_proposal_shows_what_changed_and_is_accepted_field_by_field
);
