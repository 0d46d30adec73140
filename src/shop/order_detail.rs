//! One order as the admin sees it — lines, payment, pickup code status and a timeline of who did
//! what when — and the admin's submit-once cancel.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{payments, stores, users};
use crate::db::{in_transaction, Rollback};
use crate::domain::{OrderStatus, PayMethod, PaymentStatus, Purpose, TokenId};
use crate::error::AppError;
use crate::shop::orders::{self, cancel_order, CancelKind, Cancelled, Order};
use crate::shop::submit_once::{self, Consumed};

pub use crate::shop::orders::OrderLine as Line;

#[derive(Debug, Clone, Queryable)]
pub struct Payment {
    pub amount_cents: i64,
    pub method: PayMethod,
    pub provider_ref: Option<String>,
    pub status: PaymentStatus,
    pub created_at: NaiveDateTime,
    pub refunded_at: Option<NaiveDateTime>,
}

/// One step in an order's life.
#[derive(Debug, Clone)]
pub struct Event {
    pub what: crate::i18n::Msg,
    pub at: NaiveDateTime,
    /// Who did it (username), when the database knows.
    pub by: Option<String>,
    pub note: Option<String>,
}

/// The pickup code as the admin needs to know it (the code itself is the customer's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeStatus {
    NotIssued,
    Active,
    Used,
    Void,
}

impl CodeStatus {
    pub fn label(self) -> crate::i18n::Msg {
        match self {
            CodeStatus::NotIssued => crate::msg!("code-not-issued"),
            CodeStatus::Active => crate::msg!("code-active"),
            CodeStatus::Used => crate::msg!("code-used"),
            CodeStatus::Void => crate::msg!("code-void"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub order: Order,
    pub customer: String,
    pub customer_name: String,
    pub store_name: String,
    pub lines: Vec<Line>,
    pub payment: Option<Payment>,
    pub code_status: CodeStatus,
    pub timeline: Vec<Event>,
}

impl OrderDetail {
    /// An admin may cancel anything not yet picked up or cancelled.
    pub fn cancellable(&self) -> bool {
        !self.order.status.is_final()
    }
}

fn username(conn: &mut MysqlConnection, id: Option<i64>) -> Result<Option<String>, AppError> {
    let Some(id) = id else { return Ok(None) };
    Ok(users::table
        .find(id)
        .select(users::username)
        .first(conn)
        .optional()?)
}

/// The order behind an order number, with everything its admin page shows; NotFound otherwise.
pub fn order_detail(conn: &mut MysqlConnection, order_no: &str) -> Result<OrderDetail, AppError> {
    let order = orders::by_order_no(conn, order_no)?.ok_or(AppError::NotFound)?;
    let (customer, customer_name): (String, String) = users::table
        .find(order.user_id)
        .select((users::username, users::display_name))
        .first(conn)?;
    let store_name: String = stores::table
        .find(order.store_id)
        .select(stores::name)
        .first(conn)?;
    let lines = orders::lines_of(conn, order.id)?;
    let payment: Option<Payment> = payments::table
        .filter(payments::order_id.eq(order.id))
        .select((
            payments::amount_cents,
            payments::method,
            payments::provider_ref,
            payments::status,
            payments::created_at,
            payments::refunded_at,
        ))
        .first(conn)
        .optional()?;
    let code_status = match (&order.pickup_code, order.status) {
        (None, _) => CodeStatus::NotIssued,
        (Some(c), _) if c.is_empty() => CodeStatus::NotIssued,
        (Some(_), s) if s.has_active_pickup_code() => CodeStatus::Active,
        (Some(_), OrderStatus::PickedUp) => CodeStatus::Used,
        (Some(_), _) => CodeStatus::Void,
    };

    let mut timeline = vec![Event {
        what: crate::msg!("timeline-created"),
        at: order.created_at,
        by: Some(customer.clone()),
        note: (!order.note.is_empty()).then(|| format!("Note: {}", order.note)),
    }];
    // Online payments are made by the customer; at-counter ones are taken by the staff member
    // who handed the order over.
    let counter_payment = payment
        .as_ref()
        .filter(|p| p.method == PayMethod::AtCounter);
    let payer = match counter_payment {
        Some(_) => username(conn, order.picked_up_by)?,
        None => Some(customer.clone()),
    };
    match (order.paid_at, counter_payment) {
        (Some(at), _) => timeline.push(Event {
            what: crate::msg!("timeline-paid"),
            at,
            by: payer,
            note: payment.as_ref().map(|p| format!("{} payment", p.method)),
        }),
        (None, Some(p)) => timeline.push(Event {
            what: crate::msg!("timeline-paid-at-counter"),
            at: p.created_at,
            by: payer,
            note: None,
        }),
        (None, None) => {}
    }
    if let Some(at) = order.ready_at {
        timeline.push(Event {
            what: crate::msg!("timeline-ready"),
            at,
            by: username(conn, order.ready_by)?,
            note: None,
        });
    }
    if let Some(at) = order.picked_up_at {
        timeline.push(Event {
            what: crate::msg!("timeline-picked-up"),
            at,
            by: username(conn, order.picked_up_by)?,
            note: None,
        });
    }
    if let Some(at) = order.cancelled_at {
        let by = username(conn, order.cancelled_by)?;
        timeline.push(Event {
            what: crate::msg!("timeline-cancelled"),
            at,
            by: by.or_else(|| Some("the shop (automatic)".into())),
            note: order.cancel_reason.clone(),
        });
    }
    if let Some(at) = payment.as_ref().and_then(|p| p.refunded_at) {
        timeline.push(Event {
            what: crate::msg!("timeline-refunded"),
            at,
            by: None,
            note: None,
        });
    }
    timeline.sort_by_key(|e| e.at);

    Ok(OrderDetail {
        order,
        customer,
        customer_name,
        store_name,
        lines,
        payment,
        code_status,
        timeline,
    })
}

/// What an admin's cancel came to.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminCancel {
    /// Cancelled now: stock released; `refunded` when a captured payment was marked refunded.
    Cancelled { refunded: bool },
    /// This form was submitted before (double click, resubmit): nothing happened again.
    AlreadyDone,
    /// The order is picked up or already cancelled; nothing changed and the token stays fresh.
    Refused { status: OrderStatus },
}

/// The admin cancels an order: consume the submit-once token (Purpose::Cancel, subject = order
/// id), then `cancel_order(ByAdmin)` — one transaction, rerun on lock conflicts.
pub fn cancel_by_admin(
    conn: &mut MysqlConnection,
    order_id: i64,
    admin_id: i64,
    token: &TokenId,
    reason: &str,
) -> Result<AdminCancel, AppError> {
    Rollback::settle(in_transaction(conn, |c| {
        match submit_once::consume(c, token, admin_id, Purpose::Cancel, Some(order_id), None)? {
            Consumed::AlreadyUsed(_) => return Ok(AdminCancel::AlreadyDone),
            Consumed::Fresh => {}
        }
        match cancel_order(c, order_id, CancelKind::ByAdmin, Some(admin_id), reason)? {
            // A replay answers AlreadyDone without reading a result: none is stored.
            Cancelled::Now { refunded } => Ok(AdminCancel::Cancelled { refunded }),
            // Nothing changed; rolled back so that the token stays fresh.
            Cancelled::NotAllowed { status } => {
                Err(Rollback::Refused(AdminCancel::Refused { status }))
            }
        }
    }))
}
