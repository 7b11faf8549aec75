//! Test support: a database URL per test on SQLite (a temporary file) and on
//! PostgreSQL (a database in a throwaway cluster started from the machine's own
//! PostgreSQL binaries), and a macro that runs one test function on both. The registry
//! built on such a database for tests is `hoptac_app::testing` (decision 0014).
//!
//! The cluster lives in `$HOPTAC_TEST_PG_DIR` (default: a folder under the temporary
//! directory), is started on first use and reused by later test processes; `.ci/run`
//! stops it at the end. `HOPTAC_TEST_PG_URL` points the tests at an existing server
//! instead. Without PostgreSQL the tests say so on stderr and skip — except in CI
//! (`CI=true`), where that is a failure. Each database handed out adds a line to
//! `$HOPTAC_PG_TEST_LOG` when set, so CI can count the PostgreSQL tests that ran.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A database for one test; the SQLite file is removed when dropped.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestDb {
    type Target = str;
    fn deref(&self) -> &str {
        &self.url
    }
}

/// A fresh SQLite database file.
pub fn sqlite() -> TestDb {
    let dir = tempfile::Builder::new()
        .prefix("hoptac-test-")
        .tempdir()
        .expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    TestDb {
        url,
        _dir: Some(dir),
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Writes straight to the process's stderr, past the test harness's capture, so a
/// skip is never silent.
fn say(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

fn find_bin(name: &str) -> Option<PathBuf> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join(name);
        if p.exists() {
            return Some(p);
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    if let Some(p) = found.pop() {
        return Some(p);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.exists())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL tool, as the `postgres` user when we are root (the server
/// refuses to run as root).
fn run_pg(bin: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {}: {}{}",
            bin.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn cluster_dir() -> PathBuf {
    std::env::var_os("HOPTAC_TEST_PG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("hoptac-test-pg"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(54329)
}

fn try_connect(url: &str) -> bool {
    postgres::Client::connect(url, postgres::NoTls).is_ok()
}

/// A lock shared by test processes: a directory that exists while someone holds it.
struct DirLock(PathBuf);

impl DirLock {
    fn take(path: PathBuf) -> DirLock {
        let start = Instant::now();
        loop {
            match std::fs::create_dir(&path) {
                Ok(()) => return DirLock(path),
                Err(_) if start.elapsed() > Duration::from_secs(120) => {
                    // A holder that died left it behind; take it over.
                    return DirLock(path);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Starts (or finds) the throwaway cluster and returns the URL of its `postgres`
/// database.
fn start_cluster() -> Result<String, String> {
    if let Ok(url) = std::env::var("HOPTAC_TEST_PG_URL") {
        return Ok(url);
    }
    let initdb = find_bin("initdb").ok_or("initdb not found")?;
    let pg_ctl = find_bin("pg_ctl").ok_or("pg_ctl not found")?;
    let dir = cluster_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let _lock = DirLock::take(dir.join("lock"));
    let data = dir.join("data");
    let port_file = dir.join("port");
    if let Ok(port) = std::fs::read_to_string(&port_file) {
        let url = format!("postgres://postgres@127.0.0.1:{}/postgres", port.trim());
        if try_connect(&url) {
            return Ok(url);
        }
    }
    if is_root() {
        let _ = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .status();
        let _ = Command::new("chmod").args(["755"]).arg(&dir).status();
    }
    let data_s = data.to_string_lossy().into_owned();
    if !data.join("PG_VERSION").exists() {
        let _ = std::fs::remove_dir_all(&data);
        // Older clusters may lack the C.UTF-8 locale; plain C sorts the same bytewise.
        let mut result = Err(String::new());
        for locale in ["--locale=C.UTF-8", "--locale=C"] {
            let _ = std::fs::remove_dir_all(&data);
            let args = [
                "-D",
                &data_s,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                locale,
                "--no-sync",
            ];
            result = run_pg(&initdb, &args);
            if result.is_ok() {
                break;
            }
        }
        result?;
    }
    let port = free_port();
    let sock = dir.to_string_lossy().into_owned();
    let opts = format!(
        "-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    );
    let log = dir.join("server.log").to_string_lossy().into_owned();
    // A stale server from an earlier run may hold the data folder.
    let _ = run_pg(&pg_ctl, &["-D", &data_s, "-m", "immediate", "stop"]);
    run_pg(
        &pg_ctl,
        &[
            "-D", &data_s, "-l", &log, "-o", &opts, "-w", "-t", "60", "start",
        ],
    )?;
    std::fs::write(&port_file, port.to_string()).map_err(|e| e.to_string())?;
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    if try_connect(&url) {
        Ok(url)
    } else {
        Err(format!(
            "the cluster in {} did not accept connections",
            dir.display()
        ))
    }
}

static CLUSTER: OnceLock<Result<String, String>> = OnceLock::new();
static SEQ: AtomicU64 = AtomicU64::new(0);
static CREATE: Mutex<()> = Mutex::new(());

/// A fresh PostgreSQL database, or `None` (said on stderr) when this machine has no
/// PostgreSQL and we are not in CI.
pub fn postgres() -> Option<TestDb> {
    let admin = CLUSTER.get_or_init(start_cluster);
    let admin = match admin {
        Ok(u) => u.clone(),
        Err(e) if in_ci() => panic!("PostgreSQL is required in CI but unavailable: {e}"),
        Err(e) => {
            static ONCE: OnceLock<()> = OnceLock::new();
            ONCE.get_or_init(|| say(&format!("SKIPPED PostgreSQL tests: {e}")));
            return None;
        }
    };
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    {
        // CREATE DATABASE copies template1; concurrent copies in one process collide.
        let _g = CREATE.lock().unwrap_or_else(|p| p.into_inner());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to the test cluster: {e}"));
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("create test database: {e}"));
    }
    if let Some(log) = std::env::var_os("HOPTAC_PG_TEST_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = writeln!(f, "{name}");
        }
    }
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("unexpected admin URL {admin}"),
    };
    Some(TestDb { url, _dir: None })
}

/// Runs test functions on SQLite and on PostgreSQL. Each is an ordinary function
/// taking the database URL (so rustfmt formats it); the macro adds the tests:
///
/// ```ignore
/// fn stores_things(url: &str) {
///     let db = Db::open(url).unwrap();
///     …
/// }
///
/// hoptac_testkit::both_backends!(stores_things, finds_things);
/// ```
/// makes `stores_things::sqlite` and `stores_things::postgres` (a module beside the
/// function of the same name), and the same for `finds_things`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    let db = $crate::sqlite();
                    super::$name(&db.url);
                }
                #[test]
                fn postgres() {
                    if let Some(db) = $crate::postgres() {
                        super::$name(&db.url);
                    }
                }
            }
        )+
    };
}
