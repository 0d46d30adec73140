//! `/admin`: the back office — one module per page area. Handlers check the admin, validate the
//! form, call one `shop` function and render; times are shown in the shop's time zone.

mod dashboard;
mod lookups;
mod orders;
mod products;
mod staff;
mod stock;
mod stores;

use actix_web::{web, HttpResponse};
use diesel::MysqlConnection;
use serde::Deserialize;

use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::web::auth::Admin;
use crate::web::csrf::{Form, NoFields};
use crate::web::page::see_other;

pub fn routes(cfg: &mut web::ServiceConfig) {
    dashboard::routes(cfg);
    stock::routes(cfg);
    products::routes(cfg);
    orders::routes(cfg);
    stores::routes(cfg);
    staff::routes(cfg);
    lookups::routes(cfg);
}

/// The on/off buttons of the admin lists: the last path segment says which way
/// (`/admin/stores/3/disable`, `/admin/products/7/activate`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Switch {
    Enable,
    Disable,
    Activate,
    Deactivate,
}

impl Switch {
    /// Enable and activate turn the thing on.
    pub fn on(self) -> bool {
        matches!(self, Switch::Enable | Switch::Activate)
    }
}

/// What the flash says after a switch: turned on or off now, or it already was.
pub struct Said {
    pub turned_on: fn() -> Msg,
    pub turned_off: fn() -> Msg,
    pub already_on: fn() -> Msg,
    pub already_off: fn() -> Msg,
}

/// A list whose rows have an on/off button: where the list is, what the flash says, and the change
/// itself (`true` when something changed).
pub trait Switchable: 'static {
    const LIST: &'static str;
    const SAID: Said;
    fn change(conn: &mut MysqlConnection, id: i64, on: bool) -> Result<bool, AppError>;
}

/// `POST {list}/{id}/{enable|disable|activate|deactivate}`: switches one row, flashes what it came
/// to, and goes back to the list.
pub async fn switch<T: Switchable>(
    admin: Admin,
    path: web::Path<(i64, Switch)>,
    _form: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (id, switch) = path.into_inner();
    let on = switch.on();
    let changed = admin.ctx.run(move |c| T::change(c, id, on)).await?;
    let text = match (changed, on) {
        (true, true) => T::SAID.turned_on,
        (true, false) => T::SAID.turned_off,
        (false, true) => T::SAID.already_on,
        (false, false) => T::SAID.already_off,
    };
    admin.ctx.flash("ok", text());
    Ok(see_other(T::LIST))
}

/// An optional id from a query or form field: empty is None, junk is an error message. `field`
/// is the catalog's selector for the field's name (`store`, `staff`, `status`, `outcome`).
pub fn optional_id(raw: &str, field: &'static str) -> Result<Option<i64>, Msg> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .map(Some)
        .ok_or_else(|| msg!("field-choose", field = field))
}

/// Trims a free-text field and checks its length in characters.
/// `what` is the catalog's selector for the field's name (`name`, `reason`, `address`, …).
pub fn text_field(
    raw: &str,
    max: usize,
    required: bool,
    what: &'static str,
) -> Result<String, Msg> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(msg!("field-required", field = what));
    }
    if t.chars().count() > max {
        return Err(msg!("field-too-long", field = what, max = max));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_ids_and_text_fields() {
        assert_eq!(optional_id(" ", "store"), Ok(None));
        assert_eq!(optional_id("7", "store"), Ok(Some(7)));
        assert!(optional_id("x", "store").is_err());
        assert!(optional_id("-1", "store").is_err());
        assert_eq!(text_field("  a ", 3, true, "name"), Ok("a".into()));
        assert!(text_field("", 3, true, "name").is_err());
        assert!(text_field("abcd", 3, false, "name").is_err());
    }
}
