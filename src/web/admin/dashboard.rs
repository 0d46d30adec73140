//! `/admin`: today's orders by status, units sold, orders waiting per store, low stock.

use actix_web::{get, web, HttpResponse};
use askama::Template;

use crate::domain::OrderStatus;
use crate::error::AppError;
use crate::shop::dashboard::{self, StoreWaiting};
use crate::web::auth::Admin;
use crate::web::clock::{shop_day, shop_today};
use crate::web::page::{render, Page};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index);
}

struct StatusFigure {
    status: &'static str,
    label: &'static str,
    n: i64,
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct DashboardPage {
    page: Page,
    today: String,
    /// Today as the orders filter takes it (YYYY-MM-DD).
    today_iso: String,
    by_status: Vec<StatusFigure>,
    orders_today: i64,
    units_sold_today: i64,
    waiting: Vec<StoreWaiting>,
    low_stock: Vec<(i64, String, i32, i32)>,
}

#[get("/admin")]
async fn index(admin: Admin) -> Result<HttpResponse, AppError> {
    let offset = admin.ctx.state.settings.shop_utc_offset;
    let today = shop_today(offset);
    let (start, end) = shop_day(today, offset);
    let d = admin
        .ctx
        .run(move |conn| dashboard::dashboard(conn, start, end))
        .await?;
    let by_status: Vec<StatusFigure> = OrderStatus::ALL
        .iter()
        .map(|s| StatusFigure {
            status: s.as_str(),
            label: s.label(),
            n: d.today_by_status
                .iter()
                .find(|c| c.status == *s)
                .map(|c| c.n)
                .unwrap_or(0),
        })
        .collect();
    render(&DashboardPage {
        page: admin.ctx.page("Dashboard"),
        today: today.format("%A %-d %B %Y").to_string(),
        today_iso: today.format("%Y-%m-%d").to_string(),
        orders_today: by_status.iter().map(|s| s.n).sum(),
        by_status,
        units_sold_today: d.units_sold_today,
        waiting: d.waiting_per_store,
        low_stock: d.low_stock,
    })
}
