//! Products as the admin manages them: the full list (inactive too), editing name, description,
//! price and low-stock threshold, and deactivating / reactivating. Creating a product (with its
//! `restock` movement) is `catalog::create_product`.
//!
//! Order lines carry their own name and price from checkout time, so nothing here touches them.

use diesel::prelude::*;

use crate::db::in_transaction;
use crate::db::schema::products;
use crate::error::AppError;
use crate::shop::catalog::{create_product, CreateProduct, NewProduct, Product};

/// Every product, active first, then by name.
pub fn all_products(conn: &mut MysqlConnection) -> Result<Vec<Product>, AppError> {
    Ok(products::table
        .order((
            products::active.desc(),
            products::name.asc(),
            products::id.asc(),
        ))
        .select(Product::as_select())
        .load(conn)?)
}

pub fn product(conn: &mut MysqlConnection, id: i64) -> Result<Product, AppError> {
    Ok(products::table
        .find(id)
        .select(Product::as_select())
        .first(conn)?)
}

pub struct ProductEdit<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub price_cents: i64,
    pub low_stock_threshold: i32,
}

/// Saves an edit. Returns false when there is no such product.
pub fn update_product(
    conn: &mut MysqlConnection,
    id: i64,
    edit: &ProductEdit<'_>,
) -> Result<bool, AppError> {
    let n = diesel::update(products::table.find(id))
        .set((
            products::name.eq(edit.name),
            products::description.eq(edit.description),
            products::price_cents.eq(edit.price_cents),
            products::low_stock_threshold.eq(edit.low_stock_threshold),
            products::version.eq(products::version + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Sets the low-stock threshold (used right after `catalog::create_product`).
pub fn set_low_stock_threshold(
    conn: &mut MysqlConnection,
    id: i64,
    threshold: i32,
) -> Result<(), AppError> {
    diesel::update(products::table.find(id))
        .set(products::low_stock_threshold.eq(threshold))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Activation {
    Changed,
    /// It already was in the requested state.
    Unchanged,
}

/// Deactivates (no longer sold: checkout's guard reads `active`) or reactivates a product.
/// One conditional UPDATE naming the source state; NotFound for an unknown product.
pub fn set_active(
    conn: &mut MysqlConnection,
    id: i64,
    active: bool,
) -> Result<Activation, AppError> {
    let n = diesel::update(
        products::table
            .find(id)
            .filter(products::active.eq(!active)),
    )
    .set((
        products::active.eq(active),
        products::version.eq(products::version + 1),
    ))
    .execute(conn)?;
    if n == 1 {
        return Ok(Activation::Changed);
    }
    product(conn, id)?;
    Ok(Activation::Unchanged)
}

/// Adds a product (admin page, CLI): the product, its `restock` movement and its low-stock
/// threshold (the column's default when `None`) in one transaction.
pub fn add_product(
    conn: &mut MysqlConnection,
    new: &NewProduct<'_>,
    low_stock_threshold: Option<i32>,
    actor: Option<i64>,
) -> Result<CreateProduct, AppError> {
    in_transaction(conn, |c| {
        let created = create_product(c, new, actor)?;
        if let (CreateProduct::Created(id), Some(threshold)) = (&created, low_stock_threshold) {
            set_low_stock_threshold(c, *id, threshold)?;
        }
        Ok(created)
    })
}
