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
    fn the_users_page_escapes_a_display_name(url) {
        let reg = registry(&url);
        let (admin, _) = signed_in(&reg, "quan.tri", Role::Admin, Scope::All);
        reg.add_user(
            "ten.la",
            "<script>alert(1)</script>",
            Role::Leader,
            Scope::All,
            "mat-khau-ten-la",
            &hoptac_app::Actor::new("cli", None),
        )
        .expect("user");
        rt().block_on(async {
            let (s, page) = page_call(&reg, "GET", "/quan-tri/nguoi-dung", Some(&admin), None).await;
            assert_eq!(s, StatusCode::OK, "{page}");
            assert!(!page.contains("<script>"), "{page}");
            assert!(page.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"), "{page}");
        });
    }
}

hoptac_testkit::both_backends! {
    fn the_registry_page_escapes_the_search_it_sends_back(url) {
        let reg = registry(&url);
        rt().block_on(async {
            let (s, page) = page_call(&reg, "GET", "/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E", None, None).await;
            assert_eq!(s, StatusCode::OK, "{page}");
            assert!(!page.contains("<script>"), "{page}");
            assert!(page.contains("name=\"q\" value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), "{page}");
            // In the paging and export links only percent-encoded.
            assert!(page.contains("/api/v1/export?format=csv&amp;q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E\""), "{page}");
        });
    }
}
