//! Application::build: the one way to start the web app, used by `serve` and by the tests.

use std::net::TcpListener;

use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::error::AppError;
pub use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds the listener (port 0 picks a free one) and builds the server; `run` serves it.
    pub fn build(state: AppState, workers: Option<usize>) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&state.settings.bind)
            .with_context(|| format!("binding {}", state.settings.bind))?;
        let port = listener
            .local_addr()
            .context("reading the bound port")?
            .port();
        crate::metrics::handle();
        crate::i18n::Locale::load_catalogs();
        let key = Key::derive_from(&state.settings.derived_key("session-cookie"));
        let cookie_secure = state.settings.cookie_secure;
        let state = web::Data::new(state);
        let mut server = HttpServer::new(move || {
            let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
                .cookie_name("shopcounter".into())
                .cookie_secure(cookie_secure)
                .cookie_http_only(true)
                .cookie_same_site(SameSite::Lax)
                .cookie_content_security(CookieContentSecurity::Private)
                .session_lifecycle(
                    PersistentSession::default()
                        .session_ttl(actix_web::cookie::time::Duration::days(14)),
                )
                .build();
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(crate::web::csrf::BODY_LIMIT))
                .app_data(
                    web::FormConfig::default()
                        .limit(crate::web::csrf::BODY_LIMIT)
                        .error_handler(|e, _| {
                            if matches!(e, actix_web::error::UrlencodedError::Overflow { .. }) {
                                AppError::PayloadTooLarge.into()
                            } else {
                                AppError::Invalid(crate::msg!("error-form-malformed")).into()
                            }
                        }),
                )
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    AppError::Invalid(crate::web::params::refusal(&e)).into()
                }))
                .app_data(
                    web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()),
                )
                // Innermost: a guarded page's deferred session check, before the error pages.
                .wrap(from_fn(crate::web::auth::check_deferred_identity))
                .wrap(from_fn(same_origin_only))
                .wrap(from_fn(crate::web::error_page::error_pages))
                .wrap(from_fn(head_as_get))
                .wrap(sessions)
                .wrap(from_fn(security_headers))
                .wrap(from_fn(count_request))
                .wrap(TracingLogger::default())
                .configure(crate::web::routes)
                .default_service(web::to(crate::web::not_found))
        })
        .listen(listener)
        .context("listening")?;
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Application {
            port,
            server: server.run(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere (tests stop theirs when they end).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Every GET route answers HEAD (monitors and load balancers use it): the request is routed as a
/// GET, and the HTTP layer, which remembers that it was a HEAD, sends the headers without the body.
async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// Refuses unsafe requests a browser marks as cross-site, or whose Origin is another host.
/// The payment provider's callback is server-to-server and authenticates by signature instead.
async fn same_origin_only(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let refuse = |req: ServiceRequest| {
        let page = AppError::Forbidden(crate::msg!("error-cross-site"));
        Ok(req.error_response(page))
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && req.path() != "/payments/notify" {
        let headers = req.headers();
        let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        if fetch_site == Some("cross-site") {
            return refuse(req);
        }
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            if origin == "null" || origin_host != host {
                return refuse(req);
            }
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Content-Security-Policy of every response: this origin only, no inline script or style, no
/// framing, forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
/// Powerful browser features: none, except the camera for the counter's scan button.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
const PERMISSIONS_POLICY_COUNTER: &str =
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=()";

/// The security headers, on every response — error pages too (handlers' and extractors' errors
/// are pages by the time they pass here; the middlewares inside answer with pages, not errors).
async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path();
    let counter = path == "/counter" || path.starts_with("/counter/");
    let hsts = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.cookie_secure);
    let mut res = next.call(req).await?.map_into_boxed_body();
    let h = res.headers_mut();
    let set = |h: &mut actix_web::http::header::HeaderMap, name, value: &'static str| {
        h.insert(name, header::HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        header::HeaderName::from_static("permissions-policy"),
        if counter {
            PERMISSIONS_POLICY_COUNTER
        } else {
            PERMISSIONS_POLICY
        },
    );
    if hsts {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    Ok(res)
}

/// Counts every request and its latency by route pattern (never the raw path), method and status.
async fn count_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let method = match *req.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let result = next.call(req).await;
    // The pattern is read after routing: the router noted the resource it matched, so this is a
    // lookup. Before the call it was a second walk over every route's pattern, regexes included.
    let (route, status) = match &result {
        Ok(res) => (res.request().match_pattern(), res.status()),
        Err(e) => (None, e.as_response_error().status_code()),
    };
    let route = route.as_deref().unwrap_or("(unmatched)");
    crate::metrics::request(route, method, status.as_u16(), started.elapsed());
    result
}
