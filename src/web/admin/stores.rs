//! `/admin/stores`: the stores, a create form, and disable / enable.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use diesel::MysqlConnection;
use serde::Deserialize;

use super::{switch, text_field, Said, Switchable};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::stores::{self, CreateStore, Store};
use crate::web::auth::Admin;
use crate::web::csrf::Form;
use crate::web::page::{render_status, see_other, Page};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).route(
        "/admin/stores/{id}/{switch:(enable|disable)}",
        web::post().to(switch::<StoreSwitch>),
    );
}

#[derive(Default, Deserialize)]
struct StoreFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
}

#[derive(Default)]
struct StoreErrors {
    code: Option<Msg>,
    name: Option<Msg>,
    address: Option<Msg>,
}

#[derive(Template)]
#[template(path = "admin/stores.html")]
struct StoresPage {
    page: Page,
    stores: Vec<Store>,
    form: StoreFields,
    errors: StoreErrors,
}

async fn page(
    admin: &Admin,
    form: StoreFields,
    errors: StoreErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let stores = admin.ctx.run(stores::all_stores).await?;
    render_status(
        &StoresPage {
            page: admin.ctx.page(msg!("title-stores")),
            stores,
            form,
            errors,
        },
        status,
    )
}

#[get("/admin/stores")]
async fn list(admin: Admin) -> Result<HttpResponse, AppError> {
    let (fields, errors) = Default::default();
    page(&admin, fields, errors, StatusCode::OK).await
}

#[post("/admin/stores")]
async fn create(admin: Admin, form: Form<StoreFields>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let code = f.code.trim().to_string();
    let code_ok = stores::validate_code(&code);
    let name = text_field(&f.name, 100, true, "name");
    let address = text_field(&f.address, 255, false, "address");
    let mut errors = StoreErrors {
        code: code_ok.err(),
        name: name.as_ref().err().cloned(),
        address: address.as_ref().err().cloned(),
    };
    if let (None, Ok(name), Ok(address)) = (&errors.code, name, address) {
        let c = code.clone();
        let shown = name.clone();
        let created = admin
            .ctx
            .run(move |conn| stores::create_store(conn, &c, &name, &address))
            .await?;
        match created {
            CreateStore::Created(_) => {
                admin
                    .ctx
                    .flash("ok", msg!("store-created", code = &code, name = shown));
                return Ok(see_other("/admin/stores"));
            }
            CreateStore::CodeTaken => errors.code = Some(msg!("store-code-taken")),
        }
    }
    page(&admin, f, errors, StatusCode::BAD_REQUEST).await
}

/// The enable / disable buttons.
struct StoreSwitch;

impl Switchable for StoreSwitch {
    const LIST: &'static str = "/admin/stores";
    const SAID: Said = Said {
        turned_on: || msg!("store-on"),
        turned_off: || msg!("store-off"),
        already_on: || msg!("store-already-on"),
        already_off: || msg!("store-already-off"),
    };
    fn change(conn: &mut MysqlConnection, id: i64, on: bool) -> Result<bool, AppError> {
        stores::set_store_active(conn, id, on)
    }
}
