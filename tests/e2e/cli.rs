//! End-to-end tests of the `hoptac` binary: real processes, real files, real
//! databases (SQLite and PostgreSQL), a real HTTP server.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{fixture, Server};

fn hoptac(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .args(args)
        .env("HOPTAC_DATABASE", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run hoptac")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "stdout: {}\nstderr: {}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

/// The data rows of a CSV export, without the header (and its BOM).
fn export_rows(db: &str, dir: &Path, name: &str) -> Vec<String> {
    let out = dir.join(name);
    ok(&hoptac(db, &["export", out.to_str().expect("path")]));
    let s = std::fs::read_to_string(&out).expect("read export");
    s.lines().skip(1).map(str::to_owned).collect()
}

fn import_check_then_write_then_nothing_to_change(url: &str) {
    let dir = tempfile::tempdir().expect("dir");
    let messy = fixture("registry_messy.xlsx");
    let f = messy.to_str().expect("path");
    let o = hoptac(url, &["import", f, "--kind", "HTX", "--dry-run"]);
    ok(&o);
    assert!(
        text(&o.stdout).contains("Kiểm tra thử (chưa ghi): 10 dòng, 10 thêm mới"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        text(&o.stderr).contains("Cột D (\"Tên HTX\") đang ẩn: bỏ qua"),
        "{}",
        text(&o.stderr)
    );
    assert!(export_rows(url, dir.path(), "empty.csv").is_empty());
    ok(&hoptac(url, &["import", f, "--kind", "HTX"]));
    let o = hoptac(url, &["import", f, "--kind", "HTX"]);
    ok(&o);
    assert!(
        text(&o.stdout).contains("0 thêm mới, 0 cập nhật, 10 không đổi"),
        "{}",
        text(&o.stdout)
    );
    let rows = export_rows(url, dir.path(), "all.csv");
    assert_eq!(rows.len(), 10);
    // Its own export comes back unchanged.
    let o = hoptac(
        url,
        &["import", dir.path().join("all.csv").to_str().expect("path")],
    );
    ok(&o);
    assert!(
        text(&o.stdout).contains("10 không đổi"),
        "{}",
        text(&o.stdout)
    );
}

fn a_bad_file_is_refused_whole_with_every_error_located(url: &str) {
    let dir = tempfile::tempdir().expect("dir");
    let bad = fixture("registry_1000_with_3_bad.csv");
    let o = hoptac(
        url,
        &["import", bad.to_str().expect("path"), "--kind", "HTX"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("Lỗi (3):"), "{err}");
    assert!(
        err.contains("Dòng 101, cột C \"Mã số thuế\": Mã số thuế: \"49123\""),
        "{err}"
    );
    assert!(err.contains("Dòng 501, cột H"), "{err}");
    assert!(err.contains("Dòng 1001, cột D"), "{err}");
    assert!(err.contains("không ghi dữ liệu nào"), "{err}");
    assert!(
        err.contains("Đang kiểm tra: 1000/1000"),
        "progress is shown: {err}"
    );
    assert!(
        export_rows(url, dir.path(), "none.csv").is_empty(),
        "nothing written"
    );
    let o = hoptac(
        url,
        &[
            "--lang",
            "en",
            "import",
            bad.to_str().expect("path"),
            "--kind",
            "HTX",
        ],
    );
    assert!(
        text(&o.stderr).contains("Row 101, column C"),
        "{}",
        text(&o.stderr)
    );
}

hoptac_testkit::both_backends!(
    import_check_then_write_then_nothing_to_change,
    a_bad_file_is_refused_whole_with_every_error_located
);

#[test]
fn help_names_every_subcommand() {
    let o = Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .arg("--help")
        .output()
        .expect("run");
    ok(&o);
    let h = text(&o.stdout);
    for sub in [
        "serve", "migrate", "import", "export", "demo", "backup", "recheck",
    ] {
        assert!(h.contains(sub), "{sub} missing from --help");
    }
}

#[test]
fn unknown_database_schemes_are_refused() {
    let o = hoptac("mysql://x/y", &["migrate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("sqlite://"), "{}", text(&o.stderr));
    let o = hoptac("./plain-file.db", &["migrate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!Path::new("./plain-file.db").exists());
}

#[test]
fn the_demo_is_deterministic_and_believable() {
    let dir = tempfile::tempdir().expect("dir");
    let a = format!("sqlite://{}", dir.path().join("a.db").display());
    let b = format!("sqlite://{}", dir.path().join("b.db").display());
    ok(&hoptac(&a, &["demo", "--no-serve"]));
    ok(&hoptac(&b, &["demo", "--no-serve"]));
    let ra = export_rows(&a, dir.path(), "a.csv");
    let rb = export_rows(&b, dir.path(), "b.csv");
    assert_eq!(ra, rb, "same seed, same province");
    let count = |kind: &str| {
        ra.iter()
            .filter(|r| r.split(',').nth(1) == Some(kind))
            .count()
    };
    assert!((480..=560).contains(&count("HTX")), "{} HTX", count("HTX"));
    assert_eq!(count("THT"), 300);
    assert_eq!(count("LHHTX"), 6);
    for status in [
        "Tạm ngừng kinh doanh",
        "Đã giải thể",
        "Đã chuyển đổi thành HTX",
    ] {
        assert!(ra.iter().any(|r| r.contains(status)), "some are {status}");
    }
    // Records placed before and after the reform.
    assert!(ra.iter().any(|r| r.contains(",legacy,")) && ra.iter().any(|r| r.contains(",2025,")));
    // Every stored classification is what its scores and the year's facts give,
    // including sheets of HTX whose sector changed in a later year.
    for year in ["2020", "2023", "2025"] {
        let out = hoptac(&a, &["recheck", "--year", year]);
        ok(&out);
        assert!(
            text(&out.stdout).contains("; 0 phiếu khác"),
            "{year}: {}",
            text(&out.stdout)
        );
    }
    let c = format!("sqlite://{}", dir.path().join("c.db").display());
    ok(&hoptac(
        &c,
        &["demo", "--no-serve", "--seed", "7", "--scale", "0.2"],
    ));
    let rc = export_rows(&c, dir.path(), "c.csv");
    assert!(rc.len() < 250 && rc != ra[..rc.len()]);
}

#[test]
fn a_backup_restores_every_record() {
    let dir = tempfile::tempdir().expect("dir");
    let live = format!("sqlite://{}", dir.path().join("live.db").display());
    ok(&hoptac(&live, &["demo", "--no-serve", "--scale", "0.3"]));
    let copy = dir.path().join("copy.db");
    ok(&hoptac(&live, &["backup", copy.to_str().expect("path")]));
    let o = hoptac(&live, &["backup", copy.to_str().expect("path")]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "an existing file is never overwritten"
    );
    // Restoring is using the copy as the database.
    let restored = format!("sqlite://{}", copy.display());
    let before = export_rows(&live, dir.path(), "live.csv");
    let after = export_rows(&restored, dir.path(), "restored.csv");
    assert!(before.len() > 200);
    assert_eq!(before, after);
}

#[test]
fn serve_answers_http_on_loopback() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    ok(&hoptac(
        &db,
        &[
            "import",
            fixture("registry_english.csv").to_str().expect("path"),
        ],
    ));
    let server = Server::start(&db);
    let r = server.call("GET", "/api/v1/organisations?q=van%20tai", &[], "");
    drop(server);
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    assert!(r.contains("\"total\":1"), "{r}");
    assert!(r.contains("Hợp tác xã Vận tải Minh Sơn, Hữu Lũng"), "{r}");
}

#[test]
fn targets_reports_and_scores_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let f = |n: &str| fixture(n).to_str().expect("path").to_owned();
    ok(&hoptac(
        &db,
        &["import", &f("registry_messy.xlsx"), "--kind", "HTX"],
    ));
    let o = hoptac(
        &db,
        &["import", &f("reports_2024.xlsx"), "--what", "reports"],
    );
    ok(&o);
    assert!(
        text(&o.stdout).contains("4 thêm mới"),
        "{}",
        text(&o.stdout)
    );
    let o = hoptac(&db, &["import", &f("reports_bad.csv"), "--what", "reports"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("Dòng 3, cột C \"Năm\""),
        "{}",
        text(&o.stderr)
    );
    let o = hoptac(
        &db,
        &[
            "import",
            &f("scores_2024.xlsx"),
            "--what",
            "scores",
            "--approved",
            "--as",
            "so-tai-chinh",
        ],
    );
    ok(&o);
    let o = hoptac(&db, &["targets", "--year", "2024"]);
    ok(&o);
    let table = text(&o.stdout);
    assert!(
        table.contains("Tỷ lệ HTX xếp loại tốt, khá")
            && table.contains("66,7%")
            && table.contains("2/3"),
        "{table}"
    );
    let o = hoptac(
        &db,
        &[
            "targets", "--year", "2024", "--by", "district", "--format", "csv",
        ],
    );
    ok(&o);
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"));
    assert!(
        text(&o.stdout).contains("Huyện Tràng Định"),
        "{}",
        text(&o.stdout)
    );
    let o = hoptac(&db, &["targets", "--year", "2024", "--format", "json"]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["targets"][3]["current"]["denominator"], 3);
    let o = hoptac(&db, &["follow-ups", "--year", "2024", "--missing-only"]);
    ok(&o);
    assert!(
        text(&o.stdout).contains("Hợp tác xã Rau sạch Mai Pha"),
        "the weak one: {}",
        text(&o.stdout)
    );
    let o = hoptac(&db, &["filings", "--year", "2024"]);
    ok(&o);
    assert!(text(&o.stdout).contains("Chưa nộp"), "{}", text(&o.stdout));
    // Deadlines are configurable.
    let o = hoptac(
        &db,
        &["--deadlines", "20/12,31/01", "filings", "--year", "2024"],
    );
    ok(&o);
    assert!(
        text(&o.stdout).contains("hạn 31/01/2025"),
        "{}",
        text(&o.stdout)
    );
    let o = hoptac(
        &db,
        &["--deadlines", "31/02,01/01", "filings", "--year", "2024"],
    );
    assert_eq!(o.status.code(), Some(1));
    // A broken rule set file is refused, naming the criterion.
    let bad = dir.path().join("bad.toml");
    let shipped = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/rulesets/tt01-2020.toml"),
    )
    .expect("read");
    std::fs::write(&bad, shipped.replacen("max = 6\n", "max = 5\n", 1)).expect("write");
    let o = hoptac(
        &db,
        &["--rule-sets", bad.to_str().expect("path"), "targets"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("tiêu chí 1:"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn the_audit_trail_catches_tampering_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("a.db");
    let db = format!("sqlite://{}", path.display());
    ok(&hoptac(
        &db,
        &[
            "import",
            fixture("registry_english.csv").to_str().expect("path"),
        ],
    ));
    let o = hoptac(&db, &["audit", "verify"]);
    ok(&o);
    // Two links: Letter 538's targets loaded on first open, then the whole import.
    assert!(
        text(&o.stdout).contains("Nhật ký nguyên vẹn: 2"),
        "{}",
        text(&o.stdout)
    );
    let o = hoptac(&db, &["audit", "anchor"]);
    ok(&o);
    let anchor = text(&o.stdout).trim().to_owned();
    assert!(anchor.starts_with("2:"), "{anchor}");
    // Someone edits the trail directly in the database.
    let store = hoptac_store::Db::open(&db).expect("open");
    store
        .write(|c| c.batch("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2"))
        .expect("tamper");
    drop(store);
    let o = hoptac(&db, &["audit", "verify", "--anchor", &anchor]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("nhật ký bị sửa: mắt xích 2"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn tampering_with_stored_records_is_named_by_audit_verify() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    ok(&hoptac(
        &db,
        &[
            "import",
            fixture("registry_english.csv").to_str().expect("path"),
        ],
    ));
    ok(&hoptac(
        &db,
        &[
            "user",
            "add",
            "xa.dongdang",
            "--role",
            "commune_officer",
            "--commune",
            "06184",
        ],
    ));
    let o = hoptac(&db, &["audit", "verify"]);
    ok(&o);
    assert!(
        text(&o.stdout).contains("Dữ liệu khớp nhật ký"),
        "{}",
        text(&o.stdout)
    );
    // Someone makes the commune officer an administrator, and renames a cooperative,
    // directly in the database.
    let store = hoptac_store::Db::open(&db).expect("open");
    store
        .write(|c| {
            c.batch(
                "UPDATE users SET role = 'admin', scope = '{\"type\":\"all\"}' WHERE username = 'xa.dongdang'; \
                 UPDATE organisations SET name = 'Giả' WHERE id = 2",
            )
        })
        .expect("tamper");
    drop(store);
    let o = hoptac(&db, &["--lang", "en", "audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("organisations 2: edited outside the application"),
        "{out}"
    );
    assert!(
        out.contains("users 1: edited outside the application"),
        "{out}"
    );
    assert!(
        text(&o.stderr).contains("2 records do not match the audit trail"),
        "{}",
        text(&o.stderr)
    );
    // Sealing does not hide edits: only records the trail never named are sealed.
    let o = hoptac(&db, &["audit", "seal"]);
    ok(&o);
    assert!(text(&o.stdout).starts_with("0 "), "{}", text(&o.stdout));
    assert_eq!(hoptac(&db, &["audit", "verify"]).status.code(), Some(1));
}

#[test]
fn accounts_are_managed_from_the_command_line_without_default_passwords() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("u.db").display());
    let o = hoptac(
        &db,
        &[
            "user",
            "add",
            "quan.tri",
            "--role",
            "admin",
            "--name",
            "Quản trị tỉnh",
        ],
    );
    ok(&o);
    assert!(
        text(&o.stdout).contains("Mật khẩu (chỉ hiện một lần"),
        "a generated password is shown once: {}",
        text(&o.stdout)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .args([
            "user",
            "add",
            "xa.dongdang",
            "--role",
            "commune_officer",
            "--commune",
            "06184",
            "--password-stdin",
        ])
        .env("HOPTAC_DATABASE", &db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"mot-mat-khau-rat-dai\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    ok(&out);
    assert!(
        !text(&out.stdout).contains("mot-mat-khau"),
        "a typed password is never echoed"
    );
    ok(&hoptac(&db, &["user", "disable", "xa.dongdang"]));
    let o = hoptac(&db, &["user", "list"]);
    ok(&o);
    let list = text(&o.stdout);
    assert!(
        list.contains("quan.tri") && list.contains("xa.dongdang") && list.contains("đã khóa"),
        "{list}"
    );
    let o = hoptac(
        &db,
        &[
            "user",
            "add",
            "x",
            "--role",
            "commune_officer",
            "--commune",
            "99999",
            "--password-stdin",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn api_tokens_are_issued_listed_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    ok(&hoptac(
        &db,
        &["user", "add", "quan.tri", "--role", "admin"],
    ));
    let o = hoptac(
        &db,
        &[
            "user",
            "token",
            "quan.tri",
            "--label",
            "đồng bộ",
            "--days",
            "7",
        ],
    );
    ok(&o);
    // The secret is the last line of standard output (scripts take it from there).
    let secret = text(&o.stdout)
        .trim()
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(secret.len(), 64, "{}", text(&o.stdout));
    let o = hoptac(&db, &["user", "tokens", "quan.tri"]);
    ok(&o);
    let list = text(&o.stdout);
    assert!(
        list.contains("đồng bộ") && !list.contains(&secret),
        "{list}"
    );
    let id = list
        .lines()
        .nth(1)
        .and_then(|l| l.split('\t').next())
        .unwrap_or_default()
        .to_owned();
    ok(&hoptac(&db, &["user", "revoke-token", &id]));
    let list = text(&hoptac(&db, &["user", "tokens"]).stdout);
    assert!(
        list.lines().nth(1).is_some_and(|l| l.ends_with("không")),
        "{list}"
    );
    // Bad lifetimes and unknown ids fail with exit code 1.
    for bad in [
        vec!["user", "token", "quan.tri", "--days", "0"],
        vec!["user", "token", "quan.tri", "--days", "800"],
        vec!["user", "revoke-token", "999"],
    ] {
        assert_eq!(hoptac(&db, &bad).status.code(), Some(1), "{bad:?}");
    }
}

/// `hoptac` run the way a newcomer runs it: in a folder, without HOPTAC_DATABASE.
fn hoptac_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .args(args)
        .current_dir(dir)
        .env_remove("HOPTAC_DATABASE")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run hoptac")
}

/// A command printed after `label`, run as printed (the `hoptac` it starts with is
/// this build's binary), with `<…>` placeholders filled from `fill`.
fn run_printed(dir: &Path, printed: &str, label: &str, fill: &[(&str, &str)]) -> Output {
    let line = printed
        .lines()
        .find(|l| l.contains(label) && l.contains("hoptac "))
        .unwrap_or_else(|| panic!("no `{label}` command in: {printed}"));
    let mut command = line.split_once(": hoptac ").expect("command").1.to_owned();
    for (k, v) in fill {
        command = command.replace(k, v);
    }
    let words: Vec<&str> = command.split_whitespace().collect();
    hoptac_in(dir, &words)
}

/// The first ten minutes (issue 12 §1): `hoptac demo` makes an account for each role
/// and prints their passwords once; each signs in and lands on the dashboard. Run
/// again, it says how to give one a new password, and on a demo database without
/// accounts how to add the first administrator: both commands work as printed, on
/// the demo's database (never the default one).
#[test]
fn the_demo_prints_how_to_sign_in_and_its_commands_work_as_printed() {
    let dir = tempfile::tempdir().expect("dir");
    let help = text(&hoptac_in(dir.path(), &["demo", "--help"]).stdout);
    assert!(help.contains("sqlite://hoptac-demo.db"), "{help}");
    let first = hoptac_in(dir.path(), &["demo", "--no-serve", "--scale", "0.05"]);
    ok(&first);
    let out = text(&first.stdout);
    let accounts: Vec<(String, String)> = out
        .lines()
        .filter(|l| l.starts_with("  demo."))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[0].to_owned(), w[w.len() - 1].to_owned())
        })
        .collect();
    let names: Vec<&str> = accounts.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        names,
        [
            "demo.quantri",
            "demo.tinh",
            "demo.xa",
            "demo.htx",
            "demo.lanhdao"
        ],
        "{out}"
    );
    assert!(out.contains("/dang-nhap"), "{out}");
    let db = format!("sqlite://{}", dir.path().join("hoptac-demo.db").display());
    let server = Server::start(&db);
    for (user, password) in &accounts {
        let form = server.call("GET", "/dang-nhap", &[], "");
        let csrf = form
            .split("hoptac_login=")
            .nth(1)
            .and_then(|s| s.split(';').next())
            .expect("login cookie")
            .to_owned();
        let signed = server.call(
            "POST",
            "/dang-nhap",
            &[
                ("Cookie", &format!("hoptac_login={csrf}")),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &format!("username={user}&password={password}&csrf={csrf}"),
        );
        assert!(signed.starts_with("HTTP/1.1 303"), "{user}: {signed}");
        assert!(
            signed.contains("location: /bang-dieu-khien"),
            "{user} lands on the dashboard: {signed}"
        );
    }
    drop(server);

    let again = hoptac_in(dir.path(), &["demo", "--no-serve"]);
    ok(&again);
    let printed = text(&again.stdout);
    assert!(printed.contains("demo.quantri"), "{printed}");
    let reset = run_printed(dir.path(), &printed, "reset-password", &[]);
    ok(&reset);
    assert!(
        text(&reset.stdout).contains("Mật khẩu mới (chỉ hiện một lần)"),
        "{}",
        text(&reset.stdout)
    );

    let bare = dir.path().join("bare");
    std::fs::create_dir(&bare).expect("dir");
    let o = hoptac_in(
        &bare,
        &["demo", "--no-serve", "--no-accounts", "--scale", "0.05"],
    );
    ok(&o);
    let hint = text(&o.stderr);
    let added = run_printed(&bare, &hint, "--role admin", &[("<tên>", "quan.tri")]);
    ok(&added);
    let listed = text(
        &hoptac_in(
            &bare,
            &["--database", "sqlite://hoptac-demo.db", "user", "list"],
        )
        .stdout,
    );
    assert!(listed.contains("quan.tri"), "{listed}");
    for d in [dir.path(), bare.as_path()] {
        assert!(
            !d.join("hoptac.db").exists(),
            "the default database was not touched"
        );
    }
}
