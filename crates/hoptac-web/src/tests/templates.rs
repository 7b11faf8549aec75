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
