//! `/admin/lookups`: the counter audit, newest first, filterable by store, staff and outcome.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::optional_id;
use crate::domain::LookupOutcome;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::lookup_audit::{self, LookupFilter};
use crate::shop::staff::{self, StaffMember};
use crate::shop::stores::{self, Store};
use crate::web::auth::Admin;
use crate::web::clock::shop_time;
use crate::web::page::{render_status, Page};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list);
}

#[derive(Deserialize)]
struct LookupQuery {
    #[serde(default)]
    store: String,
    #[serde(default)]
    staff: String,
    #[serde(default)]
    outcome: String,
    #[serde(default, deserialize_with = "crate::web::params::before")]
    before: Option<i64>,
}

struct Line {
    at: String,
    store: String,
    staff: String,
    entered: String,
    outcome: LookupOutcome,
    outcome_label: Msg,
    failed: bool,
    order_no: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/lookups.html")]
struct LookupsPage {
    page: Page,
    stores: Vec<Store>,
    staff: Vec<StaffMember>,
    outcomes: &'static [LookupOutcome],
    store: String,
    staff_id: String,
    outcome: String,
    error: Option<Msg>,
    lines: Vec<Line>,
    older_link: Option<String>,
    is_first_page: bool,
}

/// What staff typed, with all but the last two digits hidden (a full code is not for the screen).
fn masked(entered: &str) -> String {
    let n = entered.chars().count();
    if n <= 2 {
        return "•".repeat(n);
    }
    let tail: String = entered.chars().skip(n - 2).collect();
    format!("{}{tail}", "•".repeat(n - 2))
}

impl TryFrom<&LookupQuery> for LookupFilter {
    /// One message for the form (the last field that is wrong).
    type Error = Msg;

    fn try_from(q: &LookupQuery) -> Result<LookupFilter, Msg> {
        let store_id = optional_id(&q.store, "store");
        let staff_user_id = optional_id(&q.staff, "staff");
        let outcome = match q.outcome.trim() {
            "" => Ok(None),
            o => LookupOutcome::parse(o)
                .map(Some)
                .ok_or_else(|| msg!("field-choose", field = "outcome")),
        };
        Ok(LookupFilter {
            outcome: outcome?,
            staff_user_id: staff_user_id?,
            store_id: store_id?,
        })
    }
}

#[get("/admin/lookups")]
async fn list(admin: Admin, q: web::Query<LookupQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let filter = LookupFilter::try_from(&q);
    let error = filter.as_ref().err().cloned();
    let invalid = error.is_some();
    let before = q.before;
    let (stores, staff, (rows, older)) = admin
        .ctx
        .run(move |conn| {
            let page = match &filter {
                Ok(filter) => lookup_audit::lookup_page(conn, filter, before)?,
                Err(_) => (Vec::new(), None),
            };
            Ok((stores::all_stores(conn)?, staff::all_staff(conn)?, page))
        })
        .await?;
    let offset = admin.ctx.state.settings.shop_utc_offset;
    let lines = rows
        .into_iter()
        .map(|r| Line {
            at: shop_time(r.created_at, offset, admin.ctx.locale),
            store: r.store_name,
            staff: r.staff,
            entered: masked(&r.entered),
            outcome_label: r.outcome.label(),
            failed: r.outcome.is_failure(),
            outcome: r.outcome,
            order_no: r.order_no,
        })
        .collect();
    let older_link = older.map(|id| {
        let params: Vec<(&str, String)> = [
            ("store", q.store.trim().to_string()),
            ("staff", q.staff.trim().to_string()),
            ("outcome", q.outcome.trim().to_string()),
            ("before", id.to_string()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        format!(
            "/admin/lookups?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    });
    render_status(
        &LookupsPage {
            page: admin.ctx.page(msg!("title-lookups")),
            stores,
            staff,
            outcomes: LookupOutcome::ALL,
            store: q.store.trim().to_string(),
            staff_id: q.staff.trim().to_string(),
            outcome: q.outcome.trim().to_string(),
            error,
            lines,
            older_link,
            is_first_page: before.is_none(),
        },
        if invalid {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn entered_codes_are_masked() {
        assert_eq!(super::masked("4829137"), "•••••37");
        assert_eq!(super::masked("12"), "••");
    }
}
