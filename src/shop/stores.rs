//! Stores: the branches where orders are picked up.

use diesel::prelude::*;

use crate::db::schema::stores;
use crate::error::{is_unique_violation, AppError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stores)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct Store {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub active: bool,
}

#[derive(Debug)]
pub enum CreateStore {
    Created(i64),
    CodeTaken,
}

/// Store codes are short upper-case letters and digits, e.g. `SH01`.
pub fn validate_code(code: &str) -> Result<(), crate::i18n::Msg> {
    if (2..=16).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
    {
        Ok(())
    } else {
        Err(crate::msg!("store-code-rule"))
    }
}

pub fn create_store(
    conn: &mut MysqlConnection,
    code: &str,
    name: &str,
    address: &str,
) -> Result<CreateStore, AppError> {
    let inserted = diesel::insert_into(stores::table)
        .values((
            stores::code.eq(code),
            stores::name.eq(name),
            stores::address.eq(address),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(CreateStore::Created(
            stores::table
                .filter(stores::code.eq(code))
                .select(stores::id)
                .first(conn)?,
        )),
        Err(e) if is_unique_violation(&e) => Ok(CreateStore::CodeTaken),
        Err(e) => Err(e.into()),
    }
}

pub fn by_code(conn: &mut MysqlConnection, code: &str) -> Result<Option<Store>, AppError> {
    Ok(stores::table
        .filter(stores::code.eq(code))
        .select(Store::as_select())
        .first(conn)
        .optional()?)
}

/// Stores a customer can pick up from, by code. Sorted here: the checkout page asks on every view,
/// and MariaDB would scan the (small) table and filesort it each time.
pub fn active_stores(conn: &mut MysqlConnection) -> Result<Vec<Store>, AppError> {
    let mut active: Vec<Store> = stores::table
        .filter(stores::active.eq(true))
        .select(Store::as_select())
        .load(conn)?;
    active.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    Ok(active)
}

/// Every store, active or not (for the admin).
pub fn all_stores(conn: &mut MysqlConnection) -> Result<Vec<Store>, AppError> {
    Ok(stores::table
        .order(stores::code.asc())
        .select(Store::as_select())
        .load(conn)?)
}

/// Opens or closes a store for new orders: one conditional UPDATE naming the source state.
/// Returns false when it already was in that state; NotFound for an unknown store.
pub fn set_store_active(
    conn: &mut MysqlConnection,
    id: i64,
    active: bool,
) -> Result<bool, AppError> {
    let n = diesel::update(stores::table.find(id).filter(stores::active.eq(!active)))
        .set(stores::active.eq(active))
        .execute(conn)?;
    if n == 0 {
        stores::table
            .find(id)
            .select(stores::id)
            .first::<i64>(conn)?;
    }
    Ok(n == 1)
}
