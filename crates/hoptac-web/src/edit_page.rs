//! Registering (`/to-chuc/moi`) and editing (`/to-chuc/{id}/sua`) an organisation in
//! a browser: a plain form (the edit form carries the version it was read at);
//! messages beside each wrong field in the reader's language; and when someone else
//! saved in between, both versions side by side and nothing overwritten.

use crate::html::esc;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use hoptac_app::registry::NewOrg;
use hoptac_app::AppError;
use hoptac_domain::auth::Action;
use hoptac_domain::i18n::{field_label, Lang};
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgFields, OrgId, OrgKind, Sector};
use hoptac_domain::place::PlaceRef;
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

/// The inputs shared by the create and edit forms, filled from what was typed, else
/// the record (`None` when registering).
fn field_inputs(
    v: Option<&OrgView>,
    values: &HashMap<String, String>,
    errors: &HashMap<String, String>,
    lang: Lang,
) -> String {
    let value = |f: &str| {
        values
            .get(f)
            .cloned()
            .unwrap_or_else(|| v.map(|v| current_value(v, f)).unwrap_or_default())
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
        v.and_then(|v| v.fields.sector)
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
                esc(lang.t(s.label_vi(), s.label_en()))
            )
        })
        .collect();
    inputs.push_str(&format!(
        "<label>{} <select name=\"sector\">{options}</select></label><br>",
        esc(&field_label("sector", lang))
    ));
    inputs
}

fn form_html(
    v: &OrgView,
    values: &HashMap<String, String>,
    version: i64,
    csrf: &str,
    errors: &HashMap<String, String>,
    notice: &str,
    lang: Lang,
) -> String {
    let described = |f: &str| {
        if errors.contains_key(f) {
            format!(" aria-invalid=\"true\" aria-describedby=\"err-{f}\"")
        } else {
            String::new()
        }
    };
    let inputs = field_inputs(Some(v), values, errors, lang);
    let effective = format!(
        "<label>{} <input name=\"effective\" placeholder=\"dd/mm/yyyy\" value=\"{}\"{}> {}</label><br>",
        esc(&field_label("effective", lang)),
        esc(values.get("effective").map(String::as_str).unwrap_or("")),
        described("effective"),
        errors
            .get("effective")
            .map(|e| format!("<span class=error id=\"err-effective\">{}</span>", esc(e)))
            .unwrap_or_default()
    );
    format!(
        r#"<p><a href="/to-chuc/{id}">← {name}</a></p><h1>{title}: {name}</h1>{notice}
<form method="post" action="/to-chuc/{id}/sua">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="version" value="{version}">
{inputs}{effective}
<p><small>{hint}</small></p>
<button type="submit">{save}</button></form>"#,
        name = esc(v.name()),
        id = v.id,
        csrf = esc(csrf),
        title = lang.t("Sửa hồ sơ", "Edit"),
        hint = lang.t(
            "Để trống \"Ngày hiệu lực\" nếu thay đổi có hiệu lực từ hôm nay; ghi ngày cũ hơn cho việc đính chính.",
            "Leave the effective date empty if the change takes effect today; give an earlier date for a correction."
        ),
        save = lang.t("Lưu", "Save"),
    )
}

fn deny(status: StatusCode, msg: &str, lang: Lang) -> Response {
    crate::html::message_page(
        lang,
        status,
        msg,
        "/dang-nhap",
        lang.t("Đăng nhập", "Sign in"),
    )
}

type Values = HashMap<String, String>;

/// A date typed as dd/mm/yyyy, or an error beside the field.
fn date_field(form: &Values, key: &str, errors: &mut Values, lang: Lang) -> Option<NaiveDate> {
    let raw = form.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())?;
    let parsed = hoptac_domain::i18n::parse_date(raw);
    if parsed.is_none() {
        errors.insert(
            key.to_owned(),
            format!(
                "\"{raw}\" {}",
                lang.t("không phải ngày (dd/mm/yyyy)", "is not a date (dd/mm/yyyy)")
            ),
        );
    }
    parsed
}

/// The fields of the shared inputs as typed; problems with numbers go to `errors`.
fn read_fields(form: &Values, errors: &mut Values, lang: Lang) -> OrgFields {
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
                errors.insert(
                    (*f).to_owned(),
                    format!(
                        "\"{raw}\" {}",
                        lang.t("không phải số nguyên", "is not a whole number")
                    ),
                );
            }
        }
    }
    fields
}

fn edit_page(
    lang: Lang,
    p: &hoptac_domain::auth::Principal,
    csrf: &str,
    v: &OrgView,
    status: StatusCode,
    content: String,
) -> Response {
    (
        status,
        Html(crate::html::layout(
            lang,
            &format!("{} — {}", lang.t("Sửa hồ sơ", "Edit"), v.name()),
            Some((p, csrf)),
            &format!("/to-chuc/{}/sua", v.id),
            &content,
        )),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

pub async fn edit_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OrgId>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let not_found = lang.t("Không tìm thấy hồ sơ.", "No such record.");
    let (p, csrf) = match crate::auth::reader(
        &headers,
        &st,
        lang,
        "Cần đăng nhập để sửa hồ sơ.",
        "Sign in to edit records.",
    )
    .await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    let reg = st.registry.clone();
    // A missing record is 404; a storage outage is a 503 page, never a 404.
    let v = match crate::error::settle(
        lang,
        tokio::task::spawn_blocking(move || reg.get(id, None)).await,
    ) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !p.can_see(&v) || !p.may(Action::EditOrganisation) {
        return deny(StatusCode::NOT_FOUND, not_found, lang);
    }
    let content = form_html(
        &v,
        &Values::new(),
        v.version,
        &csrf,
        &Values::new(),
        "",
        lang,
    );
    edit_page(lang, &p, &csrf, &v, StatusCode::OK, content)
}

pub async fn edit_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OrgId>,
    Form(form): Form<Values>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) = match crate::auth::poster(
        &headers,
        &st,
        lang,
        form.get("csrf"),
        "Cần đăng nhập để sửa hồ sơ.",
        "Sign in to edit records.",
    )
    .await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut errors = Values::new();
    let fields = read_fields(&form, &mut errors, lang);
    let effective = date_field(&form, "effective", &mut errors, lang);
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let reg = st.registry.clone();
    let who = p.clone();
    let result = tokio::task::spawn_blocking(move || {
        let me = reg.for_principal(&who);
        let v = me.visible(id)?;
        if !who.may(Action::EditOrganisation) {
            return Err(AppError::NotFound {
                what: "organisation",
                id: id.to_string(),
            });
        }
        if !errors.is_empty() {
            return Ok((v, Err(errors)));
        }
        let actor = me.actor("web: sửa hồ sơ");
        match me.update(id, version, fields, effective, &actor) {
            Ok(v) => Ok((v, Ok(()))),
            Err(AppError::Invalid(errs)) => Ok((
                v,
                Err(errs
                    .iter()
                    .map(|e| (e.field.clone(), e.message(lang)))
                    .collect()),
            )),
            Err(AppError::Conflict { current, .. }) => {
                let mut m = Values::new();
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
                        esc(&field_label(f, lang)),
                        esc(&theirs),
                        esc(&mine)
                    ));
                }
            }
            let notice = format!(
                "<p class=error role=alert>{} ({} {}). {}</p><div class=w><table><thead><tr><th scope=col>{}</th><th scope=col>{}</th><th scope=col>{}</th></tr></thead><tbody>{rows}</tbody></table></div>",
                lang.t("Hồ sơ vừa được người khác lưu", "Someone else saved this record"),
                lang.t("phiên bản", "version"),
                current.version,
                lang.t(
                    "Chưa lưu gì của bạn. So sánh rồi bấm Lưu lần nữa nếu vẫn muốn ghi giá trị của bạn.",
                    "Nothing of yours was saved. Compare, then press Save again to keep your values."
                ),
                lang.t("Thông tin", "Field"),
                lang.t("Bản hiện tại", "Current"),
                lang.t("Bản của bạn", "Yours"),
            );
            let content = form_html(
                &current,
                &form,
                current.version,
                &csrf,
                &Values::new(),
                &notice,
                lang,
            );
            edit_page(lang, &p, &csrf, &current, StatusCode::CONFLICT, content)
        }
        Ok(Ok((v, Err(errors)))) => {
            let notice = invalid_notice(lang);
            let content = form_html(&v, &form, version, &csrf, &errors, &notice, lang);
            edit_page(
                lang,
                &p,
                &csrf,
                &v,
                StatusCode::UNPROCESSABLE_ENTITY,
                content,
            )
        }
        Ok(Err(AppError::NotFound { .. })) => deny(
            StatusCode::NOT_FOUND,
            lang.t("Không tìm thấy hồ sơ.", "No such record."),
            lang,
        ),
        Ok(Err(e @ AppError::Forbidden { .. })) => {
            deny(StatusCode::FORBIDDEN, &e.message(lang), lang)
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(join) => crate::error::page_error(
            lang,
            &crate::error::panicked(join, "saving an organisation"),
        ),
    }
}

fn invalid_notice(lang: Lang) -> String {
    format!(
        "<p class=error role=alert>{}</p>",
        lang.t(
            "Chưa lưu: có thông tin chưa hợp lệ (xem bên dưới).",
            "Not saved: some fields are invalid (see below)."
        )
    )
}

/// The communes a reader may register in: their own, or every commune served.
fn commune_choices(
    p: &hoptac_domain::auth::Principal,
    places: &hoptac_domain::Gazetteer,
) -> Vec<(String, String)> {
    use hoptac_domain::auth::Scope;
    places
        .units
        .communes(hoptac_domain::Scheme::Y2025, places.province.as_deref())
        .into_iter()
        .filter(|c| match &p.scope {
            Scope::All => true,
            Scope::Communes { codes } => codes.contains(&c.code),
            Scope::Organisation { .. } => false,
        })
        .map(|c| (c.code.clone(), places.describe(c)))
        .collect()
}

fn create_html(
    choices: &[(String, String)],
    values: &Values,
    csrf: &str,
    errors: &Values,
    notice: &str,
    lang: Lang,
) -> String {
    let err = |f: &str| {
        errors
            .get(f)
            .map(|e| format!(" <span class=error id=\"err-{f}\">{}</span>", esc(e)))
            .unwrap_or_default()
    };
    let described = |f: &str| {
        if errors.contains_key(f) {
            format!(" aria-invalid=\"true\" aria-describedby=\"err-{f}\"")
        } else {
            String::new()
        }
    };
    let val = |f: &str| esc(values.get(f).map(String::as_str).unwrap_or(""));
    let kind_now = values.get("kind").map(String::as_str).unwrap_or("HTX");
    let kinds: String = OrgKind::ALL
        .iter()
        .map(|k| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                k.code(),
                if k.code() == kind_now {
                    " selected"
                } else {
                    ""
                },
                esc(lang.t(k.label_vi(), k.label_en()))
            )
        })
        .collect();
    let commune_now = values.get("commune").map(String::as_str).unwrap_or("");
    let communes: String = choices
        .iter()
        .map(|(code, label)| {
            format!(
                "<option value=\"{code}\"{}>{}</option>",
                if code == commune_now { " selected" } else { "" },
                esc(label)
            )
        })
        .collect();
    let dates: String = ["founding_date", "registration_date"]
        .iter()
        .map(|f| {
            format!(
                "<label>{} <input name=\"{f}\" placeholder=\"dd/mm/yyyy\" inputmode=\"numeric\" value=\"{}\"{}>{}</label><br>",
                esc(&field_label(f, lang)),
                val(f),
                described(f),
                err(f)
            )
        })
        .collect();
    format!(
        r#"<h1>{title}</h1>{notice}
<form method="post" action="/to-chuc/moi"><input type="hidden" name="csrf" value="{csrf}">
<label>{kind_l} <select name="kind">{kinds}</select></label><br>
<label>{commune_l} <select name="commune"{commune_described}><option value="">—</option>{communes}</select>{commune_err}</label><br>
{dates}{inputs}
<button type="submit">{save}</button></form>"#,
        title = lang.t("Đăng ký tổ chức mới", "Register an organisation"),
        csrf = esc(csrf),
        kind_l = esc(&field_label("kind", lang)),
        commune_l = esc(&field_label("place", lang)),
        commune_described = described("place"),
        commune_err = err("place"),
        inputs = field_inputs(None, values, errors, lang),
        save = lang.t("Đăng ký", "Register"),
    )
}

fn create_page(
    lang: Lang,
    p: &hoptac_domain::auth::Principal,
    csrf: &str,
    status: StatusCode,
    content: String,
) -> Response {
    (
        status,
        Html(crate::html::layout(
            lang,
            lang.t("Đăng ký tổ chức mới", "Register an organisation"),
            Some((p, csrf)),
            "/to-chuc/moi",
            &content,
        )),
    )
        .into_response()
}

/// Who may register: the role table's answer.
fn may_register(p: &hoptac_domain::auth::Principal) -> bool {
    p.may(Action::RegisterOrganisation)
}

/// `GET /to-chuc/moi`.
pub async fn create_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = match crate::auth::reader(
        &headers,
        &st,
        lang,
        "Cần đăng nhập để đăng ký tổ chức.",
        "Sign in to register organisations.",
    )
    .await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !may_register(&p) {
        return deny(
            StatusCode::FORBIDDEN,
            lang.t(
                "Tài khoản này không đăng ký được tổ chức mới.",
                "This account cannot register organisations.",
            ),
            lang,
        );
    }
    let choices = commune_choices(&p, &st.registry.places());
    let content = create_html(&choices, &Values::new(), &csrf, &Values::new(), "", lang);
    create_page(lang, &p, &csrf, StatusCode::OK, content)
}

/// `POST /to-chuc/moi`: registers, or shows the form again with each problem named.
pub async fn create_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Values>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) = match crate::auth::poster(
        &headers,
        &st,
        lang,
        form.get("csrf"),
        "Cần đăng nhập để đăng ký tổ chức.",
        "Sign in to register organisations.",
    )
    .await
    {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !may_register(&p) {
        return deny(
            StatusCode::FORBIDDEN,
            lang.t(
                "Tài khoản này không đăng ký được tổ chức mới.",
                "This account cannot register organisations.",
            ),
            lang,
        );
    }
    let places = st.registry.places();
    let choices = commune_choices(&p, &places);
    let mut errors = Values::new();
    let mut fields = read_fields(&form, &mut errors, lang);
    // Empty inputs are not values on a new record.
    for f in [
        &mut fields.short_name,
        &mut fields.tax_code,
        &mut fields.registration_number,
        &mut fields.registering_body,
        &mut fields.address,
        &mut fields.legal_representative,
        &mut fields.phone,
        &mut fields.email,
        &mut fields.notes,
        &mut fields.name,
    ] {
        if f.as_deref() == Some("") {
            *f = None;
        }
    }
    fields.founding_date = date_field(&form, "founding_date", &mut errors, lang);
    fields.registration_date = date_field(&form, "registration_date", &mut errors, lang);
    match form.get("commune").map(String::as_str).unwrap_or("") {
        "" => {
            errors.insert(
                "place".into(),
                lang.t("Cần chọn xã/phường", "Choose the commune")
                    .to_owned(),
            );
        }
        code if choices.iter().any(|(c, _)| c == code) => {
            fields.place = Some(PlaceRef::new(hoptac_domain::Scheme::Y2025, code));
        }
        _ => {
            errors.insert(
                "place".into(),
                lang.t(
                    "Xã/phường ngoài địa bàn của tài khoản",
                    "The commune is outside the account's communes",
                )
                .to_owned(),
            );
        }
    }
    let kind = form.get("kind").and_then(|k| OrgKind::parse(k));
    let invalid = |errors: &Values| {
        let content = create_html(&choices, &form, &csrf, errors, &invalid_notice(lang), lang);
        create_page(lang, &p, &csrf, StatusCode::UNPROCESSABLE_ENTITY, content)
    };
    if !errors.is_empty() {
        return invalid(&errors);
    }
    let reg = st.registry.clone();
    let who = p.clone();
    let new = NewOrg {
        kind,
        fields,
        status: None,
    };
    let created = tokio::task::spawn_blocking(move || {
        let me = reg.for_principal(&who);
        me.create(new, &me.actor("web: đăng ký mới"))
    })
    .await;
    match created {
        Ok(Ok(v)) => Redirect::to(&format!("/to-chuc/{}", v.id)).into_response(),
        Ok(Err(AppError::Invalid(errs))) => {
            let errors: Values = errs
                .iter()
                .map(|e| (e.field.clone(), e.message(lang)))
                .collect();
            invalid(&errors)
        }
        Ok(Err(e @ (AppError::Refused { .. } | AppError::Forbidden { .. }))) => {
            let notice = format!("<p class=error role=alert>{}</p>", esc(&e.message(lang)));
            let content = create_html(&choices, &form, &csrf, &Values::new(), &notice, lang);
            create_page(lang, &p, &csrf, StatusCode::UNPROCESSABLE_ENTITY, content)
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(join) => crate::error::page_error(lang, &crate::error::panicked(join, "registering")),
    }
}
