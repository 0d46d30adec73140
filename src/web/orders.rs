//! orders pages (filled in by the checkout issue).

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}
