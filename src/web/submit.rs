//! Submit-once tokens at the edge: issue one into a form, and check a posted one before the
//! database is touched (forged, altered, expired or someone else's → 409 "please reload").

use crate::domain::{Purpose, TokenId};
use crate::error::AppError;
use crate::state::AppState;

/// A fresh token for a form; rendering it writes nothing.
pub fn issue(state: &AppState, user_id: i64, purpose: Purpose, subject: Option<i64>) -> String {
    state
        .submit_tokens
        .issue(user_id, purpose, subject, chrono::Utc::now())
}

/// Checks a posted token's signature, owner, purpose, subject and age.
pub fn check(
    state: &AppState,
    value: &str,
    user_id: i64,
    purpose: Purpose,
    subject: Option<i64>,
) -> Result<TokenId, AppError> {
    state
        .submit_tokens
        .verify(value, user_id, purpose, subject, chrono::Utc::now())
        .map_err(|_| AppError::Conflict(crate::msg!("error-form-expired-reload")))
}
