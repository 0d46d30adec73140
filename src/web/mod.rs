//! The HTTP layer: extractors, forms, sessions, CSRF, templates — one module per area of the shop.
//! Handlers stay thin: check who is asking, validate the form, call one `shop` function, render.

pub mod accounts;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod clock;
pub mod counter;
pub mod csrf;
pub mod error_page;
pub mod health;
pub mod locale;
pub mod metrics;
pub mod orders;
pub mod page;
pub mod params;
pub mod payments;
pub mod pickup_view;
pub mod session;
pub mod submit;

use actix_web::{web, HttpResponse};

use crate::error::AppError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    assets::routes(cfg);
    health::routes(cfg);
    locale::routes(cfg);
    metrics::routes(cfg);
    accounts::routes(cfg);
    catalog::routes(cfg);
    cart::routes(cfg);
    checkout::routes(cfg);
    orders::routes(cfg);
    payments::routes(cfg);
    counter::routes(cfg);
    admin::routes(cfg);
}

/// Every unknown path gets the 404 page.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
