//! `/admin/staff`: staff accounts (each of one store), create, disable / enable, password reset.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use diesel::MysqlConnection;
use serde::Deserialize;

use super::{optional_id, switch, text_field, Said, Switchable};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::accounts::{self, CreateAccount, NewAccount};
use crate::shop::staff::{self, StaffMember};
use crate::shop::stores::{self, Store};
use crate::web::auth::Admin;
use crate::web::clock::shop_time;
use crate::web::csrf::Form;
use crate::web::page::{render_status, see_other, Page};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(member)
        .service(reset_password)
        .route(
            "/admin/staff/{id}/{switch:(enable|disable)}",
            web::post().to(switch::<StaffSwitch>),
        );
}

#[derive(Default, Deserialize)]
struct StaffFields {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    store_id: String,
}

#[derive(Default)]
struct StaffErrors {
    username: Option<Msg>,
    display_name: Option<Msg>,
    password: Option<Msg>,
    store_id: Option<Msg>,
}

struct StaffLine {
    m: StaffMember,
    since: String,
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffPage {
    page: Page,
    staff: Vec<StaffLine>,
    stores: Vec<Store>,
    form: StaffFields,
    errors: StaffErrors,
}

impl StaffPage {
    fn store_selected(&self, id: &i64) -> bool {
        self.form.store_id == id.to_string()
    }
}

async fn page(
    admin: &Admin,
    form: StaffFields,
    errors: StaffErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (all, stores) = admin
        .ctx
        .run(|conn| Ok((staff::all_staff(conn)?, stores::all_stores(conn)?)))
        .await?;
    let offset = admin.ctx.state.settings.shop_utc_offset;
    render_status(
        &StaffPage {
            page: admin.ctx.page(msg!("title-staff")),
            staff: all
                .into_iter()
                .map(|m| StaffLine {
                    since: shop_time(m.created_at, offset, admin.ctx.locale),
                    m,
                })
                .collect(),
            stores,
            form,
            errors,
        },
        status,
    )
}

#[get("/admin/staff")]
async fn list(admin: Admin) -> Result<HttpResponse, AppError> {
    let (fields, errors) = Default::default();
    page(&admin, fields, errors, StatusCode::OK).await
}

#[post("/admin/staff")]
async fn create(admin: Admin, form: Form<StaffFields>) -> Result<HttpResponse, AppError> {
    let mut f = form.0;
    let username = f.username.trim().to_string();
    let display_name = text_field(&f.display_name, 100, false, "name");
    let mut errors = StaffErrors {
        username: accounts::validate_username(&username).err(),
        display_name: display_name.as_ref().err().cloned(),
        password: accounts::validate_password(&f.password).err(),
        store_id: None,
    };
    let store_id = match optional_id(&f.store_id, "store") {
        Ok(Some(id)) => Some(id),
        Ok(None) => {
            errors.store_id = Some(msg!("staff-store-required"));
            None
        }
        Err(e) => {
            errors.store_id = Some(e);
            None
        }
    };
    if let (None, None, Ok(display_name), Some(store_id)) =
        (&errors.username, &errors.password, display_name, store_id)
    {
        let u = username.clone();
        let hash = admin.ctx.state.passwords.hash(f.password.clone()).await?;
        let created = admin
            .ctx
            .run(move |conn| {
                let store = stores::all_stores(conn)?
                    .into_iter()
                    .find(|s| s.id == store_id && s.active);
                if store.is_none() {
                    return Ok(None);
                }
                accounts::create_account_hashed(
                    conn,
                    &NewAccount {
                        username: &u,
                        password: "",
                        display_name: &display_name,
                        role: Role::Staff,
                        store_id: Some(store_id),
                    },
                    &hash,
                )
                .map(Some)
            })
            .await?;
        match created {
            Some(CreateAccount::Created(_)) => {
                admin
                    .ctx
                    .flash("ok", msg!("staff-created", username = username));
                return Ok(see_other("/admin/staff"));
            }
            Some(CreateAccount::UsernameTaken) => errors.username = Some(msg!("username-taken")),
            None => errors.store_id = Some(msg!("staff-choose-open-store")),
        }
    }
    f.password.clear();
    page(&admin, f, errors, StatusCode::BAD_REQUEST).await
}

#[derive(Template)]
#[template(path = "admin/staff_member.html")]
struct MemberPage {
    page: Page,
    m: StaffMember,
    password_error: Option<Msg>,
}

async fn member_page(
    admin: &Admin,
    id: i64,
    password_error: Option<Msg>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let m = admin
        .ctx
        .run(move |conn| staff::staff_member(conn, id))
        .await?;
    render_status(
        &MemberPage {
            page: admin
                .ctx
                .page(msg!("title-staff-member", username = &m.username)),
            m,
            password_error,
        },
        status,
    )
}

#[get("/admin/staff/{user_id}")]
async fn member(admin: Admin, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    member_page(&admin, path.into_inner(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct PasswordFields {
    #[serde(default)]
    password: String,
}

#[post("/admin/staff/{user_id}/password")]
async fn reset_password(
    admin: Admin,
    path: web::Path<i64>,
    form: Form<PasswordFields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let password = form.0.password;
    if let Err(e) = accounts::validate_password(&password) {
        return member_page(&admin, id, Some(e), StatusCode::BAD_REQUEST).await;
    }
    let hash = admin.ctx.state.passwords.hash(password).await?;
    admin
        .ctx
        .run(move |conn| staff::reset_staff_password(conn, id, &hash))
        .await?;
    admin.ctx.flash("ok", msg!("staff-password-changed"));
    Ok(see_other(&format!("/admin/staff/{id}")))
}

/// The enable / disable buttons.
struct StaffSwitch;

impl Switchable for StaffSwitch {
    const LIST: &'static str = "/admin/staff";
    const SAID: Said = Said {
        turned_on: || msg!("staff-on"),
        turned_off: || msg!("staff-off"),
        already_on: || msg!("staff-already-on"),
        already_off: || msg!("staff-already-off"),
    };
    fn change(conn: &mut MysqlConnection, id: i64, on: bool) -> Result<bool, AppError> {
        staff::set_staff_disabled(conn, id, !on)
    }
}
