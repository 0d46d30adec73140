//! The `shopcounter` command as operators script it: one-line reasons and non-zero exits on bad
//! arguments or duplicates, nothing changed then; seed-demo is safe to run twice.

use std::process::{Command, Output};

use super::helpers::TestDb;

fn shopcounter(db: &TestDb, args: &[&str]) -> Output {
    let var_dir = std::env::temp_dir().join(format!("shopcounter-cli-{}", db.name));
    Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("SHOPCOUNTER_VAR_DIR", &var_dir)
        .env_remove("BIND")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run shopcounter")
}

fn count(db: &TestDb, table: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = MysqlConnection::establish(&db.url).expect("connect");
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<N>(&mut conn)
        .expect("count")
        .n
}

fn one_line_error(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "expected a failure, got success: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(err.lines().count(), 1, "one line of reason, got: {err}");
    err
}

#[test]
fn store_user_and_product_add_work_and_refuse_duplicates_with_one_line() {
    let db = TestDb::create();
    let ok = shopcounter(
        &db,
        &[
            "store",
            "add",
            "--code",
            "SH01",
            "--name",
            "North Store",
            "--address",
            "12 North Road",
        ],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let dup = shopcounter(&db, &["store", "add", "--code", "SH01", "--name", "Again"]);
    assert!(one_line_error(&dup).contains("already exists"));
    assert_eq!(count(&db, "stores"), 1);

    let staff = shopcounter(
        &db,
        &[
            "user",
            "add",
            "--username",
            "nina",
            "--password",
            "nina-password",
            "--role",
            "staff",
            "--store",
            "SH01",
        ],
    );
    assert!(
        staff.status.success(),
        "{}",
        String::from_utf8_lossy(&staff.stderr)
    );
    let dup = shopcounter(
        &db,
        &[
            "user",
            "add",
            "--username",
            "nina",
            "--password",
            "other-password",
            "--role",
            "customer",
        ],
    );
    assert!(one_line_error(&dup).contains("taken"));
    let no_store = shopcounter(
        &db,
        &[
            "user",
            "add",
            "--username",
            "sam",
            "--password",
            "sam-password",
            "--role",
            "staff",
        ],
    );
    assert!(one_line_error(&no_store).contains("--store"));
    let unknown_store = shopcounter(
        &db,
        &[
            "user",
            "add",
            "--username",
            "sam",
            "--password",
            "sam-password",
            "--role",
            "staff",
            "--store",
            "XX99",
        ],
    );
    assert!(one_line_error(&unknown_store).contains("XX99"));
    let short_pw = shopcounter(
        &db,
        &[
            "user",
            "add",
            "--username",
            "sam",
            "--password",
            "short",
            "--role",
            "customer",
        ],
    );
    assert!(one_line_error(&short_pw).contains("--password"));
    assert_eq!(count(&db, "users"), 1);

    let product = shopcounter(
        &db,
        &[
            "product",
            "add",
            "--sku",
            "MUG",
            "--name",
            "Tea Mug",
            "--price-cents",
            "4500",
            "--stock",
            "12",
        ],
    );
    assert!(
        product.status.success(),
        "{}",
        String::from_utf8_lossy(&product.stderr)
    );
    let dup = shopcounter(
        &db,
        &[
            "product",
            "add",
            "--sku",
            "MUG",
            "--name",
            "Mug",
            "--price-cents",
            "1",
            "--stock",
            "1",
        ],
    );
    assert!(one_line_error(&dup).contains("already exists"));
    let negative = shopcounter(
        &db,
        &[
            "product",
            "add",
            "--sku",
            "NEG",
            "--name",
            "Neg",
            "--price-cents",
            "100",
            "--stock",
            "-1",
        ],
    );
    assert!(one_line_error(&negative).contains("--stock"));
    assert_eq!(count(&db, "products"), 1);
    assert_eq!(
        count(&db, "stock_movements"),
        1,
        "the initial stock arrived as one restock movement"
    );
}

#[test]
fn seed_demo_is_safe_to_run_twice() {
    let db = TestDb::create();
    let first = shopcounter(&db, &["seed-demo"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let printed = String::from_utf8_lossy(&first.stdout);
    assert!(
        printed.contains("alice") && printed.contains("admin"),
        "prints the demo logins: {printed}"
    );
    let (stores, products, users, movements) = (
        count(&db, "stores"),
        count(&db, "products"),
        count(&db, "users"),
        count(&db, "stock_movements"),
    );
    assert_eq!((stores, products), (2, 12));
    let second = shopcounter(&db, &["seed-demo"]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(
        (
            count(&db, "stores"),
            count(&db, "products"),
            count(&db, "users"),
            count(&db, "stock_movements")
        ),
        (stores, products, users, movements),
        "a second run changes nothing"
    );
}

#[test]
fn a_bad_setting_stops_start_up_with_a_line_naming_the_variable() {
    let db = TestDb::create();
    let out = Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .args(["migrate"])
        .env("DATABASE_URL", &db.url)
        .env("PICKUP_CODE_DIGITS", "12")
        .output()
        .expect("run");
    assert!(one_line_error(&out).contains("PICKUP_CODE_DIGITS"));
    let out = Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .args(["migrate"])
        .env("DATABASE_URL", &db.url)
        .env("SHOP_UTC_OFFSET", "Mars")
        .output()
        .expect("run");
    assert!(one_line_error(&out).contains("SHOP_UTC_OFFSET"));
    let out = Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .args(["migrate"])
        .env("DATABASE_URL", &db.url)
        .env("DEFAULT_LOCALE", "fr")
        .output()
        .expect("run");
    assert!(one_line_error(&out).contains("DEFAULT_LOCALE"));
}

#[tokio::test]
async fn sweep_expires_an_unpaid_order_once_and_says_so() {
    use super::fixtures::{create_order, OrderSpec};
    use shopcounter::domain::{OrderStatus, PayMethod, Role};

    let app = super::helpers::spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Tea Mug", 1250, 5);
    let alice = app.account("alice", "alice-password", Role::Customer, None);
    let order = create_order(
        &app,
        &OrderSpec {
            user_id: alice,
            store_id: store,
            pay_method: PayMethod::Online,
            status: OrderStatus::PendingPayment,
            lines: &[(mug, 2)],
        },
    );
    app.sql(&format!(
        "UPDATE orders SET expires_at = NOW() - INTERVAL 1 MINUTE WHERE id = {}",
        order.id
    ));

    let out = shopcounter(&app.test_db, &["sweep"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("1 unpaid order(s) expired"), "said: {said}");
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT status = 'cancelled' FROM orders WHERE id = {}",
            order.id
        )),
        1
    );
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        5
    );

    let again = shopcounter(&app.test_db, &["sweep"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 unpaid order(s) expired"));
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        5
    );
    super::invariants::assert_invariants(&app);
}
