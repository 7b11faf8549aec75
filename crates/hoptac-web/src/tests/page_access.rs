use super::helpers::*;
use crate::pages::Access;

/// Who, their session (cookie, CSRF) if signed in, role, and whether the test
/// record lies in their scope.
type Account = (&'static str, Option<(String, String)>, Role, bool);

fn every_page_for_every_role_in_and_out_of_scope(url: &str) {
    let reg = TestApp::open(url);
    // An active HTX in 2025 commune 06184 with no 2025 report: formal-only, so
    // it has a follow-up form.
    let (_, created) = rt().block_on(call(
        &reg,
        "POST",
        "/api/v1/organisations",
        Some(new_htx("Hợp tác xã Kiểm Tra Quyền", "4900000055")),
    ));
    let id = created["id"].as_i64().expect("id");
    let accounts: Vec<Account> = vec![
        ("nobody", None, Role::Leader, true),
        ("admin", Some(reg.admin().session()), Role::Admin, true),
        (
            "provincial",
            Some(
                reg.user("tinh", Role::ProvincialOfficer, Scope::All)
                    .session(),
            ),
            Role::ProvincialOfficer,
            true,
        ),
        (
            "commune here",
            Some(
                reg.user(
                    "xa.day",
                    Role::CommuneOfficer,
                    Scope::Communes {
                        codes: vec!["06184".into()],
                    },
                )
                .session(),
            ),
            Role::CommuneOfficer,
            true,
        ),
        (
            "commune elsewhere",
            Some(
                reg.user(
                    "xa.khac",
                    Role::CommuneOfficer,
                    Scope::Communes {
                        codes: vec!["06079".into()],
                    },
                )
                .session(),
            ),
            Role::CommuneOfficer,
            false,
        ),
        (
            "its cooperative",
            Some(
                reg.user("htx", Role::Cooperative, Scope::Organisation { id })
                    .session(),
            ),
            Role::Cooperative,
            true,
        ),
        (
            "leader",
            Some(reg.user("lanh.dao", Role::Leader, Scope::All).session()),
            Role::Leader,
            true,
        ),
    ];
    let mut checked = 0;
    rt().block_on(async {
        for (path, access, _) in crate::pages::table() {
            let uri = path
                .replace("{id}", &id.to_string())
                .replace("{year}", "2025")
                .replace("{job}", "khong-co");
            if access == Access::PostOnly {
                // Forms post here: without the form's CSRF token nothing is done, for
                // every account, and nothing fails on our side.
                for (who, session, _, _) in &accounts {
                    let cookie = session.as_ref().map(|s| s.0.as_str());
                    let (status, html) =
                        page_call(&reg, "POST", &uri, cookie, Some(String::new())).await;
                    assert!(
                        !status.is_server_error() && !status.is_success(),
                        "POST {uri} as {who} without a CSRF token: {status}\n{html}"
                    );
                    checked += 1;
                }
                continue;
            }
            let per_record = path.contains("{id}");
            for (who, session, role, in_scope) in &accounts {
                let signed = session.is_some();
                let writer = signed && *role != Role::Leader;
                let officer = writer && *role != Role::Cooperative;
                let provincial = signed && matches!(role, Role::Admin | Role::ProvincialOfficer);
                let allowed = match access {
                    Access::Public => !signed || !per_record || *in_scope,
                    Access::SignedIn => signed && (!per_record || *in_scope),
                    Access::Registrar => officer,
                    Access::Writer => writer && *in_scope,
                    Access::Officer => officer && *in_scope,
                    Access::Provincial => provincial,
                    Access::Admin => signed && *role == Role::Admin,
                    Access::PostOnly => false,
                };
                let (status, html) = page_call(
                    &reg,
                    "GET",
                    &uri,
                    session.as_ref().map(|s| s.0.as_str()),
                    None,
                )
                .await;
                assert!(
                    !status.is_server_error(),
                    "{uri} as {who}: {status}\n{html}"
                );
                if allowed {
                    // The unknown import job is the one page whose allowed answer is 404.
                    let ok = if path.contains("{job}") {
                        status == StatusCode::NOT_FOUND && html.contains("Không thấy lượt nhập")
                    } else {
                        status.is_success() || status.is_redirection()
                    };
                    assert!(ok, "{uri} as {who}: {status}\n{html}");
                    if status == StatusCode::OK && is_page(&html) {
                        let problems = accessibility_problems(&html);
                        assert!(problems.is_empty(), "{uri} as {who}: {problems:?}");
                    }
                } else {
                    assert!(
                        matches!(
                            status,
                            StatusCode::UNAUTHORIZED
                                | StatusCode::FORBIDDEN
                                | StatusCode::NOT_FOUND
                        ),
                        "{uri} as {who}: {status} but should be refused\n{html}"
                    );
                    assert!(
                        !html.contains("Kiểm Tra Quyền") || !per_record,
                        "{uri} as {who}: the record leaked"
                    );
                    // Refusals are pages too: framed for screen readers.
                    if is_page(&html) {
                        let problems = accessibility_problems(&html);
                        assert!(
                            problems.is_empty(),
                            "{uri} as {who} ({status}): {problems:?}\n{html}"
                        );
                    }
                }
                checked += 1;
            }
        }
        // The sign-in page too.
        let (_, html) = page_call(&reg, "GET", "/dang-nhap", None, None).await;
        assert!(
            accessibility_problems(&html).is_empty(),
            "{:?}",
            accessibility_problems(&html)
        );
    });
    assert!(checked >= 15 * 7, "every page for every account: {checked}");
}

hoptac_testkit::both_backends!(every_page_for_every_role_in_and_out_of_scope);

/// What a page does for people who navigate by keyboard or a screen reader: the
/// language named, one main heading, a main landmark, every control labelled, tables
/// with headers, images described. A problem list, empty when all is well.
/// Whether an answer is an HTML page (the doctype's case varies with who wrote it).
fn is_page(html: &str) -> bool {
    html.get(..15)
        .is_some_and(|d| d.eq_ignore_ascii_case("<!doctype html>"))
}

fn accessibility_problems(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !html.contains("<html lang=\"") {
        out.push("no <html lang>".into());
    }
    if html.matches("<h1").count() != 1 {
        out.push(format!("{} <h1>", html.matches("<h1").count()));
    }
    if !html.contains("<main") {
        out.push("no <main>".into());
    }
    if html.contains("<table") && !html.contains("<th") {
        out.push("a table without headers".into());
    }
    if html
        .split("<img")
        .skip(1)
        .any(|t| !t.split('>').next().unwrap_or("").contains("alt="))
    {
        out.push("an image without alt".into());
    }
    for tag in ["<input", "<select", "<textarea"] {
        let mut rest = html;
        while let Some(at) = rest.find(tag) {
            let before = &html[..html.len() - rest.len() + at];
            let element = rest[at..].split('>').next().unwrap_or("");
            rest = &rest[at + tag.len()..];
            if element.contains("type=hidden") || element.contains("type=\"hidden\"") {
                continue;
            }
            let in_label = before
                .rfind("<label")
                .is_some_and(|l| before.rfind("</label>").is_none_or(|c| c < l));
            let id_label = element
                .split("id=\"")
                .nth(1)
                .and_then(|x| x.split('"').next())
                .is_some_and(|id| {
                    html.contains(&format!("for={id}")) || html.contains(&format!("for=\"{id}\""))
                });
            if !in_label && !id_label && !element.contains("aria-label") {
                out.push(format!("unlabelled {element}>"));
            }
        }
    }
    out
}

#[test]
fn the_accessibility_check_finds_what_it_should() {
    let good = "<html lang=\"vi\"><main><h1>T</h1><label>A <input name=a></label><input \
                type=hidden name=c><input aria-label=\"B\" name=b><table><th>x</th></table></main>";
    assert!(
        accessibility_problems(good).is_empty(),
        "{:?}",
        accessibility_problems(good)
    );
    let bad = "<html><h1>T</h1><h1>U</h1><input name=a><img src=x></html>";
    assert_eq!(
        accessibility_problems(bad).len(),
        5,
        "{:?}",
        accessibility_problems(bad)
    );
}

/// The route layer refuses by itself, whatever the handler would do: a handler that
/// answers everyone is still closed to those its access does not name.
fn the_route_layer_refuses_before_the_handler(url: &str) {
    let app = TestApp::open(url);
    let state = crate::AppState::new(app.reg.clone(), false);
    let open_handler = axum::routing::get(|| async { "served" });
    let router: axum::Router = axum::Router::new()
        .route(
            "/chi-quan-tri",
            crate::pages::guarded(&state, Access::Admin, open_handler.clone()),
        )
        .route(
            "/da-dang-nhap",
            crate::pages::guarded(&state, Access::SignedIn, open_handler),
        )
        .with_state(state);
    let leader = app.user("lanh.dao", Role::Leader, Scope::All);
    let admin = app.admin();
    rt().block_on(async {
        let get = |uri: &'static str, cookie: Option<String>| {
            let router = router.clone();
            async move {
                let mut req = Request::builder().uri(uri);
                if let Some(c) = cookie {
                    req = req.header("cookie", format!("hoptac_session={c}"));
                }
                let resp = router
                    .oneshot(req.body(Body::empty()).expect("request"))
                    .await
                    .expect("response");
                resp.status()
            }
        };
        assert_eq!(get("/chi-quan-tri", None).await, StatusCode::UNAUTHORIZED);
        assert_eq!(
            get("/chi-quan-tri", Some(leader.cookie.clone())).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            get("/chi-quan-tri", Some(admin.cookie.clone())).await,
            StatusCode::OK
        );
        assert_eq!(get("/da-dang-nhap", None).await, StatusCode::UNAUTHORIZED);
        assert_eq!(
            get("/da-dang-nhap", Some(leader.cookie)).await,
            StatusCode::OK
        );
    });
}

hoptac_testkit::both_backends!(the_route_layer_refuses_before_the_handler);
