//! Small helpers shared by the server-rendered pages: the reader's language, the short
//! refusal and error pages, places and points as people read them. HTML itself comes
//! from the templates (`crate::templates`).

/// A short page with a heading, one message and one way on (refusals, errors).
fn short_page(
    lang: hoptac_domain::i18n::Lang,
    status: axum::http::StatusCode,
    title: &str,
    msg: &str,
    href: &str,
    link: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let markup = crate::templates::short_page(lang, title, msg, href, link);
    (status, axum::response::Html(markup.into_string())).into_response()
}

tokio::task_local! {
    /// The page a GET request asked for (path and query) while its handlers run. Pages
    /// ask for a sign-in deep inside handlers that see only headers; the page routes'
    /// layer knows the address, and sets it here for [`sign_in_required`].
    pub static ASKED_FOR: String;
}

/// The 401 page of a signed-in page: what needs signing in, and the way to sign in,
/// which comes back to the page asked for.
pub fn sign_in_required(lang: hoptac_domain::i18n::Lang, what: &str) -> axum::response::Response {
    let href = ASKED_FOR
        .try_with(|asked| sign_in_href(Some(asked)))
        .unwrap_or_else(|_| sign_in_href(None));
    short_page(
        lang,
        axum::http::StatusCode::UNAUTHORIZED,
        lang.t("Cần đăng nhập", "Sign in needed"),
        what,
        &href,
        lang.t("Đăng nhập", "Sign in"),
    )
}

/// The sign-in form's address, with the page to land on after it (`next`).
pub fn sign_in_href(next: Option<&str>) -> String {
    match next.filter(|n| is_local_path(n)) {
        Some(n) => format!("/dang-nhap?next={}", url_escape(n)),
        None => "/dang-nhap".to_owned(),
    }
}

/// Where a sign-in lands: the page that asked for it when that is a page of this site
/// (never another host: an open redirect would lend our address to a phishing link),
/// else the dashboard. A `lang=` in it stays: the page is shown as it was asked for.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next.filter(|n| is_local_path(n) && !n.starts_with("/dang-nhap")) {
        Some(n) => n.to_owned(),
        None => "/bang-dieu-khien".to_owned(),
    }
}

/// A short page with one message and one way on (errors, refusals).
pub fn message_page(
    lang: hoptac_domain::i18n::Lang,
    status: axum::http::StatusCode,
    msg: &str,
    href: &str,
    link: &str,
) -> axum::response::Response {
    let title = if status.is_server_error() {
        lang.t("Lỗi hệ thống", "Server error")
    } else {
        lang.t("Không thực hiện được", "Not possible")
    };
    short_page(lang, status, title, msg, href, link)
}

/// Where a page's messages lead on: a link and its label in both languages.
pub struct WayOn {
    href: &'static str,
    vi: &'static str,
    en: &'static str,
}

impl WayOn {
    pub const fn new(href: &'static str, vi: &'static str, en: &'static str) -> WayOn {
        WayOn { href, vi, en }
    }

    /// [`message_page`] leading on here.
    pub fn message(
        &self,
        lang: hoptac_domain::i18n::Lang,
        status: axum::http::StatusCode,
        msg: &str,
    ) -> axum::response::Response {
        message_page(lang, status, msg, self.href, lang.t(self.vi, self.en))
    }
}

/// An organisation's commune as people name it ("Xã X, tỉnh Y"), in the scheme it
/// was recorded in.
pub fn commune_label(
    v: &hoptac_domain::list::OrgView,
    places: &hoptac_domain::Gazetteer,
) -> String {
    v.fields
        .place
        .as_ref()
        .and_then(|p| places.units.commune(p.scheme, &p.code))
        .map(|c| places.describe(c))
        .unwrap_or_default()
}

/// The cookie that keeps the reader's language between pages.
pub const LANG_COOKIE: &str = "hoptac_lang";

/// The page language: `?lang=` if given, else the reader's saved choice, else
/// Vietnamese (many officials' browsers ask for English by default, so the browser's
/// preference is not used).
pub fn page_lang(
    headers: &axum::http::HeaderMap,
    query: Option<&str>,
) -> hoptac_domain::i18n::Lang {
    use hoptac_domain::i18n::Lang;
    query
        .map(Lang::parse)
        .or_else(|| crate::auth::cookie(headers, LANG_COOKIE).map(|v| Lang::parse(&v)))
        .unwrap_or(Lang::Vi)
}

/// The one URL encoder: percent-encodes text for use as a query value (a search, a
/// path to go back to), leaving only the characters that never need it.
pub fn url_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The `lang` value of a query string, if any (`?q=x&lang=en` → `en`).
pub fn query_lang(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .map(|(_, v)| v)
}

tokio::task_local! {
    /// The path and query of the request being answered, for the language switch's
    /// way back (set by [`remember_request_target`]).
    static REQUEST_TARGET: String;
}

/// Keeps the request's path and query for the page it answers with, so the language
/// switch returns to the same filters, year and page.
pub async fn remember_request_target(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |p| p.as_str().to_owned());
    REQUEST_TARGET.scope(target, next.run(req)).await
}

/// Where the language switch returns to: the request's own path and query when the
/// page answers its own path, else the page's path.
pub fn way_back(here: &str) -> String {
    let path = here.split('?').next().unwrap_or("/");
    REQUEST_TARGET
        .try_with(|t| t.clone())
        .ok()
        .filter(|t| t.split('?').next() == Some(path))
        .unwrap_or_else(|| here.to_owned())
}

/// `GET /ngon-ngu?to=en&back=/path`: saves the reader's language and goes back. Only
/// local paths are followed, so the link cannot send anyone elsewhere.
pub async fn switch_language(
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let to = if q.get("to").map(String::as_str) == Some("en") {
        "en"
    } else {
        "vi"
    };
    let back = q
        .get("back")
        .filter(|b| is_local_path(b))
        .map_or("/", String::as_str);
    // Drop a `lang=` from where we go back to, or it would win over the new choice.
    let back = strip_lang_param(back);
    (
        [(
            axum::http::header::SET_COOKIE,
            format!("{LANG_COOKIE}={to}; Path=/; Max-Age=31536000; SameSite=Lax"),
        )],
        axum::response::Redirect::to(&back),
    )
        .into_response()
}

/// A path on this site: one leading slash, then only printable characters that cannot
/// make a browser read it as another host (no `//`, backslash, whitespace or control
/// characters, which browsers drop or turn into slashes).
pub fn is_local_path(b: &str) -> bool {
    b.starts_with('/')
        && !b.starts_with("//")
        && b.chars().all(|c| c.is_ascii_graphic() && c != '\\')
}

fn strip_lang_param(path: &str) -> String {
    let Some((p, q)) = path.split_once('?') else {
        return path.to_owned();
    };
    let kept: Vec<&str> = q.split('&').filter(|kv| !kv.starts_with("lang=")).collect();
    if kept.is_empty() {
        p.to_owned()
    } else {
        format!("{p}?{}", kept.join("&"))
    }
}

/// Reads a number of points as people type it: `6,5` or `6.5`; tenths at most.
pub fn parse_points(s: &str) -> Option<i32> {
    let t = s.trim().replace(',', ".");
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let x: f64 = t.parse().ok()?;
    let tenths = x * 10.0;
    ((tenths - tenths.round()).abs() < 1e-6 && x.is_finite() && x < 1000.0)
        .then(|| tenths.round() as i32)
}

/// Tenths of a point as vi-VN or en text (`6,5` / `6.5`).
pub fn points_text(tenths: i32, lang: hoptac_domain::i18n::Lang) -> String {
    match lang {
        hoptac_domain::i18n::Lang::Vi => {
            hoptac_domain::i18n::format_decimal(f64::from(tenths) / 10.0, 1)
        }
        hoptac_domain::i18n::Lang::En => format!("{:.1}", f64::from(tenths) / 10.0),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn points_are_read_with_comma_or_dot_in_tenths() {
        assert_eq!(super::parse_points("6,5"), Some(65));
        assert_eq!(super::parse_points(" 7.0 "), Some(70));
        assert_eq!(super::parse_points("10"), Some(100));
        assert_eq!(super::parse_points("6,55"), None);
        assert_eq!(super::parse_points("-1"), None);
        assert_eq!(super::parse_points("abc"), None);
        assert_eq!(super::parse_points(""), None);
    }

    #[test]
    fn the_language_switch_goes_back_only_to_this_site() {
        assert!(super::is_local_path("/to-chuc/3?lang=en&q=h%E1%BB%A3p"));
        for outside in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/ /x",
            "",
        ] {
            assert!(!super::is_local_path(outside), "{outside:?}");
        }
    }

    #[test]
    fn a_sign_in_lands_only_on_this_sites_pages() {
        assert_eq!(
            super::after_sign_in(Some("/to-chuc/3?lang=en")),
            "/to-chuc/3?lang=en"
        );
        for outside in [
            None,
            Some("//evil.example/x"),
            Some("https://evil.example"),
            Some("/\\evil.example"),
            Some("evil.example"),
            Some("/dang-nhap?next=/x"),
        ] {
            assert_eq!(
                super::after_sign_in(outside),
                "/bang-dieu-khien",
                "{outside:?}"
            );
        }
        assert_eq!(
            super::sign_in_href(Some("/danh-gia?year=2024&lang=en")),
            "/dang-nhap?next=%2Fdanh-gia%3Fyear%3D2024%26lang%3Den"
        );
        assert_eq!(super::sign_in_href(Some("//evil.example")), "/dang-nhap");
    }

    #[test]
    fn language_switch_goes_back_without_the_old_choice() {
        assert_eq!(super::strip_lang_param("/?q=x&lang=en"), "/?q=x");
        assert_eq!(super::strip_lang_param("/to-chuc/3?lang=vi"), "/to-chuc/3");
        assert_eq!(
            super::url_escape("/?q=hợp tác&x=1"),
            "%2F%3Fq%3Dh%E1%BB%A3p%20t%C3%A1c%26x%3D1"
        );
    }
}
