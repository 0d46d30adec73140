//! Paying exactly once (SPEC §5): the customer's pay (through a provider behind a small trait),
//! the provider's signed callback, and what the customer is told when the order moved on meanwhile.
//!
//! Exactly once comes from the database: one conditional UPDATE `pending_payment → confirmed`
//! (only one transaction can match it; `pickup::confirm_paid_with_code`, which sets the pickup
//! code in the same statement) and UNIQUE(payments.order_id).

use diesel::prelude::*;
use hmac::Mac;
use rand::Rng;

use crate::db::schema::payments;
use crate::db::{busy_as, in_transaction, Rollback};
use crate::domain::mac::{hmac_of, HmacSha256};
use crate::domain::{OrderStatus, PayMethod, PaymentStatus, Purpose, TokenId};
use crate::error::{is_unique_violation, violated_key, AppError};
use crate::shop::orders::{by_id, by_order_no, Order};
use crate::shop::pickup::{confirm_paid_with_code, Issued};
use crate::shop::submit_once::{self, Consumed};

/// The cancel reason the sweeper writes when the payment window passed.
pub const EXPIRED_REASON: &str = "payment window passed";
/// The cancel reason of a customer's own cancellation.
pub const CUSTOMER_CANCEL_REASON: &str = "cancelled by the customer";

/// A payment provider: takes the money for an order and returns its own reference for the charge.
/// It is called inside the pay transaction, after the order row is ours; an error rolls back.
pub trait PaymentProvider: Send + Sync {
    fn charge(&self, order_no: &str, amount_cents: i64) -> Result<String, AppError>;
}

/// The built-in demo provider: every charge succeeds at once.
pub struct DemoProvider;

impl PaymentProvider for DemoProvider {
    fn charge(&self, _order_no: &str, _amount_cents: i64) -> Result<String, AppError> {
        Ok(format!("demo-{:016x}", rand::thread_rng().gen::<u64>()))
    }
}

/// Every way a pay can end; only `Paid` changed anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paid {
    Paid,
    /// This pay form was submitted before (double click, refresh): nothing more happened.
    AlreadySubmitted,
    /// The order was paid already (another tab, the provider's callback).
    AlreadyPaid,
    /// The payment window passed: nothing was charged.
    Expired,
    /// The order was cancelled.
    Cancelled,
    /// Every pickup code is in use: nothing was charged, try again later.
    PickupCodesExhausted,
    /// Lock contention outlasted the retries.
    Busy,
}

/// What the order is, now that it could not be confirmed.
fn why_not_payable(order: &Order) -> Paid {
    match order.status {
        OrderStatus::Cancelled if order.cancel_reason.as_deref() == Some(EXPIRED_REASON) => {
            Paid::Expired
        }
        OrderStatus::Cancelled => Paid::Cancelled,
        // Still pending, but the window has passed (the sweeper will cancel it).
        OrderStatus::PendingPayment => Paid::Expired,
        _ => Paid::AlreadyPaid,
    }
}

/// Records the payment row; UNIQUE(order_id) makes a second one impossible.
fn insert_payment(
    conn: &mut MysqlConnection,
    order_id: i64,
    amount_cents: i64,
    provider_ref: &str,
) -> Result<(), diesel::result::Error> {
    diesel::insert_into(payments::table)
        .values((
            payments::order_id.eq(order_id),
            payments::amount_cents.eq(amount_cents),
            payments::method.eq(PayMethod::Online),
            payments::provider_ref.eq(provider_ref),
            payments::status.eq(PaymentStatus::Captured),
        ))
        .execute(conn)?;
    Ok(())
}

/// The customer pays their order: one transaction; every refusal rolls back (nothing charged).
pub fn pay(
    conn: &mut MysqlConnection,
    order: &Order,
    token: &TokenId,
    provider: &dyn PaymentProvider,
    pickup_code_digits: usize,
) -> Result<Paid, AppError> {
    let paid = Rollback::settle(in_transaction(conn, |c| {
        pay_body(c, order, token, provider, pickup_code_digits)
    }));
    busy_as(paid, Paid::Busy)
}

fn pay_body(
    conn: &mut MysqlConnection,
    order: &Order,
    token: &TokenId,
    provider: &dyn PaymentProvider,
    pickup_code_digits: usize,
) -> Result<Paid, Rollback<Paid>> {
    match submit_once::consume(
        conn,
        token,
        order.user_id,
        Purpose::Pay,
        Some(order.id),
        // A replay needs no result: it says "already submitted" and the order page shows the rest.
        None,
    )? {
        Consumed::Fresh => {}
        Consumed::AlreadyUsed(_) => return Ok(Paid::AlreadySubmitted),
    }
    // Confirmed and given its pickup code, before anything is charged.
    match confirm_paid_with_code(conn, order.id, true, pickup_code_digits)? {
        None => {
            let now = by_id(conn, order.id)?;
            return Err(Rollback::Refused(why_not_payable(&now)));
        }
        Some(Issued::SpaceFull) => return Err(Rollback::Refused(Paid::PickupCodesExhausted)),
        Some(Issued::Code(_)) => {}
    }
    let provider_ref = provider.charge(&order.order_no, order.total_cents)?;
    match insert_payment(conn, order.id, order.total_cents, &provider_ref) {
        Ok(()) => {}
        Err(e) if is_unique_violation(&e) => return Err(Rollback::Refused(Paid::AlreadyPaid)),
        Err(e) => return Err(e.into()),
    }
    Ok(Paid::Paid)
}

/// The provider's callback as posted (`POST /payments/notify`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Notification {
    #[serde(default)]
    pub order_no: String,
    #[serde(default)]
    pub amount_cents: String,
    #[serde(default)]
    pub provider_ref: String,
    #[serde(default)]
    pub signature: String,
}

/// How a callback ends. `Recorded` and `AlreadyPaid` answer 200 `ok`; the rest change nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notified {
    Recorded,
    AlreadyPaid,
    BadSignature,
    /// Not the order's amount, or not a number.
    AmountMismatch,
    UnknownOrder,
    /// The provider reference already belongs to another order's payment.
    ReferenceReused,
    /// Cancelled (expired) before the callback came.
    NotPayable {
        status: OrderStatus,
    },
    PickupCodesExhausted,
    Busy,
}

/// Lowercase hex of HMAC-SHA256(secret, "order_no|amount_cents|provider_ref") — what the
/// provider signs its callback with (and what tests and the benchmark sign with).
pub fn sign_notification(
    secret: &str,
    order_no: &str,
    amount_cents: &str,
    provider_ref: &str,
) -> String {
    hex::encode(
        notification_mac(secret, order_no, amount_cents, provider_ref)
            .finalize()
            .into_bytes(),
    )
}

fn notification_mac(
    secret: &str,
    order_no: &str,
    amount_cents: &str,
    provider_ref: &str,
) -> HmacSha256 {
    hmac_of(
        secret.as_bytes(),
        format!("{order_no}|{amount_cents}|{provider_ref}").as_bytes(),
    )
}

/// Checks the callback's signature in constant time.
pub fn signature_is_valid(secret: &str, n: &Notification) -> bool {
    let sig = n.signature.trim();
    if sig.len() != 64 || !sig.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return false;
    }
    let Ok(bytes) = hex::decode(sig) else {
        return false;
    };
    notification_mac(secret, &n.order_no, &n.amount_cents, &n.provider_ref)
        .verify_slice(&bytes)
        .is_ok()
}

/// Records the provider's word that an order is paid, in one transaction. Check the signature
/// first (`signature_is_valid`).
pub fn record_notification(
    conn: &mut MysqlConnection,
    n: &Notification,
    pickup_code_digits: usize,
) -> Result<Notified, AppError> {
    let notified = Rollback::settle(in_transaction(conn, |c| {
        notification_body(c, n, pickup_code_digits)
    }));
    busy_as(notified, Notified::Busy)
}

fn notification_body(
    conn: &mut MysqlConnection,
    n: &Notification,
    pickup_code_digits: usize,
) -> Result<Notified, Rollback<Notified>> {
    let amount: i64 = match n.amount_cents.trim().parse() {
        Ok(a) => a,
        Err(_) => return Err(Rollback::Refused(Notified::AmountMismatch)),
    };
    let provider_ref = n.provider_ref.trim();
    if provider_ref.is_empty() || provider_ref.len() > 100 {
        return Err(Rollback::Refused(Notified::ReferenceReused));
    }
    let Some(order) = by_order_no(conn, n.order_no.trim())? else {
        return Err(Rollback::Refused(Notified::UnknownOrder));
    };
    if amount != order.total_cents {
        return Err(Rollback::Refused(Notified::AmountMismatch));
    }
    // The customer paid at the provider: a late notice still confirms an order that is pending,
    // even past its window, as long as the sweeper has not cancelled it (its stock is still held).
    let issued = confirm_paid_with_code(conn, order.id, false, pickup_code_digits)?;
    let Some(issued) = issued else {
        let paid: i64 = payments::table
            .filter(payments::order_id.eq(order.id))
            .filter(payments::status.eq(PaymentStatus::Captured))
            .count()
            .get_result(conn)?;
        return if paid > 0 {
            Ok(Notified::AlreadyPaid)
        } else {
            let now = by_id(conn, order.id)?;
            Err(Rollback::Refused(Notified::NotPayable {
                status: now.status,
            }))
        };
    };
    if let Issued::SpaceFull = issued {
        return Err(Rollback::Refused(Notified::PickupCodesExhausted));
    }
    match insert_payment(conn, order.id, amount, provider_ref) {
        Ok(()) => {}
        Err(e)
            if is_unique_violation(&e)
                && violated_key(&e).as_deref() == Some("uq_payments_provider_ref") =>
        {
            return Err(Rollback::Refused(Notified::ReferenceReused))
        }
        Err(e) if is_unique_violation(&e) => return Err(Rollback::Refused(Notified::AlreadyPaid)),
        Err(e) => return Err(e.into()),
    }
    Ok(Notified::Recorded)
}
