//! The cart: one line per product (quantities merge, capped at 99), lines can be selected for
//! checkout or set aside, changed or removed.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer};

use crate::db::schema::{cart_items, products};
use crate::db::Prepared;
use crate::domain::Quantity;
use crate::error::AppError;

/// A cart line with the product as it is now.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cart_items)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct CartLine {
    pub product_id: i64,
    pub quantity: i32,
    pub selected: bool,
    #[diesel(select_expression = products::name)]
    pub name: String,
    #[diesel(select_expression = products::price_cents)]
    pub price_cents: i64,
    #[diesel(select_expression = products::stock)]
    pub stock: i32,
    #[diesel(select_expression = products::active)]
    pub active: bool,
}

impl CartLine {
    pub fn line_total_cents(&self) -> i64 {
        self.price_cents * i64::from(self.quantity)
    }
}

/// Adds `quantity` of an active product; the same product merges into its line (capped at 99)
/// and the line is selected again. Unknown or inactive products are NotFound. Returns the
/// product's name and the units now in the cart.
pub fn add_to_cart(
    conn: &mut MysqlConnection,
    user_id: i64,
    product_id: i64,
    quantity: Quantity,
) -> Result<Added, AppError> {
    // Only an active product is added (the SELECT finds no row otherwise: nothing inserted).
    // ON DUPLICATE KEY UPDATE (MySQL/MariaDB syntax, see README) merges into the one line per product.
    let matched = Prepared::new(
        "INSERT INTO cart_items (user_id, product_id, quantity, selected) \
         SELECT ?, p.id, ?, TRUE FROM products p WHERE p.id = ? AND p.active = TRUE \
         ON DUPLICATE KEY UPDATE quantity = LEAST(cart_items.quantity + VALUES(quantity), 99), \
         selected = TRUE",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<Integer, _>(quantity.get())
    .bind::<BigInt, _>(product_id)
    .execute(conn)?;
    if matched == 0 {
        return Err(AppError::NotFound);
    }
    // The product's name and the units now in the cart, in one statement.
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        units: i64,
    }
    let row: Row = Prepared::new(
        "SELECT p.name, \
         CAST((SELECT COALESCE(SUM(c.quantity), 0) FROM cart_items c WHERE c.user_id = ?) AS SIGNED) AS units \
         FROM products p WHERE p.id = ?",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<BigInt, _>(product_id)
    .get_result(conn)?;
    Ok(Added {
        name: row.name,
        cart_units: row.units,
    })
}

/// What adding to the cart did, for the message on the catalog.
#[derive(Debug, Clone)]
pub struct Added {
    pub name: String,
    /// Units of every line in the cart now.
    pub cart_units: i64,
}

/// Units in the user's cart (every line, selected or not): the nav's cart count.
pub fn unit_count(conn: &mut MysqlConnection, user_id: i64) -> Result<i64, AppError> {
    let n: Option<i64> = cart_items::table
        .filter(cart_items::user_id.eq(user_id))
        .select(diesel::dsl::sum(cart_items::quantity))
        .first(conn)?;
    Ok(n.unwrap_or(0))
}

/// Sets a line's quantity and whether it is selected; NotFound if the user has no such line.
pub fn update_line(
    conn: &mut MysqlConnection,
    user_id: i64,
    product_id: i64,
    quantity: Quantity,
    selected: bool,
) -> Result<(), AppError> {
    let matched = Prepared::new(
        "UPDATE cart_items SET quantity = ?, selected = ? WHERE user_id = ? AND product_id = ?",
    )
    .bind::<Integer, _>(quantity.get())
    .bind::<Bool, _>(selected)
    .bind::<BigInt, _>(user_id)
    .bind::<BigInt, _>(product_id)
    .execute(conn)?;
    if matched == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Removes a line (removing one that is already gone is fine: the cart ends up the same).
pub fn remove_line(
    conn: &mut MysqlConnection,
    user_id: i64,
    product_id: i64,
) -> Result<(), AppError> {
    diesel::delete(cart_items::table.find((user_id, product_id))).execute(conn)?;
    Ok(())
}

/// Every line of the user's cart, in ascending product id.
pub fn lines(conn: &mut MysqlConnection, user_id: i64) -> Result<Vec<CartLine>, AppError> {
    Ok(cart_items::table
        .inner_join(products::table.on(products::id.eq(cart_items::product_id)))
        .filter(cart_items::user_id.eq(user_id))
        .order(cart_items::product_id.asc())
        .select(CartLine::as_select())
        .load(conn)?)
}

/// The selected lines, in ascending product id (the lock order of checkout). A plain read: no locks.
pub fn selected_lines(conn: &mut MysqlConnection, user_id: i64) -> Result<Vec<CartLine>, AppError> {
    let mut all = lines(conn, user_id)?;
    all.retain(|l| l.selected);
    Ok(all)
}

/// The product ids of the selected lines (for the admission gate, before the checkout transaction).
pub fn selected_product_ids(
    conn: &mut MysqlConnection,
    user_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(cart_items::table
        .filter(cart_items::user_id.eq(user_id))
        .filter(cart_items::selected.eq(true))
        .order(cart_items::product_id.asc())
        .select(cart_items::product_id)
        .load(conn)?)
}

/// Removes the given products' lines (the ones just checked out).
pub fn remove_lines(
    conn: &mut MysqlConnection,
    user_id: i64,
    product_ids: &[i64],
) -> Result<(), AppError> {
    if product_ids.is_empty() {
        return Ok(());
    }
    // One cached statement per number of lines (bounded by the catalog), not one per checkout.
    let mut delete = Prepared::new(format!(
        "DELETE FROM cart_items WHERE user_id = ? AND product_id IN ({})",
        Prepared::placeholders(product_ids.len())
    ))
    .bind::<BigInt, _>(user_id);
    for id in product_ids {
        delete = delete.bind::<BigInt, _>(*id);
    }
    delete.execute(conn)?;
    Ok(())
}

/// What the given lines cost at today's prices.
pub fn total_cents(lines: &[CartLine]) -> i64 {
    lines.iter().map(CartLine::line_total_cents).sum()
}
