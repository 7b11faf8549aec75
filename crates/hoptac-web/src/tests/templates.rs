//! Pages come from templates that escape by default: what a person typed is never read
//! as markup, even where it is sent back to them.

use super::*;

hoptac_testkit::both_backends! {
    fn the_sign_in_page_escapes_the_csrf_field_it_sends_back(url) {
        let reg = registry(&url);
        rt().block_on(async {
            let form = "csrf=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&username=%3Cb%3Ex&password=y";
            let (s, page) = page_call(&reg, "POST", "/dang-nhap", None, Some(form.to_owned())).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
            assert!(!page.contains("<script>"), "{page}");
            assert!(!page.contains("<b>x"), "{page}");
            assert!(page.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
        });
    }
}

hoptac_testkit::both_backends! {
    fn a_score_sheet_escapes_the_reason_typed_on_it(url) {
        let reg = registry(&url);
        let (_, created) = rt().block_on(call(&reg, "POST", "/api/v1/organisations", Some(new_htx("Hợp tác xã Lý Do", "4900000077"))));
        let id = created["id"].as_i64().expect("id");
        let (admin, csrf) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        let code = reg.sheet(id, 2025).expect("sheet").rule_set.criteria[0].subs[0].code.clone();
        let uri = format!("/danh-gia/{id}/2025");
        let reason = "%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E";
        rt().block_on(async {
            // Sent back with an invalid score: what was typed is kept, escaped.
            let bad = format!("csrf={csrf}&version=0&s.{code}=%3Cb%3Ex&r.{code}={reason}");
            let (s, page) = page_call(&reg, "POST", &uri, Some(&admin), Some(bad)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
            assert!(!page.contains("<script>") && !page.contains("<b>x"), "{page}");
            assert!(page.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;\""), "{page}");
            assert!(page.contains("&quot;&lt;b&gt;x&quot; không phải số điểm"), "{page}");
            // Saved, then read back.
            let good = format!("csrf={csrf}&version=0&s.{code}=1&r.{code}={reason}");
            let (s, page) = page_call(&reg, "POST", &uri, Some(&admin), Some(good)).await;
            assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
            let (s, page) = page_call(&reg, "GET", &uri, Some(&admin), None).await;
            assert_eq!(s, StatusCode::OK, "{page}");
            assert!(!page.contains("<script>"), "{page}");
            assert!(page.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;\""), "{page}");
        });
    }
}

#[test]
fn a_follow_up_plan_escapes_its_description() {
    let lite = hoptac_testkit::sqlite();
    let reg = registry(&lite);
    let spec = hoptac_app::demo::DemoSpec {
        counts: Some((160, 20, 2)),
        ..Default::default()
    };
    hoptac_app::demo::generate(&reg, &spec).expect("demo");
    let id = reg
        .needing_follow_up(2025)
        .expect("list")
        .into_iter()
        .find(|n| n.follow_up.is_none())
        .expect("an HTX without a plan")
        .org
        .id;
    let (cookie, csrf) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
    let uri = format!("/theo-doi/{id}/2025");
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;";
    rt().block_on(async {
        let form = |deadline: &str| {
            format!("csrf={csrf}&version=0&plan=support&description=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E&owner=%3Cb%3Ex&deadline={deadline}&outcome=")
        };
        // Sent back with a wrong date: what was typed is kept, escaped.
        let (s, page) = page_call(&reg, "POST", &uri, Some(&cookie), Some(form("%3Ci%3E"))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(!page.contains("<script>") && !page.contains("<b>x") && !page.contains("<i>"), "{page}");
        assert!(page.contains(&format!("name=\"description\" value=\"{escaped}\"")), "{page}");
        assert!(page.contains("&quot;&lt;i&gt;&quot; không phải ngày"), "{page}");
        // Saved, then listed.
        let (s, page) = page_call(&reg, "POST", &uri, Some(&cookie), Some(form("30%2F06%2F2026"))).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
        let (s, page) = page_call(&reg, "GET", "/theo-doi?year=2025", Some(&cookie), None).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(!page.contains("<script>") && !page.contains("<b>x"), "{page}");
        assert!(page.contains(&format!("<small>{escaped}</small>")) && page.contains("<td>&lt;b&gt;x</td>"), "{page}");
        let (_, page) = page_call(&reg, "GET", &uri, Some(&cookie), None).await;
        assert!(!page.contains("<script>") && page.contains(escaped), "{page}");
    });
}
