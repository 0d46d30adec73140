//! Log in, register, log out (also everywhere), and the account page with the open sessions.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::Ctx;
use super::csrf::Form;
use super::page::{render, render_status, safe_next, see_other, Page};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::accounts::{self, CreateAccount, LoginCandidate, LoginOutcome, NewAccount};
use crate::shop::sessions::{self, OpenSession};
use crate::web::clock::shop_time;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login_form)
        .service(login)
        .service(register_form)
        .service(register)
        .service(logout)
        .service(account);
}

/// The browser's own description of itself, kept with the session ("which browser").
fn user_agent(req: &HttpRequest) -> String {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    page: Page,
    username: String,
    next: String,
    error: Option<Msg>,
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    page: Page,
    username: String,
    display_name: String,
    username_error: Option<Msg>,
    password_error: Option<Msg>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Where each role starts.
pub fn landing(role: Role) -> &'static str {
    match role {
        Role::Customer => "/",
        Role::Staff => "/counter",
        Role::Admin => "/admin",
    }
}

#[get("/login")]
async fn login_form(ctx: Ctx, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    if let Some(user) = &ctx.user {
        return Ok(see_other(landing(user.role)));
    }
    render(&LoginPage {
        page: ctx.page(msg!("title-login")),
        username: String::new(),
        next: safe_next(q.next.as_deref()).unwrap_or_default(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

#[post("/login")]
async fn login(
    req: HttpRequest,
    ctx: Ctx,
    form: Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        username,
        password,
        next,
    } = form.0;
    let username = username.trim().to_string();
    let name = username.clone();
    let candidate = ctx
        .run(move |conn| accounts::login_candidate(conn, &name))
        .await?;
    // The hash is checked off the database connection, a few at a time (crate::passwords).
    let stored = LoginCandidate::hash_to_check(candidate.as_ref());
    let password_ok = ctx.state.passwords.verify(password, stored).await?;
    let agent = user_agent(&req);
    let outcome = ctx
        .run(move |conn| {
            Ok(
                match accounts::finish_login(conn, candidate.as_ref(), password_ok)? {
                    LoginOutcome::LoggedIn {
                        user_id,
                        epoch,
                        role,
                    } => Some((sessions::open(conn, user_id, epoch, &agent)?, role)),
                    LoginOutcome::Refused => None,
                },
            )
        })
        .await?;
    if let Some((token, role)) = outcome {
        ctx.session.log_in(&token);
        let to = safe_next(next.as_deref()).unwrap_or_else(|| landing(role).to_string());
        return Ok(see_other(&to));
    }
    render_status(
        &LoginPage {
            page: ctx.page(msg!("title-login")),
            username,
            next: safe_next(next.as_deref()).unwrap_or_default(),
            error: Some(msg!("login-refused")),
        },
        actix_web::http::StatusCode::UNAUTHORIZED,
    )
}

#[get("/register")]
async fn register_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    render(&RegisterPage {
        page: ctx.page(msg!("title-register")),
        username: String::new(),
        display_name: String::new(),
        username_error: None,
        password_error: None,
    })
}

#[derive(Deserialize)]
struct RegisterForm {
    username: String,
    password: String,
    #[serde(default)]
    display_name: String,
}

#[post("/register")]
async fn register(
    req: HttpRequest,
    ctx: Ctx,
    form: Form<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let RegisterForm {
        username,
        password,
        display_name,
    } = form.0;
    let username = username.trim().to_string();
    let display_name: String = display_name.trim().chars().take(100).collect();
    let mut username_error = accounts::validate_username(&username).err();
    let password_error = accounts::validate_password(&password).err();
    if username_error.is_none() && password_error.is_none() {
        let (u, d) = (username.clone(), display_name.clone());
        let agent = user_agent(&req);
        let hash = ctx.state.passwords.hash(password).await?;
        let created = ctx
            .run(move |conn| {
                let created = accounts::create_account_hashed(
                    conn,
                    &NewAccount {
                        username: &u,
                        password: "",
                        display_name: &d,
                        role: Role::Customer,
                        store_id: None,
                    },
                    &hash,
                )?;
                Ok(match created {
                    CreateAccount::Created(id) => Some(sessions::open(conn, id, 0, &agent)?),
                    CreateAccount::UsernameTaken => None,
                })
            })
            .await?;
        match created {
            Some(token) => {
                ctx.session.log_in(&token);
                let name = if display_name.is_empty() {
                    &username
                } else {
                    &display_name
                };
                ctx.flash("ok", msg!("register-welcome", name = name));
                return Ok(see_other("/"));
            }
            None => username_error = Some(msg!("username-taken")),
        }
    }
    render_status(
        &RegisterPage {
            page: ctx.page(msg!("title-register")),
            username,
            display_name,
            username_error,
            password_error,
        },
        actix_web::http::StatusCode::BAD_REQUEST,
    )
}

#[derive(Deserialize)]
struct LogoutForm {
    everywhere: Option<String>,
}

/// Ends this session (its record goes, so every copy of the cookie is logged out), or with
/// `everywhere` every session of the user.
#[post("/logout")]
async fn logout(ctx: Ctx, form: Form<LogoutForm>) -> Result<HttpResponse, AppError> {
    let everywhere = form.0.everywhere.is_some();
    let user_id = ctx.user.as_ref().map(|u| u.id);
    if let Some(token) = ctx.session.token() {
        ctx.run(move |conn| match (user_id, everywhere) {
            (Some(id), true) => sessions::close_all(conn, id).map(|_| ()),
            _ => sessions::close(conn, &token),
        })
        .await?;
    }
    ctx.session.log_out();
    Ok(see_other("/"))
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    page: Page,
    sessions: Vec<SessionLine>,
}

/// One open session as the account page shows it.
struct SessionLine {
    browser: Msg,
    started: String,
    last_seen: String,
    current: bool,
}

/// The account page: who you are, your open sessions, and "log out of all devices".
#[get("/account")]
async fn account(req: HttpRequest, ctx: Ctx) -> Result<HttpResponse, AppError> {
    let (Some(user), Some(token)) = (ctx.user.clone(), ctx.session.token()) else {
        return Err(AppError::LoginRequired {
            next: req.path().to_string(),
        });
    };
    let open: Vec<OpenSession> = ctx
        .run(move |conn| sessions::list(conn, user.id, &token))
        .await?;
    let offset = ctx.state.settings.shop_utc_offset;
    render(&AccountPage {
        page: ctx.page(msg!("title-account")),
        sessions: open
            .iter()
            .map(|s| SessionLine {
                browser: s.browser(),
                started: shop_time(s.created_at, offset, ctx.locale),
                last_seen: shop_time(s.last_seen_at, offset, ctx.locale),
                current: s.current,
            })
            .collect(),
    })
}
