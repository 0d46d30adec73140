//! CSRF, cross-site refusal, body limit, role guards, error pages.

use reqwest::StatusCode;

use super::helpers::spawn_app;

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_is_403_and_does_nothing() {
    let app = spawn_app().await;
    let c = app.client();
    c.get("/register").await;
    let missing = c
        .post_raw(
            "/register",
            &[("username", "mallory"), ("password", "mallory-pass")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let forged = c
        .post_raw(
            "/register",
            &[
                ("username", "mallory"),
                ("password", "mallory-pass"),
                ("csrf_token", "00ff"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.contains("<html"), "the 403 is an HTML page");
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM users"), 0);
}

#[tokio::test]
async fn cross_site_posts_are_refused_even_with_a_token() {
    let app = spawn_app().await;
    let c = app.client();
    let token = c.csrf_token().await;
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let res = c
            .http
            .post(format!("{}/register", app.address))
            .header(header, value)
            .form(&[
                ("username", "mallory"),
                ("password", "mallory-pass"),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{header}: {value}");
    }
    // Same-origin requests that say so are fine.
    let res = c
        .http
        .post(format!("{}/register", app.address))
        .header("sec-fetch-site", "same-origin")
        .header("origin", app.address.clone())
        .form(&[
            ("username", "okuser"),
            ("password", "okuser-pass"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM users"), 1);
}

#[tokio::test]
async fn bodies_over_16_kib_get_413() {
    let app = spawn_app().await;
    let c = app.client();
    let token = c.csrf_token().await;
    let big = "x".repeat(17 * 1024);
    let res = c
        .post_raw(
            "/register",
            &[
                ("username", "big"),
                ("password", &big),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.contains("16 KiB"));
}

#[tokio::test]
async fn guarded_pages_send_anonymous_users_to_login_and_wrong_roles_get_403() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let anon = app.client();
    for path in ["/counter", "/admin"] {
        let res = anon.get(path).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            res.location.unwrap_or_default().starts_with("/login?next="),
            "{path}"
        );
    }
    let customer = app.customer("kim").await;
    let staff = app.staff("lee", store).await;
    let admin = app.admin("max").await;
    assert_eq!(customer.get("/counter").await.status, StatusCode::FORBIDDEN);
    assert_eq!(customer.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(staff.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/counter").await.status, StatusCode::FORBIDDEN);
    let counter = staff.get("/counter").await;
    assert_eq!(counter.status, StatusCode::OK);
    assert!(
        counter.contains("North Store"),
        "the counter names the staff member's store"
    );
    let dash = admin.get("/admin").await;
    assert_eq!(dash.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_paths_get_the_404_page() {
    let app = spawn_app().await;
    let res = app.client().get("/no/such/page").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        res.attr_of("[data-error-status]", "data-error-status")
            .as_deref(),
        Some("404")
    );
}

#[tokio::test]
async fn names_with_html_are_shown_as_text() {
    let app = spawn_app().await;
    app.product("XSS", "<script>alert(1)</script>", 100, 5);
    let page = app.client().get("/").await;
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || page.contains("&#60;script&#62;")
    );
}
