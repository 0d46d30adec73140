//! The counter audit as the admin reads it: every pickup lookup, newest first, filterable by
//! store, staff member and outcome, keyset-paginated on the lookup id.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::pickup_lookups;
use crate::domain::LookupOutcome;
use crate::error::AppError;
use crate::shop::names;

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
///
/// The page is chosen from `pickup_lookups` alone (newest first by primary key, or through
/// `ix_pickup_lookups_store` / `_staff_time` when filtered) and its names looked up after (see
/// [`names`]).
pub fn lookup_page(
    conn: &mut MysqlConnection,
    f: &LookupFilter,
    before: Option<i64>,
) -> Result<(Vec<LookupRow>, Option<i64>), AppError> {
    type Head = (
        i64,
        NaiveDateTime,
        i64,
        i64,
        String,
        LookupOutcome,
        Option<i64>,
    );
    let mut q = pickup_lookups::table.into_boxed();
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
    let mut heads: Vec<Head> = q
        .order(pickup_lookups::id.desc())
        .limit(LOOKUP_PAGE + 1)
        .select((
            pickup_lookups::id,
            pickup_lookups::created_at,
            pickup_lookups::store_id,
            pickup_lookups::staff_user_id,
            pickup_lookups::entered,
            pickup_lookups::outcome,
            pickup_lookups::order_id,
        ))
        .load(conn)?;
    let next = if heads.len() as i64 > LOOKUP_PAGE {
        heads.truncate(LOOKUP_PAGE as usize);
        heads.last().map(|h| h.0)
    } else {
        None
    };
    let store_names = names::store_names(conn, heads.iter().map(|h| h.2))?;
    let staff_names = names::usernames(conn, heads.iter().map(|h| h.3))?;
    let order_nos = names::order_numbers(conn, heads.iter().filter_map(|h| h.6))?;
    let rows = heads
        .into_iter()
        .map(
            |(id, created_at, store_id, staff_id, entered, outcome, order_id)| LookupRow {
                id,
                created_at,
                store_name: store_names.get(&store_id).cloned().unwrap_or_default(),
                staff: staff_names.get(&staff_id).cloned().unwrap_or_default(),
                entered,
                outcome,
                order_no: order_id.and_then(|o| order_nos.get(&o).cloned()),
            },
        )
        .collect();
    Ok((rows, next))
}
