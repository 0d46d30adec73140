//! The catalog: products as customers see them, and creating products (restock movement included).

use diesel::prelude::*;

use crate::db::schema::{products, stock_movements};
use crate::domain::MovementReason;
use crate::error::{is_unique_violation, AppError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = products)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub stock: i32,
    pub sales: i32,
    pub low_stock_threshold: i32,
    pub active: bool,
}

/// Active products, by name.
pub fn active_products(conn: &mut MysqlConnection) -> Result<Vec<Product>, AppError> {
    Ok(products::table
        .filter(products::active.eq(true))
        .order((products::name.asc(), products::id.asc()))
        .select(Product::as_select())
        .load(conn)?)
}

/// One active product, or NotFound (unknown and inactive look the same to a customer).
pub fn active_product(conn: &mut MysqlConnection, id: i64) -> Result<Product, AppError> {
    Ok(products::table
        .filter(products::id.eq(id))
        .filter(products::active.eq(true))
        .select(Product::as_select())
        .first(conn)?)
}

pub struct NewProduct<'a> {
    pub sku: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub price_cents: i64,
    pub stock: i32,
}

#[derive(Debug)]
pub enum CreateProduct {
    Created(i64),
    SkuTaken,
}

/// Creates a product; its initial stock arrives as a `restock` movement in the same transaction.
/// Call inside a transaction.
pub fn create_product(
    conn: &mut MysqlConnection,
    new: &NewProduct<'_>,
    actor: Option<i64>,
) -> Result<CreateProduct, AppError> {
    let inserted = diesel::insert_into(products::table)
        .values((
            products::sku.eq(new.sku),
            products::name.eq(new.name),
            products::description.eq(new.description),
            products::price_cents.eq(new.price_cents),
            products::stock.eq(new.stock),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(CreateProduct::SkuTaken),
        Err(e) => return Err(e.into()),
    }
    let id: i64 = products::table
        .filter(products::sku.eq(new.sku))
        .select(products::id)
        .first(conn)?;
    if new.stock > 0 {
        diesel::insert_into(stock_movements::table)
            .values((
                stock_movements::product_id.eq(id),
                stock_movements::delta.eq(new.stock),
                stock_movements::reason.eq(MovementReason::Restock),
                stock_movements::actor_user_id.eq(actor),
                stock_movements::note.eq("initial stock"),
                stock_movements::stock_after.eq(new.stock),
            ))
            .execute(conn)?;
    }
    Ok(CreateProduct::Created(id))
}
