//! Command-line interface. Errors are printed in Vietnamese (or English with
//! `--lang en`) and end with exit code 1; bad usage ends with 2.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use hoptac_app::demo::{generate, DemoSpec};
use hoptac_app::export::{export, Format};
use hoptac_app::import::{import_file, ImportOptions, ImportReport, Progress};
use hoptac_app::{Actor, AppError, Registry};
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, PlaceFilter};
use hoptac_domain::org::{OrgKind, Sector, Status};
use hoptac_store::{backup::backup_sqlite, migrate::migrate, Db};
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
    #[arg(
        long,
        global = true,
        env = "HOPTAC_DATABASE",
        default_value = "sqlite://hoptac.db"
    )]
    database: String,
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
    Serve(ServeArgs),
    /// Apply database migrations (also done by every other command).
    Migrate,
    /// Import organisations from .xlsx or .csv; nothing is written if any row is wrong.
    Import(ImportArgs),
    /// Export organisations (filtered) to .xlsx or .csv in the import layout.
    Export(Box<ExportArgs>),
    /// Fill a database with the demo province (if empty) and serve it.
    Demo(DemoArgs),
    /// Write a consistent copy of a live SQLite database (for PostgreSQL use pg_dump).
    Backup(BackupArgs),
    /// Letter 538's targets and indicators for a year (table, JSON or CSV).
    Targets(TargetsArgs),
    /// Who has not filed the self-evaluation or the final report by its deadline, by commune.
    Filings(FilingsArgs),
    /// HTX rated weak or formal-only in a year, and their follow-up plans.
    FollowUps(FollowUpsArgs),
    /// Recompute every scored evaluation of a year and list those whose stored
    /// outcome differs (exit 1 if any).
    Recheck(RecheckArgs),
    /// The tamper-evident audit trail: verify it, print an anchor to keep, list links.
    Audit(AuditArgs),
    /// Accounts: add, list, disable, enable, reset a password, issue an API token.
    User(UserArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOPTAC_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
}

#[derive(Args)]
struct ImportArgs {
    /// The .xlsx or .csv file.
    file: PathBuf,
    /// What the file holds: registry (organisations), reports (annual reports) or
    /// scores (score sheets, one column per sub-criterion).
    #[arg(long, default_value = "registry")]
    what: String,
    /// Kind of every row when the file has no "Loại hình" column: HTX, LHHTX or THT.
    #[arg(long)]
    kind: Option<String>,
    /// Reports and scores: the year of every row when the file has no "Năm" column.
    #[arg(long)]
    year: Option<i32>,
    /// Scores: enter the sheets as approved historical sheets (provincial officers).
    #[arg(long)]
    approved: bool,
    /// Check the whole file and report, without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Who is importing (recorded in every record's history).
    #[arg(long = "as", default_value = "cli")]
    author: String,
}

#[derive(Args)]
struct ExportArgs {
    /// Output file (.xlsx or .csv), or - for standard output.
    file: PathBuf,
    /// xlsx or csv (default: from the file name).
    #[arg(long)]
    format: Option<String>,
    /// Words to search for (diacritics ignored).
    #[arg(long)]
    q: Option<String>,
    /// Kinds, comma-separated: HTX,LHHTX,THT.
    #[arg(long)]
    kind: Option<String>,
    /// Statuses, comma-separated (active, suspended, dissolved, …).
    #[arg(long)]
    status: Option<String>,
    /// Sectors, comma-separated (codes or labels).
    #[arg(long)]
    sector: Option<String>,
    /// Only this 2025 commune (code).
    #[arg(long)]
    commune_2025: Option<String>,
    /// Only this legacy district (code).
    #[arg(long)]
    legacy_district: Option<String>,
    /// Only this legacy commune (code).
    #[arg(long)]
    legacy_commune: Option<String>,
    /// Founded on or after (yyyy-mm-dd or dd/mm/yyyy).
    #[arg(long)]
    founded_from: Option<String>,
    /// Founded on or before.
    #[arg(long)]
    founded_to: Option<String>,
    /// The registry as it was on this date.
    #[arg(long)]
    as_of: Option<String>,
}

#[derive(Args)]
struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "HOPTAC_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Random seed: the same seed gives the same province.
    #[arg(long, default_value_t = 538)]
    seed: u64,
    /// Size: a factor (1 gives about 500 HTX, 300 THT and 6 LHHTX in the province),
    /// `vn` for a national dataset over every province (about 35,000 HTX, 80,000 THT,
    /// 200 LHHTX; implies --province all), or `1m` for the stress dataset: 1,000,000
    /// organisations over the whole country with one year of reports, written a chunk
    /// at a time.
    #[arg(long, default_value = "1")]
    scale: String,
    /// Generate and exit without serving.
    #[arg(long)]
    no_serve: bool,
}

#[derive(Args)]
struct TargetsArgs {
    /// The year (values on 31 December; period counts up to it).
    #[arg(long)]
    year: Option<i32>,
    /// Split by: commune (2025), district (legacy), legacy-commune, sector or kind.
    #[arg(long)]
    by: Option<String>,
    /// table (default), json or csv.
    #[arg(long, default_value = "table")]
    format: String,
}

#[derive(Args)]
struct FilingsArgs {
    #[arg(long)]
    year: i32,
    /// self-evaluation (due 15/12) or final-report (due 15/01 of the next year).
    #[arg(long, default_value = "final-report")]
    filing: String,
}

#[derive(Args)]
struct RecheckArgs {
    #[arg(long)]
    year: i32,
}

#[derive(Args)]
struct FollowUpsArgs {
    #[arg(long)]
    year: i32,
    /// Only those without a follow-up record.
    #[arg(long)]
    missing_only: bool,
}

#[derive(Args)]
struct UserArgs {
    #[command(subcommand)]
    what: UserCmd,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account. Without --password-stdin a password is generated and shown once.
    Add {
        username: String,
        /// admin, provincial_officer, commune_officer, cooperative or leader.
        #[arg(long)]
        role: String,
        /// Full name shown in the history.
        #[arg(long)]
        name: Option<String>,
        /// Commune officers: a 2025 commune code (repeat for several).
        #[arg(long = "commune")]
        communes: Vec<String>,
        /// Cooperative accounts: the organisation's record id.
        #[arg(long)]
        org: Option<i64>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Disable an account (its sessions end at once).
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Set a new password (generated and shown once without --password-stdin).
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Issue an API bearer token for an account (shown once).
    Token {
        username: String,
        #[arg(long, default_value = "api")]
        label: String,
    },
}

#[derive(Args)]
struct AuditArgs {
    #[command(subcommand)]
    what: AuditCmd,
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the hash chain; with --anchor, also check it still passes through a
    /// link kept earlier (catches a rewritten chain). Exit 1 if anything is wrong.
    Verify {
        /// SEQ:HASH as printed by `hoptac audit anchor`.
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Print the latest link (SEQ:HASH) to keep outside the database.
    Anchor,
    /// The most recent links: who, when, what.
    List {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

#[derive(Args)]
struct BackupArgs {
    /// Where to write the copy (must not exist).
    dest: PathBuf,
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
    let db = Db::open(&g.database).map_err(|e| fail(e.into(), lang))?;
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
        Command::Serve(a) => open(&cli.global, lang).and_then(|reg| serve(reg, &a.bind, lang)),
        Command::Migrate => open(&cli.global, lang).map(|_| {
            outln!(
                "{}",
                lang.t(
                    "Cơ sở dữ liệu đã được cập nhật cấu trúc.",
                    "Database schema is up to date."
                )
            );
        }),
        Command::Import(a) => open(&cli.global, lang).and_then(|reg| import(&reg, a, lang)),
        Command::Export(a) => open(&cli.global, lang).and_then(|reg| export_cmd(&reg, *a, lang)),
        Command::Demo(a) => demo(&cli.global, a, lang),
        Command::Targets(a) => open(&cli.global, lang).and_then(|reg| targets_cmd(&reg, a, lang)),
        Command::Filings(a) => open(&cli.global, lang).and_then(|reg| filings_cmd(&reg, a, lang)),
        Command::FollowUps(a) => {
            open(&cli.global, lang).and_then(|reg| follow_ups_cmd(&reg, a, lang))
        }
        Command::Audit(a) => open(&cli.global, lang).and_then(|reg| audit_cmd(&reg, a, lang)),
        Command::Recheck(a) => open(&cli.global, lang).and_then(|reg| recheck_cmd(&reg, a, lang)),
        Command::User(a) => open(&cli.global, lang).and_then(|reg| user_cmd(&reg, a, lang)),
        Command::Backup(a) => open(&cli.global, lang).and_then(|reg| {
            backup_sqlite(&reg.db, &a.dest).map_err(|e| fail(e.into(), lang))?;
            outln!(
                "{} {}",
                lang.t("Đã sao lưu vào", "Backed up to"),
                a.dest.display()
            );
            Ok(())
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(m)) => {
            eprintln!("{} {m}", lang.t("Lỗi:", "Error:"));
            ExitCode::from(1)
        }
    }
}

fn serve(reg: Registry, bind: &str, lang: Lang) -> Result<(), Failure> {
    if !reg.has_admin().unwrap_or(true) {
        eprintln!(
            "{}",
            lang.t(
                "Chưa có tài khoản quản trị. Tạo tài khoản đầu tiên: hoptac user add <tên> --role admin",
                "No administrator yet. Create the first one: hoptac user add <name> --role admin"
            )
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(e.to_string()))?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| {
            Failure(match lang {
                Lang::Vi => format!("không mở được cổng {bind}: {e}"),
                Lang::En => format!("cannot listen on {bind}: {e}"),
            })
        })?;
        let addr = listener.local_addr().map_err(|e| Failure(e.to_string()))?;
        outln!(
            "hoptac: http://{addr}  ({})",
            lang.t("Ctrl-C để dừng", "Ctrl-C to stop")
        );
        let _ = std::io::stdout().flush();
        // Cookies are marked Secure when the server sits behind HTTPS.
        let secure = std::env::var("HOPTAC_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true");
        hoptac_web::serve(reg, listener, secure)
            .await
            .map_err(|e| Failure(e.to_string()))
    })
}

fn print_report(r: &ImportReport, lang: Lang) {
    let mut out = std::io::stderr();
    let _ = writeln!(
        out,
        "{} {}{}{}",
        lang.t("Tệp", "File"),
        r.file,
        if r.sheet.is_empty() {
            String::new()
        } else {
            format!(", {} \"{}\"", lang.t("trang", "sheet"), r.sheet)
        },
        if r.header_rows.0 > 0 {
            format!(
                ", {} {}–{}",
                lang.t("tiêu đề ở dòng", "header on rows"),
                r.header_rows.0,
                r.header_rows.1
            )
        } else {
            String::new()
        }
    );
    for (col, header, field) in &r.columns {
        let _ = writeln!(
            out,
            "  {} {col} \"{header}\" → {}",
            lang.t("cột", "column"),
            hoptac_domain::i18n::field_label(field, lang)
        );
    }
    for n in &r.notes {
        let _ = writeln!(out, "  {}: {n}", lang.t("Ghi chú", "Note"));
    }
    if !r.errors.is_empty() {
        let _ = writeln!(out, "{} ({}):", lang.t("Lỗi", "Errors"), r.errors.len());
        for e in &r.errors {
            let place = match (e.row, &e.column, &e.header) {
                (0, _, _) => lang.t("Tệp", "File").to_owned(),
                (row, Some(c), Some(h)) => format!(
                    "{} {row}, {} {c} \"{h}\"",
                    lang.t("Dòng", "Row"),
                    lang.t("cột", "column")
                ),
                (row, _, _) => format!("{} {row}", lang.t("Dòng", "Row")),
            };
            let _ = writeln!(out, "  {place}: {}", e.message);
        }
    }
}

fn import(reg: &Registry, a: ImportArgs, lang: Lang) -> Result<(), Failure> {
    let kind = match a.kind.as_deref() {
        Some(k) => Some(OrgKind::parse(k).ok_or_else(|| {
            Failure(format!(
                "--kind {k}: {}",
                lang.t("dùng HTX, LHHTX hoặc THT", "use HTX, LHHTX or THT")
            ))
        })?),
        None => None,
    };
    let bytes =
        std::fs::read(&a.file).map_err(|e| Failure(format!("{}: {e}", a.file.display())))?;
    let name = a.file.file_name().map_or_else(
        || a.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let opts = ImportOptions {
        kind,
        dry_run: a.dry_run,
        lang,
    };
    let actor = Actor::new(a.author.clone(), Some(format!("import: {name}")));
    let progress = |p: Progress| {
        let (what, done, total) = match p {
            Progress::Checking { done, total } => {
                (lang.t("Đang kiểm tra", "Checking"), done, total)
            }
            Progress::Writing { done, total } => (lang.t("Đang ghi", "Writing"), done, total),
        };
        if total >= 500 {
            eprint!("\r{what}: {done}/{total} {}   ", lang.t("dòng", "rows"));
            if done == total {
                eprintln!();
            }
        }
    };
    let doc_opts = hoptac_app::import_docs::DocImportOptions {
        year: a.year,
        dry_run: a.dry_run,
        lang,
        approved: a.approved,
    };
    let result = match a.what.as_str() {
        "registry" => import_file(reg, &name, bytes, &opts, &actor, &progress),
        "reports" => hoptac_app::import_docs::import_reports(reg, &name, bytes, &doc_opts, &actor),
        "scores" => {
            hoptac_app::import_docs::import_score_sheets(reg, &name, bytes, &doc_opts, &actor)
        }
        w => return Err(Failure(format!("--what {w}: registry, reports, scores"))),
    };
    match result {
        Ok(r) => {
            print_report(&r, lang);
            outln!("{}", r.summary(lang));
            Ok(())
        }
        Err(AppError::ImportRejected(r)) => {
            print_report(&r, lang);
            Err(Failure(r.summary(lang)))
        }
        Err(e) => Err(fail(e, lang)),
    }
}

fn date_arg(v: &Option<String>, name: &str, lang: Lang) -> Result<Option<NaiveDate>, Failure> {
    v.as_deref()
        .map(|s| {
            hoptac_domain::i18n::parse_date(s).ok_or_else(|| {
                Failure(format!(
                    "--{name} {s}: {}",
                    lang.t(
                        "không phải ngày (yyyy-mm-dd hoặc dd/mm/yyyy)",
                        "not a date (yyyy-mm-dd or dd/mm/yyyy)"
                    )
                ))
            })
        })
        .transpose()
}

fn list_arg<T>(
    v: &Option<String>,
    name: &str,
    parse: fn(&str) -> Option<T>,
    lang: Lang,
) -> Result<Vec<T>, Failure> {
    hoptac_domain::list::parse_list(v.as_deref(), parse).map_err(|bad| {
        Failure(format!(
            "--{name} {bad}: {}",
            lang.t("giá trị không hợp lệ", "not a valid value")
        ))
    })
}

fn export_cmd(reg: &Registry, a: ExportArgs, lang: Lang) -> Result<(), Failure> {
    let format = match a.format.as_deref() {
        Some(f) => Format::parse(f).ok_or_else(|| Failure(format!("--format {f}: xlsx, csv")))?,
        None if a
            .file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
        {
            Format::Csv
        }
        None if a.file.as_os_str() == "-" => Format::Csv,
        None => Format::Xlsx,
    };
    let place = match (&a.commune_2025, &a.legacy_district, &a.legacy_commune) {
        (Some(c), _, _) => Some(PlaceFilter::Commune2025(c.clone())),
        (_, Some(d), _) => Some(PlaceFilter::LegacyDistrict(d.clone())),
        (_, _, Some(c)) => Some(PlaceFilter::LegacyCommune(c.clone())),
        _ => None,
    };
    let filter = OrgFilter {
        q: a.q.clone(),
        kinds: list_arg(&a.kind, "kind", OrgKind::parse, lang)?,
        statuses: list_arg(&a.status, "status", Status::parse, lang)?,
        sectors: list_arg(&a.sector, "sector", Sector::parse, lang)?,
        place,
        founded_from: date_arg(&a.founded_from, "founded-from", lang)?,
        founded_to: date_arg(&a.founded_to, "founded-to", lang)?,
        as_of: date_arg(&a.as_of, "as-of", lang)?,
        ..Default::default()
    };
    // The command line is the operator of the database: everything.
    let (bytes, _) = export(reg, &filter, format, lang, false).map_err(|e| fail(e, lang))?;
    if a.file.as_os_str() == "-" {
        match std::io::stdout().write_all(&bytes) {
            // The reader stopped early (`| head`): not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            r => r.map_err(|e| Failure(e.to_string()))?,
        }
    } else {
        std::fs::write(&a.file, &bytes)
            .map_err(|e| Failure(format!("{}: {e}", a.file.display())))?;
        eprintln!("{} {}", lang.t("Đã xuất", "Exported to"), a.file.display());
    }
    Ok(())
}

fn demo(g: &Global, a: DemoArgs, lang: Lang) -> Result<(), Failure> {
    let mut g = g.clone();
    let stress = matches!(a.scale.as_str(), "1m" | "1M" | "stress");
    let spec = if a.scale == "vn" || stress {
        g.province = "all".into();
        DemoSpec::national(a.seed)
    } else {
        let scale: f64 = a
            .scale
            .parse()
            .ok()
            .filter(|x: &f64| *x > 0.0)
            .ok_or_else(|| {
                Failure(format!(
                    "--scale {}: {}",
                    a.scale,
                    lang.t("một số dương, vn hoặc 1m", "a positive number, vn or 1m")
                ))
            })?;
        DemoSpec {
            seed: a.seed,
            scale,
            counts: None,
        }
    };
    if g.database == "sqlite://hoptac.db" {
        // The demo never touches the default database.
        g.database = "sqlite://hoptac-demo.db".into();
    }
    let reg = open(&g, lang)?;
    let existing = reg
        .db
        .read(hoptac_store::orgs::count)
        .map_err(|e| fail(e.into(), lang))?;
    if existing == 0 {
        eprintln!(
            "{}",
            lang.t("Đang tạo tỉnh mẫu…", "Generating the demo province…")
        );
        let s = if stress {
            let progress = |done: usize, total: usize| {
                eprint!("\r{done}/{total}");
                if done == total {
                    eprintln!();
                }
            };
            hoptac_app::demo::generate_stress(&reg, a.seed, 1_000_000, &progress)
        } else {
            generate(&reg, &spec)
        }
        .map_err(|e| fail(e, lang))?;
        eprintln!(
            "{}: {} HTX, {} LHHTX, {} THT, {} {}, {} {}, {} {}",
            lang.t("Tỉnh mẫu", "Demo province"),
            s.cooperatives,
            s.unions,
            s.groups,
            s.changes,
            lang.t("thay đổi trong lịch sử", "history entries"),
            s.reports,
            lang.t("báo cáo năm", "annual reports"),
            s.evaluations,
            lang.t("phiếu đánh giá đã phê duyệt", "approved evaluations")
        );
    } else {
        eprintln!(
            "{} ({existing} {})",
            lang.t("Dùng dữ liệu mẫu đã có", "Using the existing demo data"),
            lang.t("tổ chức", "organisations")
        );
    }
    if a.no_serve {
        return Ok(());
    }
    serve(reg, &a.bind, lang)
}

fn targets_cmd(reg: &Registry, a: TargetsArgs, lang: Lang) -> Result<(), Failure> {
    use chrono::Datelike;
    let year = a.year.unwrap_or_else(|| reg.today().year());
    let by = match a.by.as_deref() {
        None => None,
        Some(b) => Some(
            hoptac_app::indicators::Breakdown::parse(&b.replace('-', "_")).ok_or_else(|| {
                Failure(format!(
                    "--by {b}: {}",
                    lang.t(
                        "dùng commune, district, legacy-commune, sector hoặc kind",
                        "use commune, district, legacy-commune, sector or kind"
                    )
                ))
            })?,
        ),
    };
    let report = reg.target_report(year, by).map_err(|e| fail(e, lang))?;
    if report.targets.is_empty() {
        return Err(Failure(
            lang.t(
                "Chưa có chỉ tiêu nào cho tỉnh này",
                "No targets for this province yet",
            )
            .to_owned(),
        ));
    }
    let places = reg.places();
    let province = places
        .province
        .as_ref()
        .and_then(|p| places.units.province(hoptac_domain::Scheme::Y2025, p))
        .map_or_else(
            || lang.t("Toàn quốc", "National").to_owned(),
            |p| p.name.clone(),
        );
    let mut out = std::io::stdout();
    let written = match a.format.as_str() {
        "table" => out.write_all(crate::targets::table(&report, lang, &province).as_bytes()),
        "json" => out.write_all(
            serde_json::to_string_pretty(&report)
                .map_err(|e| Failure(e.to_string()))?
                .as_bytes(),
        ),
        "csv" => out.write_all(&crate::targets::csv(&report, lang)),
        f => return Err(Failure(format!("--format {f}: table, json, csv"))),
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Failure(e.to_string())),
    }
}

fn recheck_cmd(reg: &Registry, a: RecheckArgs, lang: Lang) -> Result<(), Failure> {
    let found = reg.recheck_evaluations(a.year).map_err(|e| fail(e, lang))?;
    let points = |t: i32| hoptac_domain::i18n::format_decimal(f64::from(t) / 10.0, 1);
    for d in &found.differences {
        let name = reg
            .get(d.org_id, None)
            .map(|v| v.name().to_owned())
            .unwrap_or_default();
        let now = match (&d.recomputed, &d.problem) {
            (Some(o), _) => format!(
                "{} {}",
                points(o.total),
                lang.t(o.rating.label_vi(), o.rating.label_en())
            ),
            (None, Some(p)) => p.clone(),
            (None, None) => String::new(),
        };
        outln!(
            "{} {name}: {} {} {} → {now}",
            d.org_id,
            lang.t("đã lưu", "stored"),
            points(d.stored.total),
            lang.t(d.stored.rating.label_vi(), d.stored.rating.label_en()),
        );
    }
    outln!(
        "{} {} {}; {} {}",
        lang.t("Đã tính lại", "Recomputed"),
        found.checked,
        lang.t("phiếu", "sheets"),
        found.differences.len(),
        lang.t("phiếu khác kết quả đã lưu", "differ from what is stored"),
    );
    if found.differences.is_empty() {
        Ok(())
    } else {
        Err(Failure(
            lang.t("có phiếu khác kết quả đã lưu", "some sheets differ")
                .into(),
        ))
    }
}

fn filings_cmd(reg: &Registry, a: FilingsArgs, lang: Lang) -> Result<(), Failure> {
    use hoptac_app::reports::Filing;
    let filing = match a.filing.replace('_', "-").as_str() {
        "final-report" | "final" => Filing::FinalReport,
        "self-evaluation" | "self" => Filing::SelfEvaluation,
        f => {
            return Err(Failure(format!(
                "--filing {f}: final-report, self-evaluation"
            )))
        }
    };
    let missing = reg
        .missing_filings(a.year, filing, reg.today(), &reg.deadlines)
        .map_err(|e| fail(e, lang))?;
    let places = reg.places();
    let mut by_commune: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for m in &missing {
        let commune = m
            .org
            .places
            .commune_2025
            .as_deref()
            .and_then(|c| places.units.commune(hoptac_domain::Scheme::Y2025, c))
            .map_or_else(
                || lang.t("(chưa rõ)", "(unknown)").to_owned(),
                |c| c.name.clone(),
            );
        by_commune
            .entry(commune)
            .or_default()
            .push(format!("{} ({})", m.org.name(), m.org.id));
    }
    let due = missing
        .first()
        .map(|m| hoptac_domain::i18n::format_date(m.due))
        .unwrap_or_default();
    outln!(
        "{}: {} {}",
        lang.t("Chưa nộp", "Not filed"),
        missing.len(),
        if due.is_empty() {
            String::new()
        } else {
            format!("({} {due})", lang.t("hạn", "due"))
        }
    );
    let mut communes: Vec<_> = by_commune.into_iter().collect();
    communes.sort_by_key(|(c, _)| hoptac_domain::text::sort_key(c));
    for (commune, orgs) in communes {
        outln!("\n{commune} ({})", orgs.len());
        for o in orgs {
            outln!("  - {o}");
        }
    }
    Ok(())
}

fn follow_ups_cmd(reg: &Registry, a: FollowUpsArgs, lang: Lang) -> Result<(), Failure> {
    let mut list = reg.needing_follow_up(a.year).map_err(|e| fail(e, lang))?;
    if a.missing_only {
        list.retain(|n| n.follow_up.is_none());
    }
    outln!(
        "{}: {}",
        lang.t("HTX yếu hoặc tồn tại hình thức", "Weak or formal-only HTX"),
        list.len()
    );
    for n in list {
        let causes: Vec<&str> = n
            .causes
            .iter()
            .map(|c| match c {
                hoptac_app::followups::Cause::Weak => lang.t("yếu", "weak"),
                hoptac_app::followups::Cause::FormalOnly => {
                    lang.t("tồn tại hình thức", "formal-only")
                }
            })
            .collect();
        let plan = match &n.follow_up {
            Some(f) => format!(
                "{} — {}, {} {}",
                f.follow_up.description,
                f.follow_up.owner,
                lang.t("hạn", "due"),
                hoptac_domain::i18n::format_date(f.follow_up.deadline)
            ),
            None => lang.t("CHƯA CÓ PHƯƠNG ÁN", "NO PLAN YET").to_owned(),
        };
        outln!(
            "  {} ({}): {} — {plan}",
            n.org.name(),
            n.org.id,
            causes.join(", ")
        );
    }
    Ok(())
}

fn audit_cmd(reg: &Registry, a: AuditArgs, lang: Lang) -> Result<(), Failure> {
    use hoptac_store::audit::{self, Anchor, Finding};
    let store = |e: hoptac_store::StoreError| fail(e.into(), lang);
    match a.what {
        AuditCmd::Anchor => {
            match audit::anchor(&reg.db).map_err(store)? {
                Some(anchor) => outln!("{anchor}"),
                None => outln!(
                    "{}",
                    lang.t("Nhật ký còn trống", "The audit trail is empty")
                ),
            }
            Ok(())
        }
        AuditCmd::List { limit } => {
            for l in audit::recent(&reg.db, limit).map_err(store)? {
                let n = serde_json::from_str::<Vec<serde_json::Value>>(&l.entries)
                    .map_or(0, |v| v.len());
                outln!(
                    "{}  {}  {}  {}  {} {}",
                    l.seq,
                    l.recorded_at.format("%d/%m/%Y %H:%M:%S UTC"),
                    l.actor,
                    l.source.unwrap_or_default(),
                    n,
                    lang.t("bản ghi", "records")
                );
            }
            Ok(())
        }
        AuditCmd::Verify { anchor } => {
            let anchor = match anchor {
                Some(s) => Some(
                    Anchor::parse(&s).ok_or_else(|| Failure(format!("--anchor {s}: SEQ:HASH")))?,
                ),
                None => None,
            };
            match audit::verify(&reg.db, anchor.as_ref()).map_err(store)? {
                Finding::Intact { links } => {
                    outln!(
                        "{}: {links} {}",
                        lang.t("Nhật ký nguyên vẹn", "Audit trail intact"),
                        lang.t("mắt xích", "links")
                    );
                    Ok(())
                }
                Finding::Missing { seq } => Err(Failure(match lang {
                    Lang::Vi => format!("nhật ký bị xóa: thiếu mắt xích {seq}"),
                    Lang::En => format!("audit trail cut: link {seq} is missing"),
                })),
                Finding::Altered { seq } => Err(Failure(match lang {
                    Lang::Vi => format!("nhật ký bị sửa: mắt xích {seq} không khớp mã băm"),
                    Lang::En => format!("audit trail edited: link {seq} does not match its hash"),
                })),
                Finding::Broken { seq } => Err(Failure(match lang {
                    Lang::Vi => format!("chuỗi nhật ký bị đứt tại mắt xích {seq}"),
                    Lang::En => format!("audit chain broken at link {seq}"),
                })),
                Finding::AnchorMismatch { seq } => Err(Failure(match lang {
                    Lang::Vi => format!("nhật ký đã bị viết lại: mắt xích {seq} khác mốc đã lưu"),
                    Lang::En => {
                        format!("audit trail rewritten: link {seq} differs from the kept anchor")
                    }
                })),
            }
        }
    }
}

fn read_password(from_stdin: bool, lang: Lang) -> Result<(String, bool), Failure> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| Failure(e.to_string()))?;
        let p = line.trim_end_matches(['\r', '\n']).to_owned();
        if p.is_empty() {
            return Err(Failure(
                lang.t("Chưa nhập mật khẩu", "No password given").to_owned(),
            ));
        }
        Ok((p, false))
    } else {
        Ok((hoptac_app::users::random_secret(8), true))
    }
}

fn user_cmd(reg: &Registry, a: UserArgs, lang: Lang) -> Result<(), Failure> {
    use hoptac_domain::auth::{Role, Scope};
    let actor = Actor::new("cli", Some("hoptac user".into()));
    match a.what {
        UserCmd::Add {
            username,
            role,
            name,
            communes,
            org,
            password_stdin,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                Failure(format!("--role {role}: admin, provincial_officer, commune_officer, cooperative, leader"))
            })?;
            let scope = match (role, org) {
                (Role::CommuneOfficer, _) => Scope::Communes {
                    codes: communes.iter().map(|c| format!("{c:0>5}")).collect(),
                },
                (Role::Cooperative, Some(id)) => Scope::Organisation { id },
                (Role::Cooperative, None) => {
                    return Err(Failure(
                        lang.t(
                            "Tài khoản HTX cần --org <mã hồ sơ>",
                            "A cooperative account needs --org <record id>",
                        )
                        .to_owned(),
                    ))
                }
                _ => Scope::All,
            };
            let (password, generated) = read_password(password_stdin, lang)?;
            let u = reg
                .add_user(
                    &username,
                    name.as_deref().unwrap_or(&username),
                    role,
                    scope,
                    &password,
                    &actor,
                )
                .map_err(|e| fail(e, lang))?;
            outln!(
                "{} {} ({})",
                lang.t("Đã tạo tài khoản", "Created account"),
                u.username,
                lang.t(u.role.label_vi(), u.role.label_en())
            );
            if generated {
                outln!(
                    "{}: {password}",
                    lang.t(
                        "Mật khẩu (chỉ hiện một lần, hãy đổi sau khi đăng nhập)",
                        "Password (shown once; change it after signing in)"
                    )
                );
            }
            Ok(())
        }
        UserCmd::List => {
            for u in reg.users().map_err(|e| fail(e, lang))? {
                let scope = match &u.scope {
                    Scope::All => lang.t("toàn tỉnh", "all").to_owned(),
                    Scope::Communes { codes } => codes.join(", "),
                    Scope::Organisation { id } => {
                        format!("{} {id}", lang.t("tổ chức", "organisation"))
                    }
                };
                outln!(
                    "{}  {}  {}  {}{}",
                    u.username,
                    u.display_name,
                    lang.t(u.role.label_vi(), u.role.label_en()),
                    scope,
                    if u.disabled {
                        lang.t("  (đã khóa)", "  (disabled)")
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        UserCmd::Disable { username } => {
            reg.set_disabled(&username, true, &actor)
                .map_err(|e| fail(e, lang))?;
            outln!("{} {username}", lang.t("Đã khóa", "Disabled"));
            Ok(())
        }
        UserCmd::Enable { username } => {
            reg.set_disabled(&username, false, &actor)
                .map_err(|e| fail(e, lang))?;
            outln!("{} {username}", lang.t("Đã mở khóa", "Enabled"));
            Ok(())
        }
        UserCmd::ResetPassword {
            username,
            password_stdin,
        } => {
            let (password, generated) = read_password(password_stdin, lang)?;
            reg.reset_password(&username, &password, &actor)
                .map_err(|e| fail(e, lang))?;
            outln!(
                "{} {username}",
                lang.t("Đã đặt lại mật khẩu cho", "Password reset for")
            );
            if generated {
                outln!(
                    "{}: {password}",
                    lang.t(
                        "Mật khẩu mới (chỉ hiện một lần)",
                        "New password (shown once)"
                    )
                );
            }
            Ok(())
        }
        UserCmd::Token { username, label } => {
            let t = reg
                .issue_token(&username, &label, &actor)
                .map_err(|e| fail(e, lang))?;
            outln!("{t}");
            Ok(())
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
