//! `GET /metrics`: this instance's Prometheus text. Only loopback clients that did not come
//! through a proxy may read it, or anyone presenting `Authorization: Bearer $METRICS_TOKEN`.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(metrics);
}

#[get("/metrics")]
async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if !allowed(&req, state.settings.metrics_token.as_deref()) {
        return Err(AppError::Forbidden(crate::msg!("error-metrics-forbidden")));
    }
    state.db.record_pool_metrics();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(crate::metrics::render()))
}

/// A direct loopback client (a proxy on the same host adds X-Forwarded-For / Forwarded and is
/// therefore not trusted as "local"), or the right bearer token.
fn allowed(req: &HttpRequest, token: Option<&str>) -> bool {
    if let Some(token) = token {
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(presented) = presented {
            return bool::from(presented.as_bytes().ct_eq(token.as_bytes()));
        }
    }
    let proxied = req.headers().contains_key("x-forwarded-for")
        || req.headers().contains_key(header::FORWARDED);
    let loopback = req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    loopback && !proxied
}
