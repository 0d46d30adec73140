//! The stock ledger: every change of `products.stock` writes one `stock_movements` row in the same
//! transaction, so for every product stock = sum(delta). Releases of cancelled orders live here;
//! taking stock at checkout (the optimistic loop) lives in `checkout`.

use diesel::prelude::*;

use crate::db::schema::{order_lines, products, stock_movements};
use crate::domain::MovementReason;
use crate::error::AppError;

/// One ledger row to write.
pub struct Movement<'a> {
    pub product_id: i64,
    pub delta: i32,
    pub reason: MovementReason,
    pub order_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub note: &'a str,
    pub stock_after: i32,
}

/// Writes ledger rows (one multi-row INSERT).
pub fn record_movements(
    conn: &mut MysqlConnection,
    movements: &[Movement<'_>],
) -> Result<(), AppError> {
    if movements.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = movements
        .iter()
        .map(|m| {
            (
                stock_movements::product_id.eq(m.product_id),
                stock_movements::delta.eq(m.delta),
                stock_movements::reason.eq(m.reason),
                stock_movements::order_id.eq(m.order_id),
                stock_movements::actor_user_id.eq(m.actor_user_id),
                stock_movements::note.eq(m.note),
                stock_movements::stock_after.eq(m.stock_after),
            )
        })
        .collect();
    diesel::insert_into(stock_movements::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

/// The current stock of a product as this transaction sees it (after our own update, while we
/// hold the row lock, this is exactly the value our update produced).
pub fn current_stock(conn: &mut MysqlConnection, product_id: i64) -> Result<i32, AppError> {
    Ok(products::table
        .find(product_id)
        .select(products::stock)
        .first(conn)?)
}

/// Puts an order's units back on the shelf with `release` movements. Call inside the transaction
/// that moved the order to `cancelled` (and only when that conditional UPDATE matched one row).
/// Products are updated in ascending id order, the same lock order as checkout.
pub fn release_order_stock(
    conn: &mut MysqlConnection,
    order_id: i64,
    actor: Option<i64>,
    note: &str,
) -> Result<(), AppError> {
    let lines: Vec<(i64, i32)> = order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .order(order_lines::product_id.asc())
        .select((order_lines::product_id, order_lines::quantity))
        .load(conn)?;
    let mut movements = Vec::with_capacity(lines.len());
    for (product_id, quantity) in lines {
        diesel::update(products::table.find(product_id))
            .set((
                products::stock.eq(products::stock + quantity),
                products::sales.eq(products::sales - quantity),
                products::version.eq(products::version + 1),
            ))
            .execute(conn)?;
        movements.push(Movement {
            product_id,
            delta: quantity,
            reason: MovementReason::Release,
            order_id: Some(order_id),
            actor_user_id: actor,
            note,
            stock_after: current_stock(conn, product_id)?,
        });
    }
    record_movements(conn, &movements)
}

/// What an admin's stock adjustment came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Adjusted {
    /// Applied; the stock is now `stock_after`, and the ledger has its `adjustment` row.
    Done { stock_after: i32 },
    /// Refused: it would take the stock below zero. Nothing changed; `stock` is what there is now.
    WouldGoNegative { stock: i32 },
}

/// Adds a signed `delta` to a product's stock as an `adjustment` movement with the admin's reason.
/// One guarded UPDATE (`stock + delta >= 0`) decides, so a racing checkout can never be pushed
/// below zero; the movement is written in the same transaction. Call inside a transaction.
pub fn adjust_stock(
    conn: &mut MysqlConnection,
    product_id: i64,
    delta: i32,
    actor: i64,
    reason: &str,
) -> Result<Adjusted, AppError> {
    let matched = diesel::update(
        products::table
            .find(product_id)
            .filter((products::stock + delta).ge(0)),
    )
    .set((
        products::stock.eq(products::stock + delta),
        products::version.eq(products::version + 1),
    ))
    .execute(conn)?;
    if matched != 1 {
        // Unknown product → NotFound; otherwise the guard refused.
        let stock = current_stock(conn, product_id)?;
        return Ok(Adjusted::WouldGoNegative { stock });
    }
    let stock_after = current_stock(conn, product_id)?;
    record_movements(
        conn,
        &[Movement {
            product_id,
            delta,
            reason: MovementReason::Adjustment,
            order_id: None,
            actor_user_id: Some(actor),
            note: reason,
            stock_after,
        }],
    )?;
    Ok(Adjusted::Done { stock_after })
}
