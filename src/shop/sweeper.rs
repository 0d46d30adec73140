//! The sweeper: periodic clean-up that is safe to run on every instance at once (conditional updates).

use diesel::prelude::*;

use crate::config::Settings;
use crate::db::in_transaction;
use crate::db::schema::{orders, submit_tokens};
use crate::domain::OrderStatus;
use crate::error::AppError;
use crate::shop::orders::{cancel_order, CancelKind, Cancelled};
use crate::shop::payment::EXPIRED_REASON;

/// Unpaid orders expired per pass at most (the next pass takes the rest).
pub const EXPIRY_BATCH: i64 = 500;

#[derive(Debug, Default)]
pub struct SweepReport {
    pub tokens_deleted: usize,
    /// Unpaid online orders cancelled because their payment window passed (stock released).
    pub orders_expired: usize,
}

/// One pass: expires unpaid orders, deletes used submit tokens older than 24 h.
pub fn sweep_once(
    conn: &mut MysqlConnection,
    _settings: &Settings,
) -> Result<SweepReport, AppError> {
    let orders_expired = expire_unpaid_orders(conn)?;
    let cutoff = chrono::Utc::now().naive_utc() - chrono::Duration::hours(24);
    let tokens_deleted =
        diesel::delete(submit_tokens::table.filter(submit_tokens::used_at.lt(cutoff)))
            .execute(conn)?;
    Ok(SweepReport {
        tokens_deleted,
        orders_expired,
    })
}

/// Cancels online orders still unpaid after their window, each in its own transaction, and puts
/// their stock back. `cancel_order` re-checks status and time in its UPDATE, so a pay that wins
/// the race simply leaves the order alone here.
pub fn expire_unpaid_orders(conn: &mut MysqlConnection) -> Result<usize, AppError> {
    let due: Vec<i64> = orders::table
        .filter(orders::status.eq(OrderStatus::PendingPayment.as_str()))
        .filter(orders::expires_at.le(crate::db::now_nullable()))
        .order(orders::expires_at.asc())
        .limit(EXPIRY_BATCH)
        .select(orders::id)
        .load(conn)?;
    let mut expired = 0;
    for id in due {
        let done = in_transaction(conn, |c| {
            cancel_order(c, id, CancelKind::PaymentExpired, None, EXPIRED_REASON)
        })?;
        if let Cancelled::Now { .. } = done {
            expired += 1;
        }
    }
    Ok(expired)
}
