//! Orders as stored, and the one way any order is cancelled (customer, payment expiry, pickup
//! window, admin): a conditional UPDATE whose WHERE names the allowed source state, then the stock
//! goes back with `release` movements and a captured payment is marked refunded — one transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{order_lines, orders, payments};
use crate::domain::{OrderStatus, PayMethod, PaymentStatus};
use crate::error::AppError;
use crate::shop::stock::release_order_stock;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct Order {
    pub id: i64,
    pub order_no: String,
    pub user_id: i64,
    pub store_id: i64,
    pub status: OrderStatus,
    pub pay_method: PayMethod,
    pub total_cents: i64,
    pub note: String,
    pub pickup_code: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub paid_at: Option<NaiveDateTime>,
    pub ready_at: Option<NaiveDateTime>,
    pub ready_by: Option<i64>,
    pub picked_up_at: Option<NaiveDateTime>,
    pub picked_up_by: Option<i64>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancelled_by: Option<i64>,
    pub cancel_reason: Option<String>,
}

pub fn by_order_no(conn: &mut MysqlConnection, order_no: &str) -> Result<Option<Order>, AppError> {
    Ok(orders::table
        .filter(orders::order_no.eq(order_no))
        .select(Order::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut MysqlConnection, id: i64) -> Result<Order, AppError> {
    Ok(orders::table
        .find(id)
        .select(Order::as_select())
        .first(conn)?)
}

/// One line of an order, with the name and price it had at checkout.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_lines)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct OrderLine {
    pub product_id: i64,
    pub product_name: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
    pub line_total_cents: i64,
}

/// An order's lines in the order they were written (checkout writes them by product id).
pub fn lines_of(conn: &mut MysqlConnection, order_id: i64) -> Result<Vec<OrderLine>, AppError> {
    Ok(order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .order(order_lines::id.asc())
        .select(OrderLine::as_select())
        .load(conn)?)
}

/// Which cancellation this is; each names the source states (and time condition) it may start from.
#[derive(Debug, Clone, Copy)]
pub enum CancelKind {
    /// The customer cancels an unpaid order.
    ByCustomer,
    /// The payment window passed (only if `expires_at` really has passed: a pay racing it wins or loses cleanly).
    PaymentExpired,
    /// An at-counter order not collected within the pickup window.
    PickupWindowPassed { hours: i64 },
    /// An admin cancels anything not yet picked up; a captured payment is refunded.
    ByAdmin,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Cancelled {
    /// Cancelled now; `refunded` tells whether a captured payment was marked refunded.
    Now { refunded: bool },
    /// Not cancelled: the order is (by now) in another state, e.g. paid or picked up meanwhile.
    NotAllowed { status: OrderStatus },
}

/// Cancels an order if its current state allows this kind of cancellation. Call inside a transaction.
pub fn cancel_order(
    conn: &mut MysqlConnection,
    order_id: i64,
    kind: CancelKind,
    actor: Option<i64>,
    reason: &str,
) -> Result<Cancelled, AppError> {
    let target = orders::table.filter(orders::id.eq(order_id));
    let set = (
        orders::status.eq(OrderStatus::Cancelled),
        orders::cancelled_at.eq(crate::db::now_nullable()),
        orders::cancelled_by.eq(actor),
        orders::cancel_reason.eq(reason),
    );
    let pending = OrderStatus::PendingPayment;
    let matched = match kind {
        CancelKind::ByCustomer => diesel::update(target.filter(orders::status.eq(pending)))
            .set(set)
            .execute(conn)?,
        CancelKind::PaymentExpired => diesel::update(
            target
                .filter(orders::status.eq(pending))
                .filter(orders::expires_at.le(crate::db::now_nullable())),
        )
        .set(set)
        .execute(conn)?,
        CancelKind::PickupWindowPassed { hours } => {
            let cutoff = chrono::Utc::now().naive_utc() - chrono::Duration::hours(hours);
            diesel::update(
                target
                    .filter(orders::pay_method.eq(PayMethod::AtCounter))
                    .filter(orders::status.eq_any(OrderStatus::ACTIVE))
                    .filter(orders::created_at.le(cutoff)),
            )
            .set(set)
            .execute(conn)?
        }
        CancelKind::ByAdmin => {
            diesel::update(target.filter(orders::status.eq_any(OrderStatus::LIVE)))
                .set(set)
                .execute(conn)?
        }
    };
    if matched != 1 {
        let status: OrderStatus = orders::table
            .find(order_id)
            .select(orders::status)
            .first(conn)?;
        return Ok(Cancelled::NotAllowed { status });
    }
    release_order_stock(conn, order_id, actor, reason)?;
    let refunded = diesel::update(
        payments::table
            .filter(payments::order_id.eq(order_id))
            .filter(payments::status.eq(PaymentStatus::Captured)),
    )
    .set((
        payments::status.eq(PaymentStatus::Refunded),
        payments::refunded_at.eq(crate::db::now_nullable()),
    ))
    .execute(conn)?;
    Ok(Cancelled::Now {
        refunded: refunded == 1,
    })
}
