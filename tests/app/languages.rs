//! The language of every page (SPEC §15): `Accept-Language` chooses it, the footer's switch (a
//! cookie) wins over the header, `DEFAULT_LOCALE` answers when neither says anything; messages
//! carried across a redirect (the flash) and error pages come in the reader's language too.

use reqwest::header::{ACCEPT_LANGUAGE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;

use super::helpers::{spawn_app, spawn_app_with, Client};
use shopcounter::i18n::Locale;

const ZH_HEADER: &str = "zh-CN,zh;q=0.9";

/// A GET with the given `Accept-Language` on the client's cookie jar; with None, a bare request
/// with no header and no cookie at all (the tests' client says `en` by default).
async fn get_in(c: &Client, path: &str, accept_language: Option<&str>) -> (StatusCode, String) {
    let url = format!("{}{path}", c.base);
    let req = match accept_language {
        Some(lang) => c.http.get(url).header(ACCEPT_LANGUAGE, lang),
        None => reqwest::Client::new().get(url),
    };
    let res = req.send().await.expect("GET");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

fn html_lang(body: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(body);
    let sel = scraper::Selector::parse("html").expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("lang").map(str::to_string))
}

#[tokio::test]
async fn accept_language_chinese_gets_the_chinese_shop() {
    let app = spawn_app().await;
    let (status, body) = get_in(&app.client(), "/", Some(ZH_HEADER)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html_lang(&body).as_deref(), Some("zh-CN"));
    assert!(body.contains("在线下单，到店自取"), "{body}");
    assert!(body.contains(">登录<"), "the nav is Chinese too");
    assert!(!body.contains("Order now, pick up in store"));
}

#[tokio::test]
async fn accept_language_english_gets_the_english_shop() {
    let app = spawn_app().await;
    let (_, body) = get_in(&app.client(), "/login", Some("en-US")).await;
    assert_eq!(html_lang(&body).as_deref(), Some("en"));
    assert!(
        body.contains("Log in") && body.contains("New here?"),
        "{body}"
    );
    assert!(!body.contains("登录"));
}

#[tokio::test]
async fn the_switch_sets_a_cookie_that_wins_over_the_header() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c
        .http
        .get(format!("{}/lang/en?next=%2Flogin", c.base))
        .header(ACCEPT_LANGUAGE, ZH_HEADER)
        .send()
        .await
        .expect("switch");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers().get(LOCATION).unwrap(), "/login");
    let cookie = res
        .headers()
        .get(SET_COOKIE)
        .expect("a cookie")
        .to_str()
        .unwrap();
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    let (_, body) = get_in(&c, "/login", Some(ZH_HEADER)).await;
    assert_eq!(html_lang(&body).as_deref(), Some("en"), "the cookie wins");
    assert!(body.contains("New here?"));

    // And back: Chinese while the browser asks for English.
    c.http
        .get(format!("{}/lang/zh-CN?next=%2F", c.base))
        .send()
        .await
        .expect("switch");
    let (_, body) = get_in(&c, "/login", Some("en-US")).await;
    assert_eq!(html_lang(&body).as_deref(), Some("zh-CN"));
    assert!(body.contains("第一次来？"), "{body}");
}

#[tokio::test]
async fn the_default_answers_when_nothing_is_said() {
    let app = spawn_app().await;
    let (_, body) = get_in(&app.client(), "/", None).await;
    assert_eq!(
        html_lang(&body).as_deref(),
        Some("zh-CN"),
        "DEFAULT_LOCALE is zh-CN"
    );
    let (_, body) = get_in(&app.client(), "/", Some("fr-FR,de;q=0.8")).await;
    assert_eq!(
        html_lang(&body).as_deref(),
        Some("zh-CN"),
        "no language the shop has"
    );

    let english = spawn_app_with(|s| s.default_locale = Locale::En).await;
    let (_, body) = get_in(&english.client(), "/", None).await;
    assert_eq!(html_lang(&body).as_deref(), Some("en"));
    assert!(body.contains("Order now, pick up in store"));
}

#[tokio::test]
async fn the_switch_only_goes_back_to_a_local_page_and_knows_two_languages() {
    let app = spawn_app().await;
    let c = app.client();
    for (path, to) in [
        ("/lang/en?next=%2F%2Fevil.example", "/"),
        ("/lang/en?next=https%3A%2F%2Fevil.example", "/"),
        ("/lang/en", "/"),
        ("/lang/en?next=%2Forders%3Fpage%3D2", "/orders?page=2"),
    ] {
        let res = c
            .http
            .get(format!("{}{path}", c.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.headers().get(LOCATION).unwrap(), to, "{path}");
    }
    let res = c
        .http
        .get(format!("{}/lang/fr", c.base))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers().get(SET_COOKIE).is_none(),
        "no cookie for a language the shop lacks"
    );
}

#[tokio::test]
async fn every_page_has_the_switch_back_to_itself() {
    let app = spawn_app().await;
    let (_, body) = get_in(&app.client(), "/login?next=%2Fcart", Some(ZH_HEADER)).await;
    assert!(
        body.contains("href=\"/lang/en?next=%2Flogin%3Fnext%3D%252Fcart\""),
        "{body}"
    );
    assert!(body.contains(">中文</a> | <a"));
}

#[tokio::test]
async fn error_pages_and_flashes_come_in_the_readers_language() {
    let app = spawn_app().await;
    let (status, body) = get_in(&app.client(), "/no-such-page", Some(ZH_HEADER)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(html_lang(&body).as_deref(), Some("zh-CN"));
    assert!(body.contains("找不到页面"), "{body}");

    // The flash is stored as a key and translated on the page that shows it.
    let store = app.store("SH01", "North Store");
    let _ = store;
    let mug = app.product("MUG", "Tea Mug", 1250, 5);
    let alice = app.customer("alice").await;
    alice
        .http
        .get(format!("{}/lang/zh-CN?next=%2F", alice.base))
        .send()
        .await
        .unwrap();
    let res = alice
        .post(
            "/cart/items",
            &[("product_id", &mug.to_string()), ("quantity", "2")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = alice.get("/").await;
    assert!(page.contains("已加入 2 × Tea Mug"), "{}", page.body);
    assert!(page.contains("查看购物车（2）"));
}

#[tokio::test]
async fn outcome_messages_count_in_the_catalog_and_name_the_time_in_the_readers_way() {
    // Sold out "with the number left", in Chinese.
    let zh = Locale::ZhCn.msg(&shopcounter::msg!("sold-out-left", name = "茶杯", left = 3));
    assert!(zh.contains("茶杯") && zh.contains("只剩 3 件"), "{zh}");
    // English plurals are the catalog's: one line / two lines.
    let one = Locale::En.msg(&shopcounter::msg!("cart-selected", n = 1));
    let two = Locale::En.msg(&shopcounter::msg!("cart-selected", n = 2));
    assert_eq!(
        (one.as_str(), two.as_str()),
        ("1 line selected", "2 lines selected")
    );
    // "Already handed over by X at 14:02".
    let at = Locale::ZhCn.msg(&shopcounter::msg!(
        "counter-already",
        order = "…123456",
        at = "14:02",
        by = "nina"
    ));
    assert!(at.contains("nina") && at.contains("14:02"), "{at}");
}
