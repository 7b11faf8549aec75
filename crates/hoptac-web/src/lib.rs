//! hoptac's HTTP layer: the JSON API under `/api/v1` with its OpenAPI document, and the
//! server-rendered pages (registry, organisation, edit forms, score sheets, dashboard,
//! follow-ups, imports, users, audit) that work without JavaScript.
//!
//! The web layer never holds the registry: [`AppState`] holds the app's
//! [`Gate`](hoptac_app::Gate), which hands out a scoped handle for a signed-in caller
//! (`Scoped`: role and scope apply to every read and write), a public one for everyone
//! else, and the account checks that make a caller. Handlers run their use case on that
//! handle off the async threads (`run`); errors take one path (`error`). The crate
//! depends on the app and the domain only.

/// The value of a page step, or the page that already answers instead (sign in first,
/// the form expired, not found …), returned as the handler's answer.
macro_rules! or_page {
    ($step:expr) => {
        match $step {
            Ok(value) => value,
            Err(answer) => return answer,
        }
    };
}

pub mod account_page;
pub mod api;
pub mod api_eval;
pub mod audit_page;
pub mod auth;
pub mod dashboard;
pub mod edit_fields;
pub mod edit_page;
pub mod error;
pub mod eval_page;
pub mod followup_page;
pub mod html;
pub mod import_page;
pub mod org_page;
pub mod pages;
pub mod proposal_page;
pub mod run;
pub mod second_factor_page;
pub mod session_pages;
pub mod stoppages_page;
pub mod templates;
pub mod users_page;

use axum::Router;
use hoptac_app::{Gate, Registry};

/// The largest request body the server reads (an upload of a spreadsheet). Larger ones
/// are answered 413 from their declared length, before any byte is read; one that does
/// not declare it is cut at this size and answered 413 too.
pub const UPLOAD_LIMIT_BYTES: usize = 64 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The only way to the data: scoped handles and the account checks.
    pub gate: Gate,
    /// Mark cookies Secure (the server is behind HTTPS).
    pub secure_cookies: bool,
    /// A reverse proxy in front adds the client's address to `X-Forwarded-For`; without
    /// one, that header is the client's own word and is ignored.
    pub trusted_proxy: bool,
    /// Imports confirmed in the browser, running on this server.
    pub jobs: import_page::Jobs,
}

impl AppState {
    /// The state of a server on this registry, which goes behind the gate.
    pub fn new(registry: Registry, secure_cookies: bool) -> AppState {
        AppState {
            gate: Gate::new(registry),
            secure_cookies,
            trusted_proxy: false,
            jobs: Default::default(),
        }
    }
}

/// The whole router.
pub fn router(registry: Registry) -> Router {
    router_with(registry, false)
}

/// The whole router, with Secure cookies when served behind HTTPS.
pub fn router_with(registry: Registry, secure_cookies: bool) -> Router {
    router_for(AppState::new(registry, secure_cookies))
}

/// How a server is reached.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// Mark cookies Secure and send HSTS.
    pub secure_cookies: bool,
    /// Take the client's address from the last `X-Forwarded-For` entry.
    pub trusted_proxy: bool,
}

/// The whole router on a prepared state.
pub fn router_for(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(api_eval::routes())
        .merge(pages::routes(&state))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn(html::remember_request_target))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session_pages::security_headers,
        ))
        .layer(axum::middleware::from_fn(session_pages::refuse_oversized))
        // Every request gets an id (`x-request-id`: kept when a proxy sent one, and
        // returned on the answer) and a log line with method, path, status and time
        // inside a span carrying that id, so a reported failure can be found in the log.
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(
            tower_http::request_id::MakeRequestUuid,
        ))
        .with_state(state)
}

/// Serves until Ctrl-C.
pub async fn serve(
    registry: Registry,
    listener: tokio::net::TcpListener,
    secure_cookies: bool,
) -> std::io::Result<()> {
    let options = ServeOptions {
        secure_cookies,
        trusted_proxy: false,
    };
    serve_with(registry, listener, options).await
}

/// Serves until Ctrl-C, as `options` say; each request knows its peer's address.
pub async fn serve_with(
    registry: Registry,
    listener: tokio::net::TcpListener,
    options: ServeOptions,
) -> std::io::Result<()> {
    // Place corrections made through another server reach this one within seconds
    // (the records themselves were rewritten by that server; only the lookups here
    // need the new overlays). One indexed read when nothing changed.
    // The indicator facts are read at start (seconds on a national registry, so not
    // on the first dashboard request) and then kept caught up with the audit trail.
    let reg = registry.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(10));
        loop {
            every.tick().await;
            let r = reg.clone();
            let done = tokio::task::spawn_blocking(move || {
                r.refresh_places()?;
                r.warm_indicators()
            });
            if let Ok(Err(e)) = done.await {
                tracing::warn!("refreshing place overlays and indicator facts: {e}");
            }
        }
    });
    let mut state = AppState::new(registry, options.secure_cookies);
    state.trusted_proxy = options.trusted_proxy;
    let app = router_for(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

#[cfg(test)]
mod tests;
