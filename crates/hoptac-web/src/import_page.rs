//! Importing a spreadsheet in a browser (`/nhap`): upload, a preview that is a dry run
//! (every row error with its row, column and reason, or what would be added and
//! changed), then a confirmation that writes it all or nothing while a progress page
//! (`/nhap/tien-do/{job}`) shows how far it is. No JavaScript: the progress page
//! refreshes itself with a meta refresh.

use crate::templates::{import as tpl, Frame, Markup};
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use hoptac_app::access::PendingUpload;
use hoptac_app::import::{ImportOptions, ImportReport, Progress};
use hoptac_app::{Actor, AppError};
use hoptac_domain::auth::Principal;
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgKind;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A confirmed import running in the background on this server.
#[derive(Debug, Clone)]
pub struct Job {
    owner: String,
    file_name: String,
    writing: bool,
    done: usize,
    total: usize,
    /// The report, or why it failed, once finished.
    finished: Option<Result<ImportReport, String>>,
    started: std::time::Instant,
}

/// Running and recently finished imports. Kept in the memory of the server that runs
/// them: the progress page is a convenience, the import itself is one transaction in
/// the database whichever server runs it (docs/decisions/0010).
pub type Jobs = Arc<Mutex<HashMap<String, Job>>>;

fn page(
    lang: Lang,
    p: Option<(&Principal, &str)>,
    status: StatusCode,
    title: &str,
    body: Markup,
) -> Response {
    let frame = Frame {
        lang,
        title,
        who: p,
        here: "/nhap",
    };
    let html = crate::templates::page(&frame, tpl::titled(title, body));
    (status, Html(html.into_string())).into_response()
}

fn title(lang: Lang) -> &'static str {
    lang.t("Nhập dữ liệu", "Import")
}

async fn provincial(
    headers: &HeaderMap,
    st: &AppState,
    lang: Lang,
) -> Result<(Principal, String), Response> {
    match crate::auth::page_session(headers, st, lang).await? {
        None => Err(page(
            lang,
            None,
            StatusCode::UNAUTHORIZED,
            title(lang),
            tpl::sign_in(lang),
        )),
        Some((p, csrf, _)) if p.may(hoptac_domain::auth::Action::ManageProvince) => Ok((p, csrf)),
        Some((p, csrf, _)) => Err(page(
            lang,
            Some((&p, &csrf)),
            StatusCode::FORBIDDEN,
            title(lang),
            tpl::para(lang.t(
                "Nhập dữ liệu dành cho cán bộ cấp tỉnh.",
                "Imports are for provincial officers.",
            )),
        )),
    }
}

fn expired(lang: Lang, p: &Principal, csrf: &str) -> Response {
    page(
        lang,
        Some((p, csrf)),
        StatusCode::FORBIDDEN,
        title(lang),
        tpl::error(
            lang.t(
                "Biểu mẫu đã hết hạn; hãy tải lại trang.",
                "The form expired; reload the page.",
            ),
            false,
        ),
    )
}

pub async fn upload_form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) = or_page!(provincial(&headers, &st, lang).await);
    let kinds = OrgKind::ALL
        .iter()
        .map(|k| (k.code(), lang.t(k.label_vi(), k.label_en())))
        .collect();
    page(
        lang,
        Some((&p, &csrf)),
        StatusCode::OK,
        lang.t("Nhập danh sách tổ chức", "Import a list of organisations"),
        tpl::upload(&tpl::Upload {
            lang,
            csrf: &csrf,
            kinds,
        }),
    )
}

pub async fn preview(
    State(st): State<AppState>,
    headers: HeaderMap,
    mut mp: Multipart,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) = or_page!(provincial(&headers, &st, lang).await);
    let fail = |status: StatusCode, msg: &str| {
        page(
            lang,
            Some((&p, &csrf)),
            status,
            title(lang),
            tpl::error(msg, true),
        )
    };
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            let limit_mb = crate::UPLOAD_LIMIT_BYTES as u64 / (1024 * 1024);
            let msg = hoptac_app::AppError::TooLarge { limit_mb }.message(lang);
            return fail(StatusCode::PAYLOAD_TOO_LARGE, &msg);
        }
        tracing::info!(error = %e, "unreadable upload");
        fail(
            StatusCode::BAD_REQUEST,
            lang.t(
                "Không đọc được tệp tải lên.",
                "The upload could not be read.",
            ),
        )
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return unreadable(e),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let fname = field.file_name().unwrap_or("tep.xlsx").to_owned();
            match field.bytes().await {
                Ok(b) => file = Some((fname, b.to_vec())),
                Err(e) => return unreadable(e),
            }
        } else {
            match field.text().await {
                Ok(t) => {
                    fields.insert(name, t);
                }
                Err(e) => return unreadable(e),
            }
        }
    }
    if fields.get("csrf") != Some(&csrf) {
        return expired(lang, &p, &csrf);
    }
    let Some((name, bytes)) = file.filter(|f| !f.1.is_empty()) else {
        return fail(
            StatusCode::BAD_REQUEST,
            lang.t("Chưa chọn tệp.", "No file chosen."),
        );
    };
    let kind = fields.get("kind").filter(|k| !k.is_empty()).cloned();
    let result = crate::run::on_page_tried(&st, &p, lang, move |me| {
        let opts = ImportOptions {
            kind: kind.as_deref().and_then(OrgKind::parse),
            dry_run: true,
            lang,
        };
        let actor = me.actor(&format!("web: nhập {name}"));
        match me.import_file(&name, bytes.clone(), &opts, &actor, &|_| {}) {
            Ok(report) => {
                let token = me.keep_upload(&name, kind.as_deref(), &bytes)?;
                Ok((report, Some(token)))
            }
            Err(AppError::ImportRejected(report)) => Ok((*report, None)),
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Ok((report, token))) => {
            let next = match &token {
                Some(t) if report.created + report.updated > 0 => tpl::Next::Confirm {
                    csrf: &csrf,
                    token: t,
                    rows: report.created + report.updated,
                },
                Some(_) => tpl::Next::NothingChanges,
                None => tpl::Next::Rejected,
            };
            let status = if report.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            page(
                lang,
                Some((&p, &csrf)),
                status,
                lang.t("Kiểm tra tệp", "File check"),
                tpl::checked(&report, lang, &next),
            )
        }
        Ok(Err(e)) => {
            crate::error::log_fault(&e, "checking an upload");
            let status = match e {
                AppError::Refused { .. } => StatusCode::BAD_REQUEST,
                ref e => crate::error::status_of(e),
            };
            fail(status, &e.message(lang))
        }
        Err(r) => r,
    }
}

/// `POST /nhap/xac-nhan`: starts the import in the background and sends the reader to
/// its progress page.
pub async fn confirm(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) = or_page!(provincial(&headers, &st, lang).await);
    if f.get("csrf") != Some(&csrf) {
        return expired(lang, &p, &csrf);
    }
    let token = f.get("token").cloned().unwrap_or_default();
    let taken = crate::run::on_page(&st, &p, lang, move |me| me.take_upload(&token)).await;
    let upload = match taken {
        Ok(Some(u)) => u,
        Ok(None) => {
            return page(
                lang,
                Some((&p, &csrf)),
                StatusCode::GONE,
                title(lang),
                tpl::gone(lang),
            )
        }
        Err(r) => return r,
    };
    let job_id = hoptac_app::users::random_secret(16);
    {
        let Ok(mut jobs) = st.jobs.lock() else {
            let e = AppError::Internal("the import jobs' lock is poisoned".into());
            return crate::error::page_error(lang, &e);
        };
        // Finished jobs are kept an hour for their page, then forgotten.
        jobs.retain(|_, j| {
            j.finished.is_none() || j.started.elapsed() < std::time::Duration::from_secs(3600)
        });
        jobs.insert(
            job_id.clone(),
            Job {
                owner: p.username.clone(),
                file_name: upload.file_name.clone(),
                writing: false,
                done: 0,
                total: 0,
                finished: None,
                started: std::time::Instant::now(),
            },
        );
    }
    let me = st.gate.for_principal(&p);
    let jobs = st.jobs.clone();
    let id = job_id.clone();
    let username = p.username.clone();
    let (watched, watched_id) = (st.jobs.clone(), job_id.clone());
    let work = tokio::task::spawn_blocking(move || {
        let PendingUpload {
            file_name: name,
            kind,
            bytes,
        } = upload;
        let opts = ImportOptions {
            kind: kind.as_deref().and_then(OrgKind::parse),
            dry_run: false,
            lang,
        };
        let actor = Actor::new(username, Some(format!("web: nhập {name}")));
        let update = |f: &dyn Fn(&mut Job)| {
            if let Ok(mut all) = jobs.lock() {
                if let Some(j) = all.get_mut(&id) {
                    f(j);
                }
            }
        };
        let progress = |pr: Progress| {
            update(&|j: &mut Job| {
                let (writing, done, total) = match pr {
                    Progress::Checking { done, total } => (false, done, total),
                    Progress::Writing { done, total } => (true, done, total),
                };
                j.writing = writing;
                j.done = done;
                j.total = total;
            })
        };
        let result = match me.import_file(&name, bytes, &opts, &actor, &progress) {
            Ok(report) => Ok(report),
            Err(AppError::ImportRejected(report)) => Ok(*report),
            Err(e) => {
                crate::error::log_fault(&e, "an import");
                Err(e.message(lang))
            }
        };
        update(&|j: &mut Job| j.finished = Some(result.clone()));
    });
    // A panicked import is logged and its page says it failed, instead of spinning.
    tokio::spawn(async move {
        let Err(join) = work.await else { return };
        let e = crate::error::panicked(join, "an import");
        if let Ok(mut all) = watched.lock() {
            if let Some(j) = all.get_mut(&watched_id) {
                j.finished = Some(Err(e.message(lang)));
            }
        }
    });
    Redirect::to(&format!("/nhap/tien-do/{job_id}")).into_response()
}

/// `GET /nhap/tien-do/{job}`: how far the import is; the report once done.
pub async fn progress(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Response {
    let lang = crate::html::page_lang(&headers, None);
    let (p, csrf) = or_page!(provincial(&headers, &st, lang).await);
    let job = st
        .jobs
        .lock()
        .ok()
        .and_then(|all| all.get(&job_id).cloned())
        .filter(|j| j.owner == p.username);
    let Some(job) = job else {
        return page(
            lang,
            Some((&p, &csrf)),
            StatusCode::NOT_FOUND,
            title(lang),
            tpl::para(lang.t(
                "Không thấy lượt nhập này trên máy chủ này (có thể đã xong hơn một giờ trước). Kết quả đã ghi nằm trong danh sách và nhật ký.",
                "This import is not known to this server (it may have finished over an hour ago). What was written is in the registry and the audit trail.",
            )),
        );
    };
    match &job.finished {
        None => {
            let bar = tpl::running(&tpl::Running {
                lang,
                writing: job.writing,
                file_name: &job.file_name,
                done: job.done,
                total: job.total,
            });
            // A meta refresh: progress without any script.
            let mut r = page(
                lang,
                Some((&p, &csrf)),
                StatusCode::OK,
                lang.t("Đang nhập", "Importing"),
                bar,
            );
            r.headers_mut().insert(
                axum::http::header::REFRESH,
                axum::http::HeaderValue::from_static("1"),
            );
            r
        }
        Some(Ok(report)) if report.written => page(
            lang,
            Some((&p, &csrf)),
            StatusCode::OK,
            lang.t("Đã nhập", "Imported"),
            tpl::report(report, lang),
        ),
        Some(Ok(report)) => page(
            lang,
            Some((&p, &csrf)),
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.t("Không nhập được", "Not imported"),
            tpl::report(report, lang),
        ),
        Some(Err(msg)) => page(
            lang,
            Some((&p, &csrf)),
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.t("Không nhập được", "Not imported"),
            tpl::error(msg, true),
        ),
    }
}
