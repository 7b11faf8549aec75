//! Two-step verification for one's own account (*xác thực hai bước*).

use super::{html, notice, Markup};
use hoptac_domain::i18n::Lang;

pub const HERE: &str = "/tai-khoan/xac-thuc-hai-buoc";

/// The page: the state, and the form that turns it on (with a new secret) or off.
pub struct SecondFactor<'a> {
    pub lang: Lang,
    pub csrf: &'a str,
    pub on: bool,
    /// When off: the secret to add to an authenticator app, grouped, and its link.
    pub secret: &'a str,
    pub grouped: &'a str,
    pub url: &'a str,
    /// What was just done or refused.
    pub done: Option<&'a str>,
    pub error: Option<&'a str>,
}

pub fn title(lang: Lang) -> &'static str {
    lang.t("Xác thực hai bước", "Two-step verification")
}

pub fn second_factor(v: &SecondFactor<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    html! {
        h1 { (title(v.lang)) }
        @if let Some(d) = v.done { (notice(false, d)) }
        @if let Some(e) = v.error { (notice(true, e)) }
        @if v.on {
            p { (t(
                "Đang bật: mỗi lần đăng nhập cần thêm mã 6 số từ ứng dụng xác thực.",
                "On: every sign-in also needs a six-digit code from the authenticator app."
            )) }
            h2 { (t("Tắt xác thực hai bước", "Turn it off")) }
            form method="post" action=(HERE) class="signin" {
                input type="hidden" name="csrf" value=(v.csrf);
                input type="hidden" name="action" value="off";
                (fields(v.lang))
                button type="submit" { (t("Tắt", "Turn off")) }
            }
        } @else {
            p { (t(
                "Đang tắt. Quản trị viên nên bật: khi mật khẩu bị lộ, kẻ gian vẫn không đăng nhập được.",
                "Off. Administrators should turn it on: a leaked password is then not enough to sign in."
            )) }
            ol {
                li { (t(
                    "Thêm tài khoản vào ứng dụng xác thực (Google Authenticator, Microsoft Authenticator, FreeOTP…) bằng khóa sau:",
                    "Add the account to an authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP…) with this key:"
                )) " " code { (v.grouped) }
                    " (" a href=(v.url) { (t("hoặc mở liên kết này trên điện thoại", "or open this link on the phone")) } ")"
                }
                li { (t("Nhập mã 6 số ứng dụng hiện ra và mật khẩu của bạn.", "Type the six-digit code it shows and your password.")) }
            }
            form method="post" action=(HERE) class="signin" {
                input type="hidden" name="csrf" value=(v.csrf);
                input type="hidden" name="action" value="on";
                input type="hidden" name="secret" value=(v.secret);
                (fields(v.lang))
                button type="submit" { (t("Bật", "Turn on")) }
            }
        }
    }
}

fn fields(lang: Lang) -> Markup {
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    html! {
        label {
            (t("Mã 6 số", "Six-digit code"))
            input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required;
        }
        label {
            (t("Mật khẩu", "Password"))
            input type="password" name="password" autocomplete="current-password" required;
        }
    }
}
