//! A customer's own orders: the list (newest first, paginated) and one order with its lines.
//! Another customer's order is simply not found.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::in_transaction;
use crate::db::schema::{order_lines, orders, stores};
use crate::domain::{OrderStatus, PayMethod};
use crate::error::AppError;
use crate::shop::names;
use crate::shop::orders::{cancel_order, CancelKind, Cancelled, Order};
use crate::shop::payment::CUSTOMER_CANCEL_REASON;

/// Orders per page of `/orders`.
pub const PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, Queryable)]
pub struct OrderSummary {
    pub id: i64,
    pub order_no: String,
    pub status: OrderStatus,
    pub pay_method: PayMethod,
    pub total_cents: i64,
    pub created_at: NaiveDateTime,
    pub store_name: String,
    /// Shown in the list while the order waits to be picked up (confirmed or ready).
    pub pickup_code: Option<String>,
}

/// One page (1-based) of the user's orders, newest first, and whether there is a next page.
///
/// The page is chosen from `orders` alone (`ix_orders_user`: the user's orders in id order, read
/// until the page is full) and its store names looked up after (see [`names`]).
pub fn orders_page(
    conn: &mut MysqlConnection,
    user_id: i64,
    page: i64,
) -> Result<(Vec<OrderSummary>, bool), AppError> {
    type Head = (
        i64,
        String,
        OrderStatus,
        PayMethod,
        i64,
        NaiveDateTime,
        i64,
        Option<String>,
    );
    let offset = (page.max(1) - 1).saturating_mul(PAGE_SIZE);
    let mut heads: Vec<Head> = orders::table
        .filter(orders::user_id.eq(user_id))
        .order(orders::id.desc())
        .limit(PAGE_SIZE + 1)
        .offset(offset)
        .select((
            orders::id,
            orders::order_no,
            orders::status,
            orders::pay_method,
            orders::total_cents,
            orders::created_at,
            orders::store_id,
            orders::pickup_code,
        ))
        .load(conn)?;
    let more = heads.len() as i64 > PAGE_SIZE;
    heads.truncate(PAGE_SIZE as usize);
    let store_names = names::store_names(conn, heads.iter().map(|h| h.6))?;
    let rows = heads
        .into_iter()
        .map(
            |(id, order_no, status, pay_method, total_cents, created_at, store_id, pickup_code)| {
                OrderSummary {
                    id,
                    order_no,
                    status,
                    pay_method,
                    total_cents,
                    created_at,
                    store_name: store_names.get(&store_id).cloned().unwrap_or_default(),
                    pickup_code,
                }
            },
        )
        .collect();
    Ok((rows, more))
}

/// The lines of the given orders as (order id, product name, quantity), for a list's item summaries.
pub fn items_of(
    conn: &mut MysqlConnection,
    order_ids: &[i64],
) -> Result<Vec<(i64, String, i32)>, AppError> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(order_lines::table
        .filter(order_lines::order_id.eq_any(order_ids))
        .order((order_lines::order_id, order_lines::id))
        .select((
            order_lines::order_id,
            order_lines::product_name,
            order_lines::quantity,
        ))
        .load(conn)?)
}

pub use crate::shop::orders::OrderLine;

/// The user's order with this number, with its lines (in the order they were written) and store
/// name; None if it is not theirs. One statement: the order's columns come again with each of its
/// (few) lines. The lines are put in order here, not by an ORDER BY: MariaDB sorts by a column of
/// an outer-joined table through a temporary table and a filesort, on every order page view.
pub fn own_order(
    conn: &mut MysqlConnection,
    user_id: i64,
    order_no: &str,
) -> Result<Option<(Order, Vec<OrderLine>, String)>, AppError> {
    type Row = (Order, String, Option<i64>, Option<OrderLine>);
    let rows: Vec<Row> = orders::table
        .inner_join(stores::table)
        .left_join(order_lines::table)
        .filter(orders::order_no.eq(order_no))
        .filter(orders::user_id.eq(user_id))
        .select((
            Order::as_select(),
            stores::name,
            order_lines::id.nullable(),
            Option::<OrderLine>::as_select(),
        ))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((order, store_name, first_id, first)) = rows.next() else {
        return Ok(None);
    };
    let mut lines: Vec<(i64, OrderLine)> = first_id
        .zip(first)
        .into_iter()
        .chain(rows.filter_map(|(_, _, id, line)| id.zip(line)))
        .collect();
    lines.sort_unstable_by_key(|(id, _)| *id);
    let lines = lines.into_iter().map(|(_, line)| line).collect();
    Ok(Some((order, lines, store_name)))
}

/// The status of the user's order with this number: the cheap version the live order page polls.
pub fn own_order_status(
    conn: &mut MysqlConnection,
    user_id: i64,
    order_no: &str,
) -> Result<Option<OrderStatus>, AppError> {
    Ok(orders::table
        .filter(orders::order_no.eq(order_no))
        .filter(orders::user_id.eq(user_id))
        .select(orders::status)
        .first(conn)
        .optional()?)
}

/// The user's order with this number (no lines); None if it is not theirs.
pub fn own_order_row(
    conn: &mut MysqlConnection,
    user_id: i64,
    order_no: &str,
) -> Result<Option<Order>, AppError> {
    Ok(orders::table
        .filter(orders::order_no.eq(order_no))
        .filter(orders::user_id.eq(user_id))
        .select(Order::as_select())
        .first(conn)
        .optional()?)
}

/// The customer cancels their unpaid order: one transaction (the order, its stock back).
pub fn cancel(
    conn: &mut MysqlConnection,
    order_id: i64,
    user_id: i64,
) -> Result<Cancelled, AppError> {
    in_transaction(conn, |c| {
        cancel_order(
            c,
            order_id,
            CancelKind::ByCustomer,
            Some(user_id),
            CUSTOMER_CANCEL_REASON,
        )
    })
}
