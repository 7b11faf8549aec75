//! hoptac's HTTP layer: the JSON API under `/api/v1` with its OpenAPI document, and a
//! small server-rendered start page. The full web application comes later.

pub mod api;
pub mod api_eval;
pub mod auth;
pub mod error;
pub mod pages;

use axum::Router;
use hoptac_app::Registry;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub registry: Registry,
}

/// The whole router.
pub fn router(registry: Registry) -> Router {
    let state = AppState { registry };
    Router::new()
        .merge(api::routes())
        .merge(api_eval::routes())
        .merge(pages::routes())
        .fallback(pages::not_found)
        .with_state(state)
}

/// Serves until Ctrl-C.
pub async fn serve(registry: Registry, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(registry))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

#[cfg(test)]
mod tests;
