//! Orders made directly in the database for tests that need many of them fast, or need one in a
//! given state (the counter, admin lists). They keep every invariant: stock is taken with `sale`
//! movements, lines add up, a confirmed order gets its pickup code through the real issuer.

use diesel::prelude::*;
use rand::Rng;

use shopcounter::db::in_transaction;
use shopcounter::db::schema::{order_lines, orders, payments, products};
use shopcounter::domain::{MovementReason, OrderNo, OrderStatus, PayMethod};
use shopcounter::error::{is_unique_violation, violated_key, AppError};
use shopcounter::shop::pickup::{issue_pickup_code, Issued};
use shopcounter::shop::stock::{current_stock, record_movements, Movement};

use super::helpers::TestApp;

pub struct OrderSpec<'a> {
    pub user_id: i64,
    pub store_id: i64,
    pub pay_method: PayMethod,
    /// PendingPayment, or Confirmed (paid if online; gets a pickup code), or Ready.
    pub status: OrderStatus,
    /// (product_id, quantity)
    pub lines: &'a [(i64, i32)],
}

pub struct MadeOrder {
    pub id: i64,
    pub order_no: String,
    pub pickup_code: Option<String>,
}

/// Creates one order as checkout (+ payment) would have left it.
pub fn create_order(app: &TestApp, spec: &OrderSpec<'_>) -> MadeOrder {
    let mut conn = app.conn();
    let digits = app.settings.pickup_code_digits;
    in_transaction(&mut conn, |c| {
        let mut total = 0i64;
        let mut priced = Vec::new();
        for &(product_id, qty) in spec.lines {
            let (name, price): (String, i64) = products::table
                .find(product_id)
                .select((products::name, products::price_cents))
                .first(c)?;
            total += price * i64::from(qty);
            priced.push((product_id, qty, name, price));
        }
        let expires = chrono::Utc::now().naive_utc()
            + chrono::Duration::seconds(app.settings.payment_window_seconds);
        // Order numbers are the second plus six random digits: hundreds of fixture orders within
        // one second draw a taken one now and then, and draw again, as checkout does.
        let order_no = loop {
            let order_no = OrderNo::generate(chrono::Utc::now(), &mut rand::thread_rng());
            let inserted = diesel::insert_into(orders::table)
                .values((
                    orders::order_no.eq(order_no.as_str()),
                    orders::user_id.eq(spec.user_id),
                    orders::store_id.eq(spec.store_id),
                    orders::status.eq(spec.status.as_str()),
                    orders::pay_method.eq(spec.pay_method.as_str()),
                    orders::total_cents.eq(total),
                    orders::expires_at
                        .eq((spec.status == OrderStatus::PendingPayment).then_some(expires)),
                    orders::paid_at.eq((spec.status != OrderStatus::PendingPayment
                        && spec.pay_method == PayMethod::Online)
                        .then(|| chrono::Utc::now().naive_utc())),
                ))
                .execute(c);
            match inserted {
                Ok(_) => break order_no,
                Err(e)
                    if is_unique_violation(&e)
                        && violated_key(&e).as_deref() == Some("uq_orders_order_no") => {}
                Err(e) => return Err(e.into()),
            }
        };
        let id: i64 = orders::table
            .filter(orders::order_no.eq(order_no.as_str()))
            .select(orders::id)
            .first(c)?;
        let mut movements = Vec::new();
        for (product_id, qty, name, price) in &priced {
            diesel::insert_into(order_lines::table)
                .values((
                    order_lines::order_id.eq(id),
                    order_lines::product_id.eq(product_id),
                    order_lines::product_name.eq(name),
                    order_lines::unit_price_cents.eq(price),
                    order_lines::quantity.eq(qty),
                    order_lines::line_total_cents.eq(price * i64::from(*qty)),
                ))
                .execute(c)?;
            let n = diesel::update(
                products::table
                    .find(product_id)
                    .filter(products::stock.ge(qty)),
            )
            .set((
                products::stock.eq(products::stock - qty),
                products::sales.eq(products::sales + qty),
            ))
            .execute(c)?;
            assert_eq!(n, 1, "fixture: not enough stock of product {product_id}");
            movements.push(Movement {
                product_id: *product_id,
                delta: -qty,
                reason: MovementReason::Sale,
                order_id: Some(id),
                actor_user_id: None,
                note: "",
                stock_after: current_stock(c, *product_id)?,
            });
        }
        record_movements(c, &movements)?;
        let mut pickup_code = None;
        if spec.status.has_active_pickup_code() {
            match issue_pickup_code(c, id, digits)? {
                Issued::Code(code) => pickup_code = Some(code),
                Issued::SpaceFull => {
                    return Err(AppError::Conflict(shopcounter::msg!("error-form-reused")))
                }
            }
            if spec.pay_method == PayMethod::Online {
                diesel::insert_into(payments::table)
                    .values((
                        payments::order_id.eq(id),
                        payments::amount_cents.eq(total),
                        payments::method.eq("online"),
                        payments::provider_ref
                            .eq(format!("fixture-{:016x}", rand::thread_rng().gen::<u64>())),
                    ))
                    .execute(c)?;
            }
        }
        Ok::<_, AppError>(MadeOrder {
            id,
            order_no: order_no.as_str().to_string(),
            pickup_code,
        })
    })
    .expect("fixture order")
}
