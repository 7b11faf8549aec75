//! `cargo bench -p hoptac --bench import` (or `benches/import`): registry imports of a
//! large file into new databases, on SQLite and PostgreSQL, beside the floor of each
//! engine — `sqlite3 .import` and `psql \copy` of the same CSV into a plain table of
//! text columns, with no checks, no indexes, no history and no audit trail. Prints a
//! Markdown table for BENCHMARKS.md (median of the runs, min – max, rows/s, ratio).
//!
//! Settings (environment): `HOPTAC_BENCH_SCALE` (demo scale, default 36: about 30,000
//! organisations), `HOPTAC_BENCH_RUNS` (default 5), `HOPTAC_BENCH_BACKENDS`
//! (`sqlite,postgres`), `HOPTAC_BENCH_ONLY` (`csv`, `xlsx`, or `dry` to time only
//! that), `HOPTAC_BENCH_KEEP` (a folder: the files imported are written there).

use chrono::NaiveDate;
use hoptac_app::export::{export, Format};
use hoptac_app::import::{import_file, ImportOptions};
use hoptac_app::{Actor, Registry};
use hoptac_demo::{generate, DemoSpec};
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::OrgFilter;
use hoptac_io::grid::Cell;
use hoptac_io::write::{self, Out};
use hoptac_store::{migrate::migrate, Db};
use std::process::Command;
use std::time::{Duration, Instant};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn open(url: &str) -> Registry {
    let db = Db::open(url).expect("open the database");
    migrate(&db).expect("migrate");
    Registry::open(db, Some("20".into()))
        .expect("registry")
        .with_today(NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"))
}

/// A cell of the export as it would be written again.
fn out(c: &Cell) -> Out {
    match c {
        Cell::Empty => Out::Empty,
        Cell::Number(n) if n.fract() == 0.0 => Out::Int(*n as i64),
        Cell::Date(d) => Out::Date(*d),
        other => Out::Text(other.to_text()),
    }
}

/// The demo province's registry as a province would hand it over: the export without
/// its record ids (a new database does not know them), as CSV and .xlsx.
fn files(scale: f64) -> (usize, Vec<u8>, Vec<u8>) {
    let db = hoptac_testkit::sqlite();
    let reg = open(&db);
    let spec = DemoSpec {
        scale,
        ..Default::default()
    };
    generate(&reg, &spec).expect("demo");
    let (csv, _) = export(
        &reg,
        &hoptac_domain::auth::Scope::All,
        &OrgFilter::default(),
        Format::Csv,
        Lang::Vi,
        false,
    )
    .expect("csv");
    let grid = hoptac_io::grid::read_csv(&csv).expect("read the export");
    let headers: Vec<String> = grid.rows[0][1..].iter().map(Cell::to_text).collect();
    // The reader drops empty cells at the end of a row; the writer wants them all.
    let rows: Vec<Vec<Out>> = grid.rows[1..]
        .iter()
        .map(|r| {
            let mut row: Vec<Out> = r.iter().skip(1).map(out).collect();
            row.resize_with(headers.len(), || Out::Empty);
            row
        })
        .collect();
    let csv = write::csv(&headers, &rows).expect("csv");
    let xlsx = write::xlsx("Danh sách", &headers, &rows).expect("xlsx");
    (rows.len(), csv, xlsx)
}

/// CPU time this process has used, all threads (Linux; clock ticks of 10 ms): the
/// work an import does whatever the load of a shared machine. PostgreSQL's own
/// work is in its server, not counted here.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15; `after` starts at field 3.
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Median, min and max.
fn spread(mut t: Vec<Duration>) -> (Duration, Duration, Duration) {
    t.sort();
    (t[t.len() / 2], t[0], t[t.len() - 1])
}

fn row(
    backend: &str,
    job: &str,
    rows: usize,
    (t, cpu): (&[Duration], Option<Duration>),
    floor: Option<Duration>,
) {
    let (med, min, max) = spread(t.to_vec());
    let cpu = cpu.map_or(String::new(), |c| format!("{:.2} s", c.as_secs_f64()));
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let rate = rows as f64 / med.as_secs_f64();
    let ratio = floor.map_or(String::new(), |f| {
        format!("{:.1}", med.as_secs_f64() / f.as_secs_f64())
    });
    println!(
        "| {backend} | {job} | {} | {} – {} | {rate:.0} | {ratio} | {cpu} |",
        ms(med),
        ms(min),
        ms(max),
    );
}

/// Times `runs` imports of `bytes`, each into a new database from `fresh`.
fn time_imports(
    fresh: &mut dyn FnMut() -> String,
    name: &str,
    bytes: &[u8],
    rows: usize,
    dry_run: bool,
    runs: usize,
) -> (Vec<Duration>, Duration) {
    let actor = Actor::new("bench", None);
    let opts = ImportOptions {
        kind: None,
        dry_run,
        lang: Lang::Vi,
    };
    let mut cpus = Vec::new();
    let times = (0..runs)
        .map(|_| {
            let target = open(&fresh());
            let c = cpu();
            let t = Instant::now();
            let report = import_file(&target, name, bytes.to_vec(), &opts, &actor, &|_| {})
                .map_err(|e| format!("{e}"))
                .expect("import");
            let took = t.elapsed();
            cpus.push(cpu() - c);
            assert_eq!(report.created, rows, "every row imported");
            assert_eq!(report.written, !dry_run);
            took
        })
        .collect();
    (times, spread(cpus).0)
}

/// A plain table with one text column per field of the CSV's header.
fn plain_table(csv: &[u8]) -> String {
    let header = csv.split(|b| *b == b'\n').next().unwrap_or_default();
    let n = header.iter().filter(|b| **b == b',').count() + 1;
    let cols: Vec<String> = (1..=n).map(|i| format!("c{i} TEXT")).collect();
    format!("CREATE TABLE plain ({})", cols.join(", "))
}

/// Runs a command and returns how long it took, whole process; it must succeed.
fn timed(cmd: &mut Command) -> Duration {
    let t = Instant::now();
    let out = cmd.output().expect("run the floor's tool");
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

/// `sqlite3 .import` of the CSV into a plain table of a new database file.
fn sqlite_floor(path: &std::path::Path, csv: &[u8], runs: usize) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let dir = tempfile::tempdir().expect("tempdir");
            let db = dir.path().join("plain.db");
            let table = plain_table(csv);
            // WAL and synchronous=NORMAL, as hoptac runs SQLite.
            let setup = format!("PRAGMA journal_mode=WAL; {table};");
            timed(Command::new("sqlite3").arg(&db).arg(setup));
            let import = format!(".import --csv --skip 1 {} plain", path.display());
            timed(
                Command::new("sqlite3")
                    .arg(&db)
                    .arg("PRAGMA synchronous=NORMAL;")
                    .arg(import),
            )
        })
        .collect()
}

/// `psql \copy` of the CSV into a plain table of a new database.
fn postgres_floor(path: &std::path::Path, csv: &[u8], runs: usize) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let db = hoptac_testkit::postgres().expect("postgres");
            timed(Command::new("psql").args(["-q", &db.url, "-c", &plain_table(csv)]));
            let copy = format!(
                "\\copy plain FROM '{}' WITH (FORMAT csv, HEADER true)",
                path.display()
            );
            timed(Command::new("psql").args(["-q", &db.url, "-c", &copy]))
        })
        .collect()
}

fn bench(backend: &str, fresh: &mut dyn FnMut() -> String, inputs: &Inputs) {
    let (rows, runs, only) = (inputs.rows, inputs.runs, inputs.only.as_str());
    let floor_times = if backend == "SQLite" {
        sqlite_floor(&inputs.csv_path, &inputs.csv, runs)
    } else {
        postgres_floor(&inputs.csv_path, &inputs.csv, runs)
    };
    let floor = spread(floor_times.clone()).0;
    let tool = if backend == "SQLite" {
        "`sqlite3 .import` (floor)"
    } else {
        "`psql \\copy` (floor)"
    };
    row(backend, tool, rows, (&floor_times, None), None);
    let jobs = [
        ("csv", "registry.csv", &inputs.csv, false),
        ("xlsx", "registry.xlsx", &inputs.xlsx, false),
        ("dry", "registry.csv", &inputs.csv, true),
    ];
    for (key, name, bytes, dry) in jobs {
        if !only.is_empty() && only != key {
            continue;
        }
        let (t, cpu) = time_imports(fresh, name, bytes, rows, dry, runs);
        let job = if dry {
            format!("import {name}, dry run (read and check only)")
        } else {
            format!("import {name}")
        };
        row(backend, &job, rows, (&t, Some(cpu)), Some(floor));
    }
}

struct Inputs {
    rows: usize,
    runs: usize,
    only: String,
    csv: Vec<u8>,
    xlsx: Vec<u8>,
    csv_path: std::path::PathBuf,
}

fn main() {
    let scale: f64 = env_or("HOPTAC_BENCH_SCALE", 36.0);
    let runs: usize = env_or("HOPTAC_BENCH_RUNS", 5).max(1);
    let backends =
        std::env::var("HOPTAC_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let only = std::env::var("HOPTAC_BENCH_ONLY").unwrap_or_default();
    let (rows, csv, xlsx) = files(scale);
    let keep = std::env::var("HOPTAC_BENCH_KEEP").ok();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = keep.map_or_else(|| tmp.path().to_path_buf(), std::path::PathBuf::from);
    std::fs::create_dir_all(&dir).expect("folder for the files");
    let csv_path = dir.join("registry.csv");
    std::fs::write(&csv_path, &csv).expect("write the csv");
    std::fs::write(dir.join("registry.xlsx"), &xlsx).expect("write the xlsx");
    let inputs = Inputs {
        rows,
        runs,
        only,
        csv,
        xlsx,
        csv_path,
    };
    println!(
        "scale {scale}: {rows} rows, CSV {} KB, .xlsx {} KB; {runs} runs per figure\n",
        inputs.csv.len() / 1024,
        inputs.xlsx.len() / 1024
    );
    println!("| database | job | median | min – max | rows/s | × floor | CPU (median) |");
    println!("|---|---|---|---|---|---|---|");
    let mut keep = Vec::new();
    for backend in backends.split(',').map(str::trim) {
        match backend {
            "sqlite" => {
                let mut fresh = || {
                    let d = hoptac_testkit::sqlite();
                    let url = d.url.clone();
                    keep.push(d);
                    url
                };
                bench("SQLite", &mut fresh, &inputs);
            }
            "postgres" => {
                if hoptac_testkit::postgres().is_none() {
                    eprintln!("no PostgreSQL on this machine: skipped");
                    continue;
                }
                let mut fresh = || {
                    let d = hoptac_testkit::postgres().expect("postgres");
                    let url = d.url.clone();
                    keep.push(d);
                    url
                };
                bench("PostgreSQL", &mut fresh, &inputs);
            }
            other => eprintln!("unknown backend {other}: skipped"),
        }
    }
}
