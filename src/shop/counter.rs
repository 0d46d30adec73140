//! The counter (SPEC §8): looking up a typed or scanned pickup code, handing an order over exactly
//! once, marking orders ready, the store queue, the lookup audit and its throttle.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{order_lines, orders, payments, pickup_lookups, stores, users};
use crate::db::{in_transaction, Rollback};
use crate::domain::{
    digits_only, parse_counter_input, CounterInput, InvalidInput, LookupOutcome, OrderStatus,
    PayMethod, PaymentStatus, Purpose, TokenId,
};
use crate::error::AppError;
use crate::shop::orders::Order;
use crate::shop::submit_once::{self, Consumed};

/// Failed lookups one staff account may make within a minute; the next one is refused (429).
pub const FAILED_LOOKUPS_PER_MINUTE: i64 = 10;

/// Who stands at the counter: a staff account and its store.
#[derive(Debug, Clone, Copy)]
pub struct StaffMember {
    pub user_id: i64,
    pub store_id: i64,
}

pub use crate::shop::orders::OrderLine as Line;

/// An order that may be handed over here, with what the counter shows about it.
#[derive(Debug, Clone)]
pub struct Handable {
    pub order_id: i64,
    pub order_no: String,
    pub status: OrderStatus,
    pub pay_method: PayMethod,
    pub total_cents: i64,
    pub customer_name: String,
    pub store_name: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub lines: Vec<Line>,
}

impl Handable {
    /// At-counter orders are paid at hand-over: staff must confirm the money was collected.
    pub fn collect_at_counter(&self) -> bool {
        self.pay_method == PayMethod::AtCounter
    }
}

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
    fn outcome(&self) -> LookupOutcome {
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
    Throttled,
    /// Not a code (format, check digit, forged or unreadable QR): recorded, no order was read.
    Invalid(InvalidInput),
    /// Looked up and recorded as `pickup_lookups.id = lookup_id`.
    Looked { lookup_id: i64, verdict: Verdict },
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
    in_transaction(conn, |c| {
        users::table
            .find(staff.user_id)
            .select(users::id)
            .for_update()
            .first::<i64>(c)?;
        if recent_failures(c, staff.user_id)? >= FAILED_LOOKUPS_PER_MINUTE {
            return Ok(Lookup::Throttled);
        }
        let parsed = match parse_counter_input(input, qr_key, code_digits) {
            Ok(parsed) => parsed,
            Err(invalid) => {
                record(c, staff, &digits_only(input), LookupOutcome::Invalid, None)?;
                return Ok(Lookup::Invalid(invalid));
            }
        };
        let order = find_order(c, &parsed)?;
        let order_id = order.as_ref().map(|o| o.id);
        let verdict = match order {
            Some(order) => judge(c, order, staff.store_id)?,
            None => Verdict::NotFound {
                code: parsed.code().grouped(),
            },
        };
        let lookup_id = record(
            c,
            staff,
            parsed.code().as_str(),
            verdict.outcome(),
            order_id,
        )?;
        Ok(Lookup::Looked { lookup_id, verdict })
    })
}

/// The current state of what an earlier lookup found, for the result page after the redirect.
/// `None` when the lookup does not exist or was made by someone else.
pub fn lookup_result(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    lookup_id: i64,
) -> Result<Option<Verdict>, AppError> {
    let row: Option<(String, Option<i64>)> = pickup_lookups::table
        .filter(pickup_lookups::id.eq(lookup_id))
        .filter(pickup_lookups::staff_user_id.eq(staff.user_id))
        .filter(pickup_lookups::outcome.ne(LookupOutcome::Invalid))
        .select((pickup_lookups::entered, pickup_lookups::order_id))
        .first(conn)
        .optional()?;
    let Some((entered, order_id)) = row else {
        return Ok(None);
    };
    let order = match order_id {
        Some(id) => orders::table
            .find(id)
            .select(Order::as_select())
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(Some(match order {
        Some(order) => judge(conn, order, staff.store_id)?,
        None => Verdict::NotFound {
            code: crate::domain::group_digits(&entered),
        },
    }))
}

/// Failed lookups (anything but a match) by this account within the last minute.
fn recent_failures(conn: &mut MysqlConnection, staff_user_id: i64) -> Result<i64, AppError> {
    let since = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
    Ok(pickup_lookups::table
        .filter(pickup_lookups::staff_user_id.eq(staff_user_id))
        .filter(pickup_lookups::created_at.gt(since))
        .filter(pickup_lookups::outcome.ne(LookupOutcome::Matched))
        .count()
        .get_result(conn)?)
}

fn record(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    entered: &str,
    outcome: LookupOutcome,
    order_id: Option<i64>,
) -> Result<i64, AppError> {
    let entered: String = entered.chars().take(32).collect();
    diesel::insert_into(pickup_lookups::table)
        .values((
            pickup_lookups::store_id.eq(staff.store_id),
            pickup_lookups::staff_user_id.eq(staff.user_id),
            pickup_lookups::entered.eq(&entered),
            pickup_lookups::outcome.eq(outcome),
            pickup_lookups::order_id.eq(order_id),
        ))
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

/// What an order found by code means for this counter. Another store comes first: its orders
/// are never handed over here, whatever their state.
fn judge(conn: &mut MysqlConnection, order: Order, store_id: i64) -> Result<Verdict, AppError> {
    if order.store_id != store_id {
        return Ok(Verdict::WrongStore {
            store_name: store_name(conn, order.store_id)?,
        });
    }
    Ok(match order.status {
        OrderStatus::Confirmed | OrderStatus::Ready => Verdict::Match(handable(conn, order)?),
        OrderStatus::PickedUp => Verdict::AlreadyPickedUp {
            by: user_name(conn, order.picked_up_by)?,
            at: order.picked_up_at,
            order_no: order.order_no,
        },
        OrderStatus::Cancelled => Verdict::Cancelled {
            at: order.cancelled_at,
            reason: order.cancel_reason.unwrap_or_default(),
            order_no: order.order_no,
        },
        // An unpaid order has no code; it can only be reached through a stale QR.
        OrderStatus::PendingPayment => Verdict::NotFound {
            code: order
                .pickup_code
                .as_deref()
                .map(crate::domain::group_digits)
                .unwrap_or_default(),
        },
    })
}

fn store_name(conn: &mut MysqlConnection, store_id: i64) -> Result<String, AppError> {
    Ok(stores::table
        .find(store_id)
        .select(stores::name)
        .first(conn)?)
}

fn user_name(conn: &mut MysqlConnection, user_id: Option<i64>) -> Result<String, AppError> {
    let Some(id) = user_id else {
        return Ok("someone".into());
    };
    Ok(users::table
        .find(id)
        .select(users::display_name)
        .first::<String>(conn)
        .optional()?
        .unwrap_or_else(|| "someone".into()))
}

fn handable(conn: &mut MysqlConnection, order: Order) -> Result<Handable, AppError> {
    let lines = crate::shop::orders::lines_of(conn, order.id)?;
    Ok(Handable {
        status: order.status,
        pay_method: order.pay_method,
        customer_name: user_name(conn, Some(order.user_id))?,
        store_name: store_name(conn, order.store_id)?,
        order_id: order.id,
        order_no: order.order_no,
        total_cents: order.total_cents,
        note: order.note,
        created_at: order.created_at,
        lines,
    })
}

/// The outcome of pressing Hand over.
#[derive(Debug, Clone)]
pub enum HandOver {
    /// Handed over now; `collected_cents` is the at-counter payment recorded with it.
    Done {
        order_no: String,
        customer_name: String,
        collected_cents: Option<i64>,
    },
    /// This very form was submitted before (double click, resubmit): nothing new happened.
    AlreadySubmitted {
        order_no: String,
    },
    /// Someone (maybe another counter, a moment ago) handed it over already.
    AlreadyHandedOver {
        order_no: String,
        by: String,
        at: Option<NaiveDateTime>,
    },
    /// An at-counter order and the "payment collected" box was not ticked: nothing happened.
    PaymentNotCollected(Box<Handable>),
    WrongStore {
        store_name: String,
    },
    Cancelled {
        order_no: String,
    },
    /// An online order that is not paid yet.
    NotPaid {
        order_no: String,
    },
}

/// Hands an order over, exactly once: consumes the form's submit token, then one conditional
/// UPDATE (`status IN ('confirmed','ready') AND store_id = <this store>`, and for at-counter
/// orders only when the payment was collected) records who and when and frees the code; an
/// at-counter payment is inserted in the same transaction. Two counters at the same moment: the
/// second UPDATE waits for the first's row lock, then matches nothing and is told who did it.
pub fn hand_over(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    order_id: i64,
    token: &TokenId,
    payment_collected: bool,
) -> Result<HandOver, AppError> {
    Rollback::settle(in_transaction(conn, |c| {
        hand_over_body(c, staff, order_id, token, payment_collected)
    }))
}

/// Any outcome but `Done` rolls the transaction back (the submit token stays fresh).
fn hand_over_body(
    conn: &mut MysqlConnection,
    staff: StaffMember,
    order_id: i64,
    token: &TokenId,
    payment_collected: bool,
) -> Result<HandOver, Rollback<HandOver>> {
    match submit_once::consume(
        conn,
        token,
        staff.user_id,
        Purpose::Handover,
        Some(order_id),
        None,
    )? {
        Consumed::Fresh => {}
        Consumed::AlreadyUsed(result) => {
            let order_no = match result {
                Some(no) => no,
                None => order_no_of(conn, order_id)?,
            };
            return Ok(HandOver::AlreadySubmitted { order_no });
        }
    }
    let payable: &[PayMethod] = if payment_collected {
        &[PayMethod::Online, PayMethod::AtCounter]
    } else {
        &[PayMethod::Online]
    };
    let matched = diesel::update(
        orders::table
            .filter(orders::id.eq(order_id))
            .filter(orders::status.eq_any(OrderStatus::ACTIVE))
            .filter(orders::store_id.eq(staff.store_id))
            .filter(orders::pay_method.eq_any(payable)),
    )
    .set((
        orders::status.eq(OrderStatus::PickedUp),
        orders::picked_up_at.eq(crate::db::now_nullable()),
        orders::picked_up_by.eq(staff.user_id),
    ))
    .execute(conn)?;
    let order: Order = orders::table
        .find(order_id)
        .select(Order::as_select())
        .first(conn)?;
    if matched != 1 {
        return Err(Rollback::Refused(why_not(conn, order, staff)?));
    }
    let collected_cents = if order.pay_method == PayMethod::AtCounter {
        diesel::insert_into(payments::table)
            .values((
                payments::order_id.eq(order.id),
                payments::amount_cents.eq(order.total_cents),
                payments::method.eq(PayMethod::AtCounter),
                payments::status.eq(PaymentStatus::Captured),
            ))
            .execute(conn)?;
        Some(order.total_cents)
    } else {
        None
    };
    submit_once::store_result(conn, token, &order.order_no)?;
    Ok(HandOver::Done {
        customer_name: user_name(conn, Some(order.user_id))?,
        order_no: order.order_no,
        collected_cents,
    })
}

/// Why the hand-over UPDATE matched nothing, from the order as it is now.
fn why_not(
    conn: &mut MysqlConnection,
    order: Order,
    staff: StaffMember,
) -> Result<HandOver, AppError> {
    if order.store_id != staff.store_id {
        return Ok(HandOver::WrongStore {
            store_name: store_name(conn, order.store_id)?,
        });
    }
    Ok(match order.status {
        OrderStatus::PickedUp => HandOver::AlreadyHandedOver {
            by: user_name(conn, order.picked_up_by)?,
            at: order.picked_up_at,
            order_no: order.order_no,
        },
        OrderStatus::Cancelled => HandOver::Cancelled {
            order_no: order.order_no,
        },
        OrderStatus::Confirmed | OrderStatus::Ready => {
            HandOver::PaymentNotCollected(Box::new(handable(conn, order)?))
        }
        OrderStatus::PendingPayment => HandOver::NotPaid {
            order_no: order.order_no,
        },
    })
}

fn order_no_of(conn: &mut MysqlConnection, order_id: i64) -> Result<String, AppError> {
    Ok(orders::table
        .find(order_id)
        .select(orders::order_no)
        .first(conn)?)
}

/// The order id behind an order number, if the order exists (for checking a form's token).
pub fn order_id(conn: &mut MysqlConnection, order_no: &str) -> Result<Option<i64>, AppError> {
    Ok(orders::table
        .filter(orders::order_no.eq(order_no))
        .select(orders::id)
        .first(conn)
        .optional()?)
}

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

/// One order in the store queue.
#[derive(Debug, Clone)]
pub struct Queued {
    pub order_no: String,
    pub customer_name: String,
    pub pay_method: PayMethod,
    pub total_cents: i64,
    pub items: i64,
    /// Since when it has waited: confirmed (paid, or placed for at-counter) or made ready.
    pub since: NaiveDateTime,
}

/// The store's queue: confirmed orders to prepare and ready orders waiting, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    pub to_prepare: Vec<Queued>,
    pub waiting: Vec<Queued>,
}

/// Most orders listed in each half of the queue.
pub const QUEUE_LIMIT: i64 = 100;

pub fn store_queue(conn: &mut MysqlConnection, store_id: i64) -> Result<Queue, AppError> {
    type Row = (
        i64,
        String,
        String,
        PayMethod,
        i64,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let load = |conn: &mut MysqlConnection, status: OrderStatus| -> Result<Vec<Row>, AppError> {
        Ok(orders::table
            .inner_join(users::table)
            .filter(orders::store_id.eq(store_id))
            .filter(orders::status.eq(status))
            .order(orders::id.asc())
            .limit(QUEUE_LIMIT)
            .select((
                orders::id,
                orders::order_no,
                users::display_name,
                orders::pay_method,
                orders::total_cents,
                orders::created_at,
                orders::paid_at,
                orders::ready_at,
            ))
            .load(conn)?)
    };
    let confirmed = load(conn, OrderStatus::Confirmed)?;
    let ready = load(conn, OrderStatus::Ready)?;
    let ids: Vec<i64> = confirmed.iter().chain(&ready).map(|r| r.0).collect();
    let mut counts: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for (id, quantity) in order_lines::table
        .filter(order_lines::order_id.eq_any(&ids))
        .select((order_lines::order_id, order_lines::quantity))
        .load::<(i64, i32)>(conn)?
    {
        *counts.entry(id).or_default() += i64::from(quantity);
    }
    let to_queued = |rows: Vec<Row>, ready: bool| -> Vec<Queued> {
        let mut out: Vec<Queued> = rows
            .into_iter()
            .map(
                |(
                    id,
                    order_no,
                    customer_name,
                    pay_method,
                    total_cents,
                    created,
                    paid,
                    ready_at,
                )| {
                    Queued {
                        since: if ready {
                            ready_at.unwrap_or(created)
                        } else {
                            paid.unwrap_or(created)
                        },
                        items: counts.get(&id).copied().unwrap_or(0),
                        pay_method,
                        order_no,
                        customer_name,
                        total_cents,
                    }
                },
            )
            .collect();
        out.sort_by_key(|q| q.since);
        out
    };
    Ok(Queue {
        to_prepare: to_queued(confirmed, false),
        waiting: to_queued(ready, true),
    })
}
