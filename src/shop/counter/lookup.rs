//! Looking up what staff typed or scanned: one transaction that checks the throttle, writes the
//! audit row (`pickup_lookups`) and tells what the code is, and the result page's re-reading.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::throttle::{recent_failures, seconds_until_allowed};
use super::{handable, user_name, Found, Handable, StaffMember};
use crate::db::in_transaction;
use crate::db::schema::{orders, pickup_lookups, stores, users};
use crate::db::Prepared;
use crate::domain::{
    digits_only, parse_counter_input, CounterInput, InvalidInput, LookupOutcome, OrderStatus,
};
use crate::error::AppError;
use crate::shop::orders::Order;

/// What a well-formed code turned out to be.
#[derive(Debug, Clone)]
pub enum Verdict {
    Match(Handable),
    /// No order has this code (`code` grouped for display).
    NotFound {
        code: String,
    },
    /// The order belongs to another store: named, and not handed over here.
    WrongStore {
        store_name: String,
    },
    AlreadyPickedUp {
        order_no: String,
        at: Option<NaiveDateTime>,
        by: String,
    },
    Cancelled {
        order_no: String,
        at: Option<NaiveDateTime>,
        reason: String,
    },
}

impl Verdict {
    /// What the audit row records for this verdict.
    pub fn outcome(&self) -> LookupOutcome {
        match self {
            Verdict::Match(_) => LookupOutcome::Matched,
            Verdict::NotFound { .. } => LookupOutcome::NotFound,
            Verdict::WrongStore { .. } => LookupOutcome::WrongStore,
            Verdict::AlreadyPickedUp { .. } => LookupOutcome::AlreadyPickedUp,
            Verdict::Cancelled { .. } => LookupOutcome::Cancelled,
        }
    }
}

/// The outcome of one counter lookup.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// Too many failed lookups by this account within the last minute: nothing was looked up.
    Throttled { retry_after_seconds: i64 },
    /// Not a code (format, check digit, forged or unreadable QR): recorded, no order was read.
    Invalid(InvalidInput),
    /// Looked up and recorded as `pickup_lookups.id = lookup_id` (`lookup_result` tells the rest).
    Looked {
        lookup_id: i64,
        outcome: LookupOutcome,
    },
}

/// Looks up what staff typed or scanned, writes the audit row, and tells what it is.
///
/// One transaction per lookup. It first locks the staff member's own `users` row, so that one
/// account's lookups are counted one after another and the throttle cannot be outrun by sending
/// many at once; other accounts are not held up.
pub fn look_up(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    input: &str,
    qr_key: &[u8],
    code_digits: usize,
) -> Result<Lookup, AppError> {
    let looked = in_transaction(conn, |c| {
        users::table
            .find(staff.user_id)
            .select(users::id)
            .for_update()
            .first::<i64>(c)?;
        if recent_failures(c, staff.user_id)? >= super::FAILED_LOOKUPS_PER_MINUTE {
            return Ok(Lookup::Throttled {
                retry_after_seconds: seconds_until_allowed(c, staff.user_id)?,
            });
        }
        let parsed = match parse_counter_input(input, qr_key, code_digits) {
            Ok(parsed) => parsed,
            Err(invalid) => {
                record(c, staff, &digits_only(input), LookupOutcome::Invalid, None)?;
                return Ok(Lookup::Invalid(invalid));
            }
        };
        // What the code is, for the audit row; the result page reads the details after the redirect.
        let order = find_order(c, &parsed)?;
        let order_id = order.as_ref().map(|o| o.id);
        let outcome = match &order {
            Some(order) => outcome_of(order, staff.store_id),
            None => LookupOutcome::NotFound,
        };
        let lookup_id = record(c, staff, parsed.code().as_str(), outcome, order_id)?;
        Ok(Lookup::Looked { lookup_id, outcome })
    });
    if let Ok(lookup) = &looked {
        crate::metrics::counter_lookup(lookup.outcome_name());
    }
    looked
}

impl Lookup {
    /// The outcome's name for metrics: the audit's outcome, or `throttled`.
    pub fn outcome_name(&self) -> &'static str {
        match self {
            Lookup::Throttled { .. } => "throttled",
            Lookup::Invalid(_) => LookupOutcome::Invalid.as_str(),
            Lookup::Looked { outcome, .. } => outcome.as_str(),
        }
    }
}

/// The current state of what an earlier lookup found, with the digits that were entered, for the
/// result page after the redirect. `None` when the lookup does not exist or was made by someone else.
pub fn lookup_result(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    lookup_id: i64,
) -> Result<Option<(String, Verdict)>, AppError> {
    // The lookup and the order it found, with its names, in one statement (the usual case: a
    // code that matched an order); a lookup that found no order is read on its own after that.
    let with_order: Option<(String, Order, String, String)> = pickup_lookups::table
        .inner_join(orders::table.on(orders::id.nullable().eq(pickup_lookups::order_id)))
        .inner_join(users::table.on(users::id.eq(orders::user_id)))
        .inner_join(stores::table.on(stores::id.eq(orders::store_id)))
        .filter(pickup_lookups::id.eq(lookup_id))
        .filter(pickup_lookups::staff_user_id.eq(staff.user_id))
        .filter(pickup_lookups::outcome.ne(LookupOutcome::Invalid))
        .select((
            pickup_lookups::entered,
            Order::as_select(),
            users::display_name,
            stores::name,
        ))
        .first(conn)
        .optional()?;
    let (entered, found) = match with_order {
        Some((entered, order, customer_name, store_name)) => (
            entered,
            Some(Found {
                order,
                customer_name,
                store_name,
            }),
        ),
        None => {
            let row: Option<String> = pickup_lookups::table
                .filter(pickup_lookups::id.eq(lookup_id))
                .filter(pickup_lookups::staff_user_id.eq(staff.user_id))
                .filter(pickup_lookups::outcome.ne(LookupOutcome::Invalid))
                .select(pickup_lookups::entered)
                .first(conn)
                .optional()?;
            let Some(entered) = row else {
                return Ok(None);
            };
            // The code matched no order: nothing to show but the code.
            (entered, None)
        }
    };
    let verdict = match found {
        Some(found) => judge(conn, found, staff.store_id)?,
        None => Verdict::NotFound {
            code: crate::domain::group_digits(&entered),
        },
    };
    Ok(Some((entered, verdict)))
}

fn record(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    entered: &str,
    outcome: LookupOutcome,
    order_id: Option<i64>,
) -> Result<i64, AppError> {
    let entered: String = entered.chars().take(32).collect();
    Prepared::new(
        "INSERT INTO pickup_lookups (store_id, staff_user_id, entered, outcome, order_id) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind::<diesel::sql_types::BigInt, _>(staff.store_id)
    .bind::<diesel::sql_types::BigInt, _>(staff.user_id)
    .bind::<diesel::sql_types::Text, _>(entered)
    .bind::<diesel::sql_types::Text, _>(outcome.as_str())
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>, _>(order_id)
    .execute(conn)?;
    Ok(diesel::select(last_insert_id()).get_result(conn)?)
}

diesel::define_sql_function! {
    /// The AUTO_INCREMENT id of this connection's last insert.
    fn last_insert_id() -> BigInt;
}

/// The order a valid input points at. A typed code: the active order with it, else the most
/// recent order that had it (to say "already picked up" or "cancelled"). A QR code: its order,
/// if that order really carries the code.
fn find_order(conn: &mut MysqlConnection, input: &CounterInput) -> Result<Option<Order>, AppError> {
    let code = input.code().as_str();
    if let Some(order_no) = input.order_no() {
        return Ok(orders::table
            .filter(orders::order_no.eq(order_no.as_str()))
            .filter(orders::pickup_code.eq(code))
            .select(Order::as_select())
            .first(conn)
            .optional()?);
    }
    let active = orders::table
        .filter(orders::active_pickup_code.eq(code))
        .select(Order::as_select())
        .first(conn)
        .optional()?;
    if active.is_some() {
        return Ok(active);
    }
    Ok(orders::table
        .filter(orders::pickup_code.eq(code))
        .order(orders::id.desc())
        .select(Order::as_select())
        .first(conn)
        .optional()?)
}

/// What a looked-up order means for this counter, as recorded in the audit row (the same
/// decisions as [`judge`], without reading anything more).
fn outcome_of(order: &Order, store_id: i64) -> LookupOutcome {
    if order.store_id != store_id {
        return LookupOutcome::WrongStore;
    }
    match order.status {
        OrderStatus::Confirmed | OrderStatus::Ready => LookupOutcome::Matched,
        OrderStatus::PickedUp => LookupOutcome::AlreadyPickedUp,
        OrderStatus::Cancelled => LookupOutcome::Cancelled,
        OrderStatus::PendingPayment => LookupOutcome::NotFound,
    }
}

/// What an order found by code means for this counter. Another store comes first: its orders
/// are never handed over here, whatever their state.
pub(super) fn judge(
    conn: &mut MysqlConnection,
    found: Found,
    store_id: i64,
) -> Result<Verdict, AppError> {
    if found.order.store_id != store_id {
        return Ok(Verdict::WrongStore {
            store_name: found.store_name,
        });
    }
    let verdict = match found.order.status {
        OrderStatus::Confirmed | OrderStatus::Ready => Verdict::Match(handable(conn, found)?),
        OrderStatus::PickedUp => Verdict::AlreadyPickedUp {
            by: user_name(conn, found.order.picked_up_by)?,
            at: found.order.picked_up_at,
            order_no: found.order.order_no,
        },
        OrderStatus::Cancelled => Verdict::Cancelled {
            at: found.order.cancelled_at,
            reason: found.order.cancel_reason.unwrap_or_default(),
            order_no: found.order.order_no,
        },
        // An unpaid order has no code; it can only be reached through a stale QR.
        OrderStatus::PendingPayment => Verdict::NotFound {
            code: found
                .order
                .pickup_code
                .as_deref()
                .map(crate::domain::group_digits)
                .unwrap_or_default(),
        },
    };
    Ok(verdict)
}
