//! Browser tests: Debian's chromium, headless, driven through chromedriver (thirtyfour)
//! against a real `hoptac serve`, the way a person uses it. In CI a missing browser is a
//! failure; elsewhere the test says plainly that it was skipped.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

mod common;
use common::{fixture, hoptac_ok as hoptac, Server};

/// A child process killed when the test ends, however it ends.
struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// Saves what the browser shows, for CI artifacts when a step fails.
async fn shot(driver: &WebDriver, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    let _ = driver.screenshot(&dir.join(format!("{name}.png"))).await;
}

/// Clicks a submit button and waits for the next page to replace this one, so that
/// what is read afterwards is the server's answer, not the form.
async fn submit(driver: &WebDriver, button: WebElement) -> WebDriverResult<()> {
    let old = driver.find(By::Tag("html")).await?;
    button.click().await?;
    old.wait_until()
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .stale()
        .await
}

async fn text_of(driver: &WebDriver) -> String {
    driver.source().await.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_searches_edits_imports_and_reads_the_dashboard() {
    let (Ok(chromium), Ok(chromedriver)) = (which("chromium"), which("chromedriver")) else {
        assert!(!in_ci(), "chromium and chromedriver are required in CI");
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED browser test: install chromium and chromium-driver"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("b.db").display());
    hoptac(
        &db,
        &[
            "import",
            fixture("registry_messy.xlsx").to_str().expect("path"),
            "--kind",
            "HTX",
        ],
        None,
    );
    hoptac(
        &db,
        &[
            "user",
            "add",
            "quan.tri",
            "--role",
            "admin",
            "--name",
            "Quản trị tỉnh",
            "--password-stdin",
        ],
        Some("mat-khau-quan-tri\n"),
    );
    // An officer of Phường Lương Văn Tri (2025): none of the file's HTX is there.
    hoptac(
        &db,
        &[
            "user",
            "add",
            "xa.khac",
            "--role",
            "commune_officer",
            "--commune",
            "05983",
            "--password-stdin",
        ],
        Some("mat-khau-can-bo\n"),
    );

    let server = Server::start(&db);
    let base = server.base();

    let port = free_port();
    let _driver_proc = Killed(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver"),
    );
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(chromium.to_str().expect("path"))
        .expect("binary");
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,900",
    ] {
        caps.add_arg(arg).expect("arg");
    }
    let profile = tempfile::tempdir().expect("profile");
    caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))
        .expect("arg");
    let start = Instant::now();
    let driver = loop {
        match WebDriver::new(format!("http://127.0.0.1:{port}"), caps.clone()).await {
            Ok(d) => break d,
            Err(e) if start.elapsed() > Duration::from_secs(30) => {
                panic!("chromedriver did not start: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };

    let result = steps(&driver, &base, &db).await;
    if let Err(step) = &result {
        shot(&driver, step).await;
    }
    let _ = driver.quit().await;
    if let Err(step) = result {
        panic!("browser step failed: {step} (screenshot in target/browser-screenshots)");
    }
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.exists())
        })
        .ok_or(())
}

async fn sign_in(driver: &WebDriver, base: &str, user: &str, pass: &str) -> WebDriverResult<()> {
    driver.goto(format!("{base}/dang-nhap")).await?;
    fill_sign_in(driver, user, pass).await
}

/// Types into the sign-in form on the page and sends it.
async fn fill_sign_in(driver: &WebDriver, user: &str, pass: &str) -> WebDriverResult<()> {
    driver
        .find(By::Name("username"))
        .await?
        .send_keys(user)
        .await?;
    driver
        .find(By::Name("password"))
        .await?
        .send_keys(pass)
        .await?;
    submit(driver, driver.find(By::Css("button[type=submit]")).await?).await?;
    Ok(())
}

/// A request to the API as `token`, over a plain connection: the raw answer.
fn http(base: &str, token: &str, method: &str, id: i64, body: &str) -> std::io::Result<String> {
    let addr = base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&addr)?;
    write!(s, "{method} /api/v1/organisations/{id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut s, &mut answer)?;
    Ok(answer)
}

/// Issue 12 §6: this person changes only the email while someone else changes the
/// members; saving from the conflict screen, as it says, keeps the other's members.
async fn conflict_screen_keeps_the_other_change(
    driver: &WebDriver,
    base: &str,
    token: &str,
    id: i64,
) -> Result<(), String> {
    fn fail(step: &'static str) -> impl Fn(WebDriverError) -> String {
        move |e| format!("{step}: {e}")
    }
    driver
        .goto(format!("{base}/to-chuc/{id}/sua"))
        .await
        .map_err(fail("conflict screen"))?;
    let answer = http(
        base,
        token,
        "PATCH",
        id,
        r#"{"version": 2, "fields": {"members": 41}}"#,
    )
    .map_err(|e| format!("conflict screen: {e}"))?;
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!("conflict screen: the other save failed: {answer}"));
    }
    let email = driver
        .find(By::Name("email"))
        .await
        .map_err(fail("conflict screen"))?;
    email.clear().await.map_err(fail("conflict screen"))?;
    email
        .send_keys("hoangdong@example.vn")
        .await
        .map_err(fail("conflict screen"))?;
    let save = || async {
        let button = driver
            .find(By::Css("main form button[type=submit]"))
            .await
            .map_err(fail("conflict screen"))?;
        submit(driver, button)
            .await
            .map_err(fail("conflict screen"))
    };
    save().await?;
    if !text_of(driver).await.contains("người khác lưu") {
        return Err("conflict screen not shown".into());
    }
    shot(driver, "conflict-screen").await;
    // Save again, as the screen says, changing nothing.
    save().await?;
    let answer = http(base, token, "GET", id, "").map_err(|e| format!("conflict screen: {e}"))?;
    let json = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(json.trim())
        .or_else(|_| serde_json::from_str(json.lines().nth(1).unwrap_or_default()))
        .map_err(|e| format!("conflict screen: {e}: {answer}"))?;
    if v["fields"]["members"] != 41 || v["fields"]["email"] != "hoangdong@example.vn" {
        return Err(format!(
            "conflict screen: the other's members were reverted: {v}"
        ));
    }
    Ok(())
}

/// The flows; an `Err` names the step that failed.
async fn steps(driver: &WebDriver, base: &str, db: &str) -> Result<(), String> {
    fn fail(step: &'static str) -> impl Fn(WebDriverError) -> String {
        move |e| format!("{step}: {e}")
    }
    // A protected page asks for a sign-in, and the sign-in lands back on it.
    let asked = format!("{base}/bang-dieu-khien?year=2025");
    driver.goto(&asked).await.map_err(fail("asked"))?;
    submit(
        driver,
        driver
            .find(By::LinkText("Đăng nhập"))
            .await
            .map_err(fail("asked"))?,
    )
    .await
    .map_err(fail("asked"))?;
    fill_sign_in(driver, "quan.tri", "mat-khau-quan-tri")
        .await
        .map_err(fail("sign-in"))?;
    let landed = driver.current_url().await.map_err(fail("sign-in"))?;
    if landed.as_str() != asked {
        return Err(format!("sign-in landed on {landed}, not {asked}"));
    }
    if !text_of(driver).await.contains("Quản trị tỉnh") {
        return Err("sign-in".into());
    }
    driver.goto(base).await.map_err(fail("search"))?;
    // Search without diacritics.
    let q = driver.find(By::Name("q")).await.map_err(fail("search"))?;
    q.send_keys("hop tac nong nghiep hoang dong")
        .await
        .map_err(fail("search"))?;
    submit(
        driver,
        driver
            .find(By::Css("form[action='/'] button"))
            .await
            .map_err(fail("search"))?,
    )
    .await
    .map_err(fail("search"))?;
    let page = text_of(driver).await;
    if !page.contains("Hợp tác xã Nông nghiệp Hoàng Đồng") {
        return Err("search".into());
    }
    // Open the organisation.
    submit(
        driver,
        driver
            .find(By::LinkText("Hợp tác xã Nông nghiệp Hoàng Đồng"))
            .await
            .map_err(fail("open"))?,
    )
    .await
    .map_err(fail("open"))?;
    let page = text_of(driver).await;
    if !page.contains("Lịch sử thay đổi") || !page.contains("4900101001") {
        return Err("open".into());
    }
    let org_url = driver
        .current_url()
        .await
        .map_err(fail("open"))?
        .to_string();
    // Edit while someone else edits: the other save lands first, through the API.
    submit(
        driver,
        driver
            .find(By::LinkText("Sửa hồ sơ"))
            .await
            .map_err(fail("edit"))?,
    )
    .await
    .map_err(fail("edit"))?;
    let id: i64 = org_url
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("edit: id")?;
    let token = {
        let out = Command::new(env!("CARGO_BIN_EXE_hoptac"))
            .args(["user", "token", "quan.tri"])
            .env("HOPTAC_DATABASE", db)
            .output()
            .map_err(|e| format!("token: {e}"))?;
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let answer = http(
        base,
        &token,
        "PATCH",
        id,
        r#"{"version": 1, "fields": {"members": 40}}"#,
    )
    .map_err(|e| format!("edit: {e}"))?;
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!("edit: the other save failed: {answer}"));
    }
    let members = driver
        .find(By::Name("members"))
        .await
        .map_err(fail("edit"))?;
    members.clear().await.map_err(fail("edit"))?;
    members.send_keys("55").await.map_err(fail("edit"))?;
    submit(
        driver,
        driver
            .find(By::Css("main form button[type=submit]"))
            .await
            .map_err(fail("edit"))?,
    )
    .await
    .map_err(fail("edit"))?;
    let page = text_of(driver).await;
    if !page.contains("người khác lưu") {
        return Err("edit conflict not shown".into());
    }
    conflict_screen_keeps_the_other_change(driver, base, &token, id).await?;
    // Import a file with errors: shown, nothing written.
    driver
        .goto(format!("{base}/nhap"))
        .await
        .map_err(fail("import"))?;
    // chromedriver wants an absolute, canonical path for uploads.
    let path = std::fs::canonicalize(fixture("registry_1000_with_3_bad.csv"))
        .map_err(|e| format!("fixture: {e}"))?;
    driver
        .find(By::Name("file"))
        .await
        .map_err(fail("import"))?
        .send_keys(path.to_str().unwrap_or_default())
        .await
        .map_err(fail("import"))?;
    submit(
        driver,
        driver
            .find(By::Css("main form button[type=submit]"))
            .await
            .map_err(fail("import"))?,
    )
    .await
    .map_err(fail("import"))?;
    let page = text_of(driver).await;
    if !page.contains("Không ghi dữ liệu nào") || !page.contains("<td>101</td>") {
        return Err("import errors not shown".into());
    }
    // The dashboard.
    driver
        .goto(format!("{base}/bang-dieu-khien?year=2025"))
        .await
        .map_err(fail("dashboard"))?;
    let page = text_of(driver).await;
    if !page.contains("Chỉ tiêu Công văn 538") || !page.contains("<svg") {
        return Err("dashboard".into());
    }
    shot(driver, "dashboard-ok").await;
    // A score sheet for this year (none exist yet): open the first, type a score, save.
    driver
        .goto(format!("{base}/danh-gia?year=2026"))
        .await
        .map_err(fail("evaluation"))?;
    let first = driver
        .find(By::Css("main table a"))
        .await
        .map_err(fail("evaluation"))?;
    first.click().await.map_err(fail("evaluation"))?;
    let score = driver
        .query(By::Css("main input[name^='s.']"))
        .first()
        .await
        .map_err(fail("evaluation"))?;
    score.send_keys("1,5").await.map_err(fail("evaluation"))?;
    submit(
        driver,
        driver
            .find(By::Css("main form button[type=submit]"))
            .await
            .map_err(fail("evaluation"))?,
    )
    .await
    .map_err(fail("evaluation"))?;
    let page = text_of(driver).await;
    if !page.contains("Đã lưu phiếu.") || !page.contains("value=\"1,5\"") {
        return Err("score sheet not saved".into());
    }
    shot(driver, "sheet").await;
    // The language switch keeps the reader on the same page, in English, and back.
    let english = driver
        .find(By::LinkText("English"))
        .await
        .map_err(fail("language"))?;
    english.click().await.map_err(fail("language"))?;
    driver
        .query(By::Css("html[lang='en']"))
        .first()
        .await
        .map_err(fail("language"))?;
    if !text_of(driver).await.contains("Score sheet") {
        return Err("English page".into());
    }
    shot(driver, "sheet-en").await;
    driver
        .find(By::LinkText("Tiếng Việt"))
        .await
        .map_err(fail("language"))?
        .click()
        .await
        .map_err(fail("language"))?;
    driver
        .query(By::Css("html[lang='vi']"))
        .first()
        .await
        .map_err(fail("language"))?;
    // Sign out; a commune officer cannot see another commune's record.
    driver.goto(base).await.map_err(fail("sign-out"))?;
    submit(
        driver,
        driver
            .find(By::Css("form[action='/dang-xuat'] button"))
            .await
            .map_err(fail("sign-out"))?,
    )
    .await
    .map_err(fail("sign-out"))?;
    sign_in(driver, base, "xa.khac", "mat-khau-can-bo")
        .await
        .map_err(fail("commune sign-in"))?;
    driver.goto(&org_url).await.map_err(fail("commune"))?;
    if !text_of(driver).await.contains("Không tìm thấy") {
        return Err("a commune officer saw another commune's record".into());
    }
    driver
        .goto(format!("{base}/?q=hoang+dong"))
        .await
        .map_err(fail("commune"))?;
    if text_of(driver).await.contains("Hoàng Đồng</a>") {
        return Err("another commune's record appeared in a commune officer's search".into());
    }
    change_own_password(driver, base).await
}

/// The commune officer changes their own password from the link on their name, then
/// signs in again with the new one.
async fn change_own_password(driver: &WebDriver, base: &str) -> Result<(), String> {
    fn fail(step: &'static str) -> impl Fn(WebDriverError) -> String {
        move |e| format!("{step}: {e}")
    }
    let new = "mưa xuân trên phố Kỳ Lừa";
    submit(
        driver,
        driver
            .find(By::Css("a[href='/tai-khoan/mat-khau']"))
            .await
            .map_err(fail("password"))?,
    )
    .await
    .map_err(fail("password"))?;
    for (name, value) in [
        ("current", "mat-khau-can-bo"),
        ("new", new),
        ("repeat", new),
    ] {
        driver
            .find(By::Name(name))
            .await
            .map_err(fail("password"))?
            .send_keys(value)
            .await
            .map_err(fail("password"))?;
    }
    submit(
        driver,
        driver
            .find(By::Css("main form button[type=submit]"))
            .await
            .map_err(fail("password"))?,
    )
    .await
    .map_err(fail("password"))?;
    if !text_of(driver).await.contains("Đã đổi mật khẩu") {
        return Err("password not changed".into());
    }
    shot(driver, "password-changed").await;
    submit(
        driver,
        driver
            .find(By::Css("form[action='/dang-xuat'] button"))
            .await
            .map_err(fail("password sign-out"))?,
    )
    .await
    .map_err(fail("password sign-out"))?;
    sign_in(driver, base, "xa.khac", new)
        .await
        .map_err(fail("new password"))?;
    if !text_of(driver).await.contains("/dang-xuat") {
        return Err("the new password did not sign in".into());
    }
    Ok(())
}
