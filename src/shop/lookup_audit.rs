//! The counter audit as the admin reads it: every pickup lookup, newest first, filterable by
//! store, staff member and outcome, keyset-paginated on the lookup id.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{orders, pickup_lookups, stores, users};
use crate::domain::LookupOutcome;
use crate::error::AppError;

pub const LOOKUP_PAGE: i64 = 50;

#[derive(Debug, Clone, Default)]
pub struct LookupFilter {
    pub store_id: Option<i64>,
    pub staff_user_id: Option<i64>,
    pub outcome: Option<LookupOutcome>,
}

#[derive(Debug, Clone, Queryable)]
pub struct LookupRow {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub store_name: String,
    pub staff: String,
    pub entered: String,
    pub outcome: LookupOutcome,
    pub order_no: Option<String>,
}

/// A page of lookups older than `before` (or the newest), and the cursor of the next page.
pub fn lookup_page(
    conn: &mut MysqlConnection,
    f: &LookupFilter,
    before: Option<i64>,
) -> Result<(Vec<LookupRow>, Option<i64>), AppError> {
    let mut q = pickup_lookups::table
        .inner_join(stores::table.on(stores::id.eq(pickup_lookups::store_id)))
        .inner_join(users::table.on(users::id.eq(pickup_lookups::staff_user_id)))
        .left_join(orders::table.on(orders::id.nullable().eq(pickup_lookups::order_id)))
        .into_boxed();
    if let Some(s) = f.store_id {
        q = q.filter(pickup_lookups::store_id.eq(s));
    }
    if let Some(u) = f.staff_user_id {
        q = q.filter(pickup_lookups::staff_user_id.eq(u));
    }
    if let Some(o) = f.outcome {
        q = q.filter(pickup_lookups::outcome.eq(o));
    }
    if let Some(b) = before {
        q = q.filter(pickup_lookups::id.lt(b));
    }
    let mut rows: Vec<LookupRow> = q
        .order(pickup_lookups::id.desc())
        .limit(LOOKUP_PAGE + 1)
        .select((
            pickup_lookups::id,
            pickup_lookups::created_at,
            stores::name,
            users::username,
            pickup_lookups::entered,
            pickup_lookups::outcome,
            orders::order_no.nullable(),
        ))
        .load(conn)?;
    let next = if rows.len() as i64 > LOOKUP_PAGE {
        rows.truncate(LOOKUP_PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok((rows, next))
}
