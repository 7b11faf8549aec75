//! Registering (`/to-chuc/moi`) and editing (`/to-chuc/{id}/sua`) an organisation in
//! a browser: a plain form (the edit form carries the version it was read at);
//! messages beside each wrong field in the reader's language; and when someone else
//! saved in between, both versions side by side and nothing overwritten.

use crate::edit_fields::{
    self as ef, current_value, date_field, read_fields, Values, NUMBERS, TEXT,
};
use crate::templates::organisation_form::{self, CreateForm, Input, Notice, OrgInputs};
use crate::templates::{Frame, Markup};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use hoptac_app::registry::NewOrg;
use hoptac_app::AppError;
use hoptac_domain::auth::Action;
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::OrgView;
use hoptac_domain::org::{OrgId, OrgKind};
use hoptac_domain::place::PlaceRef;

/// What signing in is needed for here.
const TO_EDIT: crate::auth::Need = ("Cần đăng nhập để sửa hồ sơ.", "Sign in to edit records.");

/// What signing in is needed for here.
const TO_REGISTER: crate::auth::Need = (
    "Cần đăng nhập để đăng ký tổ chức.",
    "Sign in to register organisations.",
);

/// The inputs shared by the create and edit forms, filled from what was typed, else
/// the record (`None` when registering).
fn field_inputs(v: Option<&OrgView>, values: &Values, errors: &Values) -> OrgInputs {
    let input = |f: &'static str| Input {
        name: f,
        value: values
            .get(f)
            .cloned()
            .unwrap_or_else(|| v.map(|v| current_value(v, f)).unwrap_or_default()),
        error: errors.get(f).cloned(),
    };
    let sector = values.get("sector").cloned().unwrap_or_else(|| {
        v.and_then(|v| v.fields.sector)
            .map(|s| s.code().to_owned())
            .unwrap_or_default()
    });
    OrgInputs {
        text: TEXT.iter().map(|f| input(f)).collect(),
        numbers: NUMBERS.iter().map(|f| input(f)).collect(),
        no_sector: v.is_some() && sector.is_empty(),
        sector,
    }
}

/// An input shown again as typed, with its problem.
fn typed(values: &Values, errors: &Values, f: &'static str) -> Input {
    Input {
        name: f,
        value: values.get(f).cloned().unwrap_or_default(),
        error: errors.get(f).cloned(),
    }
}

/// How the edit form of `v` is shown: what was typed (else the record's values),
/// the version and values it was read at, and who reads it.
struct FormState<'a> {
    values: &'a Values,
    read: Values,
    version: i64,
    errors: &'a Values,
    notice: Notice,
    /// The reader may only propose identity changes (a cooperative account).
    proposes: bool,
}

/// The edit form of `v`.
fn form_html(v: &OrgView, f: FormState<'_>, csrf: &str, lang: Lang) -> Markup {
    let mut read: Vec<(String, String)> = ef::all()
        .map(|k| (ef::read_key(k), f.read.get(k).cloned().unwrap_or_default()))
        .collect();
    read.sort();
    organisation_form::edit_form(&organisation_form::EditForm {
        lang,
        id: v.id,
        name: v.name(),
        csrf,
        version: f.version,
        notice: f.notice,
        inputs: field_inputs(Some(v), f.values, f.errors),
        effective: typed(f.values, f.errors, "effective"),
        read,
        proposed: if f.proposes { ef::IDENTITY } else { &[] },
    })
}

/// Where this page's messages lead on.
const SIGN_IN_ON: crate::html::WayOn =
    crate::html::WayOn::new("/dang-nhap", "Đăng nhập", "Sign in");

fn deny(status: StatusCode, msg: &str, lang: Lang) -> Response {
    SIGN_IN_ON.message(lang, status, msg)
}

fn edit_page(
    lang: Lang,
    p: &hoptac_domain::auth::Principal,
    csrf: &str,
    v: &OrgView,
    status: StatusCode,
    content: Markup,
) -> Response {
    let title = format!("{} — {}", lang.t("Sửa hồ sơ", "Edit"), v.name());
    let here = format!("/to-chuc/{}/sua", v.id);
    let frame = Frame {
        lang,
        title: &title,
        who: Some((p, csrf)),
        here: &here,
    };
    (
        status,
        Html(crate::templates::page(&frame, content).into_string()),
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
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, TO_EDIT).await);
    // A missing record, one out of scope and one the role may not edit are all 404;
    // a storage outage is a 503 page, never a 404.
    let v = match crate::run::on_page_tried(&st, &p, lang, move |me| me.for_edit(id)).await {
        Ok(Ok(v)) => v,
        Ok(Err(AppError::NotFound { .. })) => return deny(StatusCode::NOT_FOUND, not_found, lang),
        Ok(Err(e)) => return crate::error::page_error(lang, &e),
        Err(r) => return r,
    };
    let state = FormState {
        values: &Values::new(),
        read: ef::record_values(&v),
        version: v.version,
        errors: &Values::new(),
        notice: Notice::None,
        proposes: !p.may(Action::EditIdentity),
    };
    let content = form_html(&v, state, &csrf, lang);
    edit_page(lang, &p, &csrf, &v, StatusCode::OK, content)
}

/// What became of a save: done, or the record (as it is now) with why not.
enum Saved {
    Done,
    Invalid(OrgView, Values),
    Conflict(OrgView),
}

/// Saves the fields this editor changed. An account that may not change identity
/// sends its identity changes as a proposal, checked before anything is written and
/// stored once the rest is saved.
fn save(
    me: &hoptac_app::Scoped,
    id: OrgId,
    version: i64,
    mut fields: hoptac_domain::org::OrgFields,
    effective: Option<NaiveDate>,
    errors: Values,
    lang: Lang,
) -> Result<Saved, AppError> {
    use hoptac_app::proposals::{identity_part, without_identity};
    let v = me.for_edit(id)?;
    if !errors.is_empty() {
        return Ok(Saved::Invalid(v, errors));
    }
    let named = |errs: Vec<hoptac_domain::validate::FieldError>| {
        errs.iter()
            .map(|e| (e.field.clone(), e.message(lang)))
            .collect()
    };
    let proposal = if me.principal().may(Action::EditIdentity) {
        None
    } else {
        let asked = identity_part(&fields);
        fields = without_identity(&fields);
        match me.identity_change(id, &asked) {
            Ok(change) if change.is_empty() => None,
            Ok(change) => Some(change),
            Err(AppError::Invalid(errs)) => return Ok(Saved::Invalid(v, named(errs))),
            Err(e) => return Err(e),
        }
    };
    match me.update(id, version, fields, effective, &me.actor("web: sửa hồ sơ")) {
        Ok(_) => {}
        Err(AppError::Invalid(errs)) => return Ok(Saved::Invalid(v, named(errs))),
        Err(AppError::Conflict { current, .. }) => return Ok(Saved::Conflict(*current)),
        Err(e) => return Err(e),
    }
    if let Some(change) = proposal {
        me.propose_identity(id, &change, &me.actor("web: đề nghị sửa thông tin pháp lý"))?;
    }
    Ok(Saved::Done)
}

pub async fn edit_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<OrgId>,
    Form(form): Form<Values>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) =
        or_page!(crate::auth::poster(&headers, &st, lang, form.get("csrf"), TO_EDIT).await);
    let mut errors = Values::new();
    // Only what this editor changed: a field left alone never writes the value it was
    // read at over someone else's newer one.
    let fields = ef::changed_fields(&form, &mut errors, lang);
    let effective = date_field(&form, "effective", &mut errors, lang);
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let proposes = !p.may(Action::EditIdentity);
    let result = crate::run::on_page_tried(&st, &p, lang, move |me| {
        save(me, id, version, fields, effective, errors, lang)
    })
    .await;
    match result {
        Ok(Ok(Saved::Done)) => Redirect::to(&format!("/to-chuc/{id}")).into_response(),
        Ok(Ok(Saved::Conflict(current))) => {
            // Show what the other person saved beside this person's changes; the form
            // keeps only those changes, shows the rest as it is now, and names the
            // current version.
            let (values, rows) = ef::on_conflict(&form, &current);
            let state = FormState {
                values: &values,
                read: ef::record_values(&current),
                version: current.version,
                errors: &Values::new(),
                notice: Notice::Conflict {
                    version: current.version,
                    rows,
                },
                proposes,
            };
            let content = form_html(&current, state, &csrf, lang);
            edit_page(lang, &p, &csrf, &current, StatusCode::CONFLICT, content)
        }
        Ok(Ok(Saved::Invalid(v, errors))) => {
            let state = FormState {
                values: &form,
                read: ef::read_values(&form, &v),
                version,
                errors: &errors,
                notice: Notice::Invalid,
                proposes,
            };
            let content = form_html(&v, state, &csrf, lang);
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
        Err(r) => r,
    }
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
    notice: Notice,
    lang: Lang,
) -> Markup {
    organisation_form::create_form(&CreateForm {
        lang,
        csrf,
        notice,
        kind: values.get("kind").map(String::as_str).unwrap_or("HTX"),
        communes: choices,
        commune: values.get("commune").map(String::as_str).unwrap_or(""),
        commune_error: errors.get("place").cloned(),
        dates: ["founding_date", "registration_date"]
            .into_iter()
            .map(|f| typed(values, errors, f))
            .collect(),
        inputs: field_inputs(None, values, errors),
    })
}

fn create_page(
    lang: Lang,
    p: &hoptac_domain::auth::Principal,
    csrf: &str,
    status: StatusCode,
    content: Markup,
) -> Response {
    let frame = Frame {
        lang,
        title: lang.t("Đăng ký tổ chức mới", "Register an organisation"),
        who: Some((p, csrf)),
        here: "/to-chuc/moi",
    };
    (
        status,
        Html(crate::templates::page(&frame, content).into_string()),
    )
        .into_response()
}

/// Who may register: the role table's answer, or the page that refuses.
#[allow(clippy::result_large_err)]
fn registrar(p: &hoptac_domain::auth::Principal, lang: Lang) -> Result<(), Response> {
    if p.may(Action::RegisterOrganisation) {
        return Ok(());
    }
    Err(deny(
        StatusCode::FORBIDDEN,
        lang.t(
            "Tài khoản này không đăng ký được tổ chức mới.",
            "This account cannot register organisations.",
        ),
        lang,
    ))
}

/// `GET /to-chuc/moi`.
pub async fn create_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = crate::html::page_lang(&headers, q.lang.as_deref());
    let (p, csrf) = or_page!(crate::auth::reader(&headers, &st, lang, TO_REGISTER).await);
    or_page!(registrar(&p, lang));
    let choices = commune_choices(&p, &st.gate.places());
    let content = create_html(
        &choices,
        &Values::new(),
        &csrf,
        &Values::new(),
        Notice::None,
        lang,
    );
    create_page(lang, &p, &csrf, StatusCode::OK, content)
}

/// `POST /to-chuc/moi`: registers, or shows the form again with each problem named.
pub async fn create_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Values>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) =
        or_page!(crate::auth::poster(&headers, &st, lang, form.get("csrf"), TO_REGISTER).await);
    or_page!(registrar(&p, lang));
    let places = st.gate.places();
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
        let content = create_html(&choices, &form, &csrf, errors, Notice::Invalid, lang);
        create_page(lang, &p, &csrf, StatusCode::UNPROCESSABLE_ENTITY, content)
    };
    if !errors.is_empty() {
        return invalid(&errors);
    }
    let new = NewOrg {
        kind,
        fields,
        status: None,
    };
    let created = crate::run::on_page_tried(&st, &p, lang, move |me| {
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
            let notice = Notice::Refused(e.message(lang));
            let content = create_html(&choices, &form, &csrf, &Values::new(), notice, lang);
            create_page(lang, &p, &csrf, StatusCode::UNPROCESSABLE_ENTITY, content)
        }
        Ok(Err(e)) => crate::error::page_error(lang, &e),
        Err(r) => r,
    }
}
