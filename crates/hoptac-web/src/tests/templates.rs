//! Pages come from templates that escape by default: what a person typed is never read
//! as markup, even where it is sent back to them.

use super::helpers::*;

fn the_sign_in_page_escapes_the_csrf_field_it_sends_back(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        let form = "csrf=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&username=%3Cb%3Ex&password=y";
        let (s, page) = page_call(&reg, "POST", "/dang-nhap", None, Some(form.to_owned())).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("<b>x"), "{page}");
        assert!(
            page.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
    });
}

fn an_organisation_named_with_markup_is_shown_escaped(url: &str) {
    let reg = TestApp::open(url);
    let admin = reg.admin().cookie;
    rt().block_on(async {
        let name = "HTX <script>alert(\"x\")</script> & 'Co'";
        let (s, v) = call(
            &reg,
            "POST",
            "/api/v1/organisations",
            Some(new_htx(name, "4900000099")),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().expect("id");
        let escaped = "HTX &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'Co'";
        for who in [None, Some(&admin)] {
            let (s, page) = page_call(
                &reg,
                "GET",
                &format!("/to-chuc/{id}"),
                who.map(String::as_str),
                None,
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{page}");
            assert!(!page.contains("<script>"), "{page}");
            assert!(
                page.contains(&format!("<title>{escaped} — hoptac</title>")),
                "the title: {page}"
            );
            assert!(
                page.contains(&format!("<h1>{escaped}</h1>")),
                "the heading: {page}"
            );
            assert!(
                page.contains(&format!("<td>{escaped}</td>")),
                "the details: {page}"
            );
            if who.is_some() {
                assert!(
                    page.contains(&format!("<ins>{escaped}</ins>")),
                    "the history: {page}"
                );
            }
        }
        let (s, form) = page_call(
            &reg,
            "GET",
            &format!("/to-chuc/{id}/sua"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{form}");
        assert!(!form.contains("<script>"), "{form}");
        assert!(
            form.contains(&format!("Sửa hồ sơ: {escaped}</h1>")),
            "the heading: {form}"
        );
        assert!(
            form.contains(&format!("name=\"name\" value=\"{escaped}\"")),
            "the input: {form}"
        );
    });
}

fn the_users_page_escapes_a_display_name(url: &str) {
    let reg = TestApp::open(url);
    let admin = reg.admin().cookie;
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
        assert!(
            page.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"),
            "{page}"
        );
    });
}

fn the_registry_page_escapes_the_search_it_sends_back(url: &str) {
    let reg = TestApp::open(url);
    rt().block_on(async {
        let (s, page) = page_call(
            &reg,
            "GET",
            "/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("name=\"q\" value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
            "{page}"
        );
        // In the paging and export links only percent-encoded.
        assert!(
            page.contains(
                "/api/v1/export?format=csv&amp;q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E\""
            ),
            "{page}"
        );
    });
}

hoptac_testkit::both_backends!(
    the_sign_in_page_escapes_the_csrf_field_it_sends_back,
    an_organisation_named_with_markup_is_shown_escaped,
    the_users_page_escapes_a_display_name,
    the_registry_page_escapes_the_search_it_sends_back
);
