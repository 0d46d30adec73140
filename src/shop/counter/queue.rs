//! The store's queue: confirmed orders to prepare and ready orders waiting, oldest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use diesel::sql_types::{BigInt, Datetime, Nullable, Text};

use crate::db::Prepared;
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
    /// One queued order with its item count.
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        ready: i64,
        #[diesel(sql_type = Text)]
        order_no: String,
        #[diesel(sql_type = Text)]
        customer_name: String,
        #[diesel(sql_type = Text)]
        pay_method: PayMethod,
        #[diesel(sql_type = BigInt)]
        total_cents: i64,
        #[diesel(sql_type = Datetime)]
        created_at: NaiveDateTime,
        #[diesel(sql_type = Nullable<Datetime>)]
        paid_at: Option<NaiveDateTime>,
        #[diesel(sql_type = Nullable<Datetime>)]
        ready_at: Option<NaiveDateTime>,
        #[diesel(sql_type = BigInt)]
        items: i64,
    }
    // Both lists and their item counts in one statement (a cached prepared one).
    let one = |status: &str, ready: u8| {
        format!(
            "(SELECT {ready} AS ready, o.order_no, u.display_name AS customer_name, o.pay_method, \
             o.total_cents, o.created_at, o.paid_at, o.ready_at, \
             CAST((SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS SIGNED) AS items \
             FROM orders o JOIN users u ON u.id = o.user_id \
             WHERE o.store_id = ? AND o.status = '{status}' ORDER BY o.id LIMIT {QUEUE_LIMIT})"
        )
    };
    let rows: Vec<Row> = Prepared::new(format!(
        "{} UNION ALL {}",
        one(OrderStatus::Confirmed.as_str(), 0),
        one(OrderStatus::Ready.as_str(), 1)
    ))
    .bind::<BigInt, _>(store_id)
    .bind::<BigInt, _>(store_id)
    .load(conn)?;
    let (ready, confirmed): (Vec<Row>, Vec<Row>) = rows.into_iter().partition(|r| r.ready == 1);
    let to_queued = |rows: Vec<Row>, ready: bool| -> Vec<Queued> {
        let mut out: Vec<Queued> = rows
            .into_iter()
            .map(|r| Queued {
                since: if ready {
                    r.ready_at.unwrap_or(r.created_at)
                } else {
                    r.paid_at.unwrap_or(r.created_at)
                },
                items: r.items,
                pay_method: r.pay_method,
                order_no: r.order_no,
                customer_name: r.customer_name,
                total_cents: r.total_cents,
            })
            .collect();
        out.sort_by_key(|q| q.since);
        out
    };
    Ok(Queue {
        to_prepare: to_queued(confirmed, false),
        waiting: to_queued(ready, true),
    })
}
