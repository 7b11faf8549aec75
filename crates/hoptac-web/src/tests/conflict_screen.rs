//! Issue 12 §6, the lost update: B changes only the email, meets A's newer version on
//! the conflict screen and presses Save as told; A's change to members must stand. On
//! the conflict screen only the fields B changed are applied over the current version.

use super::helpers::*;

async fn fields(reg: &TestApp, id: i64) -> Value {
    let (_, v) = call(reg, "GET", &format!("/api/v1/organisations/{id}"), None).await;
    v["fields"].clone()
}

fn saving_from_the_conflict_screen_keeps_the_other_editors_change(url: &str) {
    let app = TestApp::open(url);
    let (a, _) = app.admin().session();
    let (b, _) = app
        .user("so.tai.chinh", Role::ProvincialOfficer, Scope::All)
        .session();
    rt().block_on(async {
        let (_, v) = call(
            &app,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Hai Người Sửa", "4900000044")),
        )
        .await;
        let id = v["id"].as_i64().expect("id");
        let edit = format!("/to-chuc/{id}/sua");
        // Both open the form at version 1.
        let (_, page_a) = page_call(&app, "GET", &edit, Some(&a), None).await;
        let (_, page_b) = page_call(&app, "GET", &edit, Some(&b), None).await;
        let mut form_a = form_inputs(&page_a, &edit);
        let mut form_b = form_inputs(&page_b, &edit);
        // A changes the members and saves first.
        set_field(&mut form_a, "members", "20");
        let (s, _) = page_call(&app, "POST", &edit, Some(&a), Some(form_body(&form_a))).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // B changes only the email and meets A's version.
        set_field(&mut form_b, "email", "htx@example.vn");
        let (s, conflict) =
            page_call(&app, "POST", &edit, Some(&b), Some(form_body(&form_b))).await;
        assert_eq!(s, StatusCode::CONFLICT, "{conflict}");
        assert_eq!(fields(&app, id).await["members"], 20, "nothing of B's yet");
        // B presses Save on the conflict screen, as told, changing nothing.
        let again = form_inputs(&conflict, &edit);
        let (s, page) = page_call(&app, "POST", &edit, Some(&b), Some(form_body(&again))).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
        let now = fields(&app, id).await;
        assert_eq!(now["members"], 20, "A's change to members stands: {now}");
        assert_eq!(
            now["email"], "htx@example.vn",
            "B's change is applied: {now}"
        );
    });
}

fn a_field_the_editor_did_not_touch_never_reverts_anothers_change(url: &str) {
    let app = TestApp::open(url);
    let (a, _) = app.admin().session();
    let (b, _) = app
        .user("so.tai.chinh", Role::ProvincialOfficer, Scope::All)
        .session();
    rt().block_on(async {
        let (_, v) = call(
            &app,
            "POST",
            "/api/v1/organisations",
            Some(new_htx("Hợp tác xã Ba Lần Sửa", "4900000045")),
        )
        .await;
        let id = v["id"].as_i64().expect("id");
        let edit = format!("/to-chuc/{id}/sua");
        let (_, page_b) = page_call(&app, "GET", &edit, Some(&b), None).await;
        let mut form_b = form_inputs(&page_b, &edit);
        // A saves twice meanwhile: members, then the phone.
        for change in ["members", "phone"] {
            let (_, page_a) = page_call(&app, "GET", &edit, Some(&a), None).await;
            let mut form_a = form_inputs(&page_a, &edit);
            set_field(
                &mut form_a,
                change,
                if change == "members" {
                    "20"
                } else {
                    "0205111111"
                },
            );
            let (s, _) = page_call(&app, "POST", &edit, Some(&a), Some(form_body(&form_a))).await;
            assert_eq!(s, StatusCode::SEE_OTHER);
        }
        // B changed the phone too, and the notes: the screen shows both phones.
        set_field(&mut form_b, "phone", "0205222222");
        set_field(&mut form_b, "notes", "Ghi chú của B");
        let (s, conflict) =
            page_call(&app, "POST", &edit, Some(&b), Some(form_body(&form_b))).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(
            conflict.contains("0205111111") && conflict.contains("0205222222"),
            "{conflict}"
        );
        // Saving from the screen applies B's phone and notes, and keeps A's members.
        let again = form_inputs(&conflict, &edit);
        let (s, _) = page_call(&app, "POST", &edit, Some(&b), Some(form_body(&again))).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let now = fields(&app, id).await;
        assert_eq!(now["members"], 20, "{now}");
        assert_eq!(now["phone"], "0205222222", "{now}");
        assert_eq!(now["notes"], "Ghi chú của B", "{now}");
    });
}

hoptac_testkit::both_backends!(
    saving_from_the_conflict_screen_keeps_the_other_editors_change,
    a_field_the_editor_did_not_touch_never_reverts_anothers_change
);
