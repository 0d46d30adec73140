//! `/admin/stock`: the stock table; `/admin/stock/{id}`: a product's ledger and the adjust form.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::text_field;
use crate::domain::MovementReason;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::inventory::{self, StockRow, StockSort, StockedProduct};
use crate::shop::stock::Adjusted;
use crate::web::auth::Admin;
use crate::web::clock::shop_time;
use crate::web::csrf::Form;
use crate::web::page::{render, render_status, see_other, Page};

/// The largest single adjustment accepted (a typo guard, and far from INT overflow).
const MAX_DELTA: i32 = 100_000;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(overview).service(ledger).service(adjust);
}

#[derive(Deserialize)]
struct SortQuery {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
}

struct SortLink {
    key: &'static str,
    label: Msg,
    /// The `dir` a click on this heading asks for.
    next_dir: &'static str,
    /// ▲ / ▼ on the current sort column.
    arrow: &'static str,
}

#[derive(Template)]
#[template(path = "admin/stock.html")]
struct StockPage {
    page: Page,
    rows: Vec<StockRow>,
    heads: Vec<SortLink>,
}

#[get("/admin/stock")]
async fn overview(admin: Admin, q: web::Query<SortQuery>) -> Result<HttpResponse, AppError> {
    let sort = match q.sort.trim() {
        "" => StockSort::Name,
        s => {
            StockSort::parse(s).ok_or_else(|| AppError::Invalid(crate::msg!("error-stock-sort")))?
        }
    };
    let descending = match q.dir.trim() {
        "" | "asc" => false,
        "desc" => true,
        _ => return Err(AppError::Invalid(crate::msg!("error-stock-dir"))),
    };
    let rows = admin
        .ctx
        .run(move |conn| inventory::stock_overview(conn, sort, descending))
        .await?;
    let labels = [
        (StockSort::Name, msg!("stock-col-product")),
        (StockSort::Stock, msg!("stock-col-stock")),
        (StockSort::Sales, msg!("stock-col-sold")),
        (StockSort::Held, msg!("stock-col-held")),
        (StockSort::Low, msg!("stock-col-low")),
    ];
    let heads = labels
        .into_iter()
        .map(|(k, label)| {
            let current = k == sort;
            SortLink {
                key: k.as_str(),
                label,
                next_dir: if current && !descending {
                    "desc"
                } else {
                    "asc"
                },
                arrow: match (current, descending) {
                    (false, _) => "",
                    (true, false) => " ▲",
                    (true, true) => " ▼",
                },
            }
        })
        .collect();
    render(&StockPage {
        page: admin.ctx.page(msg!("title-stock")),
        rows,
        heads,
    })
}

struct LedgerLine {
    delta: String,
    reason: Msg,
    reason_key: MovementReason,
    order_no: Option<String>,
    actor: String,
    note: String,
    stock_after: i32,
    at: String,
}

#[derive(Template)]
#[template(path = "admin/ledger.html")]
struct LedgerPage {
    page: Page,
    product: StockedProduct,
    held: i64,
    lines: Vec<LedgerLine>,
    older: Option<i64>,
    is_first_page: bool,
    delta: String,
    reason: String,
    delta_error: Option<Msg>,
    reason_error: Option<Msg>,
}

#[derive(Deserialize)]
struct LedgerQuery {
    #[serde(default, deserialize_with = "crate::web::params::before")]
    before: Option<i64>,
}

struct AdjustForm {
    delta: String,
    reason: String,
    delta_error: Option<Msg>,
    reason_error: Option<Msg>,
}

async fn ledger_page(
    admin: &Admin,
    product_id: i64,
    before: Option<i64>,
    form: AdjustForm,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (product, held, (entries, older)) = admin
        .ctx
        .run(move |conn| {
            Ok((
                inventory::stocked_product(conn, product_id)?,
                inventory::held_units(conn, product_id)?,
                inventory::ledger_page(conn, product_id, before)?,
            ))
        })
        .await?;
    let offset = admin.ctx.state.settings.shop_utc_offset;
    let lines = entries
        .into_iter()
        .map(|e| LedgerLine {
            delta: format!("{:+}", e.delta),
            reason: e.reason.label(),
            reason_key: e.reason,
            order_no: e.order_no,
            actor: e.actor.unwrap_or_else(|| "—".into()),
            note: e.note,
            stock_after: e.stock_after,
            at: shop_time(e.created_at, offset, admin.ctx.locale),
        })
        .collect();
    let title = msg!("title-ledger", name = &product.name);
    render_status(
        &LedgerPage {
            page: admin.ctx.page(title),
            product,
            held,
            lines,
            older,
            is_first_page: before.is_none(),
            delta: form.delta,
            reason: form.reason,
            delta_error: form.delta_error,
            reason_error: form.reason_error,
        },
        status,
    )
}

#[get("/admin/stock/{product_id}")]
async fn ledger(
    admin: Admin,
    path: web::Path<i64>,
    q: web::Query<LedgerQuery>,
) -> Result<HttpResponse, AppError> {
    let form = AdjustForm {
        delta: String::new(),
        reason: String::new(),
        delta_error: None,
        reason_error: None,
    };
    ledger_page(&admin, path.into_inner(), q.before, form, StatusCode::OK).await
}

#[derive(Deserialize)]
struct AdjustFields {
    #[serde(default)]
    delta: String,
    #[serde(default)]
    reason: String,
}

/// A signed whole number of units, not zero, within ±MAX_DELTA.
fn parse_delta(raw: &str) -> Result<i32, Msg> {
    let t = raw.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let message = || msg!("delta-rule", max = MAX_DELTA);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 7 {
        return Err(message());
    }
    let v: i32 = t.parse().map_err(|_| message())?;
    if v == 0 {
        return Err(msg!("delta-zero"));
    }
    if v.abs() > MAX_DELTA {
        return Err(message());
    }
    Ok(v)
}

#[post("/admin/stock/{product_id}/adjust")]
async fn adjust(
    admin: Admin,
    path: web::Path<i64>,
    form: Form<AdjustFields>,
) -> Result<HttpResponse, AppError> {
    let product_id = path.into_inner();
    let AdjustFields { delta, reason } = form.0;
    let parsed_delta = parse_delta(&delta);
    let parsed_reason = text_field(&reason, 255, true, "reason");
    let (d, r) = match (&parsed_delta, &parsed_reason) {
        (Ok(d), Ok(r)) => (*d, r.clone()),
        _ => {
            let form = AdjustForm {
                delta,
                reason,
                delta_error: parsed_delta.err(),
                reason_error: parsed_reason.err(),
            };
            return ledger_page(&admin, product_id, None, form, StatusCode::BAD_REQUEST).await;
        }
    };
    let actor = admin.user.id;
    let adjustment = inventory::Adjustment {
        product_id,
        delta: d,
        actor,
        reason: r.clone(),
    };
    let outcome = admin
        .ctx
        .run(move |conn| inventory::adjust(conn, &adjustment))
        .await?;
    match outcome {
        Adjusted::Done { stock_after } => {
            admin.ctx.flash(
                "ok",
                msg!(
                    "stock-adjusted",
                    delta = format!("{d:+}"),
                    reason = r,
                    stock = stock_after
                ),
            );
            Ok(see_other(&format!("/admin/stock/{product_id}")))
        }
        Adjusted::WouldGoNegative { stock } => {
            let form = AdjustForm {
                delta,
                reason,
                delta_error: Some(msg!("stock-would-go-negative", stock = stock, take = -d)),
                reason_error: None,
            };
            ledger_page(&admin, product_id, None, form, StatusCode::CONFLICT).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_delta;

    #[test]
    fn deltas() {
        assert_eq!(parse_delta("12"), Ok(12));
        assert_eq!(parse_delta("+3"), Ok(3));
        assert_eq!(parse_delta(" -7 "), Ok(-7));
        for bad in [
            "",
            "0",
            "-0",
            "abc",
            "1.5",
            "--1",
            "+",
            "100001",
            "9223372036854775808",
            "1e3",
        ] {
            assert!(parse_delta(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
