//! Hostile input: redirect targets, out-of-range query parameters, and the security headers on
//! every response (error pages included) with a CSP the pages actually keep (no inline script).

use reqwest::StatusCode;
use scraper::{Html, Selector};

use super::helpers::{spawn_app, spawn_app_with, Client};

#[tokio::test]
async fn next_is_honoured_only_as_a_local_path_and_never_breaks_a_header() {
    let app = spawn_app().await;
    app.account(
        "erin",
        "erin-password",
        shopcounter::domain::Role::Customer,
        None,
    );
    for next in [
        "/\t/evil.example",
        "/%09/evil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example",
        "/%0a",
        "/%0d%0aSet-Cookie:%20x=1",
        "/%0b",
        "/%00",
        "/\n",
        "/orders\r\nX-Evil: 1",
    ] {
        let c = app.client();
        let form = c.get(&format!("/login?next={}", urlencode(next))).await;
        assert_eq!(form.status, StatusCode::OK, "GET /login?next={next:?}");
        assert_eq!(form.input_value("next").as_deref(), Some(""), "{next:?}");
        let res = c
            .post(
                "/login",
                &[
                    ("username", "erin"),
                    ("password", "erin-password"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "POST /login next={next:?}"
        );
        assert_eq!(res.location.as_deref(), Some("/"), "next={next:?}");
    }
    let c = app.client();
    let res = c
        .post(
            "/login",
            &[
                ("username", "erin"),
                ("password", "erin-password"),
                ("next", "/orders?page=1"),
            ],
        )
        .await;
    assert_eq!(res.location.as_deref(), Some("/orders?page=1"));
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}

#[tokio::test]
async fn query_parameters_out_of_range_are_refused_naming_them_never_ignored() {
    let app = spawn_app().await;
    let admin = app.admin("root").await;
    for (query, field) in [
        ("from=0000-01-01", "from"),
        ("from=-0001-01-01", "from"),
        ("to=1999-12-31", "to"),
        ("to=10000-01-01", "to"),
        ("from=%2B10000-01-01", "from"),
    ] {
        let page = admin.get(&format!("/admin/orders?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            page.text_of(&format!("[data-error={field}]")).is_some(),
            "{query}: {}",
            page.body
        );
    }
    let long = "9".repeat(65);
    let page = admin.get(&format!("/admin/orders?q={long}")).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page
        .text_of("[data-error=q]")
        .unwrap_or_default()
        .contains("64"));
    assert_eq!(
        page.input_value("q").as_deref(),
        Some(long.as_str()),
        "the search box keeps what was typed"
    );
    let ok = admin
        .get(&format!("/admin/orders?q={}", "9".repeat(64)))
        .await;
    assert_eq!(ok.status, StatusCode::OK);

    for (path, name) in [
        ("/admin/orders?before=abc", "`before`"),
        ("/admin/orders?after=-5", "`after`"),
        ("/admin/orders?before=99999999999999999999", "`before`"),
        ("/admin/lookups?before=x", "`before`"),
        ("/admin/stock?sort=price", "`sort`"),
        ("/admin/stock?dir=sideways", "`dir`"),
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.contains(name), "{path}: {}", page.body);
    }
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn check_headers(
    c: &Client,
    method: reqwest::Method,
    path: &str,
    camera: bool,
) -> StatusCode {
    let mut req = c
        .http
        .request(method.clone(), format!("{}{}", c.base, path));
    if method == reqwest::Method::POST {
        req = req
            .header("sec-fetch-site", "cross-site")
            .form(&[("csrf_token", "x")]);
    }
    let res = req.send().await.expect("request");
    let csp = header(&res, "content-security-policy").unwrap_or_default();
    assert!(csp.contains("default-src 'self'"), "{path}: CSP {csp:?}");
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{path}: CSP {csp:?}"
    );
    assert_eq!(
        header(&res, "x-content-type-options"),
        Some("nosniff"),
        "{path}"
    );
    assert_eq!(header(&res, "x-frame-options"), Some("DENY"), "{path}");
    let pp = header(&res, "permissions-policy").unwrap_or_default();
    if camera {
        assert!(pp.contains("camera=(self)"), "{path}: {pp}");
    } else {
        assert!(pp.contains("camera=()"), "{path}: {pp}");
    }
    assert_eq!(
        header(&res, "strict-transport-security"),
        None,
        "no HSTS on plain HTTP"
    );
    res.status()
}

#[tokio::test]
async fn every_response_has_the_security_headers_error_pages_included() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let staff = app.staff("north", store).await;
    let anon = app.client();
    use reqwest::Method;
    assert_eq!(
        check_headers(&anon, Method::GET, "/", false).await,
        StatusCode::OK
    );
    assert_eq!(
        check_headers(&anon, Method::GET, "/static/app.css", false).await,
        StatusCode::OK
    );
    assert_eq!(
        check_headers(&anon, Method::GET, "/no/such/page", false).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        check_headers(&anon, Method::GET, "/orders", false).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        check_headers(&anon, Method::GET, "/admin/orders?before=x", false).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        check_headers(&anon, Method::POST, "/cart/items", false).await,
        StatusCode::FORBIDDEN,
        "the cross-site 403"
    );
    assert_eq!(
        check_headers(&staff, Method::GET, "/counter", true).await,
        StatusCode::OK
    );

    let secure = spawn_app_with(|s| s.cookie_secure = true).await;
    let res = secure
        .client()
        .http
        .get(format!("{}/", secure.address))
        .send()
        .await
        .expect("GET");
    assert!(header(&res, "strict-transport-security")
        .unwrap_or_default()
        .starts_with("max-age="));
}

/// The CSP forbids inline script and style: no page may carry any.
fn assert_no_inline_code(path: &str, body: &str) {
    let doc = Html::parse_document(body);
    let all = Selector::parse("*").expect("selector");
    for el in doc.select(&all) {
        let v = el.value();
        if v.name() == "script" {
            assert!(v.attr("src").is_some(), "{path}: an inline <script>");
        }
        assert_ne!(v.name(), "style", "{path}: an inline <style>");
        for (name, value) in v.attrs() {
            assert!(!name.starts_with("on"), "{path}: an inline handler {name}");
            assert_ne!(name, "style", "{path}: an inline style attribute");
            assert!(
                !value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:"),
                "{path}: a javascript: URL"
            );
        }
    }
}

#[tokio::test]
async fn no_page_carries_inline_script_or_style() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    app.product("TEA", "Green Tea", 450, 10);
    let customer = app.customer("alice").await;
    let staff = app.staff("north", store).await;
    let admin = app.admin("root").await;
    let anon = app.client();
    for (c, paths) in [
        (&anon, vec!["/", "/login", "/register", "/nothing-here"]),
        (
            &customer,
            vec!["/", "/cart", "/orders", "/account", "/checkout"],
        ),
        (&staff, vec!["/counter", "/account"]),
        (
            &admin,
            vec![
                "/admin",
                "/admin/stock",
                "/admin/products",
                "/admin/orders",
                "/admin/stores",
                "/admin/staff",
                "/admin/lookups",
            ],
        ),
    ] {
        for path in paths {
            let page = c.get(path).await;
            assert_no_inline_code(path, &page.body);
        }
    }
}
