//! The counter (SPEC §8): looking up a typed or scanned pickup code (`lookup`, with its audit and
//! `throttle`), handing an order over exactly once (`hand_over`), marking orders ready (`ready`)
//! and the store's queue (`queue`). What they share — who stands at the counter, the order as the
//! counter shows it, names of stores and people — is here.

mod hand_over;
mod lookup;
mod queue;
mod ready;
mod throttle;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;
use crate::domain::{OrderStatus, PayMethod};
use crate::error::AppError;
use crate::shop::orders::Order;

pub use hand_over::{hand_over, hand_over_by_number, HandOver};
pub use lookup::{look_up, lookup_result, Lookup, Verdict};
pub use queue::{store_queue, Queue, Queued, QUEUE_LIMIT};
pub use ready::{mark_ready, MarkReady};
pub use throttle::FAILED_LOOKUPS_PER_MINUTE;

/// Who stands at the counter: a staff account and its store.
#[derive(Debug, Clone, Copy)]
pub struct StaffMember {
    pub user_id: i64,
    pub store_id: i64,
}

pub use crate::shop::orders::OrderLine as Line;

/// An order that may be handed over here, with what the counter shows about it.
#[derive(Debug, Clone)]
pub struct Handable {
    pub order_id: i64,
    pub order_no: String,
    pub status: OrderStatus,
    pub pay_method: PayMethod,
    pub total_cents: i64,
    pub customer_name: String,
    pub store_name: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub lines: Vec<Line>,
}

impl Handable {
    /// At-counter orders are paid at hand-over: staff must confirm the money was collected.
    pub fn collect_at_counter(&self) -> bool {
        self.pay_method == PayMethod::AtCounter
    }
}

fn user_name(conn: &mut MysqlConnection, user_id: Option<i64>) -> Result<String, AppError> {
    let Some(id) = user_id else {
        return Ok("someone".into());
    };
    Ok(users::table
        .find(id)
        .select(users::display_name)
        .first::<String>(conn)
        .optional()?
        .unwrap_or_else(|| "someone".into()))
}

/// An order with its customer's and its store's names, read in one query.
pub(super) struct Found {
    pub order: Order,
    pub customer_name: String,
    pub store_name: String,
}

/// `orders ⋈ users ⋈ stores`, selecting what makes a [`Found`]; add a filter and load
/// `(Order, String, String)`.
macro_rules! found_query {
    () => {
        crate::db::schema::orders::table
            .inner_join(crate::db::schema::users::table)
            .inner_join(
                crate::db::schema::stores::table
                    .on(crate::db::schema::stores::id.eq(crate::db::schema::orders::store_id)),
            )
            .select((
                crate::shop::orders::Order::as_select(),
                crate::db::schema::users::display_name,
                crate::db::schema::stores::name,
            ))
    };
}

impl Found {
    fn from_row((order, customer_name, store_name): (Order, String, String)) -> Found {
        Found {
            order,
            customer_name,
            store_name,
        }
    }
}

/// The order with this id and its names.
pub(super) fn found_by_id(conn: &mut MysqlConnection, id: i64) -> Result<Option<Found>, AppError> {
    use crate::db::schema::orders;
    Ok(found_query!()
        .filter(orders::id.eq(id))
        .first::<(Order, String, String)>(conn)
        .optional()?
        .map(Found::from_row))
}

/// The order with this number and its names.
pub(super) fn found_by_number(
    conn: &mut MysqlConnection,
    order_no: &str,
) -> Result<Option<Found>, AppError> {
    use crate::db::schema::orders;
    Ok(found_query!()
        .filter(orders::order_no.eq(order_no))
        .first::<(Order, String, String)>(conn)
        .optional()?
        .map(Found::from_row))
}

fn handable(conn: &mut MysqlConnection, found: Found) -> Result<Handable, AppError> {
    let Found {
        order,
        customer_name,
        store_name,
    } = found;
    let lines = crate::shop::orders::lines_of(conn, order.id)?;
    Ok(Handable {
        status: order.status,
        pay_method: order.pay_method,
        customer_name,
        store_name,
        order_id: order.id,
        order_no: order.order_no,
        total_cents: order.total_cents,
        note: order.note,
        created_at: order.created_at,
        lines,
    })
}
