//! Marking an order ready: `confirmed` → `ready` at the staff member's store.

use diesel::prelude::*;

use super::StaffMember;
use crate::db::schema::orders;
use crate::domain::OrderStatus;
use crate::error::AppError;

/// The outcome of pressing Mark ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkReady {
    Done {
        order_no: String,
    },
    /// Not `confirmed` (any more): ready already, handed over, cancelled or unpaid.
    NotConfirmed {
        order_no: String,
        status: OrderStatus,
    },
    /// No such order at this store.
    NotHere,
}

/// `confirmed` → `ready` with one conditional UPDATE limited to the staff member's store.
pub fn mark_ready(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    order_no: &str,
) -> Result<MarkReady, AppError> {
    let here = orders::table
        .filter(orders::order_no.eq(order_no))
        .filter(orders::store_id.eq(staff.store_id));
    let matched = diesel::update(here.filter(orders::status.eq(OrderStatus::Confirmed)))
        .set((
            orders::status.eq(OrderStatus::Ready),
            orders::ready_at.eq(crate::db::now_nullable()),
            orders::ready_by.eq(staff.user_id),
        ))
        .execute(conn)?;
    if matched == 1 {
        return Ok(MarkReady::Done {
            order_no: order_no.to_owned(),
        });
    }
    let status: Option<OrderStatus> = here.select(orders::status).first(conn).optional()?;
    Ok(match status {
        Some(status) => MarkReady::NotConfirmed {
            order_no: order_no.to_owned(),
            status,
        },
        None => MarkReady::NotHere,
    })
}
