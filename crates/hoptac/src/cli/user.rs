//! `hoptac user`: accounts (tài khoản) — add, list, disable, enable, reset a
//! password; API tokens (khóa API) — issue, list, revoke; turn off two-step verification.

use super::{fail, Failure};
use clap::{Args, Subcommand};
use hoptac_app::{Actor, Registry};
use hoptac_domain::i18n::Lang;
use std::io::Write;

#[derive(Args)]
pub(super) struct UserArgs {
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
    /// Issue an API bearer token for an account (the secret is shown once, on the last
    /// line). Tokens expire: after 90 days unless --days says otherwise (at most 730).
    Token {
        username: String,
        /// A name that says what the token is for (shown in the list).
        #[arg(long, default_value = "api")]
        label: String,
        /// Days the token lives.
        #[arg(long, default_value_t = hoptac_app::users::DEFAULT_TOKEN_DAYS)]
        days: u32,
    },
    /// List API tokens (of one account, or of all): id, account, name, issued, expires,
    /// revoked. Never their secrets.
    Tokens { username: Option<String> },
    /// Revoke an API token by its id (from `hoptac user tokens`).
    RevokeToken { id: i64 },
    /// Turn off an account's two-step verification (it lost its authenticator); the
    /// account turns it on again at /tai-khoan/xac-thuc-hai-buoc.
    SecondFactorOff { username: String },
}

fn read_password(from_stdin: bool, username: &str, lang: Lang) -> Result<(String, bool), Failure> {
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
        Ok((hoptac_app::users::generate_password(username), true))
    }
}

pub(super) fn run(reg: &Registry, a: UserArgs, lang: Lang) -> Result<(), Failure> {
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
            let (password, generated) = read_password(password_stdin, &username, lang)?;
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
            let (password, generated) = read_password(password_stdin, &username, lang)?;
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
        UserCmd::Token {
            username,
            label,
            days,
        } => {
            let (secret, t) = reg
                .issue_token_for_days(&username, &label, days, &actor)
                .map_err(|e| fail(e, lang))?;
            if let Some(expires) = t.expires_at {
                eprintln!(
                    "{} {}: {}",
                    lang.t("Khóa số", "Token"),
                    t.id,
                    lang.t("hết hạn ngày ", "expires on ").to_owned()
                        + &expires.format("%d/%m/%Y").to_string()
                );
            }
            outln!("{secret}");
            Ok(())
        }
        UserCmd::Tokens { username } => {
            let list = reg.tokens(username.as_deref()).map_err(|e| fail(e, lang))?;
            print_tokens(&list, lang);
            Ok(())
        }
        UserCmd::SecondFactorOff { username } => {
            let had = reg
                .disable_second_factor(&username, None, &actor)
                .map_err(|e| fail(e, lang))?;
            outln!(
                "{}",
                if had {
                    lang.t(
                        "Đã tắt xác thực hai bước",
                        "Two-step verification turned off",
                    )
                } else {
                    lang.t(
                        "Tài khoản chưa bật xác thực hai bước",
                        "The account had no two-step verification",
                    )
                }
            );
            Ok(())
        }
        UserCmd::RevokeToken { id } => {
            reg.revoke_token(id, &actor).map_err(|e| fail(e, lang))?;
            outln!("{} {id}", lang.t("Đã thu hồi khóa", "Revoked token"));
            Ok(())
        }
    }
}

fn print_tokens(list: &[hoptac_app::users::ApiToken], lang: Lang) {
    let day = |t: Option<chrono::DateTime<chrono::Utc>>, none: &str| {
        t.map_or(none.to_owned(), |t| t.format("%d/%m/%Y").to_string())
    };
    let now = chrono::Utc::now();
    outln!(
        "{}",
        lang.t(
            "id\ttài khoản\ttên\tcấp ngày\thết hạn\tthu hồi\tcòn dùng",
            "id\taccount\tname\tissued\texpires\trevoked\tlive"
        )
    );
    for t in list {
        outln!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.id,
            t.username,
            t.label,
            t.created_at.format("%d/%m/%Y"),
            day(t.expires_at, lang.t("không hạn", "never")),
            day(t.revoked_at, "-"),
            if t.live(now) {
                lang.t("có", "yes")
            } else {
                lang.t("không", "no")
            }
        );
    }
}
