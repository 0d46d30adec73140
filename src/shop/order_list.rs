//! The admin's order list: filters (status, store, creation time range, order_no / customer
//! search) and keyset pagination on `orders.id`, newest first, so that a page deep in a list of
//! 100k orders costs the same as the first one (no OFFSET scan growing with the page number).
//!
//! The query is plain SQL with bound parameters, so `explain` can show the plan of exactly the
//! statement the page runs (the benchmark prints it).

use chrono::NaiveDateTime;
use diesel::mysql::Mysql;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Datetime, Nullable, Text};

use crate::db::schema::users;
use crate::domain::{OrderStatus, PayMethod};
use crate::error::AppError;
use crate::shop::names;

/// Orders per page.
pub const PAGE_SIZE: i64 = 50;

/// What the admin filters by. Times are UTC bounds (the web layer converts the shop's local dates).
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub store_id: Option<i64>,
    /// created_at >= this
    pub created_from: Option<NaiveDateTime>,
    /// created_at < this
    pub created_before: Option<NaiveDateTime>,
    /// An order number (or its first digits) or a customer's username.
    pub search: Option<String>,
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// The newest orders.
    First,
    /// Orders older than this id (the "next" link).
    Before(i64),
    /// Orders newer than this id (the "previous" link).
    After(i64),
    /// Jump to a page number: the cursor is found on the primary key alone, then as `Before`.
    Page(u32),
}

/// One order of a page, as the statement reads it from `orders` alone.
#[derive(Debug, Clone, QueryableByName)]
struct OrderHead {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    order_no: String,
    #[diesel(sql_type = Datetime)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = BigInt)]
    user_id: i64,
    #[diesel(sql_type = BigInt)]
    store_id: i64,
    #[diesel(sql_type = Text)]
    status: OrderStatus,
    #[diesel(sql_type = Text)]
    pay_method: PayMethod,
    #[diesel(sql_type = BigInt)]
    total_cents: i64,
}

/// One row of the list, with the customer's username and the store's name.
#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: i64,
    pub order_no: String,
    pub created_at: NaiveDateTime,
    pub username: String,
    pub store_name: String,
    pub status: OrderStatus,
    pub pay_method: PayMethod,
    pub total_cents: i64,
}

#[derive(Debug, Clone)]
pub struct OrderPage {
    pub rows: Vec<OrderRow>,
    /// Cursor for the newer page (`After(first id)`), when there is one.
    pub newer: Option<i64>,
    /// Cursor for the older page (`Before(last id)`), when there is one.
    pub older: Option<i64>,
}

enum Bind {
    Int(i64),
    Text(String),
    Time(NaiveDateTime),
}

/// The WHERE clause (without the cursor) and its parameters.
fn conditions(
    conn: &mut MysqlConnection,
    f: &OrderFilter,
) -> Result<(String, Vec<Bind>), AppError> {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut binds = Vec::new();
    if let Some(s) = f.status {
        sql.push_str(" AND o.status = ?");
        binds.push(Bind::Text(s.as_str().to_string()));
    }
    if let Some(id) = f.store_id {
        sql.push_str(" AND o.store_id = ?");
        binds.push(Bind::Int(id));
    }
    if let Some(t) = f.created_from {
        sql.push_str(" AND o.created_at >= ?");
        binds.push(Bind::Time(t));
    }
    if let Some(t) = f.created_before {
        sql.push_str(" AND o.created_at < ?");
        binds.push(Bind::Time(t));
    }
    if let Some(q) = f.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // The username is resolved first (unique index), so the order query filters on
        // user_id and can use (user_id, id) instead of joining on text.
        let user: Option<i64> = users::table
            .filter(users::username.eq(q))
            .select(users::id)
            .first(conn)
            .optional()?;
        let digits = q.len() <= 18 && q.bytes().all(|b| b.is_ascii_digit());
        match (digits, user) {
            (true, Some(uid)) => {
                sql.push_str(" AND (o.order_no LIKE ? OR o.user_id = ?)");
                binds.push(Bind::Text(format!("{q}%")));
                binds.push(Bind::Int(uid));
            }
            (true, None) => {
                sql.push_str(" AND o.order_no LIKE ?");
                binds.push(Bind::Text(format!("{q}%")));
            }
            (false, Some(uid)) => {
                sql.push_str(" AND o.user_id = ?");
                binds.push(Bind::Int(uid));
            }
            (false, None) => sql.push_str(" AND 1 = 0"),
        }
    }
    Ok((sql, binds))
}

fn bound<'a>(
    mut q: BoxedSqlQuery<'a, Mysql, diesel::query_builder::SqlQuery>,
    binds: Vec<Bind>,
) -> BoxedSqlQuery<'a, Mysql, diesel::query_builder::SqlQuery> {
    for b in binds {
        q = match b {
            Bind::Int(v) => q.bind::<BigInt, _>(v),
            Bind::Text(v) => q.bind::<Text, _>(v),
            Bind::Time(v) => q.bind::<Datetime, _>(v),
        };
    }
    q
}

/// The page reads `orders` alone, so the optimizer cannot start from a joined table and sort
/// everything: it walks the primary key (or a filter's index) and stops after one page. Names are
/// fetched afterwards for those few rows.
const SELECT: &str = "SELECT o.id, o.order_no, o.created_at, o.user_id, o.store_id, o.status, \
     o.pay_method, o.total_cents FROM orders o";

/// The statement for one page, with its parameters; `newest_first` is false for `After`.
fn page_statement(
    conn: &mut MysqlConnection,
    f: &OrderFilter,
    cursor: Cursor,
) -> Result<(String, Vec<Bind>, bool), AppError> {
    let (mut sql, mut binds) = conditions(conn, f)?;
    let cursor = match cursor {
        Cursor::Page(n) if n > 1 => match page_start(conn, f, n)? {
            Some(id) => Cursor::Before(id),
            None => Cursor::Before(0),
        },
        Cursor::Page(_) => Cursor::First,
        c => c,
    };
    let newest_first = match cursor {
        Cursor::Before(id) => {
            sql.push_str(" AND o.id < ?");
            binds.push(Bind::Int(id));
            true
        }
        Cursor::After(id) => {
            sql.push_str(" AND o.id > ?");
            binds.push(Bind::Int(id));
            false
        }
        _ => true,
    };
    let order = if newest_first { "DESC" } else { "ASC" };
    Ok((
        format!(
            "{SELECT}{sql} ORDER BY o.id {order} LIMIT {}",
            PAGE_SIZE + 1
        ),
        binds,
        newest_first,
    ))
}

/// For a page-number jump: the id just above page `n`'s first row, found by reading ids only
/// (the primary key or a secondary index that carries it), never the rows themselves.
fn page_start(
    conn: &mut MysqlConnection,
    f: &OrderFilter,
    n: u32,
) -> Result<Option<i64>, AppError> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let (sql, binds) = conditions(conn, f)?;
    let skip = (i64::from(n) - 1) * PAGE_SIZE - 1;
    let q = diesel::sql_query(format!(
        "SELECT o.id FROM orders o{sql} ORDER BY o.id DESC LIMIT 1 OFFSET {skip}"
    ))
    .into_boxed();
    let found: Option<Id> = bound(q, binds).get_result(conn).optional()?;
    Ok(found.map(|r| r.id))
}

/// One page of the list.
pub fn order_page(
    conn: &mut MysqlConnection,
    f: &OrderFilter,
    cursor: Cursor,
) -> Result<OrderPage, AppError> {
    let (sql, binds, newest_first) = page_statement(conn, f, cursor)?;
    let mut heads: Vec<OrderHead> = bound(diesel::sql_query(sql).into_boxed(), binds).load(conn)?;
    let more = heads.len() as i64 > PAGE_SIZE;
    heads.truncate(PAGE_SIZE as usize);
    if !newest_first {
        heads.reverse();
    }
    let rows = with_names(conn, heads)?;
    let (first, last) = (rows.first().map(|r| r.id), rows.last().map(|r| r.id));
    let (newer, older) = match cursor {
        Cursor::First => (None, last.filter(|_| more)),
        Cursor::Page(n) if n <= 1 => (None, last.filter(|_| more)),
        Cursor::Before(_) | Cursor::Page(_) => (first, last.filter(|_| more)),
        Cursor::After(_) => (first.filter(|_| more), last),
    };
    Ok(OrderPage { rows, newer, older })
}

/// Adds usernames and store names to a page's orders (two primary-key lookups in all).
fn with_names(
    conn: &mut MysqlConnection,
    heads: Vec<OrderHead>,
) -> Result<Vec<OrderRow>, AppError> {
    let names = names::usernames(conn, heads.iter().map(|h| h.user_id))?;
    let store_names = names::store_names(conn, heads.iter().map(|h| h.store_id))?;
    Ok(heads
        .into_iter()
        .map(|h| OrderRow {
            username: names.get(&h.user_id).cloned().unwrap_or_default(),
            store_name: store_names.get(&h.store_id).cloned().unwrap_or_default(),
            id: h.id,
            order_no: h.order_no,
            created_at: h.created_at,
            status: h.status,
            pay_method: h.pay_method,
            total_cents: h.total_cents,
        })
        .collect())
}

/// Orders for an export, newest first: at most `limit` of them older than `before` (all when None).
/// The export reads the whole list this way, one batch at a time, so it never holds it all.
pub fn export_batch(
    conn: &mut MysqlConnection,
    f: &OrderFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<OrderRow>, AppError> {
    let (mut sql, mut binds) = conditions(conn, f)?;
    if let Some(id) = before {
        sql.push_str(" AND o.id < ?");
        binds.push(Bind::Int(id));
    }
    let statement = format!("{SELECT}{sql} ORDER BY o.id DESC LIMIT {}", limit.max(1));
    let heads: Vec<OrderHead> =
        bound(diesel::sql_query(statement).into_boxed(), binds).load(conn)?;
    with_names(conn, heads)
}

/// One line of MySQL's plan for a page's statement.
#[derive(Debug, Clone, QueryableByName)]
pub struct PlanLine {
    #[diesel(sql_type = Nullable<Text>)]
    pub table: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub r#type: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    #[diesel(column_name = "Extra")]
    pub extra: Option<String>,
}

/// EXPLAIN of exactly the statement `order_page` runs for this filter and cursor.
pub fn explain(
    conn: &mut MysqlConnection,
    f: &OrderFilter,
    cursor: Cursor,
) -> Result<Vec<PlanLine>, AppError> {
    let (sql, binds, _) = page_statement(conn, f, cursor)?;
    Ok(bound(
        diesel::sql_query(format!("EXPLAIN {sql}")).into_boxed(),
        binds,
    )
    .load(conn)?)
}
