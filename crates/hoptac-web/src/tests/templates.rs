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

fn a_score_sheet_escapes_the_reason_typed_on_it(url: &str) {
    let reg = TestApp::open(url);
    let (_, created) = rt().block_on(call(
        &reg,
        "POST",
        "/api/v1/organisations",
        Some(new_htx("Hợp tác xã Lý Do", "4900000077")),
    ));
    let id = created["id"].as_i64().expect("id");
    let (admin, csrf) = reg.admin().session();
    let code = reg.sheet(id, 2025).expect("sheet").rule_set.criteria[0].subs[0]
        .code
        .clone();
    let uri = format!("/danh-gia/{id}/2025");
    let reason = "%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E";
    rt().block_on(async {
        // Sent back with an invalid score: what was typed is kept, escaped.
        let bad = format!("csrf={csrf}&version=0&s.{code}=%3Cb%3Ex&r.{code}={reason}");
        let (s, page) = page_call(&reg, "POST", &uri, Some(&admin), Some(bad)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            !page.contains("<script>") && !page.contains("<b>x"),
            "{page}"
        );
        assert!(
            page.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;\""),
            "{page}"
        );
        assert!(
            page.contains("&quot;&lt;b&gt;x&quot; không phải số điểm"),
            "{page}"
        );
        // Saved, then read back.
        let good = format!("csrf={csrf}&version=0&s.{code}=1&r.{code}={reason}");
        let (s, page) = page_call(&reg, "POST", &uri, Some(&admin), Some(good)).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
        let (s, page) = page_call(&reg, "GET", &uri, Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;\""),
            "{page}"
        );
    });
}

#[test]
fn a_follow_up_plan_escapes_its_description() {
    let reg = TestApp::sqlite();
    let spec = hoptac_demo::DemoSpec {
        counts: Some((160, 20, 2)),
        ..Default::default()
    };
    hoptac_demo::generate(&reg, &spec).expect("demo");
    let id = reg
        .needing_follow_up(2025)
        .expect("list")
        .into_iter()
        .find(|n| n.follow_up.is_none())
        .expect("an HTX without a plan")
        .org
        .id;
    let (cookie, csrf) = reg.admin().session();
    let uri = format!("/theo-doi/{id}/2025");
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;";
    rt().block_on(async {
        let form = |deadline: &str| {
            format!(
                "csrf={csrf}&version=0&plan=support&description=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E&owner=%3Cb%3Ex&deadline={deadline}&outcome="
            )
        };
        // Sent back with a wrong date: what was typed is kept, escaped.
        let (s, page) = page_call(&reg, "POST", &uri, Some(&cookie), Some(form("%3Ci%3E"))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            !page.contains("<script>") && !page.contains("<b>x") && !page.contains("<i>"),
            "{page}"
        );
        assert!(
            page.contains(&format!("name=\"description\" value=\"{escaped}\"")),
            "{page}"
        );
        assert!(page.contains("&quot;&lt;i&gt;&quot; không phải ngày"), "{page}");
        // Saved, then listed.
        let (s, page) = page_call(
            &reg,
            "POST",
            &uri,
            Some(&cookie),
            Some(form("30%2F06%2F2027")),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
        let (s, page) = page_call(&reg, "GET", "/theo-doi?year=2025", Some(&cookie), None).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(!page.contains("<script>") && !page.contains("<b>x"), "{page}");
        assert!(
            page.contains(&format!("<small>{escaped}</small>")) && page.contains("<td>&lt;b&gt;x</td>"),
            "{page}"
        );
        let (_, page) = page_call(&reg, "GET", &uri, Some(&cookie), None).await;
        assert!(!page.contains("<script>") && page.contains(escaped), "{page}");
    });
}

hoptac_testkit::both_backends!(
    a_score_sheet_escapes_the_reason_typed_on_it,
    the_sign_in_page_escapes_the_csrf_field_it_sends_back,
    an_organisation_named_with_markup_is_shown_escaped,
    the_users_page_escapes_a_display_name,
    the_registry_page_escapes_the_search_it_sends_back
);
