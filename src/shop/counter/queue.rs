//! The store's queue: confirmed orders to prepare and ready orders waiting, oldest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use diesel::sql_types::{BigInt, Datetime, Integer, Nullable, Text};

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
    /// The fingerprint [`queue_version`] reads, of exactly these orders.
    pub version: String,
}

/// Most orders listed in each half of the queue.
pub const QUEUE_LIMIT: i64 = 100;

pub fn store_queue(conn: &mut MysqlConnection, store_id: i64) -> Result<Queue, AppError> {
    /// One line of a queued order, with its order's columns.
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        ready: i64,
        #[diesel(sql_type = BigInt)]
        id: i64,
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
        #[diesel(sql_type = Nullable<BigInt>)]
        line_id: Option<i64>,
        #[diesel(sql_type = Nullable<Integer>)]
        quantity: Option<i32>,
        #[diesel(sql_type = Nullable<Text>)]
        product_name: Option<String>,
    }
    // Both halves and their orders' lines in one statement (a cached prepared one), one row per
    // line, grouped and put in order here:
    // * each half reads the store's orders of one status through (store_id, status, id), which
    //   hands them over in id order, so it stops after QUEUE_LIMIT. The index is forced (the one
    //   index hint of the app: MySQL and MariaDB syntax) and the customer joined outside: when
    //   most of a table's orders match (a store's paid orders after a sale) the optimizer
    //   otherwise scans every one of them and sorts them all for 100;
    // * the lines come through the order_lines foreign key. A correlated GROUP_CONCAT per order
    //   cost a subquery, a temporary table and a sort on every order of every view (and would cut
    //   long pick lists at group_concat_max_len: 1 KB by MySQL's default, 1 MB by MariaDB's).
    let one = |status: &str, ready: u8| {
        format!(
            "(SELECT {ready} AS ready, o.id, o.order_no, o.user_id, o.pay_method, o.total_cents, \
             o.created_at, o.paid_at, o.ready_at \
             FROM orders o FORCE INDEX (ix_orders_store_status) \
             WHERE o.store_id = ? AND o.status = '{status}' ORDER BY o.id LIMIT {QUEUE_LIMIT})"
        )
    };
    let mut rows: Vec<Row> = Prepared::new(format!(
        "SELECT q.ready, q.id, q.order_no, u.display_name AS customer_name, q.pay_method, \
         q.total_cents, q.created_at, q.paid_at, q.ready_at, \
         l.id AS line_id, l.quantity, l.product_name \
         FROM ({} UNION ALL {}) q JOIN users u ON u.id = q.user_id \
         LEFT JOIN order_lines l ON l.order_id = q.id",
        one(OrderStatus::Confirmed.as_str(), 0),
        one(OrderStatus::Ready.as_str(), 1)
    ))
    .bind::<BigInt, _>(store_id)
    .bind::<BigInt, _>(store_id)
    .load(conn)?;
    rows.sort_unstable_by_key(|r| (r.ready, r.id, r.line_id));

    let mut halves: [Vec<Queued>; 2] = [Vec::new(), Vec::new()];
    let mut ids: Vec<(bool, i64)> = Vec::new();
    for r in rows {
        let ready = r.ready == 1;
        let line = r.product_name.zip(r.quantity);
        if ids.last() == Some(&(ready, r.id)) {
            if let (Some(q), Some((name, n))) = (halves[usize::from(ready)].last_mut(), line) {
                q.items += i64::from(n);
                q.lines.push((name, n));
            }
            continue;
        }
        ids.push((ready, r.id));
        let since = if ready {
            r.ready_at.unwrap_or(r.created_at)
        } else {
            r.paid_at.unwrap_or(r.created_at)
        };
        halves[usize::from(ready)].push(Queued {
            since,
            items: line.as_ref().map_or(0, |(_, n)| i64::from(*n)),
            lines: line.into_iter().collect(),
            pay_method: r.pay_method,
            order_no: r.order_no,
            customer_name: r.customer_name,
            total_cents: r.total_cents,
        });
    }
    let version = fingerprint(ids.into_iter());
    let [mut to_prepare, mut waiting] = halves;
    to_prepare.sort_by_key(|q| q.since);
    waiting.sort_by_key(|q| q.since);
    Ok(Queue {
        to_prepare,
        waiting,
        version,
    })
}

/// A cheap fingerprint of the store's queue, polled by the open counter pages (SPEC §14): the
/// ids of the orders the queue lists, per half (count, sum, largest). A new order, Mark ready, a
/// hand-over or a cancel — on any instance — changes it. One statement that reads the
/// (store, status, id) index only; the queue's own statement computes the same from its rows.
pub fn queue_version(conn: &mut MysqlConnection, store_id: i64) -> Result<String, AppError> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        ready: i64,
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let one = |status: &str, ready: u8| {
        format!(
            "(SELECT {ready} AS ready, o.id FROM orders o \
             WHERE o.store_id = ? AND o.status = '{status}' ORDER BY o.id LIMIT {QUEUE_LIMIT})"
        )
    };
    let ids: Vec<Id> = Prepared::new(format!(
        "{} UNION ALL {}",
        one(OrderStatus::Confirmed.as_str(), 0),
        one(OrderStatus::Ready.as_str(), 1)
    ))
    .bind::<BigInt, _>(store_id)
    .bind::<BigInt, _>(store_id)
    .load(conn)?;
    Ok(fingerprint(ids.iter().map(|r| (r.ready == 1, r.id))))
}

/// (ready?, id) of the queued orders → `count.sum.max` per half.
fn fingerprint(ids: impl Iterator<Item = (bool, i64)>) -> String {
    let mut halves = [(0i64, 0i64, 0i64); 2];
    for (ready, id) in ids {
        let h = &mut halves[usize::from(ready)];
        *h = (h.0 + 1, h.1 + id, h.2.max(id));
    }
    let [c, r] = halves;
    format!("{}.{}.{}-{}.{}.{}", c.0, c.1, c.2, r.0, r.1, r.2)
}
