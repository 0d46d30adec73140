//! /healthz: 200 when the database answers, 503 otherwise (for load balancers and monitoring).

use actix_web::{get, web, HttpResponse};

use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz);
}

#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let up = state
        .db
        .run(|conn| Ok(crate::db::ping(conn)))
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
