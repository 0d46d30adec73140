//! The stylesheet, the little script and the icons, compiled into the binary so a deployment is one file.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

const APP_CSS: &str = include_str!("../../static/app.css");
const APP_JS: &str = include_str!("../../static/app.js");
const FAVICON_ICO: &[u8] = include_bytes!("../../static/favicon.ico");
const FAVICON_SVG: &str = include_str!("../../static/favicon.svg");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(css)
        .service(js)
        .service(favicon_ico)
        .service(favicon_svg);
}

#[get("/static/app.css")]
async fn css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(APP_CSS)
}

#[get("/static/app.js")]
async fn js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(APP_JS)
}

/// Browsers ask for /favicon.ico on a first visit whatever the page says.
#[get("/favicon.ico")]
async fn favicon_ico() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/x-icon")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON_ICO)
}

#[get("/static/favicon.svg")]
async fn favicon_svg() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON_SVG)
}
