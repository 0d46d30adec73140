//! The counter audit as the admin reads it: every pickup lookup, newest first, filterable by
//! store, staff member and outcome, keyset-paginated on the lookup id.

use std::collections::HashMap;

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
///
/// The page is chosen from `pickup_lookups` alone (newest first by primary key, or through
/// `ix_pickup_lookups_store` / `_staff_time` when filtered) and its names looked up after, by
/// primary key. Joined in one statement with the (few-row) stores table, MariaDB scanned the
/// stores through a join buffer, which loses the order: without a store filter it read, joined
/// and sorted every lookup ever made for each page.
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
    let ids = |pick: fn(&Head) -> Option<i64>| -> Vec<i64> {
        let mut v: Vec<i64> = heads.iter().filter_map(pick).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (store_ids, staff_ids, order_ids) = (ids(|h| Some(h.2)), ids(|h| Some(h.3)), ids(|h| h.6));
    let mut store_names: HashMap<i64, String> = HashMap::new();
    let mut staff_names: HashMap<i64, String> = HashMap::new();
    let mut order_nos: HashMap<i64, String> = HashMap::new();
    if !store_ids.is_empty() {
        store_names = stores::table
            .filter(stores::id.eq_any(&store_ids))
            .select((stores::id, stores::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        staff_names = users::table
            .filter(users::id.eq_any(&staff_ids))
            .select((users::id, users::username))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
    }
    if !order_ids.is_empty() {
        order_nos = orders::table
            .filter(orders::id.eq_any(&order_ids))
            .select((orders::id, orders::order_no))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
    }
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
