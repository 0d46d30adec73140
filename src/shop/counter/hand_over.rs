//! Handing an order over, exactly once, behind a submit-once token.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::lookup::{judge, Verdict};
use super::{found_by_id, found_by_number, Found, Handable, StaffMember};
use crate::db::schema::payments;
use crate::db::Prepared;
use crate::db::{in_transaction, Rollback};
use crate::domain::{PayMethod, PaymentStatus, Purpose, TokenId};
use crate::error::AppError;
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
        let found = found_by_id(c, order_id)?.ok_or(AppError::NotFound)?;
        hand_over_body(c, staff, found, token, payment_collected)
    }))
}

/// [`hand_over`] by the order number of the form's address. `token_for` checks the form's token
/// against the order that number names; the order is read inside the transaction, so the whole
/// hand-over is one request's worth of statements with no query before it.
pub fn hand_over_by_number(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    order_no: &str,
    token_for: &dyn Fn(i64) -> Result<TokenId, AppError>,
    payment_collected: bool,
) -> Result<HandOver, AppError> {
    Rollback::settle(in_transaction(conn, |c| {
        let found = found_by_number(c, order_no)?.ok_or(AppError::NotFound)?;
        let token = token_for(found.order.id)?;
        hand_over_body(c, staff, found, &token, payment_collected)
    }))
}

/// Any outcome but `Done` rolls the transaction back (the submit token stays fresh). `found` is
/// the order as read at the start; the conditional UPDATE decides, and a refusal re-reads it.
fn hand_over_body(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    found: Found,
    token: &TokenId,
    payment_collected: bool,
) -> Result<HandOver, Rollback<HandOver>> {
    let order_id = found.order.id;
    // The result (the order number) is known before: stored with the token, no UPDATE after.
    match submit_once::consume(
        conn,
        token,
        staff.user_id,
        Purpose::Handover,
        Some(order_id),
        Some(&found.order.order_no),
    )? {
        Consumed::Fresh => {}
        Consumed::AlreadyUsed(result) => {
            return Ok(HandOver::AlreadySubmitted {
                order_no: result.unwrap_or(found.order.order_no),
            });
        }
    }
    // Two texts (with or without at-counter payment): two cached statements.
    let sql = if payment_collected {
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW(), picked_up_by = ? \
         WHERE id = ? AND status IN ('confirmed', 'ready') AND store_id = ? \
         AND pay_method IN ('online', 'at_counter')"
    } else {
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW(), picked_up_by = ? \
         WHERE id = ? AND status IN ('confirmed', 'ready') AND store_id = ? AND pay_method = 'online'"
    };
    let matched = Prepared::new(sql)
        .bind::<BigInt, _>(staff.user_id)
        .bind::<BigInt, _>(order_id)
        .bind::<BigInt, _>(staff.store_id)
        .execute(conn)?;
    if matched != 1 {
        let now = found_by_id(conn, order_id)?.ok_or(AppError::NotFound)?;
        return Err(Rollback::Refused(why_not(conn, now, staff)?));
    }
    let Found {
        order,
        customer_name,
        ..
    } = found;
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
    Ok(HandOver::Done {
        customer_name,
        order_no: order.order_no,
        collected_cents,
    })
}

/// Why the hand-over UPDATE matched nothing: what the order is now, as a lookup would say.
fn why_not(
    conn: &mut MysqlConnection,
    found: Found,
    staff: StaffMember,
) -> Result<HandOver, AppError> {
    let order_no = found.order.order_no.clone();
    Ok(match judge(conn, found, staff.store_id)? {
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
