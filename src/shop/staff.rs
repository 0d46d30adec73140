//! Staff accounts as the admin manages them: each belongs to one store; disabling one ends its
//! open sessions at once (the session epoch moves on), and an admin can set a new password.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{stores, users};
use crate::domain::Role;
use crate::error::AppError;
use crate::shop::accounts;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct StaffMember {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub store_id: Option<i64>,
    #[diesel(select_expression = stores::name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<stores::name>)]
    pub store_name: Option<String>,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

/// Every staff account, by store then username.
pub fn all_staff(conn: &mut MysqlConnection) -> Result<Vec<StaffMember>, AppError> {
    Ok(users::table
        .left_join(stores::table)
        .filter(users::role.eq(Role::Staff))
        .order((stores::code.asc(), users::username.asc()))
        .select(StaffMember::as_select())
        .load(conn)?)
}

pub fn staff_member(conn: &mut MysqlConnection, id: i64) -> Result<StaffMember, AppError> {
    Ok(users::table
        .left_join(stores::table)
        .filter(users::id.eq(id))
        .filter(users::role.eq(Role::Staff))
        .select(StaffMember::as_select())
        .first(conn)?)
}

/// Disables (`disabled = true`) or re-enables a staff account. One conditional UPDATE naming the
/// source state and the role; the epoch moves on in the same statement, so every cookie issued
/// before is worthless from the next request on. Returns false when nothing changed (already in
/// that state); NotFound when there is no such staff account.
pub fn set_staff_disabled(
    conn: &mut MysqlConnection,
    id: i64,
    disabled: bool,
) -> Result<bool, AppError> {
    let n = diesel::update(
        users::table
            .find(id)
            .filter(users::role.eq(Role::Staff))
            .filter(users::disabled.eq(!disabled)),
    )
    .set((
        users::disabled.eq(disabled),
        users::session_epoch.eq(users::session_epoch + 1),
    ))
    .execute(conn)?;
    if n == 0 {
        staff_member(conn, id)?;
    }
    Ok(n == 1)
}

/// An admin sets a new password (hashed beforehand) for a staff account (its open sessions end).
pub fn reset_staff_password(
    conn: &mut MysqlConnection,
    id: i64,
    password_hash: &str,
) -> Result<(), AppError> {
    staff_member(conn, id)?;
    accounts::set_password_hash(conn, id, password_hash)
}
