//! Submit-once tokens in the database (SPEC §6): the first statement of an effect's transaction
//! inserts the token; a duplicate key means the form was already submitted, and the caller replays
//! the stored result instead of doing the effect again.
//!
//! Signing and checking the token's form value (before the database is touched) lives in
//! `domain::submit_token`; this module only records use.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::db::schema::submit_tokens;
use crate::db::Prepared;
use crate::domain::{Purpose, TokenId};
use crate::error::{is_unique_violation, AppError};

#[derive(Debug, PartialEq, Eq)]
pub enum Consumed {
    /// First use: go ahead with the effect (and store its result before commit).
    Fresh,
    /// Used before, by the same user for the same purpose and subject: the first result, if the
    /// first transaction stored one.
    AlreadyUsed(Option<String>),
}

/// Inserts the token as the first statement of the effect's transaction. If another transaction is
/// inserting the same token right now, InnoDB makes this insert wait for it; after its commit this
/// sees the duplicate and replays, after its rollback this insert succeeds.
pub fn consume(
    conn: &mut MysqlConnection,
    token: &TokenId,
    user_id: i64,
    purpose: Purpose,
    subject: Option<i64>,
    result: Option<&str>,
) -> Result<Consumed, AppError> {
    let inserted = Prepared::new(
        "INSERT INTO submit_tokens (token, user_id, purpose, subject, result) VALUES (?, ?, ?, ?, ?)",
    )
    .bind::<Text, _>(token.as_str().to_owned())
    .bind::<BigInt, _>(user_id)
    .bind::<Text, _>(purpose.as_str())
    .bind::<Nullable<BigInt>, _>(subject)
    .bind::<Nullable<Text>, _>(result.map(str::to_owned))
    .execute(conn);
    match inserted {
        Ok(_) => Ok(Consumed::Fresh),
        Err(e) if is_unique_violation(&e) => {
            let (used_by, used_for, used_on, first_result): (
                i64,
                Purpose,
                Option<i64>,
                Option<String>,
            ) = submit_tokens::table
                .find(token.as_str())
                .select((
                    submit_tokens::user_id,
                    submit_tokens::purpose,
                    submit_tokens::subject,
                    submit_tokens::result,
                ))
                .first(conn)?;
            if used_by != user_id || used_for != purpose || used_on != subject {
                return Err(AppError::Conflict(crate::msg!("error-form-reused")));
            }
            Ok(Consumed::AlreadyUsed(first_result))
        }
        Err(e) => Err(e.into()),
    }
}

/// Stores the effect's result (e.g. the order_no) on the token, before commit.
pub fn store_result(
    conn: &mut MysqlConnection,
    token: &TokenId,
    result: &str,
) -> Result<(), AppError> {
    Prepared::new("UPDATE submit_tokens SET result = ? WHERE token = ?")
        .bind::<Text, _>(result.to_owned())
        .bind::<Text, _>(token.as_str().to_owned())
        .execute(conn)?;
    Ok(())
}
