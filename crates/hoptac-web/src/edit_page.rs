//! Editing an organisation in a browser (`/to-chuc/{id}/sua`): a plain form with the
//! version it was read at; Vietnamese messages beside each wrong field; and when someone
//! else saved in between, both versions side by side and nothing overwritten.

use crate::auth::browser_session;
use crate::html::esc;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use hoptac_app::{Actor, AppError};
use hoptac_domain::i18n::{field_label, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, OrgId, Sector};
use std::collections::HashMap;

/// Text fields of the form, in order.
const TEXT: &[&str] = &[
    "name",
    "short_name",
    "tax_code",
    "registration_number",
    "registering_body",
    "address",
    "legal_representative",
    "phone",
    "email",
    "notes",
];
const NUMBERS: &[&str] = &["members", "charter_capital"];

fn current_value(v: &OrgView, field: &str) -> String {
    v.fields
        .as_map()
        .get(field)
        .map(|x| match x {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

fn form_html(
    v: &OrgView,
    values: &HashMap<String, String>,
    version: i64,
    csrf: &str,
    errors: &HashMap<String, String>,
    notice: &str,
) -> String {
    let lang = Lang::Vi;
    let value = |f: &str| {
        values
            .get(f)
            .cloned()
            .unwrap_or_else(|| current_value(v, f))
    };
    let err = |f: &str| {
        errors
            .get(f)
            .map(|e| format!("<span class=error id=\"err-{f}\">{}</span>", esc(e)))
            .unwrap_or_default()
    };
    let described = |f: &str| {
        if errors.contains_key(f) {
            format!(" aria-invalid=\"true\" aria-describedby=\"err-{f}\"")
        } else {
            String::new()
        }
    };
    let mut inputs = String::new();
    for f in TEXT {
        let field = if *f == "notes" {
            format!(
                "<textarea name=\"{f}\" rows=3{}>{}</textarea>",
                described(f),
                esc(&value(f))
            )
        } else {
            format!(
                "<input name=\"{f}\" value=\"{}\"{}>",
                esc(&value(f)),
                described(f)
            )
        };
        inputs.push_str(&format!(
            "<label>{} {field} {}</label><br>",
            esc(&field_label(f, lang)),
            err(f)
        ));
    }
    for f in NUMBERS {
        inputs.push_str(&format!(
            "<label>{} <input name=\"{f}\" inputmode=\"numeric\" value=\"{}\"{}> {}</label><br>",
            esc(&field_label(f, lang)),
            esc(&value(f)),
            described(f),
            err(f)
        ));
    }
    let sector_now = values.get("sector").cloned().unwrap_or_else(|| {
        v.fields
            .sector
            .map(|s| s.code().to_owned())
            .unwrap_or_default()
    });
    let options: String = Sector::ALL
        .iter()
        .map(|s| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                s.code(),
                if s.code() == sector_now {
                    " selected"
                } else {
                    ""
                },
                esc(s.label_vi())
            )
        })
        .collect();
    inputs.push_str(&format!(
        "<label>{} <select name=\"sector\">{options}</select></label><br>",
        esc(&field_label("sector", lang))
    ));
    inputs.push_str(&format!(
        "<label>{} <input name=\"effective\" placeholder=\"dd/mm/yyyy\" value=\"{}\"{}> {}</label><br>",
        esc(&field_label("effective", lang)),
        esc(values.get("effective").map(String::as_str).unwrap_or("")),
        described("effective"),
        err("effective")
    ));
    format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sửa hồ sơ — {name}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><p><a href="/to-chuc/{id}">← {name}</a></p><h1>Sửa hồ sơ: {name}</h1>{notice}
<form method="post" action="/to-chuc/{id}/sua">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="version" value="{version}">
{inputs}
<p><small>Để trống "Ngày hiệu lực" nếu thay đổi có hiệu lực từ hôm nay; ghi ngày cũ hơn cho việc đính chính.</small></p>
<button type="submit">Lưu</button></form></body></html>"#,
        name = esc(v.name()),
        id = v.id,
    )
}

fn deny(status: StatusCode, msg: &str) -> Response {
    crate::html::message_page(status, msg, "/dang-nhap", "Đăng nhập")
}

pub async fn edit_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OrgId>,
) -> Response {
    let Some((p, csrf, _)) = browser_session(&headers, &st).await else {
        return deny(StatusCode::UNAUTHORIZED, "Cần đăng nhập để sửa hồ sơ.");
    };
    let reg = st.registry.clone();
    let Ok(Ok(v)) = tokio::task::spawn_blocking(move || reg.get(id, None)).await else {
        return deny(StatusCode::NOT_FOUND, "Không tìm thấy hồ sơ.");
    };
    if !p.can_see(&v) || !p.role.writes() {
        return deny(StatusCode::NOT_FOUND, "Không tìm thấy hồ sơ.");
    }
    let version = v.version;
    Html(form_html(
        &v,
        &HashMap::new(),
        version,
        &csrf,
        &HashMap::new(),
        "",
    ))
    .into_response()
}

pub async fn edit_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OrgId>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some((p, csrf, _)) = browser_session(&headers, &st).await else {
        return deny(StatusCode::UNAUTHORIZED, "Cần đăng nhập để sửa hồ sơ.");
    };
    if form.get("csrf") != Some(&csrf) {
        return deny(
            StatusCode::FORBIDDEN,
            "Biểu mẫu đã hết hạn; hãy tải lại trang.",
        );
    }
    let mut errors: HashMap<String, String> = HashMap::new();
    let mut fields = OrgFields::default();
    let text = |k: &str| form.get(k).map(|v| v.trim().to_owned());
    fields.name = text("name");
    fields.short_name = text("short_name");
    fields.tax_code = text("tax_code");
    fields.registration_number = text("registration_number");
    fields.registering_body = text("registering_body");
    fields.address = text("address");
    fields.legal_representative = text("legal_representative");
    fields.phone = text("phone");
    fields.email = text("email");
    fields.notes = text("notes");
    fields.sector = form.get("sector").and_then(|s| Sector::parse(s));
    for f in NUMBERS {
        let raw = form.get(*f).map(|v| v.trim()).unwrap_or("");
        if raw.is_empty() {
            continue;
        }
        match hoptac_io::parse::whole_number(&hoptac_io::grid::Cell::Text(raw.to_owned()), 1) {
            Ok(n) => {
                if *f == "members" {
                    fields.members = n
                } else {
                    fields.charter_capital = n
                }
            }
            Err(_) => {
                errors.insert((*f).to_owned(), format!("\"{raw}\" không phải số nguyên"));
            }
        }
    }
    let effective = match form
        .get("effective")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(d) => match hoptac_domain::i18n::parse_date(d) {
            Some(d) => Some(d),
            None => {
                errors.insert(
                    "effective".into(),
                    format!("\"{d}\" không phải ngày (dd/mm/yyyy)"),
                );
                None
            }
        },
    };
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let reg = st.registry.clone();
    let who = p.clone();
    let result = tokio::task::spawn_blocking(move || {
        let v = reg.get(id, None)?;
        if !who.can_see(&v) || !who.role.writes() {
            return Err(AppError::NotFound {
                what: "organisation",
                id: id.to_string(),
            });
        }
        if !errors.is_empty() {
            return Ok((v, Err(errors)));
        }
        let actor = Actor::new(who.username.clone(), Some("web: sửa hồ sơ".into()));
        match reg.update(id, version, fields, effective, &actor) {
            Ok(v) => Ok((v, Ok(()))),
            Err(AppError::Invalid(errs)) => Ok((
                v,
                Err(errs
                    .iter()
                    .map(|e| (e.field.clone(), e.message(Lang::Vi)))
                    .collect()),
            )),
            Err(AppError::Conflict { current, .. }) => {
                let mut m = HashMap::new();
                m.insert("__conflict__".to_owned(), String::new());
                Ok((*current, Err(m)))
            }
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Ok((_, Ok(())))) => Redirect::to(&format!("/to-chuc/{id}")).into_response(),
        Ok(Ok((current, Err(errors)))) if errors.contains_key("__conflict__") => {
            // Show what the other person saved beside what this person typed; the form
            // keeps this person's values and now names the current version.
            let mut rows = String::new();
            for f in TEXT.iter().chain(NUMBERS) {
                let theirs = current_value(&current, f);
                let mine = form.get(*f).cloned().unwrap_or_default();
                if theirs != mine {
                    rows.push_str(&format!(
                        "<tr><th scope=row>{}</th><td><mark>{}</mark></td><td>{}</td></tr>",
                        esc(&field_label(f, Lang::Vi)),
                        esc(&theirs),
                        esc(&mine)
                    ));
                }
            }
            let notice = format!(
                "<p class=error role=alert>Hồ sơ vừa được người khác lưu (phiên bản {}). Chưa lưu gì của bạn. So sánh rồi bấm Lưu lần nữa nếu vẫn muốn ghi giá trị của bạn.</p><div class=w><table><thead><tr><th>Thông tin</th><th>Bản hiện tại</th><th>Bản của bạn</th></tr></thead><tbody>{rows}</tbody></table></div>",
                current.version
            );
            (
                StatusCode::CONFLICT,
                Html(form_html(
                    &current,
                    &form,
                    current.version,
                    &csrf,
                    &HashMap::new(),
                    &notice,
                )),
            )
                .into_response()
        }
        Ok(Ok((v, Err(errors)))) => {
            let notice =
                "<p class=error role=alert>Chưa lưu: có thông tin chưa hợp lệ (xem bên dưới).</p>";
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(form_html(&v, &form, version, &csrf, &errors, notice)),
            )
                .into_response()
        }
        Ok(Err(AppError::NotFound { .. })) => deny(StatusCode::NOT_FOUND, "Không tìm thấy hồ sơ."),
        _ => deny(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Lỗi hệ thống; chưa lưu gì.",
        ),
    }
}
