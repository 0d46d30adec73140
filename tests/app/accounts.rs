//! Register, log in, log out; throttling; session epochs (logout everywhere, disabled accounts).

use reqwest::StatusCode;
use shopcounter::domain::Role;

use super::helpers::spawn_app;

#[tokio::test]
async fn register_then_land_on_the_shop_logged_in() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c
        .post(
            "/register",
            &[
                ("username", "carol"),
                ("password", "carol-secret"),
                ("display_name", "Carol"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/"));
    let home = c.get("/").await;
    assert_eq!(
        home.attr_of("[data-user]", "data-user").as_deref(),
        Some("carol")
    );
    assert!(home.contains("Welcome, Carol"));
    let hash: i64 = app.sql_i64(
        "SELECT COUNT(*) FROM users WHERE username = 'carol' AND password_hash LIKE '$argon2id$%'",
    );
    assert_eq!(hash, 1, "passwords are stored as argon2id hashes");
}

#[tokio::test]
async fn register_rejects_bad_and_taken_usernames_with_field_messages() {
    let app = spawn_app().await;
    app.account("dave", "dave-password", Role::Customer, None);
    let c = app.client();
    let taken = c
        .post(
            "/register",
            &[("username", "dave"), ("password", "another-pass")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(taken
        .text_of("[data-field-error=username]")
        .unwrap_or_default()
        .contains("taken"));
    let short = c
        .post("/register", &[("username", "x"), ("password", "short")])
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.text_of("[data-field-error=username]").is_some());
    assert!(short.text_of("[data-field-error=password]").is_some());
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM users"), 1);
}

#[tokio::test]
async fn login_honours_local_next_only() {
    let app = spawn_app().await;
    app.account("erin", "erin-password", Role::Customer, None);
    let c = app.client();
    c.get("/login").await;
    let res = c
        .post(
            "/login",
            &[
                ("username", "erin"),
                ("password", "erin-password"),
                ("next", "/orders"),
            ],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/orders"));
    let c2 = app.client();
    let res = c2
        .post(
            "/login",
            &[
                ("username", "erin"),
                ("password", "erin-password"),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/"));
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_message() {
    let app = spawn_app().await;
    app.account("frank", "frank-password", Role::Customer, None);
    let c = app.client();
    let wrong = c.login("frank", "not-his-password").await;
    let unknown = c.login("nobody-here", "whatever-pass").await;
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.text_of(".form-error"), unknown.text_of(".form-error"));
    assert_eq!(
        wrong.text_of(".form-error").as_deref(),
        Some(shopcounter::i18n::Locale::En.t("login-refused").as_str())
    );
}

#[tokio::test]
async fn eleven_failed_logins_lock_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    app.account("gina", "gina-password", Role::Customer, None);
    let c = app.client();
    for i in 1..=11 {
        let res = c.login("gina", "wrong-password").await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "attempt {i} is just wrong"
        );
    }
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM users WHERE username = 'gina' AND locked_until > NOW()"),
        1,
        "the eleventh failure locks the account"
    );
    let right = c.login("gina", "gina-password").await;
    assert_eq!(
        right.status,
        StatusCode::UNAUTHORIZED,
        "locked accounts refuse even the right password"
    );
    assert!(right
        .text_of(".form-error")
        .unwrap_or_default()
        .contains("15 minutes"));
    // After the lock has passed, the right password works again.
    app.sql("UPDATE users SET locked_until = NOW() - INTERVAL 1 SECOND WHERE username = 'gina'");
    let later = c.login("gina", "gina-password").await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_locked_account_answers_exactly_like_an_unknown_name() {
    let app = spawn_app().await;
    app.account("hugo", "hugo-password", Role::Customer, None);
    let c = app.client();
    for _ in 1..=11 {
        c.login("hugo", "wrong-password").await;
        c.login("nobody-at-all", "wrong-password").await;
    }
    let locked = c.login("hugo", "wrong-password").await;
    let unknown = c.login("nobody-at-all", "wrong-password").await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(locked.status, unknown.status);
    assert_eq!(
        locked.text_of(".form-error"),
        unknown.text_of(".form-error")
    );
    assert_eq!(
        locked.body.replace("hugo", "NAME"),
        unknown.body.replace("nobody-at-all", "NAME"),
        "the whole page is the same, apart from the name typed"
    );
}

#[tokio::test]
async fn the_session_id_is_renewed_at_login() {
    let app = spawn_app().await;
    app.account("hank", "hank-password", Role::Customer, None);
    let c = app.client();
    let before = c.csrf_token().await;
    c.login("hank", "hank-password").await;
    let after = c.csrf_token().await;
    assert_ne!(before, after, "a new session (and CSRF token) after login");
    // The token from before login no longer works.
    let stale = c.post_raw("/logout", &[("csrf_token", &before)]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn logout_everywhere_ends_other_sessions() {
    let app = spawn_app().await;
    app.account("ivy", "ivy-password", Role::Customer, None);
    let phone = app.client();
    let laptop = app.client();
    phone.login("ivy", "ivy-password").await;
    laptop.login("ivy", "ivy-password").await;
    assert!(laptop
        .get("/")
        .await
        .attr_of("[data-user]", "data-user")
        .is_some());
    let res = phone.post("/logout", &[("everywhere", "1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let laptop_home = laptop.get("/").await;
    assert!(
        laptop_home.attr_of("[data-user]", "data-user").is_none(),
        "the other session is logged out"
    );
    assert_eq!(
        app.sql_i64("SELECT session_epoch FROM users WHERE username = 'ivy'"),
        1
    );
}

#[tokio::test]
async fn disabling_an_account_ends_its_session_at_once() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let staff = app.staff("jack", store).await;
    assert_eq!(staff.get("/counter").await.status, StatusCode::OK);
    {
        let mut conn = app.conn();
        let id = app.sql_i64("SELECT id FROM users WHERE username = 'jack'");
        shopcounter::shop::accounts::set_disabled(&mut conn, id, true).expect("disable");
    }
    let res = staff.get("/counter").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location.as_deref(), Some("/login?next=%2Fcounter"));
    let again = staff.login("jack", "jack-password").await;
    assert_ne!(
        again.status,
        StatusCode::SEE_OTHER,
        "a disabled account cannot log in"
    );
}
