//! `/`: the catalog with add-to-cart forms.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::auth::Ctx;
use super::page::{money, render_status, Page};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::shop::catalog::{self, Product};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index);
}

pub struct ProductCard {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub price: String,
    pub stock: i32,
    /// The quantity typed into this card's form when adding it was refused, and why.
    pub refused: Option<(String, Msg)>,
}

impl ProductCard {
    pub fn sold_out(&self) -> bool {
        self.stock <= 0
    }
    /// What the quantity field shows: 1, or what was typed when it was refused.
    pub fn quantity_value(&self) -> &str {
        self.refused
            .as_ref()
            .map(|(q, _)| q.as_str())
            .unwrap_or("1")
    }
    pub fn few_left(&self) -> bool {
        (1..=5).contains(&self.stock)
    }
}

#[derive(Template)]
#[template(path = "shop/catalog.html")]
struct CatalogPage {
    page: Page,
    products: Vec<ProductCard>,
}

#[get("/")]
async fn index(ctx: Ctx) -> Result<HttpResponse, AppError> {
    catalog_page(&ctx, None).await
}

/// The catalog; with `refused` = (product id, quantity entered, message) it is the add-to-cart
/// form shown again with the error next to that product's quantity (400).
pub async fn catalog_page(
    ctx: &Ctx,
    refused: Option<(i64, String, Msg)>,
) -> Result<HttpResponse, AppError> {
    let status = if refused.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let products = ctx.run(catalog::active_products).await?;
    let symbol = ctx.state.settings.currency_symbol.clone();
    let products = products
        .into_iter()
        .map(|p: Product| ProductCard {
            id: p.id,
            name: p.name,
            description: p.description,
            price: money(p.price_cents, &symbol),
            stock: p.stock,
            refused: refused
                .as_ref()
                .filter(|(id, _, _)| *id == p.id)
                .map(|(_, entered, message)| (entered.clone(), message.clone())),
        })
        .collect();
    render_status(
        &CatalogPage {
            page: ctx.page(crate::msg!("title-shop")),
            products,
        },
        status,
    )
}
