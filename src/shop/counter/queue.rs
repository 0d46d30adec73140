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
    /// One queued order with its pick list.
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
        /// The pick list as `quantity name|quantity name|…` (names with `|` made `/`).
        #[diesel(sql_type = Nullable<Text>)]
        pick: Option<String>,
    }
    // Both lists and their pick lists in one statement (a cached prepared one); the item counts
    // are the pick lists' quantities added up here (a second subquery per order cost the server
    // as much again).
    let one = |status: &str, ready: u8| {
        format!(
            "(SELECT {ready} AS ready, o.id, o.order_no, u.display_name AS customer_name, o.pay_method, \
             o.total_cents, o.created_at, o.paid_at, o.ready_at, \
             (SELECT GROUP_CONCAT(CONCAT(l.quantity, ' ', REPLACE(l.product_name, '|', '/')) \
                                  ORDER BY l.id SEPARATOR '|') \
              FROM order_lines l WHERE l.order_id = o.id) AS pick \
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
    let version = fingerprint(rows.iter().map(|r| (r.ready == 1, r.id)));
    let (ready, confirmed): (Vec<Row>, Vec<Row>) = rows.into_iter().partition(|r| r.ready == 1);
    let to_queued = |rows: Vec<Row>, ready: bool| -> Vec<Queued> {
        let mut out: Vec<Queued> = rows
            .into_iter()
            .map(|r| {
                let lines = pick_list(r.pick.as_deref());
                Queued {
                    since: if ready {
                        r.ready_at.unwrap_or(r.created_at)
                    } else {
                        r.paid_at.unwrap_or(r.created_at)
                    },
                    items: lines.iter().map(|(_, n)| i64::from(*n)).sum(),
                    lines,
                    pay_method: r.pay_method,
                    order_no: r.order_no,
                    customer_name: r.customer_name,
                    total_cents: r.total_cents,
                }
            })
            .collect();
        out.sort_by_key(|q| q.since);
        out
    };
    Ok(Queue {
        to_prepare: to_queued(confirmed, false),
        waiting: to_queued(ready, true),
        version,
    })
}

/// `2 Tea Mug|1 Green Tea` → [("Tea Mug", 2), ("Green Tea", 1)]. (GROUP_CONCAT, in MySQL and
/// MariaDB alike, keeps one statement for the whole queue.)
fn pick_list(raw: Option<&str>) -> Vec<(String, i32)> {
    raw.unwrap_or("")
        .split('|')
        .filter_map(|line| {
            let (n, name) = line.split_once(' ')?;
            Some((name.to_string(), n.parse().ok()?))
        })
        .collect()
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

#[cfg(test)]
mod tests {
    #[test]
    fn pick_lists_read_back() {
        assert_eq!(
            super::pick_list(Some("2 Tea Mug|1 Green Tea 100 g")),
            vec![
                ("Tea Mug".to_string(), 2),
                ("Green Tea 100 g".to_string(), 1)
            ]
        );
        assert!(super::pick_list(None).is_empty());
    }
}
