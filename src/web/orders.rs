//! `/orders` (own orders, newest first) and `/orders/{order_no}`: status, lines, totals, time left
//! to pay with the pay button, cancel, and the pickup block. Pay and cancel POST back here.

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{NaiveDateTime, Utc};
use serde::Deserialize;

use super::auth::Customer;
use super::csrf::{Form, NoFields};
use super::page::{live_part, live_unchanged, money, render, see_other, Page};
use super::pickup_view::{pickup_view, PickupView};
use super::submit;
use crate::domain::{group_digits, group_order_no, OrderNo, OrderStatus, PayMethod, Purpose};
use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use crate::msg;
use crate::shop::customer_orders::{self, OrderLine};
use crate::shop::orders::{Cancelled, Order};
use crate::shop::payment::{self, DemoProvider, Paid, CUSTOMER_CANCEL_REASON, EXPIRED_REASON};
use crate::web::clock::shop_time;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(show)
        .service(live)
        .service(pay)
        .service(cancel);
}

pub struct OrderRow {
    pub order_no: String,
    pub order_no_grouped: String,
    /// "2 × Tea Mug, 1 × Green Tea"
    pub items: String,
    /// (digits, grouped) while the order waits to be picked up.
    pub pickup_code: Option<(String, String)>,
    /// At-counter orders waiting: what to bring.
    pub bring: Option<String>,
    pub status: OrderStatus,
    pub status_label: Msg,
    pub total: String,
    pub created: String,
    pub store_name: String,
}

#[derive(Template)]
#[template(path = "orders/list.html")]
struct OrdersPage {
    page: Page,
    orders: Vec<OrderRow>,
    page_no: i64,
    more: bool,
}

#[derive(Deserialize)]
struct ListQuery {
    page: Option<String>,
}

#[get("/orders")]
async fn list(customer: Customer, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let Customer { ctx, user } = customer;
    let page_no: i64 = match q.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(p) => p
            .parse()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| AppError::Invalid(crate::msg!("error-page-number")))?,
    };
    let (rows, more, items) = ctx
        .run(move |c| {
            let (rows, more) = customer_orders::orders_page(c, user.id, page_no)?;
            let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
            let items = customer_orders::items_of(c, &ids)?;
            Ok((rows, more, items))
        })
        .await?;
    let s = &ctx.state.settings;
    let orders = rows
        .into_iter()
        .map(|o| {
            let summary: Vec<String> = items
                .iter()
                .filter(|(id, _, _)| *id == o.id)
                .map(|(_, name, quantity)| format!("{quantity} × {name}"))
                .collect();
            let code = o
                .pickup_code
                .as_deref()
                .filter(|_| o.status.has_active_pickup_code());
            OrderRow {
                status_label: o.status.label(),
                total: money(o.total_cents, &s.currency_symbol),
                created: shop_time(o.created_at, s.shop_utc_offset, ctx.locale),
                order_no_grouped: group_order_no(&o.order_no),
                items: summary.join(", "),
                pickup_code: code.map(|c| (c.to_string(), group_digits(c))),
                bring: (o.pay_method == PayMethod::AtCounter && code.is_some())
                    .then(|| money(o.total_cents, &s.currency_symbol)),
                order_no: o.order_no,
                status: o.status,
                store_name: o.store_name,
            }
        })
        .collect();
    render(&OrdersPage {
        page: ctx.page(msg!("title-orders")),
        orders,
        page_no,
        more,
    })
}

pub struct LineRow {
    pub name: String,
    pub unit_price: String,
    pub quantity: i32,
    pub line_total: String,
}

#[derive(Template)]
#[template(path = "orders/show.html", blocks = ["live"])]
struct OrderPage {
    page: Page,
    order_no: String,
    order_no_grouped: String,
    status: OrderStatus,
    status_label: Msg,
    /// A sentence about where the order stands (expired, cancelled, pay at the counter…).
    explanation: Option<Msg>,
    lines: Vec<LineRow>,
    total: String,
    store_name: String,
    pay_method_label: Msg,
    note: String,
    created: String,
    paid: Option<String>,
    /// Pending online orders: minutes and seconds left, the deadline, and the pay form's token.
    time_left: Option<(i64, i64)>,
    /// The same in seconds, for the countdown on the page.
    seconds_left: i64,
    pay_by: Option<String>,
    pay_token: Option<String>,
    can_cancel: bool,
    pickup: Option<PickupView>,
}

/// Minutes and seconds left to pay (the catalog words them), None when the time is up.
fn time_left(expires_at: NaiveDateTime) -> Option<(i64, i64)> {
    let secs = (expires_at - Utc::now().naive_utc()).num_seconds();
    (secs > 0).then_some((secs / 60, secs % 60))
}

/// A stored cancel reason in the reader's words: the shop's own reasons (written by the sweeper,
/// the payment window, the customer) are known; an admin's typed reason is shown as typed.
pub fn cancel_reason(reason: &str) -> Msg {
    let not_collected = reason
        .strip_prefix("Not collected within ")
        .and_then(|r| r.strip_suffix(" hours"))
        .and_then(|h| h.parse::<i64>().ok());
    match (reason, not_collected) {
        (_, Some(hours)) => msg!("reason-not-collected", hours = hours),
        (EXPIRED_REASON, _) => msg!("reason-payment-window"),
        (CUSTOMER_CANCEL_REASON, _) => msg!("reason-customer"),
        (typed, _) => msg!("reason-typed", reason = typed),
    }
}

fn explanation(order: &Order, window_passed: bool, locale: Locale) -> Option<Msg> {
    match order.status {
        OrderStatus::PendingPayment if window_passed => Some(msg!("order-window-passed")),
        OrderStatus::Cancelled => Some(match order.cancel_reason.as_deref() {
            Some(EXPIRED_REASON) => msg!("order-expired"),
            Some(CUSTOMER_CANCEL_REASON) => msg!("order-you-cancelled"),
            Some(reason) => msg!(
                "order-cancelled-because",
                reason = locale.msg(&cancel_reason(reason))
            ),
            None => msg!("order-cancelled"),
        }),
        OrderStatus::Confirmed if order.pay_method == PayMethod::AtCounter => {
            Some(msg!("checkout-pay-at-counter-note-long"))
        }
        _ => None,
    }
}

/// Builds the order page (the whole page, or only its live part) for the customer's own order.
async fn order_page(customer: Customer, order_no: OrderNo) -> Result<OrderPage, AppError> {
    let Customer { ctx, user } = customer;
    let (order, lines, store_name) = ctx
        .run(move |c| customer_orders::own_order(c, user.id, order_no.as_str()))
        .await?
        .ok_or(AppError::NotFound)?;
    let s = &ctx.state.settings;
    let pending = order.status == OrderStatus::PendingPayment;
    let seconds_left = order
        .expires_at
        .filter(|_| pending)
        .map_or(0, |t| (t - Utc::now().naive_utc()).num_seconds().max(0));
    let left = order.expires_at.filter(|_| pending).and_then(time_left);
    let window_passed = pending && left.is_none();
    let pay_token = left
        .as_ref()
        .map(|_| submit::issue(&ctx.state, user.id, Purpose::Pay, Some(order.id)));
    let pickup = pickup_view(&ctx.state, &order, &store_name);
    let symbol = &s.currency_symbol;
    Ok(OrderPage {
        page: ctx.page(msg!("title-order", order = group_order_no(&order.order_no))),
        status_label: order.status.label(),
        explanation: explanation(&order, window_passed, ctx.locale),
        lines: lines
            .into_iter()
            .map(|l: OrderLine| LineRow {
                name: l.product_name,
                unit_price: money(l.unit_price_cents, symbol),
                quantity: l.quantity,
                line_total: money(l.line_total_cents, symbol),
            })
            .collect(),
        total: money(order.total_cents, symbol),
        pay_method_label: match order.pay_method {
            PayMethod::Online => msg!("pay-method-online"),
            PayMethod::AtCounter => msg!("pay-method-at-counter"),
        },
        note: order.note.clone(),
        created: shop_time(order.created_at, s.shop_utc_offset, ctx.locale),
        paid: order
            .paid_at
            .map(|t| shop_time(t, s.shop_utc_offset, ctx.locale)),
        pay_by: left
            .as_ref()
            .and(order.expires_at)
            .map(|t| shop_time(t, s.shop_utc_offset, ctx.locale)),
        time_left: left,
        seconds_left,
        pay_token,
        can_cancel: pending,
        pickup,
        store_name,
        status: order.status,
        order_no_grouped: group_order_no(&order.order_no),
        order_no: order.order_no.clone(),
    })
}

#[get("/orders/{order_no}")]
async fn show(customer: Customer, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let order_no = OrderNo::parse(&path.into_inner()).ok_or(AppError::NotFound)?;
    render(&order_page(customer, order_no).await?)
}

#[derive(Deserialize)]
struct LiveQuery {
    /// The version the page shows (its status); absent: always send the part.
    v: Option<String>,
}

/// The live part of the order page for the page's script (SPEC §14): 204 while the order's status
/// is still the one the page shows, else the part again. It reads the database each time, so a
/// change made by another instance shows up too.
#[get("/orders/{order_no}/live")]
async fn live(
    customer: Customer,
    path: web::Path<String>,
    q: web::Query<LiveQuery>,
) -> Result<HttpResponse, AppError> {
    let order_no = OrderNo::parse(&path.into_inner()).ok_or(AppError::NotFound)?;
    let user_id = customer.user.id;
    let shown = q.into_inner().v;
    if let Some(shown) = shown.as_deref() {
        let no = order_no.clone();
        let status = customer
            .ctx
            .run(move |c| customer_orders::own_order_status(c, user_id, no.as_str()))
            .await?
            .ok_or(AppError::NotFound)?;
        if status.as_str() == shown {
            return Ok(live_unchanged());
        }
    }
    let page = order_page(customer, order_no).await?;
    let part = live_part(&page.as_live());
    part
}

#[derive(Deserialize)]
struct PayForm {
    #[serde(default)]
    submit_token: String,
}

async fn own_order(customer: &Customer, order_no: String) -> Result<Order, AppError> {
    let order_no = OrderNo::parse(&order_no).ok_or(AppError::NotFound)?;
    let user_id = customer.user.id;
    customer
        .ctx
        .run(move |c| customer_orders::own_order_row(c, user_id, order_no.as_str()))
        .await?
        .ok_or(AppError::NotFound)
}

#[post("/orders/{order_no}/pay")]
async fn pay(
    customer: Customer,
    path: web::Path<String>,
    form: Form<PayForm>,
) -> Result<HttpResponse, AppError> {
    let order_no = OrderNo::parse(&path.into_inner()).ok_or(AppError::NotFound)?;
    let ctx = &customer.ctx;
    let user_id = customer.user.id;
    let state = ctx.state.clone();
    let posted = form.0.submit_token;
    let digits = ctx.state.settings.pickup_code_digits;
    let back = format!("/orders/{}", order_no.as_str());
    // The order, the form's token (bound to that order) and the payment in one hop.
    let paid = ctx
        .run(move |c| {
            let order = customer_orders::own_order_row(c, user_id, order_no.as_str())?
                .ok_or(AppError::NotFound)?;
            let token = submit::check(&state, &posted, user_id, Purpose::Pay, Some(order.id))?;
            payment::pay(c, &order, &token, &DemoProvider, digits)
        })
        .await?;
    let (kind, text) = match paid {
        Paid::Paid => ("ok", msg!("pay-paid")),
        Paid::AlreadySubmitted => ("info", msg!("pay-already-submitted")),
        Paid::AlreadyPaid => ("info", msg!("pay-already-paid")),
        Paid::Expired => ("error", msg!("pay-expired")),
        Paid::Cancelled => ("error", msg!("pay-cancelled")),
        Paid::PickupCodesExhausted => ("error", msg!("pay-codes-exhausted")),
        Paid::Busy => ("error", msg!("pay-busy")),
    };
    ctx.flash(kind, text);
    Ok(see_other(&back))
}

#[post("/orders/{order_no}/cancel")]
async fn cancel(
    customer: Customer,
    path: web::Path<String>,
    _form: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let order = own_order(&customer, path.into_inner()).await?;
    let ctx = &customer.ctx;
    let (order_id, user_id) = (order.id, customer.user.id);
    let back = format!("/orders/{}", order.order_no);
    let result = ctx
        .run(move |c| customer_orders::cancel(c, order_id, user_id))
        .await;
    match result {
        Ok(Cancelled::Now { .. }) => ctx.flash("ok", msg!("cancel-done")),
        Ok(Cancelled::NotAllowed { status }) => ctx.flash(
            "error",
            msg!("cancel-not-allowed", status = status.as_str()),
        ),
        Err(AppError::Busy) => ctx.flash("error", msg!("cancel-busy")),
        Err(e) => return Err(e),
    }
    Ok(see_other(&back))
}
