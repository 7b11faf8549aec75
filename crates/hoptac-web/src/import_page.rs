//! Importing a spreadsheet in a browser (`/nhap`): upload, a preview that is a dry run
//! (every row error with its row, column and reason, or what would be added and
//! changed), then a confirmation that writes it all or nothing. No JavaScript.

use crate::auth::browser_session;
use crate::html::esc;
use crate::AppState;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use hoptac_app::import::{import_file, ImportOptions, ImportReport};
use hoptac_app::{Actor, AppError};
use hoptac_domain::auth::{Principal, Role};
use hoptac_domain::i18n::Lang;
use hoptac_domain::org::OrgKind;
use std::collections::HashMap;

fn shell(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — hoptac</title><link rel="stylesheet" href="/static/app.css"></head>
<body><p><a href="/">← Danh sách</a></p><h1>{title}</h1>{body}</body></html>"#
    )
}

async fn provincial(headers: &HeaderMap, st: &AppState) -> Result<(Principal, String), Response> {
    match browser_session(headers, st).await {
        None => Err((
            StatusCode::UNAUTHORIZED,
            Html(shell(
                "Nhập dữ liệu",
                "<p>Cần <a href=\"/dang-nhap\">đăng nhập</a>.</p>",
            )),
        )
            .into_response()),
        Some((p, csrf, _)) if matches!(p.role, Role::Admin | Role::ProvincialOfficer) => {
            Ok((p, csrf))
        }
        Some(_) => Err((
            StatusCode::FORBIDDEN,
            Html(shell(
                "Nhập dữ liệu",
                "<p>Nhập dữ liệu dành cho cán bộ cấp tỉnh.</p>",
            )),
        )
            .into_response()),
    }
}

pub async fn upload_form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (_, csrf) = match provincial(&headers, &st).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let kinds: String = OrgKind::ALL
        .iter()
        .map(|k| {
            format!(
                "<option value=\"{}\">{}</option>",
                k.code(),
                esc(k.label_vi())
            )
        })
        .collect();
    Html(shell(
        "Nhập danh sách tổ chức",
        &format!(
            r#"<p>Tệp .xlsx hoặc .csv như các phòng ban vẫn dùng (tiêu đề, dòng tổng cộng, phần ký tên được bỏ qua). Bước này chỉ kiểm tra; chưa ghi gì.</p>
<form method="post" action="/nhap" enctype="multipart/form-data"><input type="hidden" name="csrf" value="{csrf}">
<label>Tệp <input type="file" name="file" accept=".xlsx,.csv" required></label><br>
<label>Loại hình (nếu tệp không có cột "Loại hình") <select name="kind"><option value="">—</option>{kinds}</select></label><br>
<button type="submit">Kiểm tra tệp</button></form>"#
        ),
    ))
    .into_response()
}

fn report_html(r: &ImportReport) -> String {
    let mut out = format!("<p><strong>{}</strong></p>", esc(&r.summary(Lang::Vi)));
    if !r.columns.is_empty() {
        let cols: Vec<String> = r
            .columns
            .iter()
            .map(|(c, h, f)| {
                format!(
                    "{c} “{}” → {}",
                    esc(h),
                    esc(&hoptac_domain::i18n::field_label(f, Lang::Vi))
                )
            })
            .collect();
        out.push_str(&format!(
            "<details><summary>Cột nhận diện ({})</summary><p>{}</p></details>",
            cols.len(),
            cols.join("<br>")
        ));
    }
    if !r.notes.is_empty() {
        out.push_str(&format!(
            "<ul>{}</ul>",
            r.notes
                .iter()
                .map(|n| format!("<li>{}</li>", esc(n)))
                .collect::<String>()
        ));
    }
    if !r.errors.is_empty() {
        let rows: String = r
            .errors
            .iter()
            .map(|e| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    if e.row == 0 {
                        "—".into()
                    } else {
                        e.row.to_string()
                    },
                    esc(&e.column.clone().unwrap_or_default()),
                    esc(&e.message)
                )
            })
            .collect();
        out.push_str(&format!("<div class=w><table><thead><tr><th>Dòng</th><th>Cột</th><th>Lỗi</th></tr></thead><tbody>{rows}</tbody></table></div>"));
    } else {
        let rows: String = r
            .outcomes
            .iter()
            .filter(|o| o.action != "unchanged")
            .take(200)
            .map(|o| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    o.row,
                    if o.action == "create" {
                        "thêm mới"
                    } else {
                        "cập nhật"
                    },
                    esc(&o.name)
                )
            })
            .collect();
        out.push_str(&format!("<div class=w><table><thead><tr><th>Dòng</th><th>Việc</th><th>Tổ chức</th></tr></thead><tbody>{rows}</tbody></table></div>"));
    }
    out
}

pub async fn preview(
    State(st): State<AppState>,
    headers: HeaderMap,
    mut mp: Multipart,
) -> Response {
    let (p, csrf) = match provincial(&headers, &st).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let fname = field.file_name().unwrap_or("tep.xlsx").to_owned();
            match field.bytes().await {
                Ok(b) => file = Some((fname, b.to_vec())),
                Err(_) => {
                    return (
                        StatusCode::BAD_REQUEST,
                        Html(shell(
                            "Nhập dữ liệu",
                            "<p class=error>Không đọc được tệp tải lên.</p>",
                        )),
                    )
                        .into_response()
                }
            }
        } else if let Ok(t) = field.text().await {
            fields.insert(name, t);
        }
    }
    if fields.get("csrf") != Some(&csrf) {
        return (
            StatusCode::FORBIDDEN,
            Html(shell(
                "Nhập dữ liệu",
                "<p class=error>Biểu mẫu đã hết hạn; hãy tải lại trang.</p>",
            )),
        )
            .into_response();
    }
    let Some((name, bytes)) = file.filter(|f| !f.1.is_empty()) else {
        return (
            StatusCode::BAD_REQUEST,
            Html(shell("Nhập dữ liệu", "<p class=error>Chưa chọn tệp.</p>")),
        )
            .into_response();
    };
    let kind = fields.get("kind").filter(|k| !k.is_empty()).cloned();
    let reg = st.registry.clone();
    let who = p.clone();
    let result = tokio::task::spawn_blocking(move || {
        let opts = ImportOptions {
            kind: kind.as_deref().and_then(OrgKind::parse),
            dry_run: true,
            lang: Lang::Vi,
        };
        let actor = Actor::new(who.username.clone(), Some(format!("web: nhập {name}")));
        match import_file(&reg, &name, bytes.clone(), &opts, &actor, &|_| {}) {
            Ok(report) => {
                let token = reg.keep_upload(&who, &name, kind.as_deref(), &bytes)?;
                Ok((report, Some(token)))
            }
            Err(AppError::ImportRejected(report)) => Ok((*report, None)),
            Err(e) => Err(e),
        }
    })
    .await;
    match result {
        Ok(Ok((report, token))) => {
            let confirm = match token {
                Some(t) if report.created + report.updated > 0 => format!(
                    r#"<form method="post" action="/nhap/xac-nhan"><input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="token" value="{t}"><button type="submit">Xác nhận nhập {} dòng</button></form>"#,
                    report.created + report.updated
                ),
                Some(_) => "<p>Không có gì thay đổi.</p>".into(),
                None => "<p class=error role=alert>Không ghi dữ liệu nào. Sửa các lỗi trong tệp rồi <a href=\"/nhap\">tải lên lại</a>.</p>".into(),
            };
            let status = if report.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (
                status,
                Html(shell(
                    "Kiểm tra tệp",
                    &format!("{}{confirm}", report_html(&report)),
                )),
            )
                .into_response()
        }
        Ok(Err(e)) => (
            StatusCode::BAD_REQUEST,
            Html(shell(
                "Nhập dữ liệu",
                &format!("<p class=error>{}</p>", esc(&e.message(Lang::Vi))),
            )),
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub async fn confirm(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let (p, csrf) = match provincial(&headers, &st).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if f.get("csrf") != Some(&csrf) {
        return (
            StatusCode::FORBIDDEN,
            Html(shell(
                "Nhập dữ liệu",
                "<p class=error>Biểu mẫu đã hết hạn; hãy tải lại trang.</p>",
            )),
        )
            .into_response();
    }
    let token = f.get("token").cloned().unwrap_or_default();
    let reg = st.registry.clone();
    let result = tokio::task::spawn_blocking(move || {
        let Some(hoptac_store::users::PendingUpload {
            file_name: name,
            kind,
            bytes,
        }) = reg.take_upload(&p, &token)?
        else {
            return Err(AppError::refused(
                "upload_gone",
                "Không còn tệp chờ nhập; hãy tải lên lại",
                "The uploaded file is gone; upload it again",
            ));
        };
        let opts = ImportOptions {
            kind: kind.as_deref().and_then(OrgKind::parse),
            dry_run: false,
            lang: Lang::Vi,
        };
        let actor = Actor::new(p.username.clone(), Some(format!("web: nhập {name}")));
        import_file(&reg, &name, bytes, &opts, &actor, &|_| {})
    })
    .await;
    match result {
        Ok(Ok(report)) => Html(shell("Đã nhập", &report_html(&report))).into_response(),
        Ok(Err(AppError::ImportRejected(report))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(shell("Không nhập được", &report_html(&report))),
        )
            .into_response(),
        Ok(Err(e)) => (
            StatusCode::BAD_REQUEST,
            Html(shell(
                "Không nhập được",
                &format!("<p class=error>{}</p>", esc(&e.message(Lang::Vi))),
            )),
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
