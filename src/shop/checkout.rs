//! Checkout: one order from the selected cart lines, in one transaction (SPEC §4) — the submit-once
//! token first, the prices the customer saw checked, the order and its lines written, and the stock
//! taken last with the guarded optimistic loop, in ascending product id, just before COMMIT.

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Datetime, Integer, Nullable, Text};
use rand::Rng;

use crate::db::schema::{orders, products};
use crate::db::Prepared;
use crate::db::{busy_as, in_transaction, Rollback};
use crate::domain::{OrderNo, OrderStatus, PayMethod, Purpose, TokenId};
use crate::error::{is_unique_violation, violated_key, AppError};
use crate::shop::cart::{self, CartLine};
use crate::shop::pickup::{issue_pickup_code, Issued};
use crate::shop::submit_once::{self, Consumed};

/// Rounds of the optimistic loop per product before the customer is told "very busy".
pub const STOCK_ATTEMPTS: u32 = 8;
/// Fresh order numbers tried when one is already taken.
pub const ORDER_NO_ATTEMPTS: u32 = 5;
/// Longest note a customer may leave on an order (the column's size).
pub const MAX_NOTE_CHARS: usize = 500;

/// What the customer asked for on the checkout form (already validated).
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub user_id: i64,
    pub store_id: i64,
    pub pay_method: PayMethod,
    pub note: String,
    /// The total the confirm page showed; anything else means the prices changed.
    pub seen_total_cents: i64,
    pub token: TokenId,
    pub payment_window_seconds: i64,
    pub pickup_code_digits: usize,
}

/// A checkout that went through (now, or the first time this form was sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    Created {
        order_no: String,
        /// Units of the cart lines that went into the order (they left the cart).
        units: i64,
    },
    /// The same form was submitted before: this is its order.
    AlreadySubmitted { order_no: String },
}

/// Every way a checkout is refused. Nothing changed: the transaction was rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not enough of one product: `available` units are left (0 = sold out).
    SoldOut { name: String, available: i32 },
    /// A product is no longer sold.
    NoLongerSold { name: String },
    /// A price changed since the confirm page was shown: please review.
    PricesChanged,
    /// Lock contention outlasted the retries: nothing happened, try again.
    Busy,
    /// No cart line is selected.
    EmptySelection,
    /// The store does not exist or no longer takes orders.
    UnknownStore,
    /// Every pickup code is in use (at-counter orders get theirs now): nothing happened.
    PickupCodesExhausted,
}

impl Placed {
    /// The outcome's name for metrics (`shopcounter_checkouts_total{outcome=…}`).
    pub fn name(&self) -> &'static str {
        match self {
            Placed::Created { .. } => "created",
            Placed::AlreadySubmitted { .. } => "replayed",
        }
    }
}

impl Refused {
    /// The refusal's name for metrics (`shopcounter_checkouts_total{outcome=…}`).
    pub fn name(&self) -> &'static str {
        match self {
            Refused::SoldOut { .. } => "sold_out",
            Refused::NoLongerSold { .. } => "no_longer_sold",
            Refused::PricesChanged => "prices_changed",
            Refused::Busy => "busy",
            Refused::EmptySelection => "empty_selection",
            Refused::UnknownStore => "unknown_store",
            Refused::PickupCodesExhausted => "pickup_codes_exhausted",
        }
    }
}

/// Places the order: one transaction (rerun on lock conflicts), every refusal rolled back.
pub fn place_order(
    conn: &mut MysqlConnection,
    req: &CheckoutRequest,
) -> Result<Result<Placed, Refused>, AppError> {
    place_order_numbered(conn, req, &mut || {
        OrderNo::generate(Utc::now(), &mut rand::thread_rng())
    })
}

/// `place_order` with the order numbers drawn from `next_no` (tests force collisions with it).
pub fn place_order_numbered(
    conn: &mut MysqlConnection,
    req: &CheckoutRequest,
    next_no: &mut dyn FnMut() -> OrderNo,
) -> Result<Result<Placed, Refused>, AppError> {
    let placed = Rollback::outcome(in_transaction(conn, |c| checkout_body(c, req, next_no)));
    let placed = busy_as(placed, Err(Refused::Busy));
    crate::metrics::checkout(match &placed {
        Ok(Ok(placed)) => placed.name(),
        Ok(Err(refused)) => refused.name(),
        Err(_) => "error",
    });
    placed
}

/// The checkout transaction's body: `Ok` commits, `Err` rolls back (and a lock conflict reruns it).
fn checkout_body(
    conn: &mut MysqlConnection,
    req: &CheckoutRequest,
    next_no: &mut dyn FnMut() -> OrderNo,
) -> Result<Placed, Rollback<Refused>> {
    // 1. The token first: a second submission waits here for the first, then replays it. The
    // order number is drawn now and stored with the token (updated only if it turns out taken).
    let drawn = next_no();
    match submit_once::consume(
        conn,
        &req.token,
        req.user_id,
        Purpose::Checkout,
        None,
        Some(drawn.as_str()),
    )? {
        Consumed::Fresh => {}
        Consumed::AlreadyUsed(Some(order_no)) => return Ok(Placed::AlreadySubmitted { order_no }),
        Consumed::AlreadyUsed(None) => {
            return Err(AppError::Conflict(crate::msg!("error-already-submitted")).into())
        }
    }
    // 2. The selected lines (and whether the store takes orders), read without locking, checked
    // against what the customer saw.
    let (lines, store_open) = selected_lines_for(conn, req.user_id, req.store_id)?;
    if !store_open {
        return Err(Rollback::Refused(Refused::UnknownStore));
    }
    if lines.is_empty() {
        return Err(Rollback::Refused(Refused::EmptySelection));
    }
    if let Some(refusal) = lines.iter().find_map(shelf_refusal) {
        return Err(Rollback::Refused(refusal));
    }
    let total = cart::total_cents(&lines);
    if total != req.seen_total_cents {
        return Err(Rollback::Refused(Refused::PricesChanged));
    }

    // 3. The order, its lines, its token result, the cart cleared — none of this locks a product row.
    let (status, expires_at) = match req.pay_method {
        PayMethod::Online => (
            OrderStatus::PendingPayment,
            Some(Utc::now().naive_utc() + chrono::Duration::seconds(req.payment_window_seconds)),
        ),
        PayMethod::AtCounter => (OrderStatus::Confirmed, None),
    };
    let new = NewOrder {
        user_id: req.user_id,
        store_id: req.store_id,
        status,
        pay_method: req.pay_method,
        total_cents: total,
        note: &req.note,
        expires_at,
    };
    let mut first = Some(drawn.clone());
    let order_no = insert_order_row(conn, &new, &mut || {
        first.take().unwrap_or_else(&mut *next_no)
    })?;
    // Right after the order's INSERT: its id is the connection's LAST_INSERT_ID().
    insert_lines(conn, &lines)?;
    if req.pay_method == PayMethod::AtCounter {
        let order_id = order_id_of(conn, &order_no)?;
        if let Issued::SpaceFull = issue_pickup_code(conn, order_id, req.pickup_code_digits)? {
            return Err(Rollback::Refused(Refused::PickupCodesExhausted));
        }
    }
    let product_ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    cart::remove_lines(conn, req.user_id, &product_ids)?;
    if order_no != drawn {
        submit_once::store_result(conn, &req.token, order_no.as_str())?;
    }

    // 4. Take the stock, ascending product id (the lines come sorted), as late as possible:
    // from the first UPDATE on we hold row locks every other buyer of that product waits for.
    for l in &lines {
        take_stock(conn, l)?;
    }
    // 5. The ledger rows, then COMMIT (by the caller).
    record_sales(conn, &order_no, req.user_id, &lines)?;
    Ok(Placed::Created {
        order_no: order_no.into_string(),
        units: lines.iter().map(|l| i64::from(l.quantity)).sum(),
    })
}

/// The selected cart lines in ascending product id (the lock order of checkout) and whether the
/// store takes orders, in one statement; a second one only when nothing is selected.
fn selected_lines_for(
    conn: &mut MysqlConnection,
    user_id: i64,
    store_id: i64,
) -> Result<(Vec<CartLine>, bool), AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        product_id: i64,
        #[diesel(sql_type = Integer)]
        quantity: i32,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        price_cents: i64,
        #[diesel(sql_type = Integer)]
        stock: i32,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        active: bool,
        #[diesel(sql_type = BigInt)]
        store_open: i64,
    }
    let rows: Vec<Row> = Prepared::new(
        "SELECT c.product_id, c.quantity, p.name, p.price_cents, p.stock, p.active, \
         CAST(EXISTS(SELECT 1 FROM stores s WHERE s.id = ? AND s.active = TRUE) AS SIGNED) AS store_open \
         FROM cart_items c JOIN products p ON p.id = c.product_id \
         WHERE c.user_id = ? AND c.selected = TRUE ORDER BY c.product_id",
    )
    .bind::<BigInt, _>(store_id)
    .bind::<BigInt, _>(user_id)
    .load(conn)?;
    let store_open = match rows.first() {
        Some(r) => r.store_open != 0,
        None => store_takes_orders(conn, store_id)?,
    };
    let lines = rows
        .into_iter()
        .map(|r| CartLine {
            product_id: r.product_id,
            quantity: r.quantity,
            selected: true,
            name: r.name,
            price_cents: r.price_cents,
            stock: r.stock,
            active: r.active,
        })
        .collect();
    Ok((lines, store_open))
}

fn store_takes_orders(conn: &mut MysqlConnection, store_id: i64) -> Result<bool, AppError> {
    use crate::db::schema::stores;
    Ok(stores::table
        .filter(stores::id.eq(store_id))
        .filter(stores::active.eq(true))
        .count()
        .get_result::<i64>(conn)?
        == 1)
}

/// Why a line cannot be bought as the shelf stands now (inactive, not enough).
fn shelf_refusal(l: &CartLine) -> Option<Refused> {
    if !l.active {
        Some(Refused::NoLongerSold {
            name: l.name.clone(),
        })
    } else if l.stock < l.quantity {
        Some(Refused::SoldOut {
            name: l.name.clone(),
            available: l.stock.max(0),
        })
    } else {
        None
    }
}

/// The order row to insert.
pub struct NewOrder<'a> {
    pub user_id: i64,
    pub store_id: i64,
    pub status: OrderStatus,
    pub pay_method: PayMethod,
    pub total_cents: i64,
    pub note: &'a str,
    pub expires_at: Option<NaiveDateTime>,
}

/// Inserts the order under a fresh number; the UNIQUE index is the guarantee, and a duplicate
/// number (1062 on `uq_orders_order_no`; only the statement is rolled back) draws another one.
/// Returns the order's id and number.
pub fn insert_order(
    conn: &mut MysqlConnection,
    new: &NewOrder<'_>,
    next_no: &mut dyn FnMut() -> OrderNo,
) -> Result<(i64, OrderNo), AppError> {
    let order_no = insert_order_row(conn, new, next_no)?;
    Ok((order_id_of(conn, &order_no)?, order_no))
}

/// The id of the order with this number.
fn order_id_of(conn: &mut MysqlConnection, order_no: &OrderNo) -> Result<i64, AppError> {
    Ok(orders::table
        .filter(orders::order_no.eq(order_no.as_str()))
        .select(orders::id)
        .first(conn)?)
}

/// [`insert_order`] without reading the id back: the next statement can use `LAST_INSERT_ID()`.
fn insert_order_row(
    conn: &mut MysqlConnection,
    new: &NewOrder<'_>,
    next_no: &mut dyn FnMut() -> OrderNo,
) -> Result<OrderNo, AppError> {
    for _ in 0..ORDER_NO_ATTEMPTS {
        let order_no = next_no();
        let inserted = Prepared::new(
            "INSERT INTO orders (order_no, user_id, store_id, status, pay_method, total_cents, note, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind::<Text, _>(order_no.as_str().to_owned())
        .bind::<BigInt, _>(new.user_id)
        .bind::<BigInt, _>(new.store_id)
        .bind::<Text, _>(new.status.as_str())
        .bind::<Text, _>(new.pay_method.as_str())
        .bind::<BigInt, _>(new.total_cents)
        .bind::<Text, _>(new.note.to_owned())
        .bind::<Nullable<Datetime>, _>(new.expires_at)
        .execute(conn);
        match inserted {
            Ok(_) => return Ok(order_no),
            Err(e)
                if is_unique_violation(&e)
                    && violated_key(&e).as_deref() == Some("uq_orders_order_no") =>
            {
                tracing::info!("order number taken; drawing another");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unexpected(anyhow::anyhow!(
        "no free order number after {ORDER_NO_ATTEMPTS} attempts"
    )))
}

/// The order's lines, in the statement right after the order's INSERT: `LAST_INSERT_ID()` is the
/// order's id (the value of the previous statement, the same for every row of this one).
fn insert_lines(conn: &mut MysqlConnection, lines: &[CartLine]) -> Result<(), AppError> {
    // One cached statement per number of lines.
    let row = format!("(LAST_INSERT_ID(), {})", Prepared::placeholders(5));
    let mut insert = Prepared::new(format!(
        "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity, line_total_cents) VALUES {}",
        vec![row.as_str(); lines.len()].join(", ")
    ));
    for l in lines {
        insert = insert
            .bind::<BigInt, _>(l.product_id)
            .bind::<Text, _>(l.name.clone())
            .bind::<BigInt, _>(l.price_cents)
            .bind::<Integer, _>(l.quantity)
            .bind::<BigInt, _>(l.line_total_cents());
    }
    insert.execute(conn)?;
    Ok(())
}

/// The optimistic loop for one line. The guard is `stock >= q` plus the price and active flag the
/// customer agreed to — not the version — so another buyer's success does not force a retry while
/// enough stock remains (READ COMMITTED: a waiting UPDATE re-checks its WHERE on the latest row).
/// 0 rows: read again and decide; still enough (the row moved under us) → retry after a short pause.
fn take_stock(conn: &mut MysqlConnection, line: &CartLine) -> Result<(), Rollback<Refused>> {
    let q = line.quantity;
    for attempt in 0..STOCK_ATTEMPTS {
        let matched = Prepared::new(
            "UPDATE products SET stock = stock - ?, sales = sales + ?, version = version + 1 \
             WHERE id = ? AND stock >= ? AND active = TRUE AND price_cents = ?",
        )
        .bind::<Integer, _>(q)
        .bind::<Integer, _>(q)
        .bind::<BigInt, _>(line.product_id)
        .bind::<Integer, _>(q)
        .bind::<BigInt, _>(line.price_cents)
        .execute(conn)?;
        if matched == 1 {
            return Ok(());
        }
        let (stock, price, active): (i32, i64, bool) = products::table
            .find(line.product_id)
            .select((products::stock, products::price_cents, products::active))
            .first(conn)?;
        if !active {
            return Err(Rollback::Refused(Refused::NoLongerSold {
                name: line.name.clone(),
            }));
        }
        if price != line.price_cents {
            return Err(Rollback::Refused(Refused::PricesChanged));
        }
        if stock < q {
            return Err(Rollback::Refused(Refused::SoldOut {
                name: line.name.clone(),
                available: stock.max(0),
            }));
        }
        let base = 2u64 << attempt.min(5);
        std::thread::sleep(Duration::from_millis(
            rand::thread_rng().gen_range(base / 2..=base),
        ));
    }
    Err(Rollback::Refused(Refused::Busy))
}

/// One `sale` movement per line in one statement; `stock_after` is read from the rows we just
/// updated (and still hold locked), so no extra round trip per product.
fn record_sales(
    conn: &mut MysqlConnection,
    order_no: &OrderNo,
    actor: i64,
    lines: &[CartLine],
) -> Result<(), AppError> {
    let mut sql = String::from(
        "INSERT INTO stock_movements (product_id, delta, reason, order_id, actor_user_id, note, stock_after) \
         SELECT p.id, -CASE p.id",
    );
    for _ in lines {
        sql.push_str(" WHEN ? THEN ?");
    }
    sql.push_str(
        " END, 'sale', (SELECT o.id FROM orders o WHERE o.order_no = ?), ?, '', p.stock \
         FROM products p WHERE p.id IN (",
    );
    sql.push_str(&vec!["?"; lines.len()].join(", "));
    sql.push_str(") ORDER BY p.id");
    let mut query = Prepared::new(sql);
    for l in lines {
        query = query
            .bind::<BigInt, _>(l.product_id)
            .bind::<Integer, _>(l.quantity);
    }
    query = query
        .bind::<Text, _>(order_no.as_str().to_owned())
        .bind::<BigInt, _>(actor);
    for l in lines {
        query = query.bind::<BigInt, _>(l.product_id);
    }
    // One cached statement per number of lines.
    let written = query.execute(conn)?;
    if written != lines.len() {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "wrote {written} sale movements for {} lines",
            lines.len()
        )));
    }
    Ok(())
}
