//! The admin's view of stock: every product with its stock, sales, units held by unpaid orders and
//! low-stock marker, and a product's ledger (newest first, keyset-paginated on the movement id).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text};

use crate::db::in_transaction;
use crate::db::schema::{orders, products, stock_movements, users};
use crate::domain::MovementReason;
use crate::error::AppError;
use crate::shop::stock::{adjust_stock, Adjusted};

/// How the stock table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockSort {
    Name,
    Stock,
    Sales,
    Held,
    /// Low stock first (stock minus threshold, ascending).
    Low,
}

impl StockSort {
    pub const ALL: [StockSort; 5] = [
        StockSort::Name,
        StockSort::Stock,
        StockSort::Sales,
        StockSort::Held,
        StockSort::Low,
    ];

    pub fn parse(s: &str) -> Option<StockSort> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            StockSort::Name => "name",
            StockSort::Stock => "stock",
            StockSort::Sales => "sales",
            StockSort::Held => "held",
            StockSort::Low => "low",
        }
    }

    /// The ORDER BY clause; a fixed string per variant, never user text.
    fn order_by(self, descending: bool) -> &'static str {
        match (self, descending) {
            (StockSort::Name, false) => "p.name ASC, p.id ASC",
            (StockSort::Name, true) => "p.name DESC, p.id DESC",
            (StockSort::Stock, false) => "p.stock ASC, p.id ASC",
            (StockSort::Stock, true) => "p.stock DESC, p.id DESC",
            (StockSort::Sales, false) => "p.sales ASC, p.id ASC",
            (StockSort::Sales, true) => "p.sales DESC, p.id DESC",
            (StockSort::Held, false) => "held ASC, p.id ASC",
            (StockSort::Held, true) => "held DESC, p.id DESC",
            (StockSort::Low, false) => "(p.stock - p.low_stock_threshold) ASC, p.id ASC",
            (StockSort::Low, true) => "(p.stock - p.low_stock_threshold) DESC, p.id DESC",
        }
    }
}

/// One row of `/admin/stock`.
#[derive(Debug, Clone, QueryableByName)]
pub struct StockRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Integer)]
    pub stock: i32,
    #[diesel(sql_type = Integer)]
    pub sales: i32,
    /// Units in `pending_payment` orders: taken from the shelf but not paid for yet.
    #[diesel(sql_type = BigInt)]
    pub held: i64,
    #[diesel(sql_type = Integer)]
    pub low_stock_threshold: i32,
    #[diesel(sql_type = Bool)]
    pub active: bool,
}

impl StockRow {
    pub fn is_low(&self) -> bool {
        self.stock <= self.low_stock_threshold
    }
}

/// Every product with its stock figures, in the requested order.
pub fn stock_overview(
    conn: &mut MysqlConnection,
    sort: StockSort,
    descending: bool,
) -> Result<Vec<StockRow>, AppError> {
    let query = format!(
        "SELECT p.id, p.sku, p.name, p.stock, p.sales, \
                CAST(COALESCE(h.held, 0) AS SIGNED) AS held, p.low_stock_threshold, p.active \
         FROM products p \
         LEFT JOIN (SELECT l.product_id, SUM(l.quantity) AS held \
                    FROM orders o JOIN order_lines l ON l.order_id = o.id \
                    WHERE o.status = 'pending_payment' GROUP BY l.product_id) h \
           ON h.product_id = p.id \
         ORDER BY {}",
        sort.order_by(descending)
    );
    Ok(diesel::sql_query(query).load(conn)?)
}

/// Active products at or below their low-stock threshold, lowest first (for the dashboard).
pub fn low_stock(conn: &mut MysqlConnection) -> Result<Vec<(i64, String, i32, i32)>, AppError> {
    Ok(products::table
        .filter(products::active.eq(true))
        .filter(products::stock.le(products::low_stock_threshold))
        .order((products::stock.asc(), products::id.asc()))
        .select((
            products::id,
            products::name,
            products::stock,
            products::low_stock_threshold,
        ))
        .load(conn)?)
}

/// One row of a product's ledger, with the actor's username and the order's number.
#[derive(Debug, Clone, Queryable)]
pub struct LedgerEntry {
    pub id: i64,
    pub delta: i32,
    pub reason: MovementReason,
    pub order_no: Option<String>,
    pub actor: Option<String>,
    pub note: String,
    pub stock_after: i32,
    pub created_at: NaiveDateTime,
}

/// Movements per ledger page.
pub const LEDGER_PAGE: i64 = 25;

/// A page of the ledger, newest first. `before` is the keyset cursor (a movement id); the second
/// value is the cursor of the next (older) page, if there is one.
pub fn ledger_page(
    conn: &mut MysqlConnection,
    product_id: i64,
    before: Option<i64>,
) -> Result<(Vec<LedgerEntry>, Option<i64>), AppError> {
    let mut q = stock_movements::table
        .left_join(orders::table.on(orders::id.nullable().eq(stock_movements::order_id)))
        .left_join(users::table.on(users::id.nullable().eq(stock_movements::actor_user_id)))
        .filter(stock_movements::product_id.eq(product_id))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(stock_movements::id.lt(b));
    }
    let mut rows: Vec<LedgerEntry> = q
        .order(stock_movements::id.desc())
        .limit(LEDGER_PAGE + 1)
        .select((
            stock_movements::id,
            stock_movements::delta,
            stock_movements::reason,
            orders::order_no.nullable(),
            users::username.nullable(),
            stock_movements::note,
            stock_movements::stock_after,
            stock_movements::created_at,
        ))
        .load(conn)?;
    let next = if rows.len() as i64 > LEDGER_PAGE {
        rows.truncate(LEDGER_PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok((rows, next))
}

/// The product a ledger belongs to (any product, active or not).
#[derive(Debug, Clone, Queryable)]
pub struct StockedProduct {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub stock: i32,
    pub sales: i32,
    pub low_stock_threshold: i32,
    pub active: bool,
}

pub fn stocked_product(conn: &mut MysqlConnection, id: i64) -> Result<StockedProduct, AppError> {
    Ok(products::table
        .find(id)
        .select((
            products::id,
            products::sku,
            products::name,
            products::stock,
            products::sales,
            products::low_stock_threshold,
            products::active,
        ))
        .first(conn)?)
}

/// Units held by unpaid orders of one product.
pub fn held_units(conn: &mut MysqlConnection, product_id: i64) -> Result<i64, AppError> {
    crate::db::number(
        conn,
        diesel::sql_query(
            "SELECT CAST(SUM(l.quantity) AS SIGNED) AS n FROM order_lines l \
             JOIN orders o ON o.id = l.order_id \
             WHERE l.product_id = ? AND o.status = 'pending_payment'",
        )
        .bind::<BigInt, _>(product_id),
    )
}

/// What an admin asks of a product's stock: a signed delta, and why.
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub product_id: i64,
    pub delta: i32,
    pub actor: i64,
    pub reason: String,
}

/// The admin's stock adjustment as one transaction: see `adjust_stock`.
pub fn adjust(conn: &mut MysqlConnection, a: &Adjustment) -> Result<Adjusted, AppError> {
    in_transaction(conn, |c| {
        adjust_stock(c, a.product_id, a.delta, a.actor, &a.reason)
    })
}
