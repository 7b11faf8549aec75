//! `hoptac demo`: fill a database with the demo province (tỉnh mẫu), the national
//! dataset or the one-million stress dataset, with demo accounts (tài khoản mẫu) for
//! each role, then serve it. Everything printed to copy works as printed.

use super::{fail, open, Failure, Global, DEMO_DATABASE};
use clap::Args;
use hoptac_demo::{generate, DemoSpec};
use hoptac_domain::i18n::Lang;
use std::io::Write;

#[derive(Args)]
pub(super) struct DemoArgs {
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
    /// Make no demo accounts (by default a newly filled demo database gets one account
    /// for each role, with random passwords printed once).
    #[arg(long)]
    no_accounts: bool,
}

pub(super) fn run(g: &Global, a: DemoArgs, lang: Lang) -> Result<(), Failure> {
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
    if g.database.is_none() {
        // The demo never touches the default database.
        g.database = Some(DEMO_DATABASE.into());
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
            hoptac_demo::generate_stress(&reg, a.seed, 1_000_000, &progress)
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
        if !a.no_accounts {
            let made = hoptac_demo::create_demo_accounts(&reg).map_err(|e| fail(e, lang))?;
            print_accounts(&made, &a.bind, lang);
        }
    } else {
        eprintln!(
            "{} ({existing} {})",
            lang.t("Dùng dữ liệu mẫu đã có", "Using the existing demo data"),
            lang.t("tổ chức", "organisations")
        );
    }
    let database = g.database_option();
    if existing > 0 {
        existing_accounts_hint(&reg, &database, lang);
    }
    super::serve::first_admin_hint(&reg, &database, lang);
    if a.no_serve {
        return Ok(());
    }
    super::serve::serve(
        reg,
        &a.bind,
        super::serve::secure_cookies_from_env(),
        false,
        super::serve::anchor_file_from_env(),
        lang,
    )
}

/// The demo accounts just made, each password shown this once, and where to sign in.
fn print_accounts(made: &[hoptac_demo::DemoAccount], bind: &str, lang: Lang) {
    if made.is_empty() {
        return;
    }
    outln!(
        "{}",
        lang.t(
            "Tài khoản mẫu (mật khẩu chỉ hiện một lần):",
            "Demo accounts (passwords shown once):"
        )
    );
    for a in made {
        outln!(
            "  {:<14} {:<24} {}",
            a.username,
            lang.t(a.role.label_vi(), a.role.label_en()),
            a.password
        );
    }
    outln!(
        "{}: http://{bind}/dang-nhap",
        lang.t("Đăng nhập tại", "Sign in at")
    );
}

/// On a demo database filled before: which demo accounts it has and how to give one
/// a new password (theirs were shown only when they were made).
fn existing_accounts_hint(reg: &hoptac_app::Registry, database: &str, lang: Lang) {
    let Ok(users) = reg.users() else { return };
    let demo: Vec<&str> = hoptac_demo::DEMO_ACCOUNTS
        .iter()
        .map(|(name, _, _)| *name)
        .filter(|name| users.iter().any(|u| u.username == *name && !u.disabled))
        .collect();
    let Some(first) = demo.first() else { return };
    outln!(
        "{}: {}",
        lang.t("Tài khoản mẫu", "Demo accounts"),
        demo.join(", ")
    );
    outln!(
        "{}: hoptac {database}user reset-password {first}",
        lang.t(
            "Đặt lại mật khẩu (mật khẩu mới chỉ hiện một lần)",
            "Give one a new password (shown once)"
        )
    );
}
