//! `cargo bench -p hoptac --bench registry` (or `benches/run`): the core jobs timed on
//! a generated province, on SQLite and on PostgreSQL (a throwaway cluster, as in the
//! tests). Prints a Markdown table for BENCHMARKS.md. A small harness of our own
//! (no criterion): each figure is the median and the 95th percentile of repeated runs.
//!
//! Settings (environment): `HOPTAC_BENCH_SCALE` (demo scale, default 4: about 2,000
//! HTX, 1,200 THT), `HOPTAC_BENCH_RUNS` (default 20), `HOPTAC_BENCH_BACKENDS`
//! (`sqlite,postgres`), `HOPTAC_BENCH_NATIONAL` (a national SQLite file from `hoptac
//! demo --scale vn`: its target report is timed too; one organisation is edited).

use chrono::NaiveDate;
use hoptac_app::export::{export, Format};
use hoptac_app::import::{import_file, ImportOptions};
use hoptac_app::{Actor, Registry};
use hoptac_demo::{generate, DemoSpec};
use hoptac_domain::auth::Scope;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, PageRequest};
use hoptac_io::grid::Cell;
use hoptac_io::write::{self, Out};
use hoptac_store::{migrate::migrate, Db};
use std::time::{Duration, Instant};

/// A cell of the export as it would be written again.
fn out(c: &Cell) -> Out {
    match c {
        Cell::Empty => Out::Empty,
        Cell::Number(n) if n.fract() == 0.0 => Out::Int(*n as i64),
        Cell::Date(d) => Out::Date(*d),
        other => Out::Text(other.to_text()),
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn open(url: &str) -> Registry {
    open_as(url, Some("20".into()))
}

/// A registry for a province (`None`: national).
fn open_as(url: &str, province: Option<String>) -> Registry {
    let db = Db::open(url).expect("open the database");
    migrate(&db).expect("migrate");
    Registry::open(db, province)
        .expect("registry")
        .with_today(NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"))
}

/// Median and 95th percentile of `runs` calls.
fn sample(runs: usize, f: impl FnMut()) -> (Duration, Duration) {
    sample_after(runs, || {}, f)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn bench(backend: &str, url: &str, fresh: &mut dyn FnMut() -> String, scale: f64, runs: usize) {
    let actor = Actor::new("bench", None);
    let reg = open(url);
    let t = Instant::now();
    let summary = generate(
        &reg,
        &DemoSpec {
            scale,
            ..Default::default()
        },
    )
    .expect("demo");
    let gen = t.elapsed();
    let orgs = summary.cooperatives + summary.groups + summary.unions;
    let row = |what: &str, p50: String, p95: String, note: String| {
        println!("| {backend} | {what} | {p50} | {p95} | {note} |");
    };
    row(
        "generate the demo province",
        ms(gen),
        "—".into(),
        format!(
            "{orgs} organisations, {} reports, {} evaluations",
            summary.reports, summary.evaluations
        ),
    );

    // Export (timed), then import the registry into fresh databases (rows/s). The
    // export carries record ids, which a new database does not know; the files imported
    // are the export without its id column, as a province would hand them over.
    let all = OrgFilter::default();
    for format in [Format::Csv, Format::Xlsx] {
        let (e50, e95) = sample(runs.min(5), || {
            export(&reg, &Scope::All, &all, format, Lang::Vi, false).expect("export");
        });
        row(
            &format!("export {} ({orgs} rows)", format.extension()),
            ms(e50),
            ms(e95),
            format!("{:.0} rows/s", orgs as f64 / e50.as_secs_f64()),
        );
    }
    let (csv, _) = export(&reg, &Scope::All, &all, Format::Csv, Lang::Vi, false).expect("export");
    let grid = hoptac_io::grid::read_csv(&csv).expect("read the export");
    let headers: Vec<String> = grid.rows[0][1..].iter().map(Cell::to_text).collect();
    let rows: Vec<Vec<Out>> = grid.rows[1..]
        .iter()
        .map(|r| r.iter().skip(1).map(out).collect())
        .collect();
    let files = [
        ("registry.csv", write::csv(&headers, &rows).expect("csv")),
        (
            "registry.xlsx",
            write::xlsx("Danh sách", &headers, &rows).expect("xlsx"),
        ),
    ];
    for (name, bytes) in files {
        let mut times = Vec::new();
        for _ in 0..3 {
            let target = open(&fresh());
            let t = Instant::now();
            let report = import_file(
                &target,
                name,
                bytes.clone(),
                &ImportOptions {
                    kind: None,
                    dry_run: false,
                    lang: Lang::Vi,
                },
                &actor,
                &|_| {},
            )
            .map_err(|e| format!("{e}"))
            .expect("import");
            times.push(t.elapsed());
            assert_eq!(report.created, rows.len(), "every row imported");
        }
        times.sort();
        row(
            &format!("import {name} ({} rows, new database)", rows.len()),
            ms(times[1]),
            ms(times[2]),
            format!("{:.0} rows/s", rows.len() as f64 / times[1].as_secs_f64()),
        );
    }

    // Registry search without diacritics, first page of 50.
    let search = OrgFilter {
        q: Some("hop tac nong nghiep".into()),
        ..Default::default()
    };
    let (s50, s95) = sample(runs, || {
        reg.list(&Scope::All, &search, PageRequest::default())
            .expect("search");
    });
    row(
        "search \"hop tac nong nghiep\", first 50",
        ms(s50),
        ms(s95),
        String::new(),
    );

    targets(&reg, url, runs, backend, "province");

    let (r50, r95) = sample(runs.min(5), || {
        reg.recheck_evaluations(2025).expect("recheck");
    });
    row(
        "recheck every 2025 evaluation against its rule set",
        ms(r50),
        ms(r95),
        format!(
            "{} sheets",
            reg.evaluations_for_year(2025).map(|e| e.len()).unwrap_or(0)
        ),
    );
}

/// Median and 95th percentile of `runs` calls of `f`, each after an untimed `before`.
fn sample_after(
    runs: usize,
    mut before: impl FnMut(),
    mut f: impl FnMut(),
) -> (Duration, Duration) {
    before();
    f(); // warm caches once, as a server would be
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            before();
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

/// Letter 538's target report, whole and split by commune: with the indicator facts
/// read afresh (a server's first report), right after one change (the facts catch up
/// from the audit trail), and as served from the cache (data unchanged).
fn targets(reg: &Registry, url: &str, runs: usize, backend: &str, scope: &str) {
    use hoptac_app::indicators::Breakdown;
    let row = |job: &str, (p50, p95): (Duration, Duration), note: String| {
        println!("| {backend} | {job} | {} | {} | {note} |", ms(p50), ms(p95));
    };
    let province = reg.places().province.clone();
    row(
        &format!("Letter 538 targets, {scope}, 2025, first report of a server"),
        sample(runs.min(5), || {
            open_as(url, province.clone())
                .compute_target_report(2025, None, None)
                .expect("targets");
        }),
        "reads every organisation's history, rating and report figures".into(),
    );
    // One organisation edited before each run, as by an officer between two reads.
    let some = reg
        .list(&Scope::All, &OrgFilter::default(), PageRequest::default())
        .expect("list")
        .items
        .first()
        .map(|o| o.id)
        .expect("an organisation");
    let mut members = 10;
    let mut edit = || {
        members = if members == 10 { 11 } else { 10 };
        let cur = reg.get(some, None).expect("get");
        let fields = hoptac_domain::org::OrgFields {
            members: Some(members),
            ..Default::default()
        };
        reg.update(some, cur.version, fields, None, &Actor::new("bench", None))
            .expect("edit");
    };
    row(
        "… computed after one change",
        sample_after(runs, &mut edit, || {
            reg.compute_target_report(2025, None, None)
                .expect("targets");
        }),
        "the facts catch up from the audit trail".into(),
    );
    row(
        "… split by 2025 commune, computed after one change",
        sample_after(runs, &mut edit, || {
            reg.compute_target_report(2025, Some(Breakdown::Commune), None)
                .expect("targets");
        }),
        String::new(),
    );
    row(
        "… split by 2025 commune, cached (data unchanged)",
        sample(runs, || {
            reg.target_report(2025, Some(Breakdown::Commune))
                .expect("targets");
        }),
        "one indexed read of the audit head".into(),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let scale: f64 = env_or("HOPTAC_BENCH_SCALE", 4.0);
    let runs: usize = env_or("HOPTAC_BENCH_RUNS", 20).max(3);
    let backends =
        std::env::var("HOPTAC_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    println!("scale {scale}, {runs} runs per figure\n");
    println!("| database | job | median | p95 | note |");
    println!("|---|---|---|---|---|");
    // The national dataset (`hoptac demo --scale vn`), served for every province: its
    // target report after a change. The edits toggle one organisation's member count.
    if let Ok(path) = std::env::var("HOPTAC_BENCH_NATIONAL") {
        let url = format!("sqlite://{path}");
        let reg = open_as(&url, None);
        targets(&reg, &url, runs, "SQLite", "national");
    }
    let mut keep = Vec::new();
    for backend in backends.split(',').map(str::trim) {
        match backend {
            "sqlite" => {
                let db = hoptac_testkit::sqlite();
                let mut fresh = || {
                    let d = hoptac_testkit::sqlite();
                    let url = d.url.clone();
                    keep.push(d);
                    url
                };
                bench("SQLite", &db, &mut fresh, scale, runs);
            }
            "postgres" => {
                let Some(db) = hoptac_testkit::postgres() else {
                    eprintln!("no PostgreSQL on this machine: skipped");
                    continue;
                };
                let mut fresh = || {
                    let d = hoptac_testkit::postgres().expect("postgres");
                    let url = d.url.clone();
                    keep.push(d);
                    url
                };
                bench("PostgreSQL", &db, &mut fresh, scale, runs);
            }
            other => eprintln!("unknown backend {other}: skipped"),
        }
    }
}
