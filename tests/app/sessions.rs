//! Server-side session records: logout ends a session for every copy of its cookie; the account
//! page lists the open sessions and logs out of all of them.

use std::sync::Arc;

use reqwest::StatusCode;
use shopcounter::domain::Role;

use super::helpers::{spawn_app, Client};

#[tokio::test]
async fn logout_ends_the_session_for_every_copy_of_the_cookie() {
    let app = spawn_app().await;
    let alice = app.customer("alice").await;
    let stolen = alice.copy_of_cookies();
    assert_eq!(
        stolen.get("/orders").await.status,
        StatusCode::OK,
        "the copy works while the session is open"
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM sessions"), 1);
    let out = alice.logout().await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM sessions"), 0);
    let res = stolen.get("/orders").await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "the copy is logged out too"
    );
    assert_eq!(res.location.as_deref(), Some("/login?next=%2Forders"));
}

#[tokio::test]
async fn the_account_page_lists_open_sessions_and_logs_out_of_all_devices() {
    let app = spawn_app().await;
    app.account("ivy", "ivy-password", Role::Customer, None);
    let jar = || Arc::new(reqwest::cookie::Jar::default());
    let phone = Client::with_agent(
        &app.address,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        jar(),
    );
    let laptop = Client::with_agent(
        &app.address,
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        jar(),
    );
    assert_eq!(
        phone.login("ivy", "ivy-password").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        laptop.login("ivy", "ivy-password").await.status,
        StatusCode::SEE_OTHER
    );

    let page = phone.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let rows = scraper::Selector::parse("[data-session]").expect("selector");
    assert_eq!(html.select(&rows).count(), 2, "{}", page.body);
    assert_eq!(
        page.text_of("[data-current-session] td").as_deref(),
        Some("Safari on iOS")
    );
    assert!(page.contains("Firefox on Linux"));
    assert!(page.contains("Log out of all devices"));

    let res = phone.post("/logout", &[("everywhere", "1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(laptop
        .get("/")
        .await
        .attr_of("[data-user]", "data-user")
        .is_none());
    assert_eq!(laptop.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM sessions"), 0);
}

#[tokio::test]
async fn the_account_page_needs_a_login() {
    let app = spawn_app().await;
    let res = app.client().get("/account").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/login?next=%2Faccount"));
}
