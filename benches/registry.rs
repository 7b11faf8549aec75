//! `cargo bench -p hoptac --bench registry` (or `benches/run`): the core jobs timed on
//! a generated province, on SQLite and on PostgreSQL (a throwaway cluster, as in the
//! tests). Prints a Markdown table for BENCHMARKS.md. A small harness of our own
//! (no criterion): each figure is the median and the 95th percentile of repeated runs.
//!
//! Settings (environment): `HOPTAC_BENCH_SCALE` (demo scale, default 4: about 2,000
//! HTX, 1,200 THT), `HOPTAC_BENCH_RUNS` (default 20), `HOPTAC_BENCH_BACKENDS`
//! (`sqlite,postgres`).

use chrono::NaiveDate;
use hoptac_app::demo::{generate, DemoSpec};
use hoptac_app::export::{export, Format};
use hoptac_app::import::{import_file, ImportOptions};
use hoptac_app::{Actor, Registry};
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
    let db = Db::open(url).expect("open the database");
    migrate(&db).expect("migrate");
    Registry::open(db, Some("20".into()))
        .expect("registry")
        .with_today(NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"))
}

/// Median and 95th percentile of `runs` calls.
fn sample(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f(); // warm caches once, as a server would be
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
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
            export(&reg, &all, format, Lang::Vi, false).expect("export");
        });
        row(
            &format!("export {} ({orgs} rows)", format.extension()),
            ms(e50),
            ms(e95),
            format!("{:.0} rows/s", orgs as f64 / e50.as_secs_f64()),
        );
    }
    let (csv, _) = export(&reg, &all, Format::Csv, Lang::Vi, false).expect("export");
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
        reg.list(&search, PageRequest::default()).expect("search");
    });
    row(
        "search \"hop tac nong nghiep\", first 50",
        ms(s50),
        ms(s95),
        String::new(),
    );

    // Letter 538 indicators for the province, and split by commune: computed afresh
    // (as right after any change to the data), then as served from the cache (a
    // request that finds the audit head unchanged).
    use hoptac_app::indicators::Breakdown;
    let (t50, t95) = sample(runs, || {
        reg.compute_target_report(2025, None, None)
            .expect("targets");
    });
    row(
        "Letter 538 targets, province, 2025, computed",
        ms(t50),
        ms(t95),
        String::new(),
    );
    let (c50, c95) = sample(runs.min(10), || {
        reg.compute_target_report(2025, Some(Breakdown::Commune), None)
            .expect("targets");
    });
    row(
        "… split by 2025 commune, computed",
        ms(c50),
        ms(c95),
        String::new(),
    );
    let (k50, k95) = sample(runs, || {
        reg.target_report(2025, Some(Breakdown::Commune))
            .expect("targets");
    });
    row(
        "… split by 2025 commune, cached (data unchanged)",
        ms(k50),
        ms(k95),
        "one indexed read of the audit head".into(),
    );
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

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let scale: f64 = env_or("HOPTAC_BENCH_SCALE", 4.0);
    let runs: usize = env_or("HOPTAC_BENCH_RUNS", 20).max(3);
    let backends =
        std::env::var("HOPTAC_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    println!("scale {scale}, {runs} runs per figure\n");
    println!("| database | job | median | p95 | note |");
    println!("|---|---|---|---|---|");
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
