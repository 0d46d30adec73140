//! Log in, register, log out (also everywhere).

use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::Ctx;
use super::csrf::Form;
use super::page::{render, render_status, safe_next, see_other, Page};
use crate::domain::Role;
use crate::error::AppError;
use crate::shop::accounts::{self, CreateAccount, LoginOutcome, NewAccount};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login_form)
        .service(login)
        .service(register_form)
        .service(register)
        .service(logout);
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    page: Page,
    username: String,
    next: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    page: Page,
    username: String,
    display_name: String,
    username_error: Option<String>,
    password_error: Option<String>,
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
        page: ctx.page("Log in"),
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
async fn login(ctx: Ctx, form: Form<LoginForm>) -> Result<HttpResponse, AppError> {
    let LoginForm {
        username,
        password,
        next,
    } = form.0;
    let username = username.trim().to_string();
    let name = username.clone();
    let outcome = ctx
        .db
        .run(move |conn| accounts::log_in(conn, &name, &password))
        .await?;
    let error = match outcome {
        LoginOutcome::LoggedIn {
            user_id,
            epoch,
            role,
        } => {
            ctx.session.log_in(user_id, epoch);
            let to = safe_next(next.as_deref()).unwrap_or_else(|| landing(role).to_string());
            return Ok(see_other(&to));
        }
        LoginOutcome::WrongCredentials => "Wrong username or password.",
        LoginOutcome::Locked => {
            "Too many failed attempts for this account. Please wait 15 minutes and try again."
        }
    };
    let status = match outcome {
        LoginOutcome::Locked => actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        _ => actix_web::http::StatusCode::UNAUTHORIZED,
    };
    render_status(
        &LoginPage {
            page: ctx.page("Log in"),
            username,
            next: safe_next(next.as_deref()).unwrap_or_default(),
            error: Some(error.into()),
        },
        status,
    )
}

#[get("/register")]
async fn register_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    render(&RegisterPage {
        page: ctx.page("Create an account"),
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
async fn register(ctx: Ctx, form: Form<RegisterForm>) -> Result<HttpResponse, AppError> {
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
        let created = ctx
            .db
            .run(move |conn| {
                accounts::create_account(
                    conn,
                    &NewAccount {
                        username: &u,
                        password: &password,
                        display_name: &d,
                        role: Role::Customer,
                        store_id: None,
                    },
                )
            })
            .await?;
        match created {
            CreateAccount::Created(id) => {
                ctx.session.log_in(id, 0);
                ctx.flash(
                    "ok",
                    format!(
                        "Welcome, {}! Your account is ready.",
                        if display_name.is_empty() {
                            &username
                        } else {
                            &display_name
                        }
                    ),
                );
                return Ok(see_other("/"));
            }
            CreateAccount::UsernameTaken => {
                username_error = Some("That username is taken. Please choose another.".into())
            }
        }
    }
    render_status(
        &RegisterPage {
            page: ctx.page("Create an account"),
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

#[post("/logout")]
async fn logout(ctx: Ctx, form: Form<LogoutForm>) -> Result<HttpResponse, AppError> {
    if let (Some(user), Some(_)) = (&ctx.user, &form.0.everywhere) {
        let id = user.id;
        ctx.db
            .run(move |conn| accounts::bump_session_epoch(conn, id))
            .await?;
    }
    ctx.session.log_out();
    Ok(see_other("/"))
}
