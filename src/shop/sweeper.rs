//! The sweeper: periodic clean-up that is safe to run on every instance at once (conditional updates).

use diesel::prelude::*;

use crate::config::Settings;
use crate::db::in_transaction;
use crate::db::schema::{orders, submit_tokens};
use crate::domain::{OrderStatus, PayMethod};
use crate::error::{AppError, Context};
use crate::shop::orders::{cancel_order, CancelKind, Cancelled};
use crate::shop::payment::EXPIRED_REASON;

/// Unpaid orders expired per pass at most (the next pass takes the rest).
pub const EXPIRY_BATCH: i64 = 500;

/// Orders looked at per pass of the pickup-window sweep (the next pass takes the rest).
const PICKUP_WINDOW_BATCH: i64 = 500;

#[derive(Debug, Default)]
pub struct SweepReport {
    pub tokens_deleted: usize,
    /// Unpaid online orders cancelled because their payment window passed (stock released).
    pub orders_expired: usize,
    /// At-counter orders cancelled because nobody collected them within the pickup window.
    pub pickup_window_cancelled: usize,
    /// Session records idle past their lifetime or ended by an epoch change.
    pub sessions_deleted: usize,
}

/// One pass: expires unpaid orders, cancels uncollected at-counter orders, deletes used submit
/// tokens older than 24 h and stale session records.
pub fn sweep_once(
    conn: &mut MysqlConnection,
    settings: &Settings,
) -> Result<SweepReport, AppError> {
    let orders_expired = expire_unpaid_orders(conn).context("expiring unpaid orders")?;
    let pickup_window_cancelled = cancel_uncollected(conn, settings.pickup_window_hours)
        .context("cancelling uncollected at-counter orders")?;
    let cutoff = chrono::Utc::now().naive_utc() - chrono::Duration::hours(24);
    let tokens_deleted =
        diesel::delete(submit_tokens::table.filter(submit_tokens::used_at.lt(cutoff)))
            .execute(conn)
            .context("deleting old submit tokens")?;
    let sessions_deleted =
        crate::shop::sessions::delete_stale(conn).context("deleting stale sessions")?;
    Ok(SweepReport {
        tokens_deleted,
        sessions_deleted,
        orders_expired,
        pickup_window_cancelled,
    })
}

/// Cancels online orders still unpaid after their window, each in its own transaction, and puts
/// their stock back. `cancel_order` re-checks status and time in its UPDATE, so a pay that wins
/// the race simply leaves the order alone here.
pub fn expire_unpaid_orders(conn: &mut MysqlConnection) -> Result<usize, AppError> {
    let due: Vec<i64> = orders::table
        .filter(orders::status.eq(OrderStatus::PendingPayment))
        .filter(orders::expires_at.le(crate::db::now_nullable()))
        .order(orders::expires_at.asc())
        .limit(EXPIRY_BATCH)
        .select(orders::id)
        .load(conn)
        .context("reading expired orders")?;
    let mut expired = 0;
    for id in due {
        let done = in_transaction(conn, |c| {
            cancel_order(c, id, CancelKind::PaymentExpired, None, EXPIRED_REASON)
        })
        .context(format!("expiring order {id}"))?;
        if let Cancelled::Now { .. } = done {
            expired += 1;
        }
    }
    Ok(expired)
}

/// Cancels at-counter orders still waiting (`confirmed`/`ready`) after the pickup window, each in
/// its own transaction through `cancel_order` (conditional on the state, so a hand-over racing the
/// sweep wins or loses cleanly); their stock goes back with `release` movements and the code is free.
pub fn cancel_uncollected(conn: &mut MysqlConnection, hours: i64) -> Result<usize, AppError> {
    let cutoff = chrono::Utc::now().naive_utc() - chrono::Duration::hours(hours);
    let due: Vec<i64> = orders::table
        .filter(orders::pay_method.eq(PayMethod::AtCounter))
        .filter(orders::status.eq_any(OrderStatus::ACTIVE))
        .filter(orders::created_at.le(cutoff))
        .order(orders::id.asc())
        .limit(PICKUP_WINDOW_BATCH)
        .select(orders::id)
        .load(conn)
        .context("reading uncollected orders")?;
    let reason = format!("Not collected within {hours} hours");
    let mut cancelled = 0;
    for id in due {
        let outcome = in_transaction(conn, |c| {
            cancel_order(
                c,
                id,
                CancelKind::PickupWindowPassed { hours },
                None,
                &reason,
            )
        })
        .context(format!("cancelling uncollected order {id}"))?;
        if matches!(outcome, Cancelled::Now { .. }) {
            cancelled += 1;
        }
    }
    Ok(cancelled)
}
