//! `/admin/products`: the list with a create form, `/admin/products/{id}` to edit, and
//! deactivate / reactivate. Price edits change the product only: order lines keep their price.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use diesel::MysqlConnection;
use serde::Deserialize;

use super::{switch, text_field, Said, Switchable};
use crate::domain::parse_price;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::catalog::{CreateProduct, NewProduct, Product};
use crate::shop::products::{self, Activation, ProductEdit};
use crate::web::auth::Admin;
use crate::web::csrf::Form;
use crate::web::page::{money, render_status, see_other, Page};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(edit_form)
        .service(edit)
        .route(
            "/admin/products/{id}/{switch:(activate|deactivate)}",
            web::post().to(switch::<ProductSwitch>),
        );
}

/// What the product forms hold, as typed, and the message next to each field.
#[derive(Default, Deserialize)]
struct ProductFields {
    #[serde(default)]
    sku: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    stock: String,
    #[serde(default)]
    low_stock_threshold: String,
}

#[derive(Default)]
struct ProductErrors {
    sku: Option<Msg>,
    name: Option<Msg>,
    description: Option<Msg>,
    price: Option<Msg>,
    stock: Option<Msg>,
    low_stock_threshold: Option<Msg>,
}

impl ProductErrors {
    fn any(&self) -> bool {
        self.sku.is_some()
            || self.name.is_some()
            || self.description.is_some()
            || self.price.is_some()
            || self.stock.is_some()
            || self.low_stock_threshold.is_some()
    }
}

struct ProductLine {
    p: Product,
    price: String,
}

#[derive(Template)]
#[template(path = "admin/products.html")]
struct ProductsPage {
    page: Page,
    products: Vec<ProductLine>,
    form: ProductFields,
    errors: ProductErrors,
}

#[derive(Template)]
#[template(path = "admin/product_edit.html")]
struct EditPage {
    page: Page,
    product: Product,
    form: ProductFields,
    errors: ProductErrors,
}

/// `what` is the catalog's selector for the field's name (`stock`, `threshold`).
fn whole_number(raw: &str, max: i32, what: &'static str) -> Result<i32, Msg> {
    let t = raw.trim();
    let msg = || msg!("field-whole-number", field = what, max = max);
    if t.is_empty() || t.len() > 9 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(msg());
    }
    t.parse::<i32>().ok().filter(|v| *v <= max).ok_or_else(msg)
}

/// The price field's message, in the reader's words.
fn price_message(e: crate::domain::PriceError) -> Msg {
    use crate::domain::PriceError;
    match e {
        PriceError::Empty => msg!("price-empty"),
        PriceError::Negative => msg!("price-negative"),
        PriceError::NotANumber => msg!("price-not-a-number"),
        PriceError::TooManyDecimals => msg!("price-decimals"),
        PriceError::TooLarge => msg!("price-too-large"),
    }
}

fn validate_sku(raw: &str) -> Result<String, Msg> {
    let t = raw.trim();
    let ok = (1..=64).contains(&t.len())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(t.to_string())
    } else {
        Err(msg!("sku-rule"))
    }
}

async fn list_page(
    admin: &Admin,
    form: ProductFields,
    errors: ProductErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let all = admin.ctx.run(products::all_products).await?;
    let symbol = &admin.ctx.state.settings.currency_symbol;
    let products = all
        .into_iter()
        .map(|p| ProductLine {
            price: money(p.price_cents, symbol),
            p,
        })
        .collect();
    render_status(
        &ProductsPage {
            page: admin.ctx.page(msg!("title-products")),
            products,
            form,
            errors,
        },
        status,
    )
}

#[get("/admin/products")]
async fn list(admin: Admin) -> Result<HttpResponse, AppError> {
    let form = ProductFields {
        stock: "0".into(),
        low_stock_threshold: "5".into(),
        ..ProductFields::default()
    };
    list_page(&admin, form, ProductErrors::default(), StatusCode::OK).await
}

#[post("/admin/products")]
async fn create(admin: Admin, form: Form<ProductFields>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let sku = validate_sku(&f.sku);
    let name = text_field(&f.name, 200, true, "name");
    let description = text_field(&f.description, 2000, false, "description");
    let price = parse_price(&f.price).map_err(price_message);
    let stock = whole_number(&f.stock, 1_000_000, "stock");
    let threshold = whole_number(&f.low_stock_threshold, 1_000_000, "threshold");
    let mut errors = ProductErrors {
        sku: sku.as_ref().err().cloned(),
        name: name.as_ref().err().cloned(),
        description: description.as_ref().err().cloned(),
        price: price.as_ref().err().cloned(),
        stock: stock.as_ref().err().cloned(),
        low_stock_threshold: threshold.as_ref().err().cloned(),
    };
    if let (Ok(sku), Ok(name), Ok(description), Ok(price), Ok(stock), Ok(threshold)) =
        (sku, name, description, price, stock, threshold)
    {
        let actor = admin.user.id;
        let shown = name.clone();
        let created = admin
            .ctx
            .run(move |conn| {
                let new = NewProduct {
                    sku: &sku,
                    name: &name,
                    description: &description,
                    price_cents: price,
                    stock,
                };
                products::add_product(conn, &new, Some(threshold), Some(actor))
            })
            .await?;
        match created {
            CreateProduct::Created(_) => {
                admin.ctx.flash("ok", msg!("product-created", name = shown));
                return Ok(see_other("/admin/products"));
            }
            CreateProduct::SkuTaken => {
                errors.sku = Some(msg!("sku-taken"));
            }
        }
    }
    debug_assert!(errors.any());
    list_page(&admin, f, errors, StatusCode::BAD_REQUEST).await
}

async fn edit_page(
    admin: &Admin,
    id: i64,
    form: Option<ProductFields>,
    errors: ProductErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let product = admin
        .ctx
        .run(move |conn| products::product(conn, id))
        .await?;
    let form = form.unwrap_or_else(|| ProductFields {
        sku: product.sku.clone(),
        name: product.name.clone(),
        description: product.description.clone(),
        price: money(product.price_cents, ""),
        stock: String::new(),
        low_stock_threshold: product.low_stock_threshold.to_string(),
    });
    let title = msg!("title-product-edit", name = &product.name);
    render_status(
        &EditPage {
            page: admin.ctx.page(title),
            product,
            form,
            errors,
        },
        status,
    )
}

#[get("/admin/products/{id}")]
async fn edit_form(admin: Admin, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    edit_page(
        &admin,
        path.into_inner(),
        None,
        ProductErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/admin/products/{id}")]
async fn edit(
    admin: Admin,
    path: web::Path<i64>,
    form: Form<ProductFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    let name = text_field(&f.name, 200, true, "name");
    let description = text_field(&f.description, 2000, false, "description");
    let price = parse_price(&f.price).map_err(price_message);
    let threshold = whole_number(&f.low_stock_threshold, 1_000_000, "threshold");
    let errors = ProductErrors {
        name: name.as_ref().err().cloned(),
        description: description.as_ref().err().cloned(),
        price: price.as_ref().err().cloned(),
        low_stock_threshold: threshold.as_ref().err().cloned(),
        ..ProductErrors::default()
    };
    let (Ok(name), Ok(description), Ok(price), Ok(threshold)) =
        (name, description, price, threshold)
    else {
        return edit_page(&admin, id, Some(f), errors, StatusCode::BAD_REQUEST).await;
    };
    let shown = name.clone();
    let found = admin
        .ctx
        .run(move |conn| {
            products::update_product(
                conn,
                id,
                &ProductEdit {
                    name: &name,
                    description: &description,
                    price_cents: price,
                    low_stock_threshold: threshold,
                },
            )
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    admin.ctx.flash("ok", msg!("product-saved", name = shown));
    Ok(see_other("/admin/products"))
}

/// The enable / disable buttons.
struct ProductSwitch;

impl Switchable for ProductSwitch {
    const LIST: &'static str = "/admin/products";
    const SAID: Said = Said {
        turned_on: || msg!("product-on"),
        turned_off: || msg!("product-off"),
        already_on: || msg!("product-already-on"),
        already_off: || msg!("product-already-off"),
    };
    fn change(conn: &mut MysqlConnection, id: i64, on: bool) -> Result<bool, AppError> {
        Ok(products::set_active(conn, id, on)? == Activation::Changed)
    }
}
