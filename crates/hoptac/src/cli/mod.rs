//! Command-line interface. Errors are printed in Vietnamese (or English with
//! `--lang en`) and end with exit code 1; bad usage ends with 2.
//!
//! This module holds the top-level parser (`Cli`, the global options and the
//! `Command` list), opening the registry and the dispatch; each subcommand group
//! lives in its own file with its arguments beside its handler.

use clap::{Args, Parser, Subcommand};
use hoptac_app::{AppError, Registry};
use hoptac_domain::i18n::Lang;
use hoptac_store::{migrate::migrate, Db};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hoptac",
    version,
    about = "Sổ đăng ký và theo dõi kinh tế tập thể (HTX, LHHTX, THT) — registry of cooperatives, unions and groups",
    long_about = "hoptac: registry, evaluation and monitoring of a province's collective economy.\n\n\
Start with `hoptac demo` to see a demo province at http://127.0.0.1:8080, or\n\
`hoptac serve --database sqlite://hoptac.db` for your own data.\n\
Messages are in Vietnamese; add --lang en for English."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Global {
    /// Database: sqlite://PATH (created if missing) or postgres://USER@HOST/DB.
    /// Default: sqlite://hoptac.db; for `hoptac demo`, sqlite://hoptac-demo.db.
    #[arg(long, global = true, env = "HOPTAC_DATABASE")]
    database: Option<String>,
    /// Province served, by its 2025 code (Lạng Sơn: 20), or `all` for a national view.
    #[arg(long, global = true, env = "HOPTAC_PROVINCE", default_value = "20")]
    province: String,
    /// Language of messages: vi (default) or en.
    #[arg(long, global = true, env = "HOPTAC_LANG", default_value = "vi")]
    lang: String,
    /// Extra evaluation rule sets: a .toml file or a folder of them (checked on load).
    #[arg(long, global = true, env = "HOPTAC_RULE_SETS")]
    rule_sets: Option<PathBuf>,
    /// Filing deadlines as DD/MM of the year and DD/MM of the next year: the score
    /// sheet and estimate, then the final report.
    #[arg(
        long,
        global = true,
        env = "HOPTAC_DEADLINES",
        default_value = "15/12,15/01"
    )]
    deadlines: String,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (JSON API under /api/v1, start page at /).
    Serve(serve::ServeArgs),
    /// Apply database migrations (also done by every other command).
    Migrate,
    /// Import organisations from .xlsx or .csv; nothing is written if any row is wrong.
    Import(import::ImportArgs),
    /// Export organisations (filtered) to .xlsx or .csv in the import layout.
    Export(Box<export::ExportArgs>),
    /// Fill a database with the demo province and demo accounts (if empty) and serve it.
    Demo(demo::DemoArgs),
    /// Write a consistent copy of a live SQLite database (for PostgreSQL use pg_dump).
    Backup(backup::BackupArgs),
    /// Letter 538's targets and indicators for a year (table, JSON or CSV).
    Targets(targets::TargetsArgs),
    /// Who has not filed the self-evaluation or the final report by its deadline, by commune.
    Filings(filings::FilingsArgs),
    /// HTX rated weak or formal-only in a year, and their follow-up plans.
    FollowUps(follow_ups::FollowUpsArgs),
    /// Recompute every scored evaluation of a year and list those whose stored
    /// outcome differs (exit 1 if any).
    Recheck(recheck::RecheckArgs),
    /// The tamper-evident audit trail: verify it and the stored state against it,
    /// print an anchor to keep, list links, seal rows older than its digests.
    Audit(audit::AuditArgs),
    /// Accounts: add, list, disable, enable, reset a password, issue an API token.
    User(user::UserArgs),
}

/// The database when none is named (`hoptac demo` has its own, [`DEMO_DATABASE`]).
const DEFAULT_DATABASE: &str = "sqlite://hoptac.db";
/// The demo's database when none is named: the demo never fills the default one.
const DEMO_DATABASE: &str = "sqlite://hoptac-demo.db";

impl Global {
    /// The database URL: as named, else the default.
    fn database(&self) -> &str {
        self.database.as_deref().unwrap_or(DEFAULT_DATABASE)
    }

    /// `--database URL` as a command to copy names it (nothing for the default), so
    /// that a printed hint works on the database it was printed for.
    fn database_option(&self) -> String {
        let url = self.database();
        // Named by HOPTAC_DATABASE, the copied command finds it there too (and a
        // password in the URL is not printed).
        let from_env = std::env::var("HOPTAC_DATABASE").is_ok_and(|v| v == url);
        if url == DEFAULT_DATABASE || from_env {
            String::new()
        } else {
            format!("--database {} ", shell_word(url))
        }
    }
}

/// A word as a POSIX shell reads it back unchanged: quoted unless plainly safe.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:@._-+=,%".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

struct Failure(String);

/// Prints a line to standard output; a closed pipe (`hoptac … | head`) ends the
/// program quietly instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    };
}

fn fail(e: AppError, lang: Lang) -> Failure {
    Failure(e.message(lang))
}

fn province(g: &Global) -> Option<String> {
    match g.province.trim() {
        "all" | "" | "vn" => None,
        p => Some(format!("{p:0>2}")),
    }
}

fn open(g: &Global, lang: Lang) -> Result<Registry, Failure> {
    // A bare path is refused by Db::open, which names the accepted schemes.
    let db = Db::open(g.database()).map_err(|e| fail(e.into(), lang))?;
    migrate(&db).map_err(|e| fail(e.into(), lang))?;
    let province = province(g);
    if let Some(p) = &province {
        if hoptac_domain::place::AdminUnits::embedded()
            .province(hoptac_domain::Scheme::Y2025, p)
            .is_none()
        {
            return Err(Failure(match lang {
                Lang::Vi => format!("Không có tỉnh mã {p} (mã tỉnh sau 1/7/2025, ví dụ Lạng Sơn là 20; hoặc \"all\" cho toàn quốc)"),
                Lang::En => format!("No province with code {p} (2025 province codes, e.g. Lạng Sơn is 20; or \"all\" for national)"),
            }));
        }
    }
    let deadlines = parse_deadlines(&g.deadlines).ok_or_else(|| {
        Failure(format!(
            "--deadlines {}: {}",
            g.deadlines,
            lang.t(
                "dạng NN/TT,NN/TT, ví dụ 15/12,15/01",
                "the form DD/MM,DD/MM, e.g. 15/12,15/01"
            )
        ))
    })?;
    let reg = Registry::open(db, province)
        .map_err(|e| fail(e, lang))?
        .with_deadlines(deadlines);
    match &g.rule_sets {
        Some(p) => reg.with_rule_sets_from(p).map_err(|e| fail(e, lang)),
        None => Ok(reg),
    }
}

// After `outln!` so that every subcommand module can use it.
mod audit;
mod backup;
mod demo;
mod export;
mod filings;
mod follow_ups;
mod import;
mod recheck;
mod serve;
mod targets;
mod user;

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let lang = Lang::parse(&cli.global.lang);
    // Servers log their work; one-shot commands say what they did themselves and log
    // only what went wrong (RUST_LOG overrides both).
    let level = match cli.command {
        Command::Serve(_) | Command::Demo(_) => "info",
        _ => "warn",
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| level.into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let result = match cli.command {
        Command::Serve(a) => open(&cli.global, lang)
            .and_then(|reg| serve::run(reg, a, &cli.global.database_option(), lang)),
        Command::Migrate => open(&cli.global, lang).map(|_| {
            outln!(
                "{}",
                lang.t(
                    "Cơ sở dữ liệu đã được cập nhật cấu trúc.",
                    "Database schema is up to date."
                )
            );
        }),
        Command::Import(a) => open(&cli.global, lang).and_then(|reg| import::run(&reg, a, lang)),
        Command::Export(a) => open(&cli.global, lang).and_then(|reg| export::run(&reg, *a, lang)),
        Command::Demo(a) => demo::run(&cli.global, a, lang),
        Command::Targets(a) => open(&cli.global, lang).and_then(|reg| targets::run(&reg, a, lang)),
        Command::Filings(a) => open(&cli.global, lang).and_then(|reg| filings::run(&reg, a, lang)),
        Command::FollowUps(a) => {
            open(&cli.global, lang).and_then(|reg| follow_ups::run(&reg, a, lang))
        }
        Command::Audit(a) => open(&cli.global, lang).and_then(|reg| audit::run(&reg, a, lang)),
        Command::Recheck(a) => open(&cli.global, lang).and_then(|reg| recheck::run(&reg, a, lang)),
        Command::User(a) => open(&cli.global, lang).and_then(|reg| user::run(&reg, a, lang)),
        Command::Backup(a) => open(&cli.global, lang).and_then(|reg| backup::run(&reg, a, lang)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(m)) => {
            eprintln!("{} {m}", lang.t("Lỗi:", "Error:"));
            ExitCode::from(1)
        }
    }
}

/// `15/12,15/01` → the self-evaluation and final report deadlines.
fn parse_deadlines(s: &str) -> Option<hoptac_domain::report::Deadlines> {
    let day_month = |x: &str| -> Option<(u32, u32)> {
        let (d, m) = x.trim().split_once('/')?;
        let (d, m): (u32, u32) = (d.parse().ok()?, m.parse().ok()?);
        // Valid in every year (29 February is not).
        chrono::NaiveDate::from_ymd_opt(2023, m, d)?;
        Some((m, d))
    };
    let (a, b) = s.split_once(',')?;
    Some(hoptac_domain::report::Deadlines {
        self_evaluation: day_month(a)?,
        final_report: day_month(b)?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn printed_database_urls_are_read_back_by_a_shell_unchanged() {
        assert_eq!(
            super::shell_word("sqlite://hoptac-demo.db"),
            "sqlite://hoptac-demo.db"
        );
        assert_eq!(
            super::shell_word("sqlite:///tmp/my demo's.db"),
            "'sqlite:///tmp/my demo'\\''s.db'"
        );
    }
}
