//! Pickup codes: issuing one when an order becomes `confirmed`, unique among active orders (SPEC §7).
//!
//! The guarantee is the UNIQUE index on the generated column `active_pickup_code`; the batch
//! pre-check only keeps duplicate-key attempts rare when the code space is crowded.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::schema::orders;
use crate::db::Prepared;
use crate::domain::{OrderStatus, PickupCode};
use crate::error::{is_unique_violation, AppError};

/// The outcome of trying to give an order a pickup code.
#[derive(Debug, PartialEq, Eq)]
pub enum Issued {
    /// The code (digits incl. check digit) now stored on the order.
    Code(String),
    /// Every code of the configured length is in use by an active order: refuse the checkout or
    /// payment (the caller rolls its transaction back), nothing is half done.
    SpaceFull,
}

/// Candidates drawn in the first round; each further round draws twice as many.
const FIRST_BATCH: usize = 8;
/// Rounds before giving up: 8 · 2^11 = 16 384 candidates in the last one, so a space that yields
/// no free code by then is full for all practical purposes (3–4 digit spaces are drawn whole earlier).
const MAX_ROUNDS: u32 = 12;

/// Gives an order its pickup code, in the caller's transaction. Call it right after the UPDATE
/// that made the order `confirmed` (the unique index only covers active orders).
///
/// First one random candidate is tried with the conditional UPDATE: in a space that is mostly
/// free (the usual case) that is the whole cost, one statement. Only when it collides (duplicate
/// key) do the SPEC §7 rounds start: each draws a batch of distinct random candidates (CSPRNG),
/// drops the ones already active with one `IN (...)` query, and tries the survivors; a duplicate
/// key (another transaction took the code meanwhile) moves on to the next candidate. The batch
/// doubles every round. When a round has drawn the whole space and none of it could be had, the
/// space is full: `SpaceFull`, and nothing was changed.
pub fn issue_pickup_code(
    conn: &mut MysqlConnection,
    order_id: i64,
    digits: usize,
) -> Result<Issued, AppError> {
    let digits = digits.clamp(PickupCode::MIN_DIGITS, PickupCode::MAX_DIGITS);
    let space = PickupCode::space_size(digits);
    let mut rng = rand::thread_rng();
    if let Some(first) = PickupCode::candidates(digits, 1, &mut rng)
        .into_iter()
        .next()
    {
        if let Some(issued) = try_code(conn, order_id, &first)? {
            return Ok(issued);
        }
    }
    let mut batch = FIRST_BATCH;
    for _ in 0..MAX_ROUNDS {
        let candidates = PickupCode::candidates(digits, batch, &mut rng);
        let whole_space = candidates.len() as u64 >= space;
        // Only after a collision: diesel prepares and closes this `IN` (it does not cache those).
        let taken: HashSet<String> = orders::table
            .filter(orders::active_pickup_code.eq_any(candidates.iter().map(PickupCode::as_str)))
            .select(orders::active_pickup_code)
            .load::<Option<String>>(conn)?
            .into_iter()
            .flatten()
            .collect();
        for code in candidates.iter().filter(|c| !taken.contains(c.as_str())) {
            if let Some(issued) = try_code(conn, order_id, code)? {
                return Ok(issued);
            }
        }
        if whole_space {
            return Ok(Issued::SpaceFull);
        }
        batch = batch.saturating_mul(2);
    }
    tracing::warn!(
        digits,
        "no free pickup code found; the code space is (nearly) full"
    );
    Ok(Issued::SpaceFull)
}

/// The first step of paying, with the pickup code in the same statement (the usual case): the
/// conditional UPDATE `pending_payment → confirmed` (see `shop::payment`) also sets one random
/// candidate code. `None`: the order was not pending (or, with `require_window`, its window has
/// passed) — nothing changed. When the candidate is another active order's (duplicate key on
/// `uq_orders_active_pickup_code`; only this statement is rolled back), the order is confirmed
/// without a code and [`issue_pickup_code`]'s rounds find one (or `SpaceFull`).
pub fn confirm_paid_with_code(
    conn: &mut MysqlConnection,
    order_id: i64,
    require_window: bool,
    digits: usize,
) -> Result<Option<Issued>, AppError> {
    let digits = digits.clamp(PickupCode::MIN_DIGITS, PickupCode::MAX_DIGITS);
    let first = PickupCode::candidates(digits, 1, &mut rand::thread_rng())
        .into_iter()
        .next();
    let code = first.as_ref().map(|c| c.as_str().to_owned());
    match confirm_paid(conn, order_id, require_window, code.clone()) {
        Ok(0) => return Ok(None),
        Ok(_) => {
            if let Some(code) = code {
                return Ok(Some(Issued::Code(code)));
            }
        }
        Err(e) if is_unique_violation(&e) => {
            if confirm_paid(conn, order_id, require_window, None)? == 0 {
                return Ok(None);
            }
        }
        Err(e) => return Err(e.into()),
    }
    // Confirmed without a code: the rounds of SPEC §7.
    issue_pickup_code(conn, order_id, digits).map(Some)
}

/// The conditional UPDATE `pending_payment → confirmed` (inside the payment window unless
/// `require_window` is false), setting `code` as the pickup code (None: none yet). One cached
/// statement for every case. Returns the rows it changed: 1, or 0 when the order was not payable.
fn confirm_paid(
    conn: &mut MysqlConnection,
    order_id: i64,
    require_window: bool,
    code: Option<String>,
) -> Result<usize, diesel::result::Error> {
    use diesel::sql_types::{BigInt, Bool, Nullable, Text};
    Prepared::new(
        "UPDATE orders SET status = ?, paid_at = NOW(), pickup_code = ? \
         WHERE id = ? AND status = ? AND (? OR expires_at > NOW())",
    )
    .bind::<Text, _>(OrderStatus::Confirmed.as_str())
    .bind::<Nullable<Text>, _>(code)
    .bind::<BigInt, _>(order_id)
    .bind::<Text, _>(OrderStatus::PendingPayment.as_str())
    .bind::<Bool, _>(!require_window)
    .execute(conn)
}

/// Tries to give the order this code: `Some` when it has it now, `None` when another active
/// order holds it (duplicate key; only this statement is rolled back).
fn try_code(
    conn: &mut MysqlConnection,
    order_id: i64,
    code: &PickupCode,
) -> Result<Option<Issued>, AppError> {
    let assigned = Prepared::new(
        "UPDATE orders SET pickup_code = ? \
         WHERE id = ? AND status IN ('confirmed', 'ready') AND pickup_code IS NULL",
    )
    .bind::<diesel::sql_types::Text, _>(code.as_str().to_owned())
    .bind::<diesel::sql_types::BigInt, _>(order_id)
    .execute(conn);
    match assigned {
        Ok(1) => Ok(Some(Issued::Code(code.as_str().to_owned()))),
        Ok(_) => Err(AppError::Unexpected(anyhow::anyhow!(
            "order {order_id} is not {} or already has a pickup code",
            OrderStatus::Confirmed
        ))),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
