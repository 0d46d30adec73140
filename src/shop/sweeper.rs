//! The sweeper: periodic clean-up that is safe to run on every instance at once (conditional updates).

use diesel::prelude::*;

use crate::config::Settings;
use crate::db::schema::submit_tokens;
use crate::error::AppError;

#[derive(Debug, Default)]
pub struct SweepReport {
    pub tokens_deleted: usize,
}

/// One pass: deletes used submit tokens older than 24 h.
pub fn sweep_once(
    conn: &mut MysqlConnection,
    _settings: &Settings,
) -> Result<SweepReport, AppError> {
    let cutoff = chrono::Utc::now().naive_utc() - chrono::Duration::hours(24);
    let tokens_deleted =
        diesel::delete(submit_tokens::table.filter(submit_tokens::used_at.lt(cutoff)))
            .execute(conn)?;
    Ok(SweepReport { tokens_deleted })
}
