//! `/counter`: the staff screen — one input for typed or scanned codes, each lookup outcome on its
//! own screen, the Hand over and Mark ready buttons, and the store queue.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{NaiveDateTime, Utc};
use serde::Deserialize;

use super::auth::Staff;
use super::csrf::{Form, NoFields};
use super::page::{money, render_status, see_other, Page};
use super::submit;
use crate::domain::{OrderStatus, PayMethod, Purpose};
use crate::error::AppError;
use crate::shop::counter::{
    self, HandOver, Handable, Lookup, MarkReady, Queue, Queued, StaffMember, Verdict,
};
use crate::web::clock::shop_time_short;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(lookup)
        .service(lookup_result)
        .service(hand_over)
        .service(mark_ready);
}

#[derive(Template)]
#[template(path = "counter/index.html")]
struct CounterPage {
    page: Page,
    /// What stays in the input (only after an invalid entry).
    code: String,
    code_error: Option<String>,
    screen: Screen,
}

/// What the counter shows under the input.
enum Screen {
    Queue(QueueView),
    Match(MatchView),
    NotFound {
        code: String,
    },
    WrongStore {
        store_name: String,
    },
    AlreadyPickedUp {
        order_no: String,
        by: String,
        at: String,
    },
    Cancelled {
        order_no: String,
        at: String,
        reason: String,
    },
    /// Anything else that refuses the hand-over (e.g. an unpaid order).
    Refused {
        title: String,
        text: String,
    },
}

struct MatchView {
    order_no: String,
    customer_name: String,
    store_name: String,
    status_label: &'static str,
    ready: bool,
    note: String,
    lines: Vec<LineView>,
    /// `Some("¥12.00")` for at-counter orders (collect it), None when paid online.
    collect: Option<String>,
    submit_token: String,
    /// Shown next to the "payment collected" box.
    collect_error: Option<String>,
}

struct LineView {
    name: String,
    quantity: i32,
    total: String,
}

struct QueueView {
    to_prepare: Vec<QueuedView>,
    waiting: Vec<QueuedView>,
}

struct QueuedView {
    order_no: String,
    /// The last digits, for saying it aloud.
    short_no: String,
    customer_name: String,
    items: i64,
    waited: String,
    payment: String,
}

fn staff_member(staff: &Staff) -> Result<StaffMember, AppError> {
    Ok(StaffMember {
        user_id: staff.user.id,
        store_id: staff.store_id()?,
    })
}

fn page_with(
    staff: &Staff,
    screen: Screen,
    code: String,
    code_error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render_status(
        &CounterPage {
            page: staff.ctx.page("Counter"),
            code,
            code_error,
            screen,
        },
        status,
    )
}

/// The input (with what was typed and why it is not a code, if so) above the store's queue.
async fn queue_page(
    staff: &Staff,
    code: String,
    code_error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let store_id = staff.store_id()?;
    let queue = staff
        .ctx
        .run(move |c| counter::store_queue(c, store_id))
        .await?;
    let symbol = &staff.ctx.state.settings.currency_symbol;
    let screen = Screen::Queue(queue_view(queue, symbol));
    page_with(staff, screen, code, code_error, status)
}

#[get("/counter")]
async fn index(staff: Staff) -> Result<HttpResponse, AppError> {
    queue_page(&staff, String::new(), None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct LookupForm {
    #[serde(default)]
    code: String,
}

#[post("/counter/lookup")]
async fn lookup(staff: Staff, form: Form<LookupForm>) -> Result<HttpResponse, AppError> {
    let who = staff_member(&staff)?;
    let input: String = form.0.code.chars().take(200).collect();
    let state = staff.ctx.state.clone();
    let entered = input.clone();
    let outcome = staff
        .ctx
        .run(move |c| {
            counter::look_up(
                c,
                who,
                &entered,
                &state.qr_key,
                state.settings.pickup_code_digits,
            )
        })
        .await?;
    match outcome {
        Lookup::Throttled => Err(AppError::TooManyRequests(
            "Too many wrong codes from this counter — wait a minute, then try again.".into(),
        )),
        Lookup::Invalid(why) => {
            queue_page(
                &staff,
                input,
                Some(why.to_string()),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Lookup::Looked { lookup_id, .. } => Ok(see_other(&format!("/counter/lookups/{lookup_id}"))),
    }
}

#[get("/counter/lookups/{lookup_id}")]
async fn lookup_result(staff: Staff, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let who = staff_member(&staff)?;
    let lookup_id = path.into_inner();
    let verdict = staff
        .ctx
        .run(move |c| counter::lookup_result(c, who, lookup_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let screen = verdict_screen(&staff, verdict);
    page_with(&staff, screen, String::new(), None, StatusCode::OK)
}

#[derive(Deserialize)]
struct HandOverForm {
    #[serde(default)]
    submit_token: String,
    payment_collected: Option<String>,
}

impl HandOverForm {
    /// The "I have collected …" box: ticked is any value but empty or `0`.
    fn payment_collected(&self) -> bool {
        self.payment_collected
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "0")
    }
}

#[post("/counter/orders/{order_no}/handover")]
async fn hand_over(
    staff: Staff,
    path: web::Path<String>,
    form: Form<HandOverForm>,
) -> Result<HttpResponse, AppError> {
    let who = staff_member(&staff)?;
    let order_no = path.into_inner();
    let state = staff.ctx.state.clone();
    let form = form.0;
    let posted = form.submit_token.clone();
    let collected = form.payment_collected();
    let outcome = staff
        .ctx
        .run(move |c| {
            // The form's token is checked against the order the address names, read in the
            // hand-over's own transaction (no query before it).
            let token_for = |order_id| {
                submit::check(
                    &state,
                    &posted,
                    who.user_id,
                    Purpose::Handover,
                    Some(order_id),
                )
            };
            counter::hand_over_by_number(c, who, &order_no, &token_for, collected)
        })
        .await?;
    hand_over_screen(&staff, outcome, form.submit_token)
}

/// What pressing Hand over came to: back to the queue with a word, or a screen that says why not.
fn hand_over_screen(
    staff: &Staff,
    outcome: HandOver,
    submit_token: String,
) -> Result<HttpResponse, AppError> {
    let symbol = &staff.ctx.state.settings.currency_symbol;
    let offset = staff.ctx.state.settings.shop_utc_offset;
    let conflict = |screen| page_with(staff, screen, String::new(), None, StatusCode::CONFLICT);
    match outcome {
        HandOver::Done {
            order_no,
            customer_name,
            collected_cents,
        } => {
            let paid = collected_cents
                .map(|c| format!(" {} collected.", money(c, symbol)))
                .unwrap_or_default();
            staff.ctx.flash(
                "ok",
                format!(
                    "Handed over order {} to {customer_name}.{paid}",
                    short_no(&order_no)
                ),
            );
            Ok(see_other("/counter"))
        }
        HandOver::AlreadySubmitted { order_no } => {
            staff.ctx.flash(
                "info",
                format!(
                    "Order {} was already handed over (the form was sent twice).",
                    short_no(&order_no)
                ),
            );
            Ok(see_other("/counter"))
        }
        HandOver::AlreadyHandedOver { order_no, by, at } => conflict(Screen::AlreadyPickedUp {
            order_no,
            by,
            at: at.map(|t| shop_time_short(t, offset)).unwrap_or_default(),
        }),
        HandOver::PaymentNotCollected(order) => {
            let mut view = match_view(*order, symbol, submit_token);
            view.collect_error = Some(
                "Tick the box once the customer has paid — nothing was handed over yet.".into(),
            );
            let status = StatusCode::BAD_REQUEST;
            page_with(staff, Screen::Match(view), String::new(), None, status)
        }
        HandOver::WrongStore { store_name } => conflict(Screen::WrongStore { store_name }),
        HandOver::Cancelled { order_no } => conflict(Screen::Cancelled {
            order_no,
            at: String::new(),
            reason: String::new(),
        }),
        HandOver::NotPaid { order_no } => conflict(Screen::Refused {
            title: "Not paid yet".into(),
            text: format!(
                "Order {} is waiting for its online payment and cannot be handed over.",
                short_no(&order_no)
            ),
        }),
    }
}

#[post("/counter/orders/{order_no}/ready")]
async fn mark_ready(
    staff: Staff,
    path: web::Path<String>,
    _form: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let who = staff_member(&staff)?;
    let order_no = path.into_inner();
    let outcome = staff
        .ctx
        .run(move |c| counter::mark_ready(c, who, &order_no))
        .await?;
    match outcome {
        MarkReady::Done { order_no } => staff.ctx.flash(
            "ok",
            format!("Order {} is ready for pickup.", short_no(&order_no)),
        ),
        MarkReady::NotConfirmed { order_no, status } => staff.ctx.flash(
            "info",
            format!(
                "Order {} was not marked ready: it is {}.",
                short_no(&order_no),
                status.label().to_lowercase()
            ),
        ),
        MarkReady::NotHere => return Err(AppError::NotFound),
    }
    Ok(see_other("/counter"))
}

/// The screen for what a lookup found.
fn verdict_screen(staff: &Staff, verdict: Verdict) -> Screen {
    let settings = &staff.ctx.state.settings;
    let offset = settings.shop_utc_offset;
    match verdict {
        Verdict::Match(order) => {
            let token = submit::issue(
                &staff.ctx.state,
                staff.user.id,
                Purpose::Handover,
                Some(order.order_id),
            );
            Screen::Match(match_view(order, &settings.currency_symbol, token))
        }
        Verdict::NotFound { code } => Screen::NotFound { code },
        Verdict::WrongStore { store_name } => Screen::WrongStore { store_name },
        Verdict::AlreadyPickedUp { order_no, at, by } => Screen::AlreadyPickedUp {
            order_no,
            by,
            at: at.map(|t| shop_time_short(t, offset)).unwrap_or_default(),
        },
        Verdict::Cancelled {
            order_no,
            at,
            reason,
        } => Screen::Cancelled {
            order_no,
            at: at.map(|t| shop_time_short(t, offset)).unwrap_or_default(),
            reason,
        },
    }
}

fn match_view(order: Handable, symbol: &str, submit_token: String) -> MatchView {
    MatchView {
        collect: order
            .collect_at_counter()
            .then(|| money(order.total_cents, symbol)),
        status_label: order.status.label(),
        ready: order.status == OrderStatus::Ready,
        lines: order
            .lines
            .into_iter()
            .map(|l| LineView {
                name: l.product_name,
                quantity: l.quantity,
                total: money(l.line_total_cents, symbol),
            })
            .collect(),
        order_no: order.order_no,
        customer_name: order.customer_name,
        store_name: order.store_name,
        note: order.note,
        submit_token,
        collect_error: None,
    }
}

fn queue_view(queue: Queue, symbol: &str) -> QueueView {
    let now = Utc::now().naive_utc();
    let view = |q: Queued| QueuedView {
        short_no: short_no(&q.order_no),
        waited: waited(q.since, now),
        payment: match q.pay_method {
            PayMethod::Online => "paid".into(),
            PayMethod::AtCounter => format!("collect {}", money(q.total_cents, symbol)),
        },
        order_no: q.order_no,
        customer_name: q.customer_name,
        items: q.items,
    };
    QueueView {
        to_prepare: queue.to_prepare.into_iter().map(view).collect(),
        waiting: queue.waiting.into_iter().map(view).collect(),
    }
}

/// The last six digits of an order number: what staff and customers say aloud.
fn short_no(order_no: &str) -> String {
    let start = order_no.len().saturating_sub(6);
    format!("…{}", order_no.get(start..).unwrap_or(order_no))
}

/// How long something has waited, in words that fit a queue row.
fn waited(since: NaiveDateTime, now: NaiveDateTime) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0 => "just now".into(),
        1..=59 => format!("{minutes} min"),
        60..=1439 => format!("{} h {:02} min", minutes / 60, minutes % 60),
        _ => format!("{} d {} h", minutes / 1440, (minutes % 1440) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_times_read_naturally() {
        let t = |m: i64| {
            let now = Utc::now().naive_utc();
            waited(now - chrono::Duration::minutes(m), now)
        };
        assert_eq!(t(0), "just now");
        assert_eq!(t(12), "12 min");
        assert_eq!(t(125), "2 h 05 min");
        assert_eq!(t(60 * 50), "2 d 2 h");
    }

    #[test]
    fn short_numbers_keep_the_last_six_digits() {
        assert_eq!(short_no("250307140209123456"), "…123456");
        assert_eq!(short_no("123"), "…123");
    }
}
