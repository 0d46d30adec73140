//! The database command budget (issue 9): one whole purchase and one counter lookup + hand-over,
//! counted by a relay in front of MariaDB that reads the MySQL protocol — every command the app
//! sends (a query, a Prepare, an Execute, a Close, a ping) is one client packet with sequence
//! number 0. The relay belongs to this test alone, so tests running beside it cannot skew the count.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use shopcounter::domain::Role;

use super::helpers::{server_url, spawn_app_with, Client, TestApp};

/// Most commands one purchase may send (add to cart → checkout page → checkout → order page →
/// pay → order page), on warm connections. Issue 9 asked for at most 35 (from 70); the purchase
/// sends 27 now (3 + 3 + 10 + 2 + 7 + 2), and the budget is held there: a statement more on this
/// path should be a decision, not an accident.
pub const PURCHASE_BUDGET: u64 = 27;
/// Most commands a counter lookup + hand-over may send (lookup → its screen → hand over → queue),
/// the store's queue under every result screen included (one statement).
pub const COUNTER_BUDGET: u64 = 20;

/// Commands seen, by command byte.
#[derive(Clone)]
pub struct Commands(Arc<Mutex<[u64; 256]>>);

impl Default for Commands {
    fn default() -> Self {
        Commands(Arc::new(Mutex::new([0; 256])))
    }
}

impl Commands {
    fn add(&self, command: u8) {
        if let Ok(mut c) = self.0.lock() {
            c[command as usize] += 1;
        }
    }
    pub fn snapshot(&self) -> [u64; 256] {
        self.0.lock().map(|c| *c).unwrap_or([0; 256])
    }
}

fn name(command: u8) -> &'static str {
    match command {
        0x01 => "Quit",
        0x02 => "Init DB",
        0x03 => "Query",
        0x0e => "Ping",
        0x16 => "Prepare",
        0x17 => "Execute",
        0x19 => "Close stmt",
        0x1a => "Reset stmt",
        0x1f => "Reset connection",
        _ => "other",
    }
}

/// The commands between two snapshots (COM_QUIT not counted: it is the pool closing a connection).
pub struct Delta(BTreeMap<&'static str, u64>);

impl Delta {
    pub fn between(before: &[u64; 256], after: &[u64; 256]) -> Delta {
        let mut m = BTreeMap::new();
        for c in 0..256 {
            let n = after[c] - before[c];
            if n > 0 && c != 0x01 {
                *m.entry(name(c as u8)).or_default() += n;
            }
        }
        Delta(m)
    }
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }
}

impl std::fmt::Display for Delta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:>3}", self.total())?;
        for (k, v) in &self.0 {
            write!(f, "  {k} {v}")?;
        }
        Ok(())
    }
}

/// Reads client → server bytes and counts each command (a packet with sequence id 0).
#[derive(Default)]
struct Parser {
    header: Vec<u8>,
    remaining: usize,
    command_next: bool,
}

impl Parser {
    fn feed(&mut self, mut bytes: &[u8], commands: &Commands) {
        while !bytes.is_empty() {
            if self.remaining == 0 && !self.command_next {
                self.header.push(bytes[0]);
                bytes = &bytes[1..];
                if self.header.len() == 4 {
                    let h = &self.header;
                    let len = h[0] as usize | (h[1] as usize) << 8 | (h[2] as usize) << 16;
                    let seq = h[3];
                    assert!(
                        !(seq == 1 && len == 32),
                        "the client asked for TLS: the budget relay cannot read that"
                    );
                    self.header.clear();
                    self.remaining = len;
                    self.command_next = seq == 0 && len > 0;
                }
                continue;
            }
            if self.command_next {
                commands.add(bytes[0]);
                self.command_next = false;
            }
            let take = self.remaining.min(bytes.len());
            self.remaining -= take;
            bytes = &bytes[take..];
        }
    }
}

/// A relay in front of the test server that counts what passes towards it.
pub struct CountingRelay {
    pub port: u16,
    pub commands: Commands,
}

impl CountingRelay {
    pub async fn start(target: String) -> CountingRelay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay bind");
        let port = listener.local_addr().expect("addr").port();
        let commands = Commands::default();
        let counted = commands.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let target = target.clone();
                let commands = counted.clone();
                tokio::spawn(async move {
                    let Ok(outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let _ = inbound.set_nodelay(true);
                    let _ = outbound.set_nodelay(true);
                    let (mut client_read, mut client_write) = inbound.into_split();
                    let (mut server_read, mut server_write) = outbound.into_split();
                    let up = async move {
                        let mut parser = Parser::default();
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = match client_read.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            parser.feed(&buf[..n], &commands);
                            if server_write.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = server_write.shutdown().await;
                    };
                    let down = async move {
                        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                        let _ = client_write.shutdown().await;
                    };
                    tokio::join!(up, down);
                });
            }
        });
        CountingRelay { port, commands }
    }
}

/// An app whose every database connection goes through a counting relay.
pub async fn counted_app(pool: u32) -> (TestApp, CountingRelay) {
    let server = server_url();
    let rest = server.trim_start_matches("mysql://").trim_end_matches('/');
    let hostport = rest
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(rest)
        .to_string();
    let relay = CountingRelay::start(hostport.clone()).await;
    let relayed = format!("127.0.0.1:{}", relay.port);
    let app = spawn_app_with(|s| {
        s.database_url = s.database_url.replacen(&hostport, &relayed, 1);
        s.db_pool_size = pool;
    })
    .await;
    (app, relay)
}

/// One purchase over HTTP, as the flash-sale bench does it; returns the per-request counts and
/// the order's pickup code.
async fn purchase(
    c: &Client,
    relay: &CountingRelay,
    product: i64,
    store: i64,
) -> (Vec<(&'static str, Delta)>, String) {
    let mut steps = Vec::new();
    let mut mark = relay.commands.snapshot();
    let mut step = |label: &'static str, steps: &mut Vec<(&'static str, Delta)>| {
        let now = relay.commands.snapshot();
        steps.push((label, Delta::between(&mark, &now)));
        mark = now;
    };
    let product = product.to_string();
    let store = store.to_string();
    let added = c
        .post(
            "/cart/items",
            &[("product_id", &product), ("quantity", "1")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    step("POST /cart/items", &mut steps);
    let confirm = c.get("/checkout").await;
    assert_eq!(confirm.status, StatusCode::OK);
    step("GET /checkout", &mut steps);
    let token = confirm.input_value("submit_token").expect("submit token");
    let seen = confirm.input_value("seen_total_cents").expect("total");
    let placed = c
        .post(
            "/checkout",
            &[
                ("store_id", &store),
                ("pay_method", "online"),
                ("note", ""),
                ("seen_total_cents", &seen),
                ("submit_token", &token),
            ],
        )
        .await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    step("POST /checkout", &mut steps);
    let order_path = placed.location.expect("order page");
    let order = c.get(&order_path).await;
    assert_eq!(order.status, StatusCode::OK);
    step("GET /orders/{no}", &mut steps);
    let pay_token = order.input_value("submit_token").expect("pay token");
    let paid = c
        .post(
            &format!("{order_path}/pay"),
            &[("submit_token", &pay_token)],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.body);
    step("POST /orders/{no}/pay", &mut steps);
    let order = c.get(&order_path).await;
    assert_eq!(order.status, StatusCode::OK);
    step("GET /orders/{no}", &mut steps);
    let code = order
        .attr_of("[data-pickup-code]", "data-pickup-code")
        .expect("a pickup code after paying");
    (steps, code)
}

/// Lookup → its screen → hand over → back to the queue.
async fn hand_over(
    staff: &Client,
    relay: &CountingRelay,
    code: &str,
) -> Vec<(&'static str, Delta)> {
    let mut steps = Vec::new();
    let mut mark = relay.commands.snapshot();
    let mut step = |label: &'static str, steps: &mut Vec<(&'static str, Delta)>| {
        let now = relay.commands.snapshot();
        steps.push((label, Delta::between(&mark, &now)));
        mark = now;
    };
    let looked = staff.post("/counter/lookup", &[("code", code)]).await;
    assert_eq!(looked.status, StatusCode::SEE_OTHER, "{}", looked.body);
    step("POST /counter/lookup", &mut steps);
    let screen = staff.get(&looked.location.expect("result screen")).await;
    assert_eq!(screen.status, StatusCode::OK);
    step("GET /counter/lookups/{id}", &mut steps);
    let done = staff.hand_over(&screen, false).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    step("POST …/handover", &mut steps);
    let queue = staff.get("/counter").await;
    assert_eq!(queue.status, StatusCode::OK);
    step("GET /counter", &mut steps);
    steps
}

fn report(what: &str, steps: &[(&'static str, Delta)]) -> u64 {
    let total: u64 = steps.iter().map(|(_, d)| d.total()).sum();
    eprintln!("{what}: {total} commands");
    for (label, d) in steps {
        eprintln!("  {label:<28} {d}");
    }
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_and_a_counter_hand_over_stay_within_the_command_budget() {
    let (app, relay) = counted_app(4).await;
    let store = app.store("SH01", "North Store");
    let product = app.product("MUG", "Tea Mug", 1250, 100);
    let customer = app.customer("bob").await;
    let staff = app.staff("carol", store).await;
    app.account("dave", "dave-password", Role::Customer, None);
    // The CSRF tokens are on the clients before anything is counted.
    customer.get("/cart").await;
    staff.get("/counter").await;

    // Once unmeasured, so every statement on the path has been prepared on the connection.
    let (_, code) = purchase(&customer, &relay, product, store).await;
    hand_over(&staff, &relay, &code).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let (steps, code) = purchase(&customer, &relay, product, store).await;
    let bought = report("one purchase", &steps);
    let steps = hand_over(&staff, &relay, &code).await;
    let handed = report("one counter lookup + hand-over", &steps);
    assert!(
        bought <= PURCHASE_BUDGET,
        "one purchase sent {bought} commands (budget {PURCHASE_BUDGET})"
    );
    assert!(
        handed <= COUNTER_BUDGET,
        "a lookup + hand-over sent {handed} commands (budget {COUNTER_BUDGET})"
    );
}
