//! Handing an order over, exactly once, behind a submit-once token.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lookup::{judge, Verdict};
use super::{user_name, Handable, StaffMember};
use crate::db::schema::{orders, payments};
use crate::db::{in_transaction, Rollback};
use crate::domain::{OrderStatus, PayMethod, PaymentStatus, Purpose, TokenId};
use crate::error::AppError;
use crate::shop::orders::Order;
use crate::shop::submit_once::{self, Consumed};

/// The outcome of pressing Hand over.
#[derive(Debug, Clone)]
pub enum HandOver {
    /// Handed over now; `collected_cents` is the at-counter payment recorded with it.
    Done {
        order_no: String,
        customer_name: String,
        collected_cents: Option<i64>,
    },
    /// This very form was submitted before (double click, resubmit): nothing new happened.
    AlreadySubmitted {
        order_no: String,
    },
    /// Someone (maybe another counter, a moment ago) handed it over already.
    AlreadyHandedOver {
        order_no: String,
        by: String,
        at: Option<NaiveDateTime>,
    },
    /// An at-counter order and the "payment collected" box was not ticked: nothing happened.
    PaymentNotCollected(Box<Handable>),
    WrongStore {
        store_name: String,
    },
    Cancelled {
        order_no: String,
    },
    /// An online order that is not paid yet.
    NotPaid {
        order_no: String,
    },
}

/// Hands an order over, exactly once: consumes the form's submit token, then one conditional
/// UPDATE (`status IN ('confirmed','ready') AND store_id = <this store>`, and for at-counter
/// orders only when the payment was collected) records who and when and frees the code; an
/// at-counter payment is inserted in the same transaction. Two counters at the same moment: the
/// second UPDATE waits for the first's row lock, then matches nothing and is told who did it.
pub fn hand_over(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    order_id: i64,
    token: &TokenId,
    payment_collected: bool,
) -> Result<HandOver, AppError> {
    Rollback::settle(in_transaction(conn, |c| {
        hand_over_body(c, staff, order_id, token, payment_collected)
    }))
}

/// Any outcome but `Done` rolls the transaction back (the submit token stays fresh).
fn hand_over_body(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    order_id: i64,
    token: &TokenId,
    payment_collected: bool,
) -> Result<HandOver, Rollback<HandOver>> {
    match submit_once::consume(
        conn,
        token,
        staff.user_id,
        Purpose::Handover,
        Some(order_id),
        None,
    )? {
        Consumed::Fresh => {}
        Consumed::AlreadyUsed(result) => {
            let order_no = match result {
                Some(no) => no,
                None => order_no_of(conn, order_id)?,
            };
            return Ok(HandOver::AlreadySubmitted { order_no });
        }
    }
    let payable: &[PayMethod] = if payment_collected {
        &[PayMethod::Online, PayMethod::AtCounter]
    } else {
        &[PayMethod::Online]
    };
    let matched = diesel::update(
        orders::table
            .filter(orders::id.eq(order_id))
            .filter(orders::status.eq_any(OrderStatus::ACTIVE))
            .filter(orders::store_id.eq(staff.store_id))
            .filter(orders::pay_method.eq_any(payable)),
    )
    .set((
        orders::status.eq(OrderStatus::PickedUp),
        orders::picked_up_at.eq(crate::db::now_nullable()),
        orders::picked_up_by.eq(staff.user_id),
    ))
    .execute(conn)?;
    let order: Order = orders::table
        .find(order_id)
        .select(Order::as_select())
        .first(conn)?;
    if matched != 1 {
        return Err(Rollback::Refused(why_not(conn, order, staff)?));
    }
    let collected_cents = if order.pay_method == PayMethod::AtCounter {
        diesel::insert_into(payments::table)
            .values((
                payments::order_id.eq(order.id),
                payments::amount_cents.eq(order.total_cents),
                payments::method.eq(PayMethod::AtCounter),
                payments::status.eq(PaymentStatus::Captured),
            ))
            .execute(conn)?;
        Some(order.total_cents)
    } else {
        None
    };
    submit_once::store_result(conn, token, &order.order_no)?;
    Ok(HandOver::Done {
        customer_name: user_name(conn, Some(order.user_id))?,
        order_no: order.order_no,
        collected_cents,
    })
}

/// Why the hand-over UPDATE matched nothing: what the order is now, as a lookup would say.
fn why_not(
    conn: &mut MysqlConnection,
    order: Order,
    staff: StaffMember,
) -> Result<HandOver, AppError> {
    let order_no = order.order_no.clone();
    Ok(match judge(conn, order, staff.store_id)? {
        Verdict::WrongStore { store_name } => HandOver::WrongStore { store_name },
        Verdict::AlreadyPickedUp { order_no, at, by } => {
            HandOver::AlreadyHandedOver { order_no, by, at }
        }
        Verdict::Cancelled { order_no, .. } => HandOver::Cancelled { order_no },
        // Still active, so only the payment box can have stopped it.
        Verdict::Match(order) => HandOver::PaymentNotCollected(Box::new(order)),
        // Unpaid: an online order whose payment has not come.
        Verdict::NotFound { .. } => HandOver::NotPaid { order_no },
    })
}

fn order_no_of(conn: &mut MysqlConnection, order_id: i64) -> Result<String, AppError> {
    Ok(orders::table
        .find(order_id)
        .select(orders::order_no)
        .first(conn)?)
}

/// The order id behind an order number, if the order exists (for checking a form's token).
pub fn order_id(conn: &mut MysqlConnection, order_no: &str) -> Result<Option<i64>, AppError> {
    Ok(orders::table
        .filter(orders::order_no.eq(order_no))
        .select(orders::id)
        .first(conn)
        .optional()?)
}
