//! `/counter`: the staff screen (lookup, hand-over and queue come with the counter issue).

use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::auth::Staff;
use super::page::{render, Page};
use crate::error::AppError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index);
}

#[derive(Template)]
#[template(path = "counter/index.html")]
struct CounterPage {
    page: Page,
}

#[get("/counter")]
async fn index(staff: Staff) -> Result<HttpResponse, AppError> {
    render(&CounterPage {
        page: staff.ctx.page("Counter"),
    })
}
