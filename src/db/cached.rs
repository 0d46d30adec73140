//! `Prepared`: a statement written as SQL text with `?` placeholders that diesel keeps in the
//! connection's prepared-statement cache — one command (Execute) per use instead of three
//! (Prepare, Execute, Close).
//!
//! Why diesel does not cache the statements it builds for us here: its cache only takes a
//! statement whose AST says it is "safe to cache" (`QueryFragment::is_safe_to_cache_prepared`),
//! and these nodes say it is not, because their SQL *may* vary without bound: every `UPDATE … SET`
//! (a changeset of optional fields could produce any column list), `sql_query`/`sql("NOW()")`
//! literals (the text could be built at run time), `IN (…)` with bound values (one placeholder per
//! value), multi-row inserts and inserts of `Option` values (`DEFAULT` or a value). Wrapping such a
//! query does not help: the connection asks the query *by reference*, and `&T` answers by walking
//! the AST. So the statements on the purchase and counter paths are written here instead, as text.
//!
//! The cache key is the SQL text (never the Rust type), so a text that varies (an `IN` list as long
//! as a cart) adds entries but can never run as the wrong statement. Keep texts from a small set:
//! never build one from user input.

use std::borrow::Cow;

use diesel::mysql::Mysql;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::HasSqlType;
use diesel::{QueryResult, RunQueryDsl};

/// One bound value and its SQL type.
trait Bind: Send {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()>;
}

struct Typed<ST, V> {
    value: V,
    _sql_type: std::marker::PhantomData<fn() -> ST>,
}

impl<ST, V> Bind for Typed<ST, V>
where
    Mysql: HasSqlType<ST>,
    V: ToSql<ST, Mysql> + Send,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        out.push_bind_param::<ST, V>(&self.value)
    }
}

/// SQL text with `?` placeholders and its bound values, in order.
pub struct Prepared {
    sql: Cow<'static, str>,
    binds: Vec<Box<dyn Bind>>,
}

impl Prepared {
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Prepared {
        Prepared {
            sql: sql.into(),
            binds: Vec::new(),
        }
    }

    /// Binds the next `?` to `value` as SQL type `ST`.
    pub fn bind<ST, V>(mut self, value: V) -> Prepared
    where
        ST: 'static,
        Mysql: HasSqlType<ST>,
        V: ToSql<ST, Mysql> + Send + 'static,
    {
        self.binds.push(Box::new(Typed::<ST, V> {
            value,
            _sql_type: std::marker::PhantomData,
        }));
        self
    }

    /// `?, ?, ?` — for an `IN (…)` or a row of values.
    pub fn placeholders(n: usize) -> String {
        vec!["?"; n].join(", ")
    }
}

impl QueryFragment<Mysql> for Prepared {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        let mut parts = self.sql.split('?');
        let mut binds = self.binds.iter();
        out.push_sql(parts.next().unwrap_or(""));
        for part in parts {
            match binds.next() {
                Some(b) => b.push(&mut out)?,
                None => {
                    return Err(diesel::result::Error::QueryBuilderError(
                        format!("fewer values than placeholders in: {}", self.sql).into(),
                    ))
                }
            }
            out.push_sql(part);
        }
        if binds.next().is_some() {
            return Err(diesel::result::Error::QueryBuilderError(
                format!("more values than placeholders in: {}", self.sql).into(),
            ));
        }
        Ok(())
    }
}

/// No static id: cached by SQL text and bind types.
impl QueryId for Prepared {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// Rows load by column name (`QueryableByName`), as with `sql_query`.
impl Query for Prepared {
    type SqlType = diesel::sql_types::Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Prepared {}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::{BigInt, Text};

    #[test]
    fn placeholders_and_values_line_up() {
        let q = Prepared::new("UPDATE t SET a = ? WHERE id = ?")
            .bind::<Text, _>("x".to_string())
            .bind::<BigInt, _>(7i64);
        let sql = diesel::debug_query::<Mysql, _>(&q).to_string();
        assert!(sql.starts_with("UPDATE t SET a = ? WHERE id = ?"), "{sql}");
        assert_eq!(Prepared::placeholders(3), "?, ?, ?");
    }
}
