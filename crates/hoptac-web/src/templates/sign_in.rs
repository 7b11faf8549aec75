//! The sign-in page (*đăng nhập*).

use super::{html, lang_code, Markup, DOCTYPE};
use hoptac_domain::i18n::Lang;

/// What the sign-in page shows: the form's CSRF token, the error of a failed attempt,
/// the user name typed (kept so only the password is typed again).
pub struct SignIn<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    pub error: Option<&'a str>,
    pub username: &'a str,
    /// The page to land on after signing in (kept through a failed attempt).
    pub next: Option<&'a str>,
}

pub fn sign_in(v: &SignIn<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let title = t("Đăng nhập", "Sign in");
    html! {
        (DOCTYPE)
        html lang=(lang_code(v.lang)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — hoptac" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                main.signin #main {
                    h1 { (title) }
                    @if let Some(e) = v.error {
                        p.error role="alert" { (e) }
                    }
                    form method="post" action="/dang-nhap" {
                        input type="hidden" name="csrf" value=(v.csrf);
                        @if let Some(next) = v.next {
                            input type="hidden" name="next" value=(next);
                        }
                        label {
                            (t("Tên đăng nhập", "Username"))
                            input name="username" autocomplete="username" required value=(v.username) autofocus;
                        }
                        label {
                            (t("Mật khẩu", "Password"))
                            input type="password" name="password" autocomplete="current-password" required;
                        }
                        label {
                            (t(
                                "Mã xác thực (nếu tài khoản đã bật xác thực hai bước)",
                                "Code (if the account has two-step verification)"
                            ))
                            input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8";
                        }
                        button type="submit" { (t("Đăng nhập", "Sign in")) }
                    }
                    p { a href="/" { (t("Về trang danh sách", "Back to the registry")) } }
                }
            }
        }
    }
}
