//! `/admin`: the back office (stock, products, orders, stores, staff come with the admin issue).

use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::auth::Admin;
use super::page::{render, Page};
use crate::error::AppError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index);
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct AdminPage {
    page: Page,
}

#[get("/admin")]
async fn index(admin: Admin) -> Result<HttpResponse, AppError> {
    render(&AdminPage {
        page: admin.ctx.page("Admin"),
    })
}
