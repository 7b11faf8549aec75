//! The pages' HTML, from maud templates: compile-time checked, and every value put in
//! is escaped unless it is [`PreEscaped`] (decision 0015). Handlers load what a page
//! shows, then call a template here or in their own module; no handler writes HTML.
//!
//! Shared here: the frame of every page ([`page`]: language, skip link, navigation for
//! what the reader may use, account, language switch, `<main>`), the short pages of
//! refusals and errors ([`short_page`]), and small parts used by several pages.

pub mod account;
pub mod audit;
pub mod dashboard;
pub mod evaluation;
pub mod follow_up;
pub mod import;
pub mod organisation;
pub mod organisation_form;
pub mod proposals;
pub mod registry;
pub mod second_factor;
pub mod sign_in;
pub mod stoppages;
pub mod users;

use hoptac_domain::auth::{Action, Principal, Scope};
use hoptac_domain::i18n::Lang;
pub use maud::{html, Markup, PreEscaped, DOCTYPE};

/// Who reads the page and where: what the frame needs.
#[derive(Clone, Copy)]
pub struct Frame<'a> {
    pub lang: Lang,
    pub title: &'a str,
    /// The signed-in reader and their session's CSRF token (for the sign-out form).
    pub who: Option<(&'a Principal, &'a str)>,
    /// The path and query shown, for the navigation's current link and the language
    /// switch's way back.
    pub here: &'a str,
}

/// The `lang` attribute of a page in this language.
pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    }
}

/// The links of the navigation for this reader: only what their role may open.
fn nav_links(lang: Lang, who: Option<&Principal>) -> Vec<(&'static str, &'static str)> {
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    let mut links = vec![("/", t("Danh sách", "Registry"))];
    let Some(p) = who else { return links };
    links.push(("/bang-dieu-khien", t("Bảng điều khiển", "Dashboard")));
    links.push(("/danh-gia", t("Đánh giá", "Evaluations")));
    // Follow-up lists are about many organisations: not for a one-organisation account.
    if !matches!(p.scope, Scope::Organisation { .. }) {
        links.push(("/theo-doi", t("Theo dõi HTX yếu", "Follow-up")));
        links.push(("/tam-ngung", t("HTX ngừng hoạt động", "Stopped HTX")));
    }
    if p.may(Action::ManageProvince) {
        links.push(("/nhap", t("Nhập tệp", "Import")));
    }
    if p.may(Action::Administer) {
        links.push(("/quan-tri/nguoi-dung", t("Người dùng", "Users")));
        links.push(("/nhat-ky", t("Nhật ký", "Audit")));
    }
    links
}

/// The head of every page.
fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " — hoptac" }
            link rel="stylesheet" href="/static/app.css";
        }
    }
}

/// A full page: the frame around the page's own content.
pub fn page(f: &Frame<'_>, body: Markup) -> Markup {
    let lang = f.lang;
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    let path = f.here.split('?').next().unwrap_or("/");
    let (other, other_label) = match lang {
        Lang::Vi => ("en", "English"),
        Lang::En => ("vi", "Tiếng Việt"),
    };
    let switch = format!(
        "/ngon-ngu?to={other}&back={}",
        crate::html::url_escape(&crate::html::way_back(f.here))
    );
    html! {
        (DOCTYPE)
        html lang=(lang_code(lang)) {
            (head(f.title))
            body {
                a.skip href="#main" { (t("Bỏ qua, tới nội dung chính", "Skip to main content")) }
                nav aria-label=(t("Điều hướng", "Navigation")) {
                    ul {
                        @for (href, label) in nav_links(lang, f.who.map(|(p, _)| p)) {
                            li {
                                @if href == path {
                                    a href=(href) aria-current="page" { (label) }
                                } @else {
                                    a href=(href) { (label) }
                                }
                            }
                        }
                        @match f.who {
                            Some((p, csrf)) => {
                                li {
                                    @if path == "/tai-khoan/mat-khau" {
                                        a href="/tai-khoan/mat-khau" aria-current="page" title=(t("Đổi mật khẩu", "Change password")) { (p.display_name) }
                                    } @else {
                                        a href="/tai-khoan/mat-khau" title=(t("Đổi mật khẩu", "Change password")) { (p.display_name) }
                                    }
                                }
                                li {
                                    form.inline method="post" action="/dang-xuat" {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" { (t("Đăng xuất", "Sign out")) }
                                    }
                                }
                            }
                            None => {
                                li { a href="/dang-nhap" { (t("Đăng nhập", "Sign in")) } }
                            }
                        }
                        li { a href=(switch) hreflang=(other) lang=(other) { (other_label) } }
                    }
                }
                main #main { (body) }
            }
        }
    }
}

/// A short page with a heading, one message and one way on (refusals, errors): framed
/// like every page for screen readers (language, main landmark, heading).
pub fn short_page(lang: Lang, title: &str, msg: &str, href: &str, link: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang_code(lang)) {
            (head(title))
            body {
                main #main {
                    h1 { (title) }
                    p { (msg) }
                    p { a href=(href) { (link) } }
                }
            }
        }
    }
}

/// A notice for the top of a page: an error (`role=alert`) or a confirmation.
pub fn notice(error: bool, text: &str) -> Markup {
    html! {
        @if error {
            p.error role="alert" { (text) }
        } @else {
            p.notice role="status" { (text) }
        }
    }
}

/// `<option>`s for the years from `to` down to `from`, `selected` chosen.
pub fn year_options(from: i32, to: i32, selected: i32) -> Markup {
    html! {
        @for y in (from..=to).rev() {
            option selected[y == selected] { (y) }
        }
    }
}

/// Previous and next links of a paged list (nothing for a single page); `href` gives a
/// page's address (escaped here, so written plain: `&`, not `&amp;`).
pub fn pager(lang: Lang, page: usize, pages: usize, href: impl Fn(usize) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav aria-label=(lang.t("Phân trang", "Pages")) {
                p {
                    (lang.t("Trang", "Page")) " " (page) "/" (pages) " "
                    @if page > 1 {
                        a href=(href(page - 1)) { (lang.t("← Trước", "← Previous")) }
                    }
                    " "
                    @if page < pages {
                        a href=(href(page + 1)) { (lang.t("Sau →", "Next →")) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use hoptac_domain::i18n::Lang;

    #[test]
    fn pagers_link_only_to_pages_that_exist_with_their_addresses_escaped() {
        let href = |n: usize| format!("/theo-doi?year=2025&page={n}");
        assert_eq!(super::pager(Lang::Vi, 1, 1, href).into_string(), "");
        let first = super::pager(Lang::Vi, 1, 3, href).into_string();
        assert!(
            first.contains("Trang 1/3") && first.contains("year=2025&amp;page=2\">Sau →"),
            "{first}"
        );
        assert!(!first.contains("Trước"), "{first}");
        let last = super::pager(Lang::En, 3, 3, href).into_string();
        assert!(
            last.contains("Page 3/3")
                && last.contains("page=2\">← Previous")
                && !last.contains("Next"),
            "{last}"
        );
    }

    #[test]
    fn year_options_run_down_with_the_chosen_year_selected() {
        let html = super::year_options(2023, 2025, 2024).into_string();
        assert_eq!(
            html,
            "<option>2025</option><option selected>2024</option><option>2023</option>"
        );
    }
}
