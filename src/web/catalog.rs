//! `/`: the catalog with add-to-cart forms.

use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::auth::Ctx;
use super::page::{money, render, Page};
use crate::error::AppError;
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
}

impl ProductCard {
    pub fn sold_out(&self) -> bool {
        self.stock <= 0
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
    let products = ctx.state.db.run(catalog::active_products).await?;
    let symbol = ctx.state.settings.currency_symbol.clone();
    let products = products
        .into_iter()
        .map(|p: Product| ProductCard {
            id: p.id,
            name: p.name,
            description: p.description,
            price: money(p.price_cents, &symbol),
            stock: p.stock,
        })
        .collect();
    render(&CatalogPage {
        page: ctx.page("Shop"),
        products,
    })
}
