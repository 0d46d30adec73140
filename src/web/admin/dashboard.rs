//! `/admin`: today's takings per store with the last 14 days as a small SVG chart, today's orders
//! by status, units sold (paid) and held, orders waiting per store, low stock.

use actix_web::{get, web, HttpResponse};
use askama::Template;

use crate::domain::OrderStatus;
use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use crate::msg;
use crate::shop::dashboard::{self, StoreWaiting};
use crate::web::auth::Admin;
use crate::web::clock::{shop_day, shop_today};
use crate::web::page::{money, render, Page};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index);
}

struct StatusFigure {
    status: &'static str,
    label: Msg,
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
    units_held_today: i64,
    /// (store name, captured, refunded, net) for today, money formatted; and the net in cents.
    takings: Vec<TakingsRow>,
    takings_total: String,
    takings_total_cents: i64,
    chart: Chart,
    waiting: Vec<StoreWaiting>,
    low_stock: Vec<(i64, String, i32, i32)>,
}

struct TakingsRow {
    store_name: String,
    captured: String,
    refunded: String,
    net: String,
    refunded_cents: i64,
}

/// Days in the takings chart.
const CHART_DAYS: u32 = 14;

/// The takings chart: one bar per day, drawn on the server (no script, prints too).
struct Chart {
    bars: Vec<Bar>,
    /// Label of the tallest day (the chart's scale).
    max_label: String,
}

struct Bar {
    iso: String,
    /// Day of the month under the bar.
    day: String,
    /// For the bar's tooltip: "Wed 3 Dec: ¥120.00".
    title: String,
    net_cents: i64,
    x: i64,
    y: i64,
    height: i64,
    today: bool,
}

const CHART_BAR_W: i64 = 28;
const CHART_GAP: i64 = 10;
const CHART_TOP: i64 = 16;
const CHART_PLOT_H: i64 = 110;

impl Chart {
    fn new(
        by_day: &[(chrono::NaiveDate, i64)],
        today: chrono::NaiveDate,
        symbol: &str,
        locale: Locale,
    ) -> Chart {
        let max = by_day.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let bars = by_day
            .iter()
            .enumerate()
            .map(|(i, (day, net))| {
                // A day with more refunds than takings shows as an empty bar (its title says so).
                let height = (net.max(&0) * CHART_PLOT_H / max).max(i64::from(*net > 0));
                Bar {
                    iso: day.format("%Y-%m-%d").to_string(),
                    day: day.format("%-d").to_string(),
                    title: format!("{}: {}", locale.day(*day), money(*net, symbol)),
                    net_cents: *net,
                    x: i as i64 * (CHART_BAR_W + CHART_GAP) + CHART_GAP,
                    y: CHART_TOP + CHART_PLOT_H - height,
                    height,
                    today: *day == today,
                }
            })
            .collect();
        Chart {
            bars,
            max_label: money(by_day.iter().map(|(_, n)| *n).max().unwrap_or(0), symbol),
        }
    }

    fn width(&self) -> i64 {
        self.bars.len() as i64 * (CHART_BAR_W + CHART_GAP) + CHART_GAP
    }

    fn baseline(&self) -> i64 {
        CHART_TOP + CHART_PLOT_H
    }

    fn label_y(&self) -> i64 {
        CHART_TOP + CHART_PLOT_H + 18
    }

    fn height(&self) -> i64 {
        CHART_TOP + CHART_PLOT_H + 26
    }

    fn bar_width(&self) -> i64 {
        CHART_BAR_W
    }

    fn label_x(&self, bar: &Bar) -> i64 {
        bar.x + CHART_BAR_W / 2
    }
}

#[get("/admin")]
async fn index(admin: Admin) -> Result<HttpResponse, AppError> {
    let offset = admin.ctx.state.settings.shop_utc_offset;
    let today = shop_today(offset);
    let (start, end) = shop_day(today, offset);
    let offset_seconds = i64::from(offset.local_minus_utc());
    let (d, t) = admin
        .ctx
        .run(move |conn| {
            Ok((
                dashboard::dashboard(conn, start, end)?,
                dashboard::takings(conn, today, CHART_DAYS, offset_seconds)?,
            ))
        })
        .await?;
    let symbol = admin.ctx.state.settings.currency_symbol.clone();
    let takings = t
        .today
        .iter()
        .map(|s| TakingsRow {
            store_name: s.store_name.clone(),
            captured: money(s.captured_cents, &symbol),
            refunded: money(s.refunded_cents, &symbol),
            net: money(s.net_cents(), &symbol),
            refunded_cents: s.refunded_cents,
        })
        .collect();
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
        page: admin.ctx.page(msg!("title-dashboard")),
        today: admin.ctx.locale.date_long(today),
        today_iso: today.format("%Y-%m-%d").to_string(),
        orders_today: by_status.iter().map(|s| s.n).sum(),
        by_status,
        units_sold_today: d.units_sold_today,
        units_held_today: d.units_held_today,
        takings,
        takings_total: money(t.today_net_cents(), &symbol),
        takings_total_cents: t.today_net_cents(),
        chart: Chart::new(&t.by_day, today, &symbol, admin.ctx.locale),
        waiting: d.waiting_per_store,
        low_stock: d.low_stock,
    })
}
