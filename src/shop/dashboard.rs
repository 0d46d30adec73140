//! The numbers an owner checks first thing in the morning: today's orders by status (today in the
//! shop's time zone), units sold today, orders waiting for pickup per store, low-stock products.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Datetime, Text};

use crate::db::schema::stores;
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

/// Money taken on one shop day at one store: captured payments minus refunds given that day.
#[derive(Debug, Clone, QueryableByName)]
struct DayMoney {
    #[diesel(sql_type = BigInt)]
    store_id: i64,
    #[diesel(sql_type = diesel::sql_types::Date)]
    day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    cents: i64,
}

/// Today's takings at one store.
#[derive(Debug, Clone)]
pub struct StoreTakings {
    pub store_name: String,
    pub captured_cents: i64,
    pub refunded_cents: i64,
}

impl StoreTakings {
    pub fn net_cents(&self) -> i64 {
        self.captured_cents - self.refunded_cents
    }
}

/// Takings: today per store, and every store together per day for the last days.
#[derive(Debug, Clone)]
pub struct Takings {
    pub today: Vec<StoreTakings>,
    /// (shop day, net cents), oldest first, one entry per day (zero when nothing happened).
    pub by_day: Vec<(NaiveDate, i64)>,
}

impl Takings {
    pub fn today_net_cents(&self) -> i64 {
        self.today.iter().map(StoreTakings::net_cents).sum()
    }
}

/// Captured payments minus refunds, by the shop's calendar day (`offset_seconds` east of UTC), for
/// the `days` days ending with `today`: per store for today, all stores together per day.
/// Payments are counted on the day they were captured, refunds on the day they were given.
pub fn takings(
    conn: &mut MysqlConnection,
    today: NaiveDate,
    days: u32,
    offset_seconds: i64,
) -> Result<Takings, AppError> {
    let first_day = today - chrono::Duration::days(i64::from(days.max(1)) - 1);
    let since =
        first_day.and_time(chrono::NaiveTime::MIN) - chrono::Duration::seconds(offset_seconds);
    // One statement per kind of money, each on its own time column's index.
    let grouped = |conn: &mut MysqlConnection, column: &str| -> Result<Vec<DayMoney>, AppError> {
        Ok(diesel::sql_query(format!(
            "SELECT o.store_id, DATE(DATE_ADD(p.{column}, INTERVAL ? SECOND)) AS day, \
                    CAST(SUM(p.amount_cents) AS SIGNED) AS cents \
             FROM payments p JOIN orders o ON o.id = p.order_id \
             WHERE p.{column} >= ? \
             GROUP BY o.store_id, DATE(DATE_ADD(p.{column}, INTERVAL ? SECOND))"
        ))
        .bind::<BigInt, _>(offset_seconds)
        .bind::<Datetime, _>(since)
        .bind::<BigInt, _>(offset_seconds)
        .load(conn)?)
    };
    let captured = grouped(conn, "created_at")?;
    let refunded = grouped(conn, "refunded_at")?;
    let stores: Vec<(i64, String, bool)> = stores::table
        .order(stores::code.asc())
        .select((stores::id, stores::name, stores::active))
        .load(conn)?;
    let on = |rows: &[DayMoney], store: i64, day: NaiveDate| -> i64 {
        rows.iter()
            .filter(|r| r.store_id == store && r.day == day)
            .map(|r| r.cents)
            .sum()
    };
    let today_rows = stores
        .iter()
        .filter_map(|(id, name, active)| {
            StoreTakings {
                store_name: name.clone(),
                captured_cents: on(&captured, *id, today),
                refunded_cents: on(&refunded, *id, today),
            }
            .into_active_or_moving(*active)
        })
        .collect();
    let by_day = (0..i64::from(days.max(1)))
        .map(|i| {
            let day = first_day + chrono::Duration::days(i);
            let sum = |rows: &[DayMoney]| -> i64 {
                rows.iter().filter(|r| r.day == day).map(|r| r.cents).sum()
            };
            (day, sum(&captured) - sum(&refunded))
        })
        .collect();
    Ok(Takings {
        today: today_rows,
        by_day,
    })
}

impl StoreTakings {
    /// A closed store is listed only when money moved there today.
    fn into_active_or_moving(self, active: bool) -> Option<StoreTakings> {
        (active || self.captured_cents != 0 || self.refunded_cents != 0).then_some(self)
    }
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub today_by_status: Vec<StatusCount>,
    /// Units in today's orders that are paid (a captured payment), and the rest of today's
    /// orders' units that are not cancelled: held by orders not paid yet.
    pub units_sold_today: i64,
    pub units_held_today: i64,
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

    let units_sold_today = units_today(conn, day_start, day_end, true)?;
    let units_held_today = units_today(conn, day_start, day_end, false)?;

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
        units_held_today,
        waiting_per_store,
        low_stock: inventory::low_stock(conn)?,
    })
}

/// Units in the day's orders that are not cancelled: paid ones (a captured payment) or the others.
fn units_today(
    conn: &mut MysqlConnection,
    day_start: NaiveDateTime,
    day_end: NaiveDateTime,
    paid: bool,
) -> Result<i64, AppError> {
    crate::db::number(
        conn,
        diesel::sql_query(format!(
            "SELECT CAST(SUM(l.quantity) AS SIGNED) AS n FROM orders o \
             JOIN order_lines l ON l.order_id = o.id \
             WHERE o.created_at >= ? AND o.created_at < ? AND o.status <> 'cancelled' \
             AND {} EXISTS (SELECT 1 FROM payments p \
                            WHERE p.order_id = o.id AND p.status = 'captured')",
            if paid { "" } else { "NOT" }
        ))
        .bind::<Datetime, _>(day_start)
        .bind::<Datetime, _>(day_end),
    )
}
