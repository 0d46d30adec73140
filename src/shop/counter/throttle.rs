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
