//! The shop on a three-node Galera cluster behind HAProxy (`scripts/test-cluster` starts it and
//! runs these; they are ignored otherwise). Each test makes its own product, accounts and orders
//! in the cluster's one database, and ends with the invariants checked on every node and the
//! nodes' table checksums equal.

use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use rand::Rng;
use reqwest::StatusCode;
use tokio::sync::Barrier;

use shopcounter::db::{in_transaction, Db};
use shopcounter::domain::{PickupCode, Role};
use shopcounter::error::AppError;
use shopcounter::shop::accounts::{create_account, CreateAccount, NewAccount};
use shopcounter::shop::catalog::{create_product, CreateProduct, NewProduct};
use shopcounter::shop::invariants::INVARIANTS;
use shopcounter::shop::payment::sign_notification;
use shopcounter::shop::pickup::{issue_pickup_code, Issued};

use super::checkout::order_no_from;
use super::helpers::{Client, Page};

const IGNORE: &str = "needs the Galera cluster of scripts/test-cluster";

/// The running cluster, from `$CLUSTER_DIR/cluster.env` (written by `scripts/cluster up`).
struct Cluster {
    dir: PathBuf,
    /// HAProxy.
    url: String,
    /// One instance per node, in node order.
    apps: Vec<String>,
    /// A pool per node (READ COMMITTED, wsrep_sync_wait like the app's).
    nodes: Vec<Db>,
    /// Makes names unique to this test.
    tag: String,
}

impl Cluster {
    fn get() -> Cluster {
        let dir = PathBuf::from(std::env::var("CLUSTER_DIR").expect(IGNORE));
        let env = std::fs::read_to_string(dir.join("cluster.env")).expect(IGNORE);
        let value = |key: &str| -> String {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .unwrap_or_else(|| panic!("{key} in cluster.env"))
                .trim_matches('"')
                .to_string()
        };
        let apps = value("CLUSTER_APP_URLS")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let nodes = value("CLUSTER_DB_URLS")
            .split_whitespace()
            .map(|u| Db::new(&format!("{u}/shopcounter"), 4))
            .collect();
        Cluster {
            url: value("CLUSTER_URL"),
            dir,
            apps,
            nodes,
            tag: format!("{:06x}", rand::thread_rng().gen::<u32>() & 0xff_ffff),
        }
    }

    fn conn(&self, node: usize) -> shopcounter::db::PooledConn {
        self.nodes[node].conn().expect("a connection to the node")
    }

    fn sql_i64(&self, node: usize, query: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
            n: Option<i64>,
        }
        // After a node restart the pool may still hold a connection to the old process: its
        // first use fails and marks the pool suspect (the next checkout pings), so try again.
        let mut tries = 0;
        loop {
            match diesel::sql_query(format!("SELECT CAST(({query}) AS SIGNED) AS n"))
                .get_result::<N>(&mut *self.conn(node))
            {
                Ok(row) => return row.n.unwrap_or(0),
                Err(e) if tries < 3 => {
                    eprintln!("{query} on node {}: {e}; trying again", node + 1);
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("{query}: {e}"),
            }
        }
    }

    fn sql(&self, node: usize, statements: &str) {
        use diesel::connection::SimpleConnection;
        self.conn(node).batch_execute(statements).expect(statements);
    }

    fn script(&self, args: &[&str]) {
        let status =
            std::process::Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/cluster"))
                .args(args)
                .env("CLUSTER_DIR", &self.dir)
                .status()
                .expect("run scripts/cluster");
        assert!(status.success(), "scripts/cluster {args:?}");
    }

    fn store(&self, code: &str) -> i64 {
        self.sql_i64(0, &format!("SELECT id FROM stores WHERE code = '{code}'"))
    }

    fn product(&self, stock: i32) -> i64 {
        let sku = format!("CL-{}", self.tag);
        let created = in_transaction(&mut self.conn(0), |c| {
            create_product(
                c,
                &NewProduct {
                    sku: &sku,
                    name: "Cluster kettle",
                    description: "Sold in a flash sale.",
                    price_cents: 2500,
                    stock,
                },
                None,
            )
        })
        .expect("create product");
        match created {
            CreateProduct::Created(id) => id,
            CreateProduct::SkuTaken => panic!("sku taken"),
        }
    }

    /// `n` accounts made on the nodes in turn, a few at a time (password hashing is slow).
    async fn accounts(
        &self,
        prefix: &str,
        n: usize,
        role: Role,
        store: Option<i64>,
    ) -> Vec<String> {
        let names: Vec<String> = (0..n)
            .map(|i| format!("{prefix}{}x{i}", self.tag))
            .collect();
        for (chunk_no, chunk) in names.chunks(4).enumerate() {
            let jobs: Vec<_> = chunk
                .iter()
                .cloned()
                .map(|name| {
                    let db = self.nodes[chunk_no % self.nodes.len()].clone();
                    tokio::task::spawn_blocking(move || {
                        let mut c = db.conn().expect("conn");
                        let made = create_account(
                            &mut c,
                            &NewAccount {
                                username: &name,
                                password: &password_of(&name),
                                display_name: &name,
                                role,
                                store_id: store,
                            },
                        )
                        .expect("create account");
                        assert!(matches!(made, CreateAccount::Created(_)));
                    })
                })
                .collect();
            for job in jobs {
                job.await.expect("account job");
            }
        }
        names
    }

    async fn login(&self, base: &str, name: &str) -> Client {
        let client = Client::new(base);
        let page = client.login(name, &password_of(name)).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "login of {name}: {}",
            page.body
        );
        client
    }

    /// The sum of one counter over every instance's /metrics.
    async fn metric_sum(&self, series: &str) -> f64 {
        let mut sum = 0.0;
        for app in &self.apps {
            let Ok(res) = reqwest::get(format!("{app}/metrics")).await else {
                continue;
            };
            let text = res.text().await.unwrap_or_default();
            sum += text
                .lines()
                .filter(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .sum::<f64>();
        }
        sum
    }

    /// The invariants on every node, and every table's checksum equal on all nodes (retried for a
    /// while: a sweeper may change a row between two nodes' reads).
    fn assert_consistent(&self) {
        for node in 0..self.nodes.len() {
            let mut c = self.conn(node);
            for invariant in INVARIANTS {
                let broken = invariant
                    .violations(&mut c)
                    .unwrap_or_else(|e| panic!("node {}: {}: {e:?}", node + 1, invariant.query));
                assert_eq!(
                    broken,
                    0,
                    "node {}: invariant broken: {}",
                    node + 1,
                    invariant.what
                );
            }
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let sums: Vec<Vec<(String, Option<i64>)>> =
                (0..self.nodes.len()).map(|n| self.checksums(n)).collect();
            if sums.iter().all(|s| *s == sums[0]) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "table checksums differ between nodes: {sums:?}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    fn checksums(&self, node: usize) -> Vec<(String, Option<i64>)> {
        #[derive(QueryableByName)]
        struct Name {
            #[diesel(sql_type = diesel::sql_types::Text)]
            name: String,
        }
        #[derive(QueryableByName)]
        struct Sum {
            #[diesel(sql_type = diesel::sql_types::Text, column_name = "Table")]
            table: String,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>, column_name = "Checksum")]
            checksum: Option<i64>,
        }
        let mut c = self.conn(node);
        let tables: Vec<Name> = diesel::sql_query(
            "SELECT TABLE_NAME AS name FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
        )
        .load(&mut *c)
        .expect("tables");
        let list = tables
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        // Reads wait for this node to apply what the cluster committed (SHOW/SELECT = bit 1; 15 = all).
        use diesel::connection::SimpleConnection;
        c.batch_execute("SET SESSION wsrep_sync_wait = 15")
            .expect("sync wait");
        let sums: Vec<Sum> = diesel::sql_query(format!("CHECKSUM TABLE {list}"))
            .load(&mut *c)
            .expect("checksum");
        c.batch_execute("SET SESSION wsrep_sync_wait = 1")
            .expect("sync wait");
        sums.into_iter().map(|s| (s.table, s.checksum)).collect()
    }

    fn pickup_code_of(&self, node: usize, order_no: &str) -> String {
        #[derive(QueryableByName)]
        struct Code {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            code: Option<String>,
        }
        let row: Code = diesel::sql_query(format!(
            "SELECT pickup_code AS code FROM orders WHERE order_no = '{order_no}'"
        ))
        .get_result(&mut *self.conn(node))
        .expect("order");
        row.code.expect("a pickup code")
    }
}

fn password_of(name: &str) -> String {
    format!("{name}-cluster-pass")
}

/// One buyer's attempt: add to cart, check out at the counter; a busy or unavailable answer is
/// tried again (as a person would), a few times. `Some(order_no)` when the shop acknowledged an order.
async fn buy_one(client: &Client, product: i64, store: i64) -> Option<String> {
    for _ in 0..6 {
        let added = client.add_to_cart(product, "1").await;
        if added.status.is_server_error() {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        }
        let form = client.get("/checkout").await;
        if form.status != StatusCode::OK {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        }
        let (Some(token), Some(total)) = (
            form.input_value("submit_token"),
            form.input_value("seen_total_cents"),
        ) else {
            return None;
        };
        let placed = client
            .submit_checkout(&token, &total, store, "at_counter")
            .await;
        match placed.status {
            StatusCode::SEE_OTHER => return Some(order_no_from(&placed)),
            s if s.is_server_error() => tokio::time::sleep(Duration::from_millis(300)).await,
            _ => return None, // sold out (or another refusal shown on the form)
        }
    }
    None
}

/// Every buyer logs in through `base(i)` and buys one unit, all released at the same moment.
async fn sale(
    cluster: &Arc<Cluster>,
    buyers: &[String],
    product: i64,
    store: i64,
    base: impl Fn(usize) -> String,
    mid_sale: Option<(usize, Box<dyn FnOnce() + Send>)>,
) -> Vec<String> {
    let mut clients = Vec::new();
    for (i, name) in buyers.iter().enumerate() {
        clients.push(Arc::new(cluster.login(&base(i), name).await));
    }
    let start = Arc::new(Barrier::new(clients.len()));
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    for client in clients {
        let (start, done) = (Arc::clone(&start), done_tx.clone());
        tokio::spawn(async move {
            start.wait().await;
            let _ = done.send(buy_one(&client, product, store).await);
        });
    }
    drop(done_tx);
    let mut acknowledged = Vec::new();
    let mut answered = 0;
    let mut mid_sale = mid_sale;
    while let Some(result) = done_rx.recv().await {
        answered += 1;
        acknowledged.extend(result);
        if let Some((after, _)) = &mid_sale {
            if answered >= *after {
                let (_, act) = mid_sale.take().expect("once");
                tokio::task::spawn_blocking(act)
                    .await
                    .expect("mid-sale action");
            }
        }
    }
    acknowledged
}

fn orders_of(cluster: &Cluster, node: usize, product: i64) -> i64 {
    cluster.sql_i64(
        node,
        &format!(
            "SELECT COUNT(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id \
             WHERE l.product_id = {product} AND o.status <> 'cancelled'"
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the Galera cluster of scripts/test-cluster"]
async fn cluster_flash_sale_hundred_buyers_over_three_instances_ten_units_sell_exactly_ten() {
    let cluster = Arc::new(Cluster::get());
    let store = cluster.store("SH01");
    let product = cluster.product(10);
    let buyers = cluster.accounts("fs", 100, Role::Customer, None).await;
    let reruns_before = cluster
        .metric_sum(r#"shopcounter_transaction_reruns_total{cause="certification"}"#)
        .await;

    let apps = cluster.apps.clone();
    let acknowledged = sale(
        &cluster,
        &buyers,
        product,
        store,
        |i| apps[i % apps.len()].clone(),
        None,
    )
    .await;

    assert_eq!(acknowledged.len(), 10, "exactly ten buyers got an order");
    for node in 0..3 {
        assert_eq!(orders_of(&cluster, node, product), 10, "node {}", node + 1);
        assert_eq!(
            cluster.sql_i64(
                node,
                &format!("SELECT stock FROM products WHERE id = {product}")
            ),
            0
        );
    }
    let reruns = cluster
        .metric_sum(r#"shopcounter_transaction_reruns_total{cause="certification"}"#)
        .await
        - reruns_before;
    eprintln!("flash sale over three instances: 10 sold, {reruns} certification reruns");
    cluster.assert_consistent();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the Galera cluster of scripts/test-cluster"]
async fn cluster_the_same_checkout_form_sent_to_two_instances_at_once_gives_one_order() {
    let cluster = Arc::new(Cluster::get());
    let store = cluster.store("SH01");
    let product = cluster.product(50);
    let names = cluster.accounts("tw", 3, Role::Customer, None).await;
    for name in &names {
        let first = cluster.login(&cluster.apps[0], name).await;
        first.add_to_cart(product, "1").await;
        let (token, total) = first.checkout_form().await;
        // The same browser session (cookie jar) sending the same form to instance 2 and 3.
        let a = first.on(&cluster.apps[1], "twin a");
        let b = first.on(&cluster.apps[2], "twin b");
        let barrier = Arc::new(Barrier::new(2));
        let send = |c: Client, barrier: Arc<Barrier>, token: String, total: String| async move {
            c.csrf_token().await;
            barrier.wait().await;
            c.submit_checkout(&token, &total, store, "at_counter").await
        };
        let (ra, rb) = tokio::join!(
            tokio::spawn(send(a, barrier.clone(), token.clone(), total.clone())),
            tokio::spawn(send(b, barrier.clone(), token, total)),
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.status, StatusCode::SEE_OTHER, "{}", ra.body);
        assert_eq!(rb.status, StatusCode::SEE_OTHER, "{}", rb.body);
        assert_eq!(
            order_no_from(&ra),
            order_no_from(&rb),
            "both answers show the one order"
        );
        for node in 0..3 {
            assert_eq!(
                cluster.sql_i64(
                    node,
                    &format!("SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.user_id WHERE u.username = '{name}'")
                ),
                1,
                "one order on node {}",
                node + 1
            );
        }
    }
    cluster.assert_consistent();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the Galera cluster of scripts/test-cluster"]
async fn cluster_provider_callback_and_customer_pay_racing_on_different_nodes_give_one_payment() {
    let cluster = Arc::new(Cluster::get());
    let store = cluster.store("SH01");
    let product = cluster.product(50);
    let secret = std::fs::read_to_string(cluster.dir.join("var/payment_webhook_secret"))
        .expect("the cluster's webhook secret");
    let names = cluster.accounts("py", 3, Role::Customer, None).await;
    for name in &names {
        let customer = cluster.login(&cluster.apps[0], name).await;
        customer.add_to_cart(product, "1").await;
        let placed = customer.checkout(store, "online").await;
        assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
        let order_no = order_no_from(&placed);
        let token = customer.pay_token(&order_no).await;
        let amount = cluster
            .sql_i64(
                1,
                &format!("SELECT total_cents FROM orders WHERE order_no = '{order_no}'"),
            )
            .to_string();
        let barrier = Arc::new(Barrier::new(2));
        let pay = {
            let (barrier, order_no) = (barrier.clone(), order_no.clone());
            async move {
                barrier.wait().await;
                customer.pay_with(&order_no, &token).await.status
            }
        };
        let notify = {
            let (barrier, order_no) = (barrier.clone(), order_no.clone());
            let url = format!("{}/payments/notify", cluster.apps[1]);
            let reference = format!("prov-{order_no}");
            let signature = sign_notification(secret.trim(), &order_no, &amount, &reference);
            async move {
                let form = [
                    ("order_no", order_no.as_str()),
                    ("amount_cents", amount.as_str()),
                    ("provider_ref", reference.as_str()),
                    ("signature", signature.as_str()),
                ];
                let req = reqwest::Client::new().post(url).form(&form);
                barrier.wait().await;
                let res = req.send().await.expect("notify");
                (res.status(), res.text().await.unwrap_or_default())
            }
        };
        let (paid, notified) = tokio::join!(pay, notify);
        assert_eq!(
            paid,
            StatusCode::SEE_OTHER,
            "the customer sees the order paid"
        );
        assert_eq!(
            notified.0,
            StatusCode::OK,
            "the provider is told ok: {}",
            notified.1
        );
        for node in 0..3 {
            assert_eq!(
                cluster.sql_i64(
                    node,
                    &format!("SELECT COUNT(*) FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '{order_no}'")
                ),
                1,
                "one payment on node {}",
                node + 1
            );
        }
    }
    cluster.assert_consistent();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the Galera cluster of scripts/test-cluster"]
async fn cluster_two_counters_on_different_instances_hand_over_together_one_hand_over() {
    let cluster = Arc::new(Cluster::get());
    let store = cluster.store("SH01");
    let product = cluster.product(50);
    let customer = cluster.accounts("hc", 1, Role::Customer, None).await;
    let staff = cluster.accounts("hs", 2, Role::Staff, Some(store)).await;
    let customer = cluster.login(&cluster.url, &customer[0]).await;
    let a = Arc::new(cluster.login(&cluster.apps[0], &staff[0]).await);
    let b = Arc::new(cluster.login(&cluster.apps[2], &staff[1]).await);
    for _ in 0..3 {
        customer.add_to_cart(product, "1").await;
        let order_no = customer.order_now(store, "at_counter").await;
        let code = cluster.pickup_code_of(2, &order_no);
        let screen_a = a.look_up(&code).await;
        let screen_b = b.look_up(&code).await;
        let barrier = Arc::new(Barrier::new(2));
        let press = |client: Arc<Client>, screen: Page, barrier: Arc<Barrier>| async move {
            barrier.wait().await;
            client.hand_over(&screen, true).await
        };
        let (ra, rb) = tokio::join!(
            tokio::spawn(press(a.clone(), screen_a, barrier.clone())),
            tokio::spawn(press(b.clone(), screen_b, barrier.clone())),
        );
        let mut statuses = [ra.unwrap().status, rb.unwrap().status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::CONFLICT],
            "one hands over"
        );
        for node in 0..3 {
            let picked_up = format!(
                "SELECT COUNT(*) FROM orders WHERE order_no = '{order_no}' AND status = 'picked_up'"
            );
            assert_eq!(cluster.sql_i64(node, &picked_up), 1, "one hand-over");
            let payments = format!(
                "SELECT COUNT(*) FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '{order_no}'"
            );
            assert_eq!(cluster.sql_i64(node, &payments), 1, "one payment collected");
        }
    }
    cluster.assert_consistent();
}

/// Two orders on two nodes both take the last free code of a 3-digit space before either commits
/// (neither node sees the other's uncommitted row); the second COMMIT fails certification, its
/// rerun sees the code taken and takes the one freed meanwhile: two orders, two different codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the Galera cluster of scripts/test-cluster"]
async fn cluster_a_pickup_code_collision_across_two_nodes_ends_with_different_codes() {
    let cluster = Arc::new(Cluster::get());
    let store = cluster.store("SH01");
    let user = cluster.sql_i64(0, "SELECT id FROM users WHERE username = 'alice'");
    let mut rng = rand::thread_rng();
    let mut all: Vec<String> = PickupCode::candidates(3, 1000, &mut rng)
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    all.sort();
    assert_eq!(all.len(), 1000);
    // Whatever an earlier run left active in the 3-digit space is cancelled first.
    cluster.sql(0, "UPDATE orders SET status = 'cancelled' WHERE CHAR_LENGTH(pickup_code) = 4 AND status IN ('confirmed', 'ready')");
    let base: u64 = 9_000_000_000_000 + u64::from(rng.gen::<u32>()) * 1000;
    let (last, fillers) = all.split_last().expect("codes");
    let values: Vec<String> = fillers
        .iter()
        .enumerate()
        .map(|(i, code)| {
            format!(
                "('{}', {user}, {store}, 'confirmed', 'at_counter', 0, '{code}')",
                base + i as u64
            )
        })
        .collect();
    cluster.sql(
        0,
        &format!(
            "INSERT INTO orders (order_no, user_id, store_id, status, pay_method, total_cents, pickup_code) VALUES {}",
            values.join(", ")
        ),
    );
    let freed = &fillers[0];
    let order = |no: u64| {
        cluster.sql(
            0,
            &format!("INSERT INTO orders (order_no, user_id, store_id, status, pay_method, total_cents) VALUES ('{no}', {user}, {store}, 'confirmed', 'at_counter', 0)"),
        );
        cluster.sql_i64(0, &format!("SELECT id FROM orders WHERE order_no = '{no}'"))
    };
    let (order_a, order_b) = (order(base + 2000), order(base + 2001));

    let (a_took, a_took_rx) = mpsc::channel::<()>();
    let (b_took, b_took_rx) = mpsc::channel::<()>();
    let (go_b, go_b_rx) = mpsc::channel::<()>();
    let db_a = cluster.nodes[0].clone();
    let node_a = std::thread::spawn(move || {
        let mut first = true;
        in_transaction(&mut db_a.conn().expect("conn"), |c| {
            let issued = issue_pickup_code(c, order_a, 3)?;
            if std::mem::take(&mut first) {
                a_took.send(()).expect("signal");
                b_took_rx.recv().expect("b took its code");
            }
            Ok::<_, AppError>(issued)
        })
        .expect("order a gets a code")
    });
    let db_b = cluster.nodes[1].clone();
    let node_b = std::thread::spawn(move || {
        a_took_rx.recv().expect("a took its code");
        let mut attempts = 0;
        let issued = in_transaction(&mut db_b.conn().expect("conn"), |c| {
            attempts += 1;
            let issued = issue_pickup_code(c, order_b, 3)?;
            if attempts == 1 {
                b_took.send(()).expect("signal");
                go_b_rx.recv().expect("go");
            }
            Ok::<_, AppError>(issued)
        })
        .expect("order b gets a code");
        (issued, attempts)
    });
    let a = tokio::task::spawn_blocking(move || node_a.join().expect("node a"))
        .await
        .unwrap();
    assert_eq!(a, Issued::Code(last.clone()), "the only free code");
    // A has committed; a code frees up before B commits.
    cluster.sql(0, &format!("UPDATE orders SET status = 'cancelled' WHERE pickup_code = '{freed}' AND status = 'confirmed'"));
    go_b.send(()).expect("go b");
    let (b, attempts) = tokio::task::spawn_blocking(move || node_b.join().expect("node b"))
        .await
        .unwrap();
    assert_eq!(attempts, 2, "B's COMMIT failed certification and was rerun");
    assert_eq!(
        b,
        Issued::Code(freed.clone()),
        "the rerun took the freed code"
    );
    for node in 0..3 {
        assert_eq!(
            cluster.sql_i64(node, &format!("SELECT COUNT(DISTINCT pickup_code) FROM orders WHERE id IN ({order_a}, {order_b})")),
            2,
            "node {}",
            node + 1
        );
    }
    cluster.sql(0, "UPDATE orders SET status = 'cancelled' WHERE CHAR_LENGTH(pickup_code) = 4 AND status IN ('confirmed', 'ready')");
    cluster.assert_consistent();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the Galera cluster of scripts/test-cluster"]
async fn cluster_a_galera_node_killed_mid_sale_loses_no_acknowledged_order_and_rejoins() {
    let cluster = Arc::new(Cluster::get());
    let store = cluster.store("SH01");
    let product = cluster.product(30);
    let buyers = cluster.accounts("nk", 45, Role::Customer, None).await;
    let url = cluster.url.clone();
    let killer = Arc::clone(&cluster);
    let acknowledged = sale(
        &cluster,
        &buyers,
        product,
        store,
        |_| url.clone(),
        Some((5, Box::new(move || killer.script(&["node", "2", "kill"])))),
    )
    .await;
    assert!(!acknowledged.is_empty());
    // The survivors have every acknowledged order.
    for node in [0, 2] {
        for order_no in &acknowledged {
            assert_eq!(
                cluster.sql_i64(
                    node,
                    &format!("SELECT COUNT(*) FROM orders WHERE order_no = '{order_no}'")
                ),
                1,
                "acknowledged order {order_no} on node {}",
                node + 1
            );
        }
    }
    cluster.script(&["node", "2", "start"]);
    let joined = std::fs::read_to_string(cluster.dir.join("node2/error.log")).unwrap_or_default();
    eprintln!(
        "node 2 rejoined by {}",
        if joined.contains("IST received") || joined.contains("Receiving IST") {
            "IST"
        } else {
            "SST"
        }
    );
    for order_no in &acknowledged {
        assert_eq!(
            cluster.sql_i64(
                1,
                &format!("SELECT COUNT(*) FROM orders WHERE order_no = '{order_no}'")
            ),
            1,
            "node 2 converged"
        );
    }
    // An order whose COMMIT reply was lost with the node may exist unacknowledged; never the reverse.
    let sold = orders_of(&cluster, 0, product);
    assert!(sold as usize >= acknowledged.len());
    assert!(sold <= 30);
    // Wait for HAProxy to see instance 2 healthy again before the next test.
    wait_healthy(&cluster.apps[1]).await;
    cluster.assert_consistent();
}

async fn wait_healthy(app: &str) {
    for _ in 0..60 {
        if let Ok(res) = reqwest::get(format!("{app}/healthz")).await {
            if res.status() == StatusCode::OK {
                tokio::time::sleep(Duration::from_secs(3)).await; // HAProxy's rise 2 × inter 1 s
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("{app} did not become healthy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the Galera cluster of scripts/test-cluster"]
async fn cluster_an_app_instance_killed_mid_sale_leaves_nothing_half_written_and_survivors_sweep() {
    let cluster = Arc::new(Cluster::get());
    let store = cluster.store("SH01");
    let product = cluster.product(20);
    let buyers = cluster.accounts("ak", 24, Role::Customer, None).await;
    // Online orders hold stock until paid; nobody pays. Every buyer goes to instance 3.
    let app3 = cluster.apps[2].clone();
    let mut clients = Vec::new();
    for name in &buyers {
        clients.push(Arc::new(cluster.login(&app3, name).await));
    }
    let start = Arc::new(Barrier::new(clients.len()));
    let mut tasks = Vec::new();
    for client in clients {
        let start = Arc::clone(&start);
        tasks.push(tokio::spawn(async move {
            client.add_to_cart(product, "1").await;
            start.wait().await;
            // The instance may die under either request: its answers, or none, do not matter
            // here (and a request left without one is not a failure of this test).
            let Ok(form) = client.try_get("/checkout").await else {
                return;
            };
            if let (Some(token), Some(total)) = (
                form.input_value("submit_token"),
                form.input_value("seen_total_cents"),
            ) {
                let _ = client
                    .try_submit_checkout(&token, &total, store, "online")
                    .await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    cluster.script(&["app", "3", "kill"]);
    for t in tasks {
        let _ = t.await;
    }
    // Nothing half-written: every order has its lines and the ledger matches the stock.
    cluster.assert_consistent();
    let pending = format!(
        "SELECT COUNT(*) FROM orders o JOIN order_lines l ON l.order_id = o.id \
         WHERE l.product_id = {product} AND o.status = 'pending_payment'"
    );
    eprintln!(
        "orders left unpaid by the killed instance's buyers: {}",
        cluster.sql_i64(0, &pending)
    );
    // Their payment window ends now; the sweepers of instances 1 and 2 expire them.
    cluster.sql(
        0,
        &format!(
            "UPDATE orders o JOIN order_lines l ON l.order_id = o.id SET o.expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND \
             WHERE l.product_id = {product} AND o.status = 'pending_payment'"
        ),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster.sql_i64(0, &pending) > 0 {
        assert!(
            Instant::now() < deadline,
            "the survivors' sweepers expire the unpaid orders"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        cluster.sql_i64(
            1,
            &format!("SELECT stock FROM products WHERE id = {product}")
        ),
        20,
        "all stock back"
    );
    cluster.script(&["app", "3", "start"]);
    wait_healthy(&cluster.apps[2]).await;
    cluster.assert_consistent();
}
