//! `/admin/orders`: filters, search and keyset pages; `/admin/orders/{order_no}`: the order with
//! its timeline, and the admin's submit-once cancel.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{Datelike, FixedOffset, NaiveDate};
use serde::Deserialize;

use super::{optional_id, text_field};
use crate::domain::{OrderStatus, PayMethod, Purpose};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::order_detail::{self, AdminCancel, OrderDetail};
use crate::shop::order_list::{self, Cursor, OrderFilter};
use crate::shop::stores::{self, Store};
use crate::web::auth::Admin;
use crate::web::clock::{shop_day, shop_time, shop_time_iso};
use crate::web::csrf::Form;
use crate::web::page::{money, render_status, see_other, Page};
use crate::web::submit;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(export_csv)
        .service(detail)
        .service(cancel);
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    store: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
    #[serde(default, deserialize_with = "crate::web::params::before")]
    before: Option<i64>,
    #[serde(default, deserialize_with = "crate::web::params::after")]
    after: Option<i64>,
}

#[derive(Default)]
struct FilterErrors {
    status: Option<Msg>,
    store: Option<Msg>,
    from: Option<Msg>,
    to: Option<Msg>,
    q: Option<Msg>,
    page: Option<Msg>,
}

struct ListRow {
    order_no: String,
    created: String,
    customer: String,
    store: String,
    status: OrderStatus,
    status_label: Msg,
    pay_method: PayMethod,
    total: String,
}

#[derive(Template)]
#[template(path = "admin/orders.html")]
struct OrdersPage {
    page: Page,
    statuses: &'static [OrderStatus],
    stores: Vec<Store>,
    status: String,
    store: String,
    from: String,
    to: String,
    q: String,
    errors: FilterErrors,
    rows: Vec<ListRow>,
    page_no: u32,
    newer_link: Option<String>,
    older_link: Option<String>,
    first_link: Option<String>,
    /// The CSV export of the same filters.
    csv_link: String,
}

impl OrdersPage {
    fn store_selected(&self, id: &i64) -> bool {
        self.store == id.to_string()
    }
}

fn parse_date(raw: &str) -> Result<Option<NaiveDate>, Msg> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) if (2000..=9999).contains(&d.year()) => Ok(Some(d)),
        Ok(_) => Err(msg!("date-out-of-range")),
        Err(_) => Err(msg!("date-format")),
    }
}

impl FilterErrors {
    fn any(&self) -> bool {
        self.status.is_some()
            || self.store.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.q.is_some()
            || self.page.is_some()
    }
}

/// The list's query, parsed: which orders, and where the page starts.
struct ListRequest {
    filter: OrderFilter,
    cursor: Cursor,
}

impl ListQuery {
    /// The page number asked for; none is page 1.
    fn page_no(&self) -> Result<u32, Msg> {
        match self.page.trim() {
            "" => Ok(1),
            p => match p.parse::<u32>() {
                Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
                _ => Err(msg!("page-rule")),
            },
        }
    }

    /// The search as it is used: trimmed, at most 64 characters (a longer one is refused, never
    /// silently dropped).
    fn search(&self) -> Result<String, Msg> {
        text_field(&self.q, 64, false, "search")
    }

    /// Every field checked; the dates are days in the shop's time zone.
    fn parse(&self, offset: FixedOffset) -> Result<ListRequest, Box<FilterErrors>> {
        let status = match self.status.trim() {
            "" => Ok(None),
            s => OrderStatus::parse(s)
                .map(Some)
                .ok_or_else(|| msg!("field-choose", field = "status")),
        };
        let store_id = optional_id(&self.store, "store");
        let from = parse_date(&self.from);
        let mut to = parse_date(&self.to);
        if let (Ok(Some(f)), Ok(Some(t))) = (&from, &to) {
            if t < f {
                to = Err(msg!("date-end-before-start"));
            }
        }
        let page_no = self.page_no();
        let search = self.search();
        let errors = FilterErrors {
            status: status.clone().err(),
            store: store_id.clone().err(),
            from: from.clone().err(),
            to: to.clone().err(),
            q: search.clone().err(),
            page: page_no.clone().err(),
        };
        let (Ok(status), Ok(store_id), Ok(from), Ok(to), Ok(page_no), Ok(search)) =
            (status, store_id, from, to, page_no, search)
        else {
            return Err(Box::new(errors));
        };
        let cursor = match (self.before, self.after) {
            (Some(b), _) => Cursor::Before(b),
            (None, Some(a)) => Cursor::After(a),
            (None, None) if page_no > 1 => Cursor::Page(page_no),
            (None, None) => Cursor::First,
        };
        Ok(ListRequest {
            filter: OrderFilter {
                status,
                store_id,
                created_from: from.map(|d| shop_day(d, offset).0),
                created_before: to.map(|d| shop_day(d, offset).1),
                search: (!search.is_empty()).then_some(search),
            },
            cursor,
        })
    }

    /// A link to this list with the same filters and `extra` parameters.
    fn link(&self, extra: &[(&str, String)]) -> String {
        let search = self.search().unwrap_or_default();
        let mut all: Vec<(&str, String)> = [
            ("status", self.status.trim()),
            ("store", self.store.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
            ("q", search.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.to_string()))
        .collect();
        all.extend(extra.iter().cloned());
        format!(
            "/admin/orders?{}",
            serde_urlencoded::to_string(&all).unwrap_or_default()
        )
    }
}

/// Orders read per database round trip while streaming the CSV export.
const EXPORT_BATCH: i64 = 500;

/// `/admin/orders.csv`: the orders the list shows for the same filters (every page of them), as
/// CSV for a spreadsheet. Streamed batch by batch (keyset on the id), so a hundred thousand orders
/// never sit in memory at once.
#[get("/admin/orders.csv")]
async fn export_csv(admin: Admin, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let offset = admin.ctx.state.settings.shop_utc_offset;
    let request = q
        .parse(offset)
        .map_err(|_| AppError::Invalid(crate::msg!("error-order-filters")))?;
    let state = admin.ctx.state.clone();
    let filter = request.filter;
    let symbol_free = |cents: i64| format!("{}.{:02}", cents / 100, (cents % 100).abs());
    let header = "order_no,created,status,pay_method,store,customer,total,total_cents\r\n";
    // (next cursor, done?) — None before the first batch.
    let batches = futures_util::stream::unfold(Some(None::<i64>), move |cursor| {
        let state = state.clone();
        let filter = filter.clone();
        async move {
            let before = cursor?;
            let rows = state
                .db
                .run(move |conn| order_list::export_batch(conn, &filter, before, EXPORT_BATCH))
                .await;
            let rows = match rows {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(error = ?e, "orders export stopped");
                    return Some((
                        Err(actix_web::error::ErrorInternalServerError("export")),
                        None,
                    ));
                }
            };
            let next = match rows.last() {
                Some(last) if rows.len() as i64 == EXPORT_BATCH => Some(Some(last.id)),
                _ => None,
            };
            let mut out = String::with_capacity(rows.len() * 120);
            for r in rows {
                let fields = [
                    r.order_no,
                    shop_time_iso(r.created_at, offset),
                    r.status.as_str().to_string(),
                    r.pay_method.as_str().to_string(),
                    r.store_name,
                    r.username,
                    symbol_free(r.total_cents),
                    r.total_cents.to_string(),
                ];
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                out.push_str(&line.join(","));
                out.push_str("\r\n");
            }
            Some((Ok::<_, actix_web::Error>(web::Bytes::from(out)), next))
        }
    });
    let head = futures_util::stream::once(async move {
        Ok::<_, actix_web::Error>(web::Bytes::from_static(header.as_bytes()))
    });
    let today = crate::web::clock::shop_today(offset).format("%Y-%m-%d");
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"orders-{today}.csv\""),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .streaming(futures_util::StreamExt::chain(head, batches)))
}

/// One CSV field: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-` or
/// `@` (a formula to a spreadsheet) is neutralised with a leading apostrophe.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[get("/admin/orders")]
async fn list(admin: Admin, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let offset = admin.ctx.state.settings.shop_utc_offset;
    let parsed = q.parse(offset);
    let wanted = parsed.as_ref().ok().map(|r| (r.filter.clone(), r.cursor));
    let (stores, page) = admin
        .ctx
        .run(move |conn| {
            let page = match &wanted {
                Some((filter, cursor)) => Some(order_list::order_page(conn, filter, *cursor)?),
                None => None,
            };
            Ok((stores::all_stores(conn)?, page))
        })
        .await?;
    let errors = parsed.err().map(|e| *e).unwrap_or_default();
    let status_code = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page_no = q.page_no().unwrap_or(1);
    let symbol = &admin.ctx.state.settings.currency_symbol;
    let (rows, newer_link, older_link) = match page {
        None => (Vec::new(), None, None),
        Some(p) => {
            let rows = p
                .rows
                .into_iter()
                .map(|r| ListRow {
                    created: shop_time(r.created_at, offset, admin.ctx.locale),
                    status_label: r.status.label(),
                    order_no: r.order_no,
                    customer: r.username,
                    store: r.store_name,
                    status: r.status,
                    pay_method: r.pay_method,
                    total: money(r.total_cents, symbol),
                })
                .collect();
            let newer = p.newer.map(|id| {
                q.link(&[
                    ("after", id.to_string()),
                    ("page", page_no.saturating_sub(1).max(1).to_string()),
                ])
            });
            let older = p.older.map(|id| {
                q.link(&[
                    ("before", id.to_string()),
                    ("page", (page_no + 1).to_string()),
                ])
            });
            (rows, newer, older)
        }
    };
    let first = page_no > 1 || q.before.is_some() || q.after.is_some();
    render_status(
        &OrdersPage {
            page: admin.ctx.page(msg!("title-admin-orders")),
            statuses: OrderStatus::ALL,
            stores,
            status: q.status.trim().to_string(),
            store: q.store.trim().to_string(),
            from: q.from.trim().to_string(),
            to: q.to.trim().to_string(),
            q: q.q.trim().to_string(),
            errors,
            rows,
            first_link: first.then(|| q.link(&[])),
            csv_link: q
                .link(&[])
                .replacen("/admin/orders?", "/admin/orders.csv?", 1),
            page_no,
            newer_link,
            older_link,
        },
        status_code,
    )
}

struct TimelineLine {
    what: Msg,
    at: String,
    by: Option<String>,
    note: Option<String>,
}

struct DetailLine {
    product_id: i64,
    name: String,
    unit_price: String,
    quantity: i32,
    total: String,
}

#[derive(Template)]
#[template(path = "admin/order.html")]
struct OrderPage {
    page: Page,
    d: OrderDetail,
    status_label: Msg,
    total: String,
    created: String,
    lines: Vec<DetailLine>,
    payment_amount: String,
    payment_refunded: Option<String>,
    timeline: Vec<TimelineLine>,
    submit_token: String,
    reason: String,
    reason_error: Option<Msg>,
    refused: Option<Msg>,
}

async fn order_page(
    admin: &Admin,
    order_no: String,
    reason: String,
    reason_error: Option<Msg>,
    refused: Option<Msg>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let d = admin
        .ctx
        .run(move |conn| order_detail::order_detail(conn, &order_no))
        .await?;
    let state = &admin.ctx.state;
    let offset = state.settings.shop_utc_offset;
    let symbol = &state.settings.currency_symbol;
    let lines = d
        .lines
        .iter()
        .map(|l| DetailLine {
            product_id: l.product_id,
            name: l.product_name.clone(),
            unit_price: money(l.unit_price_cents, symbol),
            quantity: l.quantity,
            total: money(l.line_total_cents, symbol),
        })
        .collect();
    let timeline = d
        .timeline
        .iter()
        .map(|e| TimelineLine {
            what: e.what.clone(),
            at: shop_time(e.at, offset, admin.ctx.locale),
            by: e.by.clone(),
            note: e.note.clone(),
        })
        .collect();
    let submit_token = submit::issue(state, admin.user.id, Purpose::Cancel, Some(d.order.id));
    render_status(
        &OrderPage {
            page: admin
                .ctx
                .page(msg!("title-order", order = &d.order.order_no)),
            status_label: d.order.status.label(),
            total: money(d.order.total_cents, symbol),
            created: shop_time(d.order.created_at, offset, admin.ctx.locale),
            payment_amount: d
                .payment
                .as_ref()
                .map(|p| money(p.amount_cents, symbol))
                .unwrap_or_default(),
            payment_refunded: d
                .payment
                .as_ref()
                .and_then(|p| p.refunded_at)
                .map(|t| shop_time(t, offset, admin.ctx.locale)),
            lines,
            timeline,
            submit_token,
            reason,
            reason_error,
            refused,
            d,
        },
        status,
    )
}

#[get("/admin/orders/{order_no}")]
async fn detail(admin: Admin, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    order_page(
        &admin,
        path.into_inner(),
        String::new(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct CancelFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    submit_token: String,
}

#[post("/admin/orders/{order_no}/cancel")]
async fn cancel(
    admin: Admin,
    path: web::Path<String>,
    form: Form<CancelFields>,
) -> Result<HttpResponse, AppError> {
    let order_no = path.into_inner();
    let CancelFields {
        reason,
        submit_token,
    } = form.0;
    let no = order_no.clone();
    let order = admin
        .ctx
        .run(move |conn| crate::shop::orders::by_order_no(conn, &no))
        .await?
        .ok_or(AppError::NotFound)?;
    let token = submit::check(
        &admin.ctx.state,
        &submit_token,
        admin.user.id,
        Purpose::Cancel,
        Some(order.id),
    )?;
    let text = match text_field(&reason, 255, true, "reason") {
        Ok(t) => t,
        Err(e) => {
            return order_page(
                &admin,
                order_no,
                reason,
                Some(e),
                None,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    };
    let (admin_id, order_id) = (admin.user.id, order.id);
    let outcome = admin
        .ctx
        .run(move |conn| order_detail::cancel_by_admin(conn, order_id, admin_id, &token, &text))
        .await?;
    let back = format!("/admin/orders/{order_no}");
    match outcome {
        AdminCancel::Cancelled { refunded } => {
            admin.ctx.flash(
                "ok",
                if refunded {
                    msg!("admin-cancelled-refunded")
                } else {
                    msg!("admin-cancelled")
                },
            );
            Ok(see_other(&back))
        }
        AdminCancel::AlreadyDone => {
            admin.ctx.flash("info", msg!("admin-cancel-twice"));
            Ok(see_other(&back))
        }
        AdminCancel::Refused { status } => {
            let why = match status {
                OrderStatus::PickedUp => msg!("admin-cancel-picked-up"),
                OrderStatus::Cancelled => msg!("admin-cancel-already"),
                _ => msg!("admin-cancel-refused", status = status.as_str()),
            };
            order_page(
                &admin,
                order_no,
                reason,
                None,
                Some(why),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}
