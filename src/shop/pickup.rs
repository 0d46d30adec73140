//! Pickup codes: issuing them when an order becomes `confirmed` (the counter issue fills this in).

use diesel::prelude::*;

use crate::error::AppError;

/// The outcome of trying to give an order a pickup code.
#[derive(Debug, PartialEq, Eq)]
pub enum Issued {
    /// The code (digits incl. check digit) now stored on the order.
    Code(String),
    /// Every code of the configured length is in use by an active order: refuse the checkout or
    /// payment (the caller rolls its transaction back), nothing is half done.
    SpaceFull,
}

/// Gives a freshly confirmed order its pickup code, in the caller's transaction.
/// Until the counter issue lands, orders are confirmed without a code.
pub fn issue_pickup_code(
    _conn: &mut MysqlConnection,
    _order_id: i64,
    _digits: usize,
) -> Result<Issued, AppError> {
    Ok(Issued::Code(String::new()))
}
