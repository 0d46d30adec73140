//! The demo shop: two stores, a dozen products, demo accounts. Safe to run twice.

use diesel::prelude::*;

use crate::db::in_transaction;
use crate::db::schema::{products, users};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::accounts::{create_account, NewAccount};
use crate::shop::catalog::{create_product, NewProduct};
use crate::shop::stores::{by_code, create_store};

/// The demo logins, printed by `seed-demo` and scripts/run.
/// The third part says who it is, in the catalog (`seed-demo` prints it in `DEFAULT_LOCALE`).
pub const DEMO_LOGINS: &[(&str, &str, Msg)] = &[
    ("admin", "admin-demo-pass", msg!("demo-login-admin")),
    ("north", "north-demo-pass", msg!("demo-login-north")),
    ("harbour", "harbour-demo-pass", msg!("demo-login-harbour")),
    ("alice", "alice-demo-pass", msg!("demo-login-customer")),
    ("bob", "bob-demo-pass", msg!("demo-login-customer")),
];

const STORES: &[(&str, &str, &str)] = &[
    ("SH01", "North Store", "12 North Road"),
    ("SH02", "Harbour Store", "3 Harbour Street"),
];

const PRODUCTS: &[(&str, &str, &str, i64, i32)] = &[
    (
        "TEA-MUG",
        "Tea Mug",
        "Stoneware mug, 350 ml, dishwasher safe.",
        4_500,
        40,
    ),
    (
        "GREEN-TEA",
        "Green Tea 100 g",
        "Loose-leaf Longjing green tea.",
        6_800,
        25,
    ),
    (
        "OOLONG",
        "铁观音乌龙茶 100 g",
        "安溪铁观音，轻焙火。",
        7_200,
        20,
    ),
    (
        "TEAPOT",
        "Glass Teapot",
        "600 ml heat-resistant glass teapot with infuser.",
        12_900,
        8,
    ),
    (
        "CUPS-4",
        "白瓷品茗杯（4 只）",
        "四只小巧的白瓷品茗杯。",
        5_600,
        15,
    ),
    (
        "KETTLE",
        "手冲细口壶",
        "1 升不锈钢细口壶，带温度计。",
        25_900,
        5,
    ),
    (
        "HONEY",
        "Wildflower Honey",
        "500 g jar from local beekeepers.",
        5_900,
        30,
    ),
    ("BISCUITS", "杏仁酥", "一盒 12 块，本周现烤。", 2_800, 50),
    (
        "TOTE",
        "Canvas Tote Bag",
        "Sturdy cotton tote with the shop's logo.",
        3_500,
        60,
    ),
    (
        "COASTERS",
        "Cork Coasters (6)",
        "Set of six cork coasters.",
        1_900,
        45,
    ),
    (
        "MATCHA",
        "Matcha 30 g",
        "Ceremonial-grade matcha powder.",
        9_800,
        3,
    ),
    (
        "GIFT-BOX",
        "茶礼盒",
        "两种茶、一只杯子和饼干，礼品包装。",
        18_800,
        10,
    ),
];

/// Seeds what is missing and leaves what exists alone.
pub fn seed_demo(conn: &mut MysqlConnection) -> Result<(), AppError> {
    in_transaction(conn, |conn| {
        for (code, name, address) in STORES {
            if by_code(conn, code)?.is_none() {
                create_store(conn, code, name, address)?;
            }
        }
        for (sku, name, description, price_cents, stock) in PRODUCTS {
            let exists: i64 = products::table
                .filter(products::sku.eq(sku))
                .count()
                .get_result(conn)?;
            if exists == 0 {
                create_product(
                    conn,
                    &NewProduct {
                        sku,
                        name,
                        description,
                        price_cents: *price_cents,
                        stock: *stock,
                    },
                    None,
                )?;
            }
        }
        Ok::<(), AppError>(())
    })?;
    let north = by_code(conn, "SH01")?.map(|s| s.id);
    let harbour = by_code(conn, "SH02")?.map(|s| s.id);
    let accounts: [(&str, &str, &str, Role, Option<i64>); 5] = [
        ("admin", "admin-demo-pass", "Shop Admin", Role::Admin, None),
        (
            "north",
            "north-demo-pass",
            "Nina (North counter)",
            Role::Staff,
            north,
        ),
        (
            "harbour",
            "harbour-demo-pass",
            "Hugo (Harbour counter)",
            Role::Staff,
            harbour,
        ),
        ("alice", "alice-demo-pass", "Alice", Role::Customer, None),
        ("bob", "bob-demo-pass", "Bob", Role::Customer, None),
    ];
    for (username, password, display_name, role, store_id) in accounts {
        let exists: i64 = users::table
            .filter(users::username.eq(username))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            create_account(
                conn,
                &NewAccount {
                    username,
                    password,
                    display_name,
                    role,
                    store_id,
                },
            )?;
        }
    }
    Ok(())
}
