//! `/cart`: add from the catalog, change quantities, select lines for checkout, remove lines.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::{Ctx, Customer};
use super::catalog::catalog_page;
use super::csrf::{Form, NoFields};
use super::page::{money, render_status, see_other, Page};
use super::session::FlashLink;
use crate::domain::{Quantity, QuantityError};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
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
    pub warning: Option<Msg>,
    /// The quantity field's error after a refused update.
    pub error: Option<Msg>,
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
pub fn stock_warning(l: &CartLine) -> Option<Msg> {
    if !l.active {
        Some(msg!("cart-warning-inactive"))
    } else if l.stock <= 0 {
        Some(msg!("cart-warning-sold-out"))
    } else if l.stock < l.quantity {
        Some(msg!("cart-warning-few", n = l.stock, name = &l.name))
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
    refused: Option<(i64, String, Msg)>,
) -> Result<HttpResponse, AppError> {
    let lines = ctx.run(move |c| cart::lines(c, user_id)).await?;
    ctx.session
        .set_cart_count(lines.iter().map(|l| i64::from(l.quantity)).sum());
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
            page: ctx.page(msg!("title-cart")),
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

/// The quantity field's message (the domain's rule, in the reader's words).
pub fn quantity_message(_: QuantityError) -> Msg {
    msg!("quantity-invalid")
}

#[post("/cart/items")]
async fn add(customer: Customer, form: Form<AddForm>) -> Result<HttpResponse, AppError> {
    let Customer { ctx, user } = customer;
    let Some(product_id) = parse_id(&form.0.product_id) else {
        return Err(AppError::Invalid(crate::msg!("error-not-a-product")));
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
    let added = ctx
        .run(move |c| cart::add_to_cart(c, user.id, product_id, quantity))
        .await?;
    ctx.session.set_cart_count(added.cart_units);
    // Back to the catalog: buying three things should not mean going back and forth.
    ctx.session.flash_with_link(
        "ok",
        msg!("cart-added", quantity = quantity.get(), name = added.name),
        FlashLink {
            href: "/cart".into(),
            text: msg!("cart-view", n = added.cart_units),
        },
    );
    Ok(see_other(&format!("/#product-{product_id}")))
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
    ctx.session.forget_cart_count();
    ctx.flash("ok", msg!("cart-updated"));
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
    ctx.session.forget_cart_count();
    ctx.flash("ok", msg!("cart-removed"));
    Ok(see_other("/cart"))
}
