//! Pickup codes: issuing one when an order becomes `confirmed`, unique among active orders (SPEC §7).
//!
//! The guarantee is the UNIQUE index on the generated column `active_pickup_code`; the batch
//! pre-check only keeps duplicate-key attempts rare when the code space is crowded.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::schema::orders;
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

const ACTIVE: [&str; 2] = ["confirmed", "ready"];

/// Gives an order its pickup code, in the caller's transaction. Call it right after the UPDATE
/// that made the order `confirmed` (the unique index only covers active orders).
///
/// Each round draws a batch of distinct random candidates (CSPRNG), drops the ones already active
/// with one `IN (...)` query, and tries the survivors with a conditional UPDATE; a duplicate key
/// (another transaction took the code meanwhile) moves on to the next candidate. The batch doubles
/// every round. When a round has drawn the whole space and none of it could be had, the space is
/// full: `SpaceFull`, and nothing was changed.
pub fn issue_pickup_code(
    conn: &mut MysqlConnection,
    order_id: i64,
    digits: usize,
) -> Result<Issued, AppError> {
    let digits = digits.clamp(PickupCode::MIN_DIGITS, PickupCode::MAX_DIGITS);
    let space = PickupCode::space_size(digits);
    let mut rng = rand::thread_rng();
    let mut batch = FIRST_BATCH;
    for _ in 0..MAX_ROUNDS {
        let candidates = PickupCode::candidates(digits, batch, &mut rng);
        let whole_space = candidates.len() as u64 >= space;
        let taken: HashSet<String> = orders::table
            .filter(orders::active_pickup_code.eq_any(candidates.iter().map(PickupCode::as_str)))
            .select(orders::active_pickup_code)
            .load::<Option<String>>(conn)?
            .into_iter()
            .flatten()
            .collect();
        for code in candidates.iter().filter(|c| !taken.contains(c.as_str())) {
            let assigned = diesel::update(
                orders::table
                    .filter(orders::id.eq(order_id))
                    .filter(orders::status.eq_any(ACTIVE))
                    .filter(orders::pickup_code.is_null()),
            )
            .set(orders::pickup_code.eq(code.as_str()))
            .execute(conn);
            match assigned {
                Ok(1) => return Ok(Issued::Code(code.as_str().to_owned())),
                Ok(_) => {
                    return Err(AppError::Unexpected(anyhow::anyhow!(
                        "order {order_id} is not {} or already has a pickup code",
                        OrderStatus::Confirmed
                    )))
                }
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
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
