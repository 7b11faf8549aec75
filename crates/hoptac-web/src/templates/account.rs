//! The account's own password page (*đổi mật khẩu*): current password, the new one
//! twice, each problem beside its field.

use super::{html, notice, Markup};
use hoptac_domain::i18n::Lang;

/// What the password page shows: a confirmation or a problem, and which field the
/// problem belongs to (`current`, `new`, `repeat`; none: above the form).
pub struct PasswordPage<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    pub username: &'a str,
    pub done: bool,
    pub problem: Option<(Option<&'a str>, &'a str)>,
}

pub fn title(lang: Lang) -> &'static str {
    lang.t("Đổi mật khẩu", "Change password")
}

pub fn password_page(v: &PasswordPage<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    let beside = |field: &str| v.problem.filter(|(f, _)| *f == Some(field)).map(|p| p.1);
    let above = v.problem.filter(|(f, _)| f.is_none()).map(|p| p.1);
    let input = |name: &'static str, label: &'static str, autocomplete: &'static str| {
        let error = beside(name);
        let id = format!("{name}-error");
        html! {
            label {
                (label)
                @if let Some(e) = error {
                    " " span.error id=(id) { (e) }
                }
                input type="password" name=(name) autocomplete=(autocomplete) required
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| id.as_str())];
            }
        }
    };
    html! {
        h1 { (title(v.lang)) }
        p { (t("Tài khoản", "Account")) ": " (v.username) }
        p {
            a href="/tai-khoan/xac-thuc-hai-buoc" {
                (t("Xác thực hai bước (mã từ ứng dụng xác thực)", "Two-step verification (codes from an authenticator app)"))
            }
        }
        @if v.done {
            (notice(false, t(
                "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc; phiên này vẫn tiếp tục.",
                "Password changed. The account's other sessions have ended; this one goes on.",
            )))
        }
        @if let Some(e) = above { (notice(true, e)) }
        form.signin method="post" action="/tai-khoan/mat-khau" {
            input type="hidden" name="csrf" value=(v.csrf);
            (input("current", t("Mật khẩu hiện tại", "Current password"), "current-password"))
            (input("new", t("Mật khẩu mới", "New password"), "new-password"))
            (input("repeat", t("Nhập lại mật khẩu mới", "New password again"), "new-password"))
            p.hint {
                (t(
                    "Ít nhất 10 ký tự và khó đoán: một câu dài gồm nhiều từ ít gặp là tốt nhất.",
                    "At least 10 characters and hard to guess: a long phrase of uncommon words is best.",
                ))
            }
            button type="submit" { (t("Đổi mật khẩu", "Change password")) }
        }
    }
}
