//! User administration (*quản lý người dùng*, `/quan-tri/nguoi-dung`).

use super::{html, notice, Markup};
use hoptac_domain::i18n::Lang;

const HERE: &str = "/quan-tri/nguoi-dung";

/// What was just done or refused, for the top of the page.
pub enum Notice<'a> {
    None,
    /// A confirmation.
    Done(&'a str),
    /// A refusal (`role=alert`).
    Error(&'a str),
    /// An account was added: its name and first password, shown once.
    Added {
        username: &'a str,
        password: &'a str,
    },
    /// A new password was set: for whom, and the password, shown once.
    Reset {
        username: &'a str,
        password: &'a str,
    },
    /// An API token was issued: for whom, its name, expiry and secret, shown once.
    Token {
        username: &'a str,
        label: &'a str,
        expires: &'a str,
        secret: &'a str,
    },
}

/// One API token as listed (never its secret).
pub struct TokenRow {
    pub id: i64,
    pub username: String,
    pub label: String,
    pub issued: String,
    pub expires: String,
    pub revoked: String,
    pub live: bool,
}

/// One account as listed.
pub struct Row<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub scope: String,
    pub disabled: bool,
    /// The reader's own account: no actions on it here.
    pub own: bool,
}

/// An `<option>` of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Users<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    pub notice: Notice<'a>,
    pub rows: Vec<Row<'a>>,
    /// What was typed into the add form, kept after a refusal.
    pub username: &'a str,
    pub display_name: &'a str,
    pub organisation: &'a str,
    pub roles: Vec<Choice>,
    pub communes: Vec<Choice>,
    pub tokens: Vec<TokenRow>,
    /// Accounts a token can be issued for.
    pub accounts: Vec<Choice>,
}

pub fn title(lang: Lang) -> &'static str {
    lang.t("Người dùng", "Users")
}

/// The page shown to a signed-in reader who is not an administrator.
pub fn refused(lang: Lang) -> Markup {
    html! {
        h1 { (title(lang)) }
        p {
            (lang.t(
                "Quản lý người dùng dành cho quản trị viên.",
                "User administration is for administrators."
            ))
        }
    }
}

fn options(choices: &[Choice]) -> Markup {
    html! {
        @for c in choices {
            option value=(c.value) selected[c.selected] { (c.label) }
        }
    }
}

/// A hidden-field form posting one action on one account.
fn action_form(csrf: &str, username: &str, action: &str, label: &str) -> Markup {
    html! {
        form method="post" action={ (HERE) "/thao-tac" } class="inline" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="username" value=(username);
            input type="hidden" name="action" value=(action);
            button type="submit" { (label) }
        }
    }
}

pub fn users(v: &Users<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let h_user = t("Tên đăng nhập", "Username");
    let h_name = t("Họ tên", "Name");
    let h_role = t("Vai trò", "Role");
    html! {
        h1 { (title(v.lang)) }
        @match v.notice {
            Notice::None => {}
            Notice::Done(text) => (notice(false, text)),
            Notice::Error(text) => (notice(true, text)),
            Notice::Added { username, password } => {
                p.notice role="status" {
                    (t("Đã thêm", "Added")) " " strong { (username) } ". "
                    (t(
                        "Mật khẩu ban đầu (chỉ hiện lần này, hãy trao tận tay):",
                        "First password (shown this once; hand it over in person):"
                    ))
                    " " code { (password) }
                }
            }
            Notice::Reset { username, password } => {
                p.notice role="status" {
                    (t("Mật khẩu mới (chỉ hiện lần này) của", "New password (shown this once) for"))
                    " " strong { (username) } ": " code { (password) }
                }
            }
            Notice::Token { username, label, expires, secret } => {
                p.notice role="status" {
                    (t("Khóa API", "API token")) " “" (label) "” " (t("cho", "for")) " "
                    strong { (username) } ", " (t("hết hạn", "expires")) " " (expires) ". "
                    (t("Khóa (chỉ hiện lần này):", "The token (shown this once):"))
                    " " code { (secret) }
                }
            }
        }
        div.w {
            table {
                thead {
                    tr {
                        th scope="col" { (h_user) }
                        th scope="col" { (h_name) }
                        th scope="col" { (h_role) }
                        th scope="col" { (t("Phạm vi", "Scope")) }
                        th scope="col" { (t("Trạng thái", "State")) }
                        th scope="col" { (t("Thao tác", "Actions")) }
                    }
                }
                tbody {
                    @for u in &v.rows {
                        tr {
                            td { (u.username) }
                            td { (u.display_name) }
                            td { (u.role) }
                            td { (u.scope) }
                            td {
                                @if u.disabled {
                                    strong.error { (t("Đã khóa", "Disabled")) }
                                } @else {
                                    (t("Đang dùng", "Active"))
                                }
                            }
                            td {
                                @if u.own {
                                    small { (t("(tài khoản của bạn)", "(your account)")) }
                                } @else {
                                    @if u.disabled {
                                        (action_form(v.csrf, u.username, "enable", t("Mở lại", "Enable")))
                                    } @else {
                                        (action_form(v.csrf, u.username, "disable", t("Khóa", "Disable")))
                                    }
                                    " "
                                    (action_form(v.csrf, u.username, "reset", t("Đặt mật khẩu mới", "New password")))
                                }
                            }
                        }
                    }
                }
            }
        }
        (tokens(v))
        h2 #add { (t("Thêm người dùng", "Add a user")) }
        form method="post" action=(HERE) class="signin" {
            input type="hidden" name="csrf" value=(v.csrf);
            label { (h_user) " " input name="username" value=(v.username) required autocomplete="off"; }
            label { (h_name) " " input name="display_name" value=(v.display_name) required; }
            label { (h_role) " " select name="role" { (options(&v.roles)) } }
            label {
                (t("Xã, phường (cán bộ cấp xã)", "Communes (commune officers)")) " "
                select name="communes" multiple size="6" { (options(&v.communes)) }
            }
            label {
                (t("Mã tổ chức (tài khoản HTX)", "Organisation ID (cooperative accounts)")) " "
                input name="organisation" value=(v.organisation) inputmode="numeric";
            }
            p {
                small {
                    (t(
                        "Mật khẩu ban đầu được tạo ngẫu nhiên và chỉ hiện một lần; người dùng đổi lại sau khi đăng nhập.",
                        "The first password is random and shown once; the user changes it after signing in."
                    ))
                }
            }
            button type="submit" { (t("Thêm", "Add")) }
        }
    }
}

/// The API tokens: listed with a revoke button for each live one, and a form to issue
/// one (its secret is shown once).
fn tokens(v: &Users<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    html! {
        h2 #tokens { (t("Khóa API", "API tokens")) }
        @if v.tokens.is_empty() {
            p { (t("Chưa có khóa API nào.", "No API tokens yet.")) }
        } @else {
            div.w {
                table {
                    thead {
                        tr {
                            th scope="col" { "#" }
                            th scope="col" { (t("Tài khoản", "Account")) }
                            th scope="col" { (t("Tên khóa", "Name")) }
                            th scope="col" { (t("Cấp ngày", "Issued")) }
                            th scope="col" { (t("Hết hạn", "Expires")) }
                            th scope="col" { (t("Trạng thái", "State")) }
                        }
                    }
                    tbody {
                        @for k in &v.tokens {
                            tr {
                                td { (k.id) }
                                td { (k.username) }
                                td { (k.label) }
                                td { (k.issued) }
                                td { (k.expires) }
                                td {
                                    @if k.live {
                                        (t("Còn dùng", "Live")) " "
                                        form method="post" action={ (HERE) "/thao-tac" } class="inline" {
                                            input type="hidden" name="csrf" value=(v.csrf);
                                            input type="hidden" name="action" value="revoke-token";
                                            input type="hidden" name="token" value=(k.id);
                                            button type="submit" { (t("Thu hồi", "Revoke")) }
                                        }
                                    } @else if !k.revoked.is_empty() {
                                        (t("Đã thu hồi", "Revoked")) " " (k.revoked)
                                    } @else {
                                        (t("Hết hạn", "Expired"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        form method="post" action={ (HERE) "/thao-tac" } class="signin" {
            input type="hidden" name="csrf" value=(v.csrf);
            input type="hidden" name="action" value="token";
            label { (t("Tài khoản", "Account")) " " select name="username" { (options(&v.accounts)) } }
            label { (t("Tên khóa (dùng cho việc gì)", "Name (what it is for)")) " " input name="label" required maxlength="100"; }
            label {
                (t("Số ngày còn hiệu lực (1–730)", "Days it lives (1–730)")) " "
                input name="days" value="90" inputmode="numeric" required;
            }
            button type="submit" { (t("Cấp khóa", "Issue a token")) }
        }
    }
}
