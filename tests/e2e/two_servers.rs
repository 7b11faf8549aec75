//! Two `hoptac serve` processes on one PostgreSQL database, as in a real deployment
//! behind a load balancer: the app servers keep no state of their own, so a session
//! started on one is valid on the other, and an edit conflict is caught across them.

mod common;

use common::{fixture, hoptac_ok as hoptac, Server};

/// The value of cookie `name` set by an answer.
fn set_cookie(answer: &str, name: &str) -> String {
    answer
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .find_map(|l| {
            l.split_once(':')
                .map(|(_, v)| v.trim())
                .and_then(|v| v.strip_prefix(&format!("{name}=")))
                .and_then(|v| v.split(';').next())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| panic!("no {name} cookie in {answer}"))
}

#[test]
fn two_app_servers_share_sessions_and_catch_conflicts_through_postgresql() {
    let Some(pg) = hoptac_testkit::postgres() else {
        return; // said on stderr by the testkit; in CI it fails instead
    };
    let db: &str = &pg;
    hoptac(
        db,
        &[
            "import",
            fixture("registry_english.csv").to_str().expect("path"),
        ],
        None,
    );
    hoptac(
        db,
        &[
            "user",
            "add",
            "quan.tri",
            "--role",
            "admin",
            "--name",
            "Quản trị",
            "--password-stdin",
        ],
        Some("mat-khau-quan-tri\n"),
    );
    let token = hoptac(db, &["user", "token", "quan.tri"], None)
        .trim()
        .to_owned();
    let (a, b) = (Server::start(db), Server::start(db));

    // Sign in on A; the session works on B.
    let form = a.call("GET", "/dang-nhap", &[], "");
    let login_csrf = set_cookie(&form, "hoptac_login");
    let cookie = format!("hoptac_login={login_csrf}");
    let signed = a.call(
        "POST",
        "/dang-nhap",
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &format!("username=quan.tri&password=mat-khau-quan-tri&csrf={login_csrf}"),
    );
    assert!(signed.starts_with("HTTP/1.1 303"), "{signed}");
    let session = format!("hoptac_session={}", set_cookie(&signed, "hoptac_session"));
    let on_b = b.call("GET", "/bang-dieu-khien", &[("Cookie", &session)], "");
    assert!(
        on_b.starts_with("HTTP/1.1 200"),
        "session valid on B: {on_b}"
    );
    let without = b.call("GET", "/bang-dieu-khien", &[], "");
    assert!(without.starts_with("HTTP/1.1 401"), "{without}");

    // Both servers read version 1; A saves first, B's save is a conflict.
    let bearer = format!("Bearer {token}");
    let list = a.call("GET", "/api/v1/organisations?q=van%20tai", &[], "");
    let id: i64 = list
        .split("\"id\":")
        .nth(1)
        .and_then(|s| s.split([',', '}']).next())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("an id in {list}"));
    let patch = |server: &Server, members: i64| {
        server.call(
            "PATCH",
            &format!("/api/v1/organisations/{id}"),
            &[
                ("Authorization", &bearer),
                ("Content-Type", "application/json"),
            ],
            &format!(r#"{{"version": 1, "fields": {{"members": {members}}}}}"#),
        )
    };
    let first = patch(&a, 41);
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    let second = patch(&b, 42);
    assert!(second.starts_with("HTTP/1.1 409"), "{second}");
    assert!(
        second.contains("\"members\":41"),
        "B shows A's saved value: {second}"
    );
    let now = b.call(
        "GET",
        &format!("/api/v1/organisations/{id}"),
        &[("Authorization", &bearer)],
        "",
    );
    assert!(now.contains("\"members\":41"), "nothing overwritten: {now}");
}
