//! The wrong-code throttle: failed lookups by one account within the last minute.

use diesel::prelude::*;

use crate::db::schema::pickup_lookups;
use crate::domain::LookupOutcome;
use crate::error::AppError;

/// Failed lookups one staff account may make within a minute; the next one is refused (429).
pub const FAILED_LOOKUPS_PER_MINUTE: i64 = 10;

/// Failed lookups (anything but a match) by this account within the last minute.
pub(super) fn recent_failures(
    conn: &mut MysqlConnection,
    staff_user_id: i64,
) -> Result<i64, AppError> {
    let since = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
    Ok(pickup_lookups::table
        .filter(pickup_lookups::staff_user_id.eq(staff_user_id))
        .filter(pickup_lookups::created_at.gt(since))
        .filter(pickup_lookups::outcome.ne(LookupOutcome::Matched))
        .count()
        .get_result(conn)?)
}

/// Seconds until this account may look up again: when the failure that keeps the count at the
/// limit leaves the one-minute window. At least 1.
pub(super) fn seconds_until_allowed(
    conn: &mut MysqlConnection,
    staff_user_id: i64,
) -> Result<i64, AppError> {
    let now = chrono::Utc::now().naive_utc();
    let window = chrono::Duration::minutes(1);
    let newest: Vec<chrono::NaiveDateTime> = pickup_lookups::table
        .filter(pickup_lookups::staff_user_id.eq(staff_user_id))
        .filter(pickup_lookups::created_at.gt(now - window))
        .filter(pickup_lookups::outcome.ne(LookupOutcome::Matched))
        .order(pickup_lookups::created_at.desc())
        .limit(FAILED_LOOKUPS_PER_MINUTE)
        .select(pickup_lookups::created_at)
        .load(conn)?;
    Ok(newest
        .last()
        .map_or(1, |t| (*t + window - now).num_seconds() + 1)
        .clamp(1, 60))
}
