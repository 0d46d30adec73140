//! `/cart`: add from the catalog, change quantities, select lines for checkout, remove lines.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::{Ctx, Customer};
use super::catalog::catalog_page;
use super::csrf::{Form, NoFields};
use super::page::{money, render_status, see_other, Page};
use crate::domain::{Quantity, QuantityError};
use crate::error::AppError;
use crate::shop::cart::{self, CartLine};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(show)
        .service(add)
        .service(update)
        .service(remove);
}

/// A cart line as the page shows it.
pub struct LineView {
    pub product_id: i64,
    pub name: String,
    pub unit_price: String,
    pub quantity: String,
    pub selected: bool,
    pub line_total: String,
    /// Shown under the line: sold out, only N left, no longer sold.
    pub warning: Option<String>,
    /// The quantity field's error after a refused update.
    pub error: Option<String>,
}

pub fn line_views(lines: &[CartLine], symbol: &str) -> Vec<LineView> {
    lines
        .iter()
        .map(|l| LineView {
            product_id: l.product_id,
            name: l.name.clone(),
            unit_price: money(l.price_cents, symbol),
            quantity: l.quantity.to_string(),
            selected: l.selected,
            line_total: money(l.line_total_cents(), symbol),
            warning: stock_warning(l),
            error: None,
        })
        .collect()
}

/// What a line's shopper should know before checking out.
pub fn stock_warning(l: &CartLine) -> Option<String> {
    if !l.active {
        Some("No longer sold; please remove it.".into())
    } else if l.stock <= 0 {
        Some("Sold out.".into())
    } else if l.stock < l.quantity {
        Some(format!("Only {} left of {}.", l.stock, l.name))
    } else {
        None
    }
}

#[derive(Template)]
#[template(path = "cart/cart.html")]
struct CartPage {
    page: Page,
    lines: Vec<LineView>,
    selected_count: usize,
    selected_total: String,
}

async fn cart_page(
    ctx: &Ctx,
    user_id: i64,
    refused: Option<(i64, String, String)>,
) -> Result<HttpResponse, AppError> {
    let lines = ctx.run(move |c| cart::lines(c, user_id)).await?;
    let symbol = &ctx.state.settings.currency_symbol;
    let selected: Vec<CartLine> = lines.iter().filter(|l| l.selected).cloned().collect();
    let mut views = line_views(&lines, symbol);
    let status = if let Some((product_id, entered, error)) = refused {
        for v in views.iter_mut().filter(|v| v.product_id == product_id) {
            v.quantity = entered.clone();
            v.error = Some(error.clone());
        }
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render_status(
        &CartPage {
            page: ctx.page("Your cart"),
            lines: views,
            selected_count: selected.len(),
            selected_total: money(cart::total_cents(&selected), symbol),
        },
        status,
    )
}

#[get("/cart")]
async fn show(customer: Customer) -> Result<HttpResponse, AppError> {
    cart_page(&customer.ctx, customer.user.id, None).await
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    quantity: String,
}

/// A product id from a form field: digits only, else None.
fn parse_id(input: &str) -> Option<i64> {
    let s = input.trim();
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn quantity_message(e: QuantityError) -> String {
    e.to_string()
}

#[post("/cart/items")]
async fn add(customer: Customer, form: Form<AddForm>) -> Result<HttpResponse, AppError> {
    let Customer { ctx, user } = customer;
    let Some(product_id) = parse_id(&form.0.product_id) else {
        return Err(AppError::Invalid(
            "product_id: that is not a product of this shop.".into(),
        ));
    };
    let quantity = match Quantity::parse(&form.0.quantity) {
        Ok(q) => q,
        Err(e) => {
            return catalog_page(
                &ctx,
                Some((product_id, form.0.quantity.clone(), quantity_message(e))),
            )
            .await
        }
    };
    ctx.run(move |c| cart::add_to_cart(c, user.id, product_id, quantity))
        .await?;
    ctx.flash("ok", format!("Added {quantity} to your cart."));
    Ok(see_other("/cart"))
}

#[derive(Deserialize)]
struct UpdateForm {
    #[serde(default)]
    quantity: String,
    /// A checkbox: sent (any value) when ticked, absent when not.
    selected: Option<String>,
}

#[post("/cart/items/{product_id}")]
async fn update(
    customer: Customer,
    path: web::Path<String>,
    form: Form<UpdateForm>,
) -> Result<HttpResponse, AppError> {
    let Customer { ctx, user } = customer;
    let product_id = parse_id(&path.into_inner()).ok_or(AppError::NotFound)?;
    let UpdateForm { quantity, selected } = form.0;
    let selected = selected.is_some_and(|v| !matches!(v.as_str(), "0" | "false" | "off"));
    let q = match Quantity::parse(&quantity) {
        Ok(q) => q,
        Err(e) => {
            return cart_page(
                &ctx,
                user.id,
                Some((product_id, quantity, quantity_message(e))),
            )
            .await
        }
    };
    ctx.run(move |c| cart::update_line(c, user.id, product_id, q, selected))
        .await?;
    ctx.flash("ok", "Cart updated.");
    Ok(see_other("/cart"))
}

#[post("/cart/items/{product_id}/delete")]
async fn remove(
    customer: Customer,
    path: web::Path<String>,
    _form: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let Customer { ctx, user } = customer;
    let product_id = parse_id(&path.into_inner()).ok_or(AppError::NotFound)?;
    ctx.run(move |c| cart::remove_line(c, user.id, product_id))
        .await?;
    ctx.flash("ok", "Removed from your cart.");
    Ok(see_other("/cart"))
}
