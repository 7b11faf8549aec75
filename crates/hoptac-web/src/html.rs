//! Small helpers shared by the server-rendered pages.

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The 401 page of a signed-in page: what needs signing in, and the way to sign in.
pub fn sign_in_required(what: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        axum::http::StatusCode::UNAUTHORIZED,
        axum::response::Html(format!(
            "<!doctype html><meta charset=utf-8><link rel=stylesheet href=/static/app.css><p>{} <a href=\"/dang-nhap\">Đăng nhập</a></p>",
            esc(what)
        )),
    )
        .into_response()
}

/// A short page with one message and one way on (errors, refusals).
pub fn message_page(
    status: axum::http::StatusCode,
    msg: &str,
    href: &str,
    link: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        status,
        axum::response::Html(format!(
            "<!doctype html><meta charset=utf-8><link rel=stylesheet href=/static/app.css><p>{}</p><p><a href=\"{href}\">{}</a></p>",
            esc(msg),
            esc(link)
        )),
    )
        .into_response()
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

/// `<option>`s for the years from `to` down to `from`, `selected` chosen.
pub fn year_options(from: i32, to: i32, selected: i32) -> String {
    (from..=to)
        .rev()
        .map(|y| {
            format!(
                "<option{}>{y}</option>",
                if y == selected { " selected" } else { "" }
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::esc(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }
}
