//! /healthz: 200 when the database answers, 503 otherwise (for load balancers and monitoring).

use actix_web::{get, web, HttpResponse};

use crate::state::AppState;

/// /healthz answers within this plus a little, even when the database hangs.
const HEALTH_DEADLINE: std::time::Duration = std::time::Duration::from_millis(1500);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz);
}

#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    // Within 1.5 s whatever the database does (a stalled server answers nothing at all).
    let up = state
        .db
        .run_within(HEALTH_DEADLINE, |conn| Ok(crate::db::ping(conn)))
        .await
        .unwrap_or(false);
    if up {
        HttpResponse::Ok().content_type("text/plain").body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable")
    }
}
