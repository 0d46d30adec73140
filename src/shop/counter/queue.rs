//! The store's queue: confirmed orders to prepare and ready orders waiting, oldest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{order_lines, orders, users};
use crate::domain::{OrderStatus, PayMethod};
use crate::error::AppError;

/// One order in the store queue.
#[derive(Debug, Clone)]
pub struct Queued {
    pub order_no: String,
    pub customer_name: String,
    pub pay_method: PayMethod,
    pub total_cents: i64,
    pub items: i64,
    /// The pick list: (product name, quantity) per line, in line order.
    pub lines: Vec<(String, i32)>,
    /// Since when it has waited: confirmed (paid, or placed for at-counter) or made ready.
    pub since: NaiveDateTime,
}

/// The store's queue: confirmed orders to prepare and ready orders waiting, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    pub to_prepare: Vec<Queued>,
    pub waiting: Vec<Queued>,
}

/// Most orders listed in each half of the queue.
pub const QUEUE_LIMIT: i64 = 100;

pub fn store_queue(conn: &mut MysqlConnection, store_id: i64) -> Result<Queue, AppError> {
    type Row = (
        i64,
        String,
        String,
        PayMethod,
        i64,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let load = |conn: &mut MysqlConnection, status: OrderStatus| -> Result<Vec<Row>, AppError> {
        Ok(orders::table
            .inner_join(users::table)
            .filter(orders::store_id.eq(store_id))
            .filter(orders::status.eq(status))
            .order(orders::id.asc())
            .limit(QUEUE_LIMIT)
            .select((
                orders::id,
                orders::order_no,
                users::display_name,
                orders::pay_method,
                orders::total_cents,
                orders::created_at,
                orders::paid_at,
                orders::ready_at,
            ))
            .load(conn)?)
    };
    let confirmed = load(conn, OrderStatus::Confirmed)?;
    let ready = load(conn, OrderStatus::Ready)?;
    let ids: Vec<i64> = confirmed.iter().chain(&ready).map(|r| r.0).collect();
    let mut picks: std::collections::HashMap<i64, Vec<(String, i32)>> =
        std::collections::HashMap::new();
    for (id, name, quantity) in order_lines::table
        .filter(order_lines::order_id.eq_any(&ids))
        .order((order_lines::order_id, order_lines::id))
        .select((
            order_lines::order_id,
            order_lines::product_name,
            order_lines::quantity,
        ))
        .load::<(i64, String, i32)>(conn)?
    {
        picks.entry(id).or_default().push((name, quantity));
    }
    let mut to_queued = |rows: Vec<Row>, ready: bool| -> Vec<Queued> {
        let mut out: Vec<Queued> = rows
            .into_iter()
            .map(
                |(
                    id,
                    order_no,
                    customer_name,
                    pay_method,
                    total_cents,
                    created,
                    paid,
                    ready_at,
                )| {
                    Queued {
                        since: if ready {
                            ready_at.unwrap_or(created)
                        } else {
                            paid.unwrap_or(created)
                        },
                        lines: picks.remove(&id).unwrap_or_default(),
                        items: 0,
                        pay_method,
                        order_no,
                        customer_name,
                        total_cents,
                    }
                },
            )
            .collect();
        for q in &mut out {
            q.items = q.lines.iter().map(|(_, n)| i64::from(*n)).sum();
        }
        out.sort_by_key(|q| q.since);
        out
    };
    Ok(Queue {
        to_prepare: to_queued(confirmed, false),
        waiting: to_queued(ready, true),
    })
}

/// A cheap fingerprint of the store's queue, polled by the open counter pages (SPEC §14): per
/// status, how many orders, the sum and the largest of their ids. A new order, Mark ready, a
/// hand-over or a cancel — on any instance — changes it. One indexed read (store, status).
pub fn queue_version(conn: &mut MysqlConnection, store_id: i64) -> Result<String, AppError> {
    #[derive(QueryableByName)]
    struct Part {
        #[diesel(sql_type = diesel::sql_types::Text)]
        status: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id_sum: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id_max: i64,
    }
    let parts: Vec<Part> = diesel::sql_query(
        "SELECT status, COUNT(*) AS n, CAST(SUM(id) AS SIGNED) AS id_sum, MAX(id) AS id_max \
         FROM orders WHERE store_id = ? AND status IN ('confirmed', 'ready') \
         GROUP BY status ORDER BY status",
    )
    .bind::<diesel::sql_types::BigInt, _>(store_id)
    .load(conn)?;
    Ok(parts
        .iter()
        .map(|p| format!("{}.{}.{}.{}", p.status, p.n, p.id_sum, p.id_max))
        .collect::<Vec<_>>()
        .join("-"))
}
