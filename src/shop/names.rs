//! The names a page shows for the ids in its rows (store names, usernames, order numbers), looked
//! up after the page is chosen: one primary-key `IN (…)` per table, none when the page has no ids.
//!
//! Why not a join: a paginated list joined with a few-row table (stores) is read by MariaDB
//! through a join buffer, which loses the index order, so the whole history is read and sorted
//! for every page. Lists choose their page from their own table in index order, then name it here.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::{orders, stores, users};
use crate::error::AppError;

/// Store id → store name.
pub fn store_names(
    conn: &mut MysqlConnection,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    by_id(ids, |ids| {
        stores::table
            .filter(stores::id.eq_any(ids))
            .select((stores::id, stores::name))
            .load(conn)
    })
}

/// User id → username.
pub fn usernames(
    conn: &mut MysqlConnection,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    by_id(ids, |ids| {
        users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::username))
            .load(conn)
    })
}

/// Order id → order number.
pub fn order_numbers(
    conn: &mut MysqlConnection,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    by_id(ids, |ids| {
        orders::table
            .filter(orders::id.eq_any(ids))
            .select((orders::id, orders::order_no))
            .load(conn)
    })
}

/// The distinct ids, loaded with `load` (not called when there are none), as a map.
fn by_id(
    ids: impl IntoIterator<Item = i64>,
    load: impl FnOnce(&[i64]) -> QueryResult<Vec<(i64, String)>>,
) -> Result<HashMap<i64, String>, AppError> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(load(&ids)?.into_iter().collect())
}
