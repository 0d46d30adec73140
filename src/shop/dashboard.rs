//! The numbers an owner checks first thing in the morning: today's orders by status (today in the
//! shop's time zone), units sold today, orders waiting for pickup per store, low-stock products.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Datetime, Text};

use crate::domain::OrderStatus;
use crate::error::AppError;
use crate::shop::inventory;

#[derive(Debug, Clone, QueryableByName)]
pub struct StatusCount {
    #[diesel(sql_type = Text)]
    pub status: OrderStatus,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct StoreWaiting {
    #[diesel(sql_type = Text)]
    pub store_name: String,
    #[diesel(sql_type = BigInt)]
    pub confirmed: i64,
    #[diesel(sql_type = BigInt)]
    pub ready: i64,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub today_by_status: Vec<StatusCount>,
    /// Units in today's orders that are not cancelled.
    pub units_sold_today: i64,
    pub waiting_per_store: Vec<StoreWaiting>,
    /// (product id, name, stock, threshold)
    pub low_stock: Vec<(i64, String, i32, i32)>,
}

/// The dashboard for the UTC interval [`day_start`, `day_end`) that is "today" in the shop.
pub fn dashboard(
    conn: &mut MysqlConnection,
    day_start: NaiveDateTime,
    day_end: NaiveDateTime,
) -> Result<Dashboard, AppError> {
    let today_by_status: Vec<StatusCount> = diesel::sql_query(
        "SELECT status, COUNT(*) AS n FROM orders \
         WHERE created_at >= ? AND created_at < ? GROUP BY status",
    )
    .bind::<Datetime, _>(day_start)
    .bind::<Datetime, _>(day_end)
    .load(conn)?;

    let units_sold_today = crate::db::number(
        conn,
        diesel::sql_query(
            "SELECT CAST(SUM(l.quantity) AS SIGNED) AS n FROM orders o \
         JOIN order_lines l ON l.order_id = o.id \
         WHERE o.created_at >= ? AND o.created_at < ? AND o.status <> 'cancelled'",
        )
        .bind::<Datetime, _>(day_start)
        .bind::<Datetime, _>(day_end),
    )?;

    let waiting_per_store: Vec<StoreWaiting> = diesel::sql_query(
        "SELECT s.name AS store_name, \
                CAST(COALESCE(SUM(o.status = 'confirmed'), 0) AS SIGNED) AS confirmed, \
                CAST(COALESCE(SUM(o.status = 'ready'), 0) AS SIGNED) AS ready \
         FROM stores s LEFT JOIN orders o \
           ON o.store_id = s.id AND o.status IN ('confirmed', 'ready') \
         WHERE s.active OR o.id IS NOT NULL \
         GROUP BY s.id, s.name, s.code ORDER BY s.code",
    )
    .load(conn)?;

    Ok(Dashboard {
        today_by_status,
        units_sold_today,
        waiting_per_store,
        low_stock: inventory::low_stock(conn)?,
    })
}
