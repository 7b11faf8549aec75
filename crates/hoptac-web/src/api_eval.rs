//! API for annual reports, evaluations, targets and follow-ups (`/api/v1`).

use crate::api::{blocking, ReqLang};
use crate::error::{ApiError, ErrorBody};
use crate::run::{Api, ApiResult, Body};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::Datelike;
use hoptac_app::evaluations::{Action, EvaluationRecord};
use hoptac_app::followups::{FollowUpInput, FollowUpRecord, NeedsFollowUp};
use hoptac_app::indicators::{Breakdown, TargetReport};
use hoptac_app::reports::{Filing, MissingFiling, ReportRecord};
use hoptac_app::AppError;
use hoptac_domain::i18n::Lang;
use hoptac_domain::indicators::Target;
use hoptac_domain::org::OrgId;
use hoptac_domain::report::{ReportFigures, ReportStage};
use hoptac_domain::ruleset::RuleSet;
use hoptac_domain::validate::{FieldError, FieldProblem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// Evaluation rule sets known to this server.
#[utoipa::path(get, path = "/api/v1/rule-sets", tag = "evaluation", responses((status = 200, body = Vec<RuleSet>)))]
async fn rule_sets(
    State(st): State<AppState>,
    ReqLang(lang): ReqLang,
) -> ApiResult<Json<Vec<RuleSet>>> {
    let public = st.gate.public();
    blocking(lang, move || public.rule_sets()).await.map(Json)
}

/// A filing or correction of an annual report.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportRequest {
    pub stage: ReportStage,
    /// The figures to set (others keep their values).
    #[serde(deserialize_with = "hoptac_domain::wire::from_object")]
    pub figures: ReportFigures,
    /// The version read; omit for a first filing.
    pub version: Option<i64>,
}

/// One organisation's annual report for a year.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/reports/{year}", params(("id" = i64, Path, example = 1), ("year" = i32, Path, minimum = 1900, maximum = 2999, example = 2024)), tag = "reports",
    responses((status = 200, body = ReportRecord), (status = 404, body = ErrorBody)))]
async fn get_report(
    api: Api,
    Path((id, year)): Path<(OrgId, i32)>,
) -> ApiResult<Json<ReportRecord>> {
    let year = api.year(year)?;
    api.scoped(move |me| me.report(id, year)).await.map(Json)
}

/// File or correct an annual report (estimate, then final).
#[utoipa::path(put, path = "/api/v1/organisations/{id}/reports/{year}", params(("id" = i64, Path, example = 1), ("year" = i32, Path, minimum = 1900, maximum = 2999, example = 2024)), request_body = ReportRequest, tag = "reports",
    responses((status = 200, body = ReportRecord), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_report(
    api: Api,
    Path((id, year)): Path<(OrgId, i32)>,
    Body(r): Body<ReportRequest>,
) -> ApiResult<Json<ReportRecord>> {
    let year = api.year(year)?;
    api.scoped(move |me| {
        let who = me.actor("api: report");
        me.file_report(id, year, r.stage, r.figures, r.version, &who)
    })
    .await
    .map(Json)
}

/// Every version of a report with author and time.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/reports/{year}/history", params(("id" = i64, Path, example = 1), ("year" = i32, Path, minimum = 1900, maximum = 2999, example = 2024)), tag = "reports",
    responses((status = 200, body = Vec<serde_json::Value>)))]
async fn report_history(
    api: Api,
    Path((id, year)): Path<(OrgId, i32)>,
) -> ApiResult<Json<serde_json::Value>> {
    let year = api.year(year)?;
    let h = api.scoped(move |me| me.report_history(id, year)).await?;
    Ok(Json(serde_json::to_value(h).unwrap_or_default()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MissingQuery {
    #[param(minimum = 1900, maximum = 2999)]
    pub year: i32,
    /// `self_evaluation` (due 15/12 of the year) or `final_report` (due 15/01 after).
    pub filing: Filing,
    /// The day to judge on (default today).
    #[param(schema_with = crate::api::params::judged_on)]
    pub on: Option<String>,
    pub lang: Option<String>,
}

/// HTX and LHHTX that had not filed by a deadline (filter by commune on the client
/// from each record's `places`).
#[utoipa::path(get, path = "/api/v1/reports/missing", params(MissingQuery), tag = "reports", responses((status = 200, body = Vec<MissingFiling>)))]
async fn missing(api: Api, Query(q): Query<MissingQuery>) -> ApiResult<Json<Vec<MissingFiling>>> {
    let on = crate::api::parse_date(api.lang, "on", &q.on)?;
    let year = api.year(q.year)?;
    api.scoped(move |me| me.missing_filings(year, q.filing, on))
        .await
        .map(Json)
}

/// Scores for a draft score sheet.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ScoresRequest {
    /// Sub-criterion code → points (tenths allowed: 6.5).
    pub scores: BTreeMap<String, f64>,
    /// Why a proposed score was changed, by sub-criterion.
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
    /// A rule set id (default: the one that applies).
    pub rule_set: Option<String>,
    /// The version read; omit for a new sheet.
    pub version: Option<i64>,
}

fn tenths(lang: Lang, scores: BTreeMap<String, f64>) -> ApiResult<BTreeMap<String, i32>> {
    scores
        .into_iter()
        .map(|(k, v)| {
            let t = v * 10.0;
            if (t - t.round()).abs() > 1e-6 || !t.is_finite() {
                // A score the body may hold but the sheet cannot: invalid (422), like
                // any other wrong score, with the criterion named.
                let problem = FieldProblem::NotTenths(v.to_string());
                Err(ApiError::new(
                    AppError::Invalid(vec![FieldError::new(&format!("scores.{k}"), problem)]),
                    lang,
                ))
            } else {
                Ok((k, t.round() as i32))
            }
        })
        .collect()
}

/// An evaluation (score sheet) for a year.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/evaluations/{year}", params(("id" = i64, Path, example = 1), ("year" = i32, Path, minimum = 1900, maximum = 2999, example = 2024)), tag = "evaluation",
    responses((status = 200, body = EvaluationRecord), (status = 404, body = ErrorBody)))]
async fn get_evaluation(
    api: Api,
    Path((id, year)): Path<(OrgId, i32)>,
) -> ApiResult<Json<EvaluationRecord>> {
    let year = api.year(year)?;
    api.scoped(move |me| me.evaluation(id, year))
        .await
        .map(Json)
}

/// Save scores on a draft sheet (creating it).
#[utoipa::path(put, path = "/api/v1/organisations/{id}/evaluations/{year}", params(("id" = i64, Path, example = 1), ("year" = i32, Path, minimum = 1900, maximum = 2999, example = 2024)), request_body = ScoresRequest, tag = "evaluation",
    responses((status = 200, body = EvaluationRecord), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn put_scores(
    api: Api,
    Path((id, year)): Path<(OrgId, i32)>,
    Body(r): Body<ScoresRequest>,
) -> ApiResult<Json<EvaluationRecord>> {
    let year = api.year(year)?;
    let scores = tenths(api.lang, r.scores)?;
    api.scoped(move |me| {
        let who = me.actor("api: scores");
        let rule_set = r.rule_set.as_deref();
        me.save_scores(id, year, scores, r.reasons, rule_set, r.version, &who)
    })
    .await
    .map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionRequest {
    #[serde(flatten)]
    pub action: Action,
    pub version: i64,
}

/// Submit, review, approve, return (with reason) or reopen (with reason) a sheet.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/evaluations/{year}/actions", params(("id" = i64, Path, example = 1), ("year" = i32, Path, minimum = 1900, maximum = 2999, example = 2024)), request_body = ActionRequest, tag = "evaluation",
    responses((status = 200, body = EvaluationRecord), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn act(
    api: Api,
    Path((id, year)): Path<(OrgId, i32)>,
    Body(r): Body<ActionRequest>,
) -> ApiResult<Json<EvaluationRecord>> {
    let year = api.year(year)?;
    api.scoped(move |me| {
        let who = me.actor("api: evaluation");
        me.transition(id, year, r.action, r.version, &who)
    })
    .await
    .map(Json)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    #[param(minimum = 1900, maximum = 2999)]
    pub year: i32,
    /// With `per_page`: the page wanted, from 1 (default 1).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Sheets per page; without it, every sheet of the year (tens of MB nationally).
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
    pub lang: Option<String>,
}

/// Every evaluation of a year the caller may see.
///
/// In organisation order; with `per_page`, one page of them, and the count of all in
/// the `X-Total-Count` header.
#[utoipa::path(get, path = "/api/v1/evaluations", params(YearQuery), tag = "evaluation", responses((status = 200, body = Vec<EvaluationRecord>, headers(("X-Total-Count" = u64, description = "Sheets in all pages")))))]
async fn evaluations(
    api: Api,
    Query(q): Query<YearQuery>,
) -> ApiResult<([(&'static str, String); 1], Json<Vec<EvaluationRecord>>)> {
    let year = api.year(q.year)?;
    let mut all = api.scoped(move |me| me.evaluations_for_year(year)).await?;
    all.sort_by_key(|e| e.evaluation.org_id);
    let total = all.len().to_string();
    if let Some(per) = q.per_page.filter(|n| *n > 0).map(|n| n as usize) {
        let page = q.page.unwrap_or(1).max(1) as usize;
        let skip = (page - 1).saturating_mul(per);
        all = all.into_iter().skip(skip).take(per).collect();
    }
    Ok(([("x-total-count", total)], Json(all)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TargetsQuery {
    /// Default: this year.
    #[param(minimum = 1900, maximum = 2999)]
    pub year: Option<i32>,
    /// `commune` (2025), `district` (legacy), `legacy_commune`, `sector` or `kind`.
    #[param(schema_with = crate::api::params::breakdown)]
    pub by: Option<String>,
    pub lang: Option<String>,
}

/// Letter 538's targets for a year: values, numerators and denominators, coverage,
/// series, projection and status, optionally by place, sector or kind.
#[utoipa::path(get, path = "/api/v1/targets", params(TargetsQuery), tag = "targets", responses((status = 200, body = TargetReport), (status = 400, body = ErrorBody)))]
async fn targets(api: Api, Query(q): Query<TargetsQuery>) -> ApiResult<Json<TargetReport>> {
    let by = match q.by.as_deref().filter(|b| !b.is_empty()) {
        Some(b) => Some(Breakdown::parse(b).ok_or_else(|| {
            api.bad_request(
                format!("Tham số by: \"{b}\" không hợp lệ"),
                format!("Parameter by: \"{b}\" is not valid"),
            )
        })?),
        None => None,
    };
    let year = q.year.map(|y| api.year(y)).transpose()?;
    api.scoped(move |me| {
        let year = year.unwrap_or_else(|| me.today().year());
        me.target_report(year, by)
    })
    .await
    .map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TargetRequest {
    pub version: i64,
    pub target: Target,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetRecord {
    pub id: String,
    pub version: i64,
    pub target: Target,
}

/// Change a target (its previous values stay in its history).
#[utoipa::path(put, path = "/api/v1/targets/{id}", params(("id" = String, Path)), request_body = TargetRequest, tag = "targets",
    responses((status = 200, body = TargetRecord), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn put_target(
    api: Api,
    Path(id): Path<String>,
    Body(r): Body<TargetRequest>,
) -> ApiResult<Json<TargetRecord>> {
    let (id, version, target) = api
        .scoped(move |me| me.update_target(&id, r.version, r.target, &me.actor("api: target")))
        .await?;
    Ok(Json(TargetRecord {
        id,
        version,
        target,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    #[param(minimum = 1900, maximum = 2999)]
    pub year: i32,
    /// Only those without a follow-up record.
    pub missing_only: Option<bool>,
    pub lang: Option<String>,
}

/// HTX rated weak or formal-only in a year, with their follow-up records.
#[utoipa::path(get, path = "/api/v1/follow-ups", params(FollowUpQuery), tag = "evaluation", responses((status = 200, body = Vec<NeedsFollowUp>)))]
async fn follow_ups(
    api: Api,
    Query(q): Query<FollowUpQuery>,
) -> ApiResult<Json<Vec<NeedsFollowUp>>> {
    let year = api.year(q.year)?;
    let mut list = api.scoped(move |me| me.needing_follow_up(year)).await?;
    if q.missing_only.unwrap_or(false) {
        list.retain(|n| n.follow_up.is_none());
    }
    Ok(Json(list))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FollowUpRequest {
    #[serde(flatten)]
    pub input: FollowUpInput,
    pub version: Option<i64>,
}

/// Record or update the follow-up of a weak or formal-only HTX.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/follow-ups/{year}", params(("id" = i64, Path, example = 1), ("year" = i32, Path, minimum = 1900, maximum = 2999, example = 2024)), request_body = FollowUpRequest, tag = "evaluation",
    responses((status = 200, body = FollowUpRecord), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_follow_up(
    api: Api,
    Path((id, year)): Path<(OrgId, i32)>,
    Body(r): Body<FollowUpRequest>,
) -> ApiResult<Json<FollowUpRecord>> {
    let year = api.year(year)?;
    api.scoped(move |me| {
        let who = me.actor("api: follow-up");
        me.save_follow_up(id, year, r.input, r.version, &who)
    })
    .await
    .map(Json)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rule-sets", get(rule_sets))
        .route(
            "/api/v1/organisations/{id}/reports/{year}",
            get(get_report).put(put_report),
        )
        .route(
            "/api/v1/organisations/{id}/reports/{year}/history",
            get(report_history),
        )
        .route("/api/v1/reports/missing", get(missing))
        .route(
            "/api/v1/organisations/{id}/evaluations/{year}",
            get(get_evaluation).put(put_scores),
        )
        .route(
            "/api/v1/organisations/{id}/evaluations/{year}/actions",
            post(act),
        )
        .route("/api/v1/evaluations", get(evaluations))
        .route("/api/v1/targets", get(targets))
        .route("/api/v1/targets/{id}", put(put_target))
        .route("/api/v1/follow-ups", get(follow_ups))
        .route(
            "/api/v1/organisations/{id}/follow-ups/{year}",
            put(put_follow_up),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(rule_sets, get_report, put_report, report_history, missing, get_evaluation, put_scores, act, evaluations, targets, put_target, follow_ups, put_follow_up),
    components(schemas(Filing, ReportRequest, ScoresRequest, ActionRequest, TargetRequest, TargetRecord, FollowUpRequest, ReportRecord, EvaluationRecord, TargetReport, MissingFiling, NeedsFollowUp, FollowUpRecord, RuleSet)),
    tags((name = "reports", description = "Annual reports"), (name = "evaluation", description = "Evaluation, classification and follow-up"), (name = "targets", description = "Letter 538 targets and indicators"))
)]
pub struct EvalDoc;
