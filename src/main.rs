//! The `shopcounter` command: serve | migrate | sweep | seed-demo | store add | user add | product add.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

use shopcounter::config::Settings;
use shopcounter::db::{self, Db};
use shopcounter::domain::Role;
use shopcounter::i18n::Locale;
use shopcounter::shop::accounts::{self, CreateAccount, NewAccount};
use shopcounter::shop::catalog::{CreateProduct, NewProduct};
use shopcounter::shop::products::add_product;
use shopcounter::shop::{seed, stores, sweeper};
use shopcounter::startup::{AppState, Application};

/// mimalloc instead of glibc's malloc: a request's buffers are allocated on an actix worker and
/// freed on a blocking-pool thread (or the other way round), which glibc's per-thread arenas pay
/// for in locking and consolidation (~8 % of the app's CPU in a flash sale under `perf`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "shopcounter",
    version,
    about = "Click & collect for small shops"
)]
struct Cli {
    /// Where generated secrets are kept (SESSION_KEY, PAYMENT_WEBHOOK_SECRET when not set).
    #[arg(
        long,
        env = "SHOPCOUNTER_VAR_DIR",
        default_value = "var",
        global = true
    )]
    var_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, then serve on BIND with the sweeper running in the background.
    Serve,
    /// Apply pending migrations.
    Migrate,
    /// One pass of the sweeper (expired orders, old submit tokens), then exit.
    Sweep,
    /// Two stores, a dozen products and demo accounts; safe to run twice.
    SeedDemo,
    /// Manage stores.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage products.
    Product {
        #[command(subcommand)]
        command: ProductCommand,
    },
}

#[derive(Subcommand)]
enum StoreCommand {
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        address: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[arg(long, value_parser = ["customer", "staff", "admin"])]
        role: String,
        /// Store code (staff only).
        #[arg(long)]
        store: Option<String>,
        #[arg(long, default_value = "")]
        display_name: String,
    },
}

#[derive(Subcommand)]
enum ProductCommand {
    Add {
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        #[arg(long, allow_negative_numbers = true)]
        price_cents: i64,
        #[arg(long, allow_negative_numbers = true)]
        stock: i32,
        #[arg(long, default_value = "")]
        description: String,
    },
}

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    if let Err(e) = shopcounter::telemetry::init() {
        eprintln!("shopcounter: {e}");
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shopcounter: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::from_env(&cli.var_dir)?;
    match cli.command {
        Command::Serve => serve(settings),
        Command::Migrate => with_conn(&settings, |conn| {
            let applied = db::migrate(conn)?;
            println!("migrations applied: {}", applied.len());
            Ok(())
        }),
        Command::Sweep => with_conn(&settings, |conn| {
            let report = sweeper::sweep_once(conn, &settings).context("sweeping")?;
            println!(
                "sweep: {} unpaid order(s) expired, {} uncollected at-counter order(s) cancelled, {} old submit token(s) and {} stale session(s) deleted",
                report.orders_expired, report.pickup_window_cancelled, report.tokens_deleted, report.sessions_deleted
            );
            Ok(())
        }),
        Command::SeedDemo => with_conn(&settings, |conn| {
            db::migrate(conn)?;
            seed::seed_demo(conn).context("seeding the demo shop")?;
            let locale = settings.default_locale;
            println!("{}", locale.t("demo-ready"));
            for (u, p, what) in seed::DEMO_LOGINS {
                println!("  {u:<8} / {p:<18} {}", locale.msg(what));
            }
            Ok(())
        }),
        Command::Store { command } => with_conn(&settings, |conn| store_command(conn, command)),
        Command::User { command } => with_conn(&settings, |conn| user_command(conn, command)),
        Command::Product { command } => with_conn(&settings, |conn| product_command(conn, command)),
    }
}

/// Runs a one-off command on one connection of a small pool.
fn with_conn<T>(
    settings: &Settings,
    f: impl FnOnce(&mut diesel::MysqlConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let db = Db::new(&settings.database_url, 2);
    let mut conn = db.conn().context("cannot reach the database")?;
    f(&mut conn)
}

fn store_command(conn: &mut diesel::MysqlConnection, command: StoreCommand) -> anyhow::Result<()> {
    let StoreCommand::Add {
        code,
        name,
        address,
    } = command;
    stores::validate_code(&code).map_err(|m| anyhow::anyhow!("--code: {}", Locale::En.msg(&m)))?;
    if name.trim().is_empty() {
        anyhow::bail!("--name: must not be empty");
    }
    match stores::create_store(conn, &code, name.trim(), address.trim())
        .context("creating the store")?
    {
        stores::CreateStore::Created(id) => {
            println!("store {code} created (id {id})");
            Ok(())
        }
        stores::CreateStore::CodeTaken => anyhow::bail!("a store with code {code} already exists"),
    }
}

fn user_command(conn: &mut diesel::MysqlConnection, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        username,
        password,
        role,
        store,
        display_name,
    } = command;
    let role = Role::parse(&role)
        .ok_or_else(|| anyhow::anyhow!("--role: must be customer, staff or admin"))?;
    accounts::validate_username(&username)
        .map_err(|m| anyhow::anyhow!("--username: {}", Locale::En.msg(&m)))?;
    accounts::validate_password(&password)
        .map_err(|m| anyhow::anyhow!("--password: {}", Locale::En.msg(&m)))?;
    let store_id = match (role, store) {
        (Role::Staff, Some(code)) => Some(
            stores::by_code(conn, &code)
                .context("looking up the store")?
                .ok_or_else(|| anyhow::anyhow!("--store: no store with code {code}"))?
                .id,
        ),
        (Role::Staff, None) => {
            anyhow::bail!("--store: staff accounts belong to a store; give its code")
        }
        (_, Some(_)) => anyhow::bail!("--store: only staff accounts belong to a store"),
        (_, None) => None,
    };
    let created = accounts::create_account(
        conn,
        &NewAccount {
            username: &username,
            password: &password,
            display_name: &display_name,
            role,
            store_id,
        },
    )
    .context("creating the account")?;
    match created {
        CreateAccount::Created(id) => {
            println!("user {username} created (id {id}, {})", role.as_str());
            Ok(())
        }
        CreateAccount::UsernameTaken => anyhow::bail!("the username {username} is taken"),
    }
}

fn product_command(
    conn: &mut diesel::MysqlConnection,
    command: ProductCommand,
) -> anyhow::Result<()> {
    let ProductCommand::Add {
        sku,
        name,
        price_cents,
        stock,
        description,
    } = command;
    if sku.trim().is_empty() || sku.len() > 64 {
        anyhow::bail!("--sku: 1 to 64 characters");
    }
    if name.trim().is_empty() {
        anyhow::bail!("--name: must not be empty");
    }
    if price_cents < 0 {
        anyhow::bail!("--price-cents: must not be negative");
    }
    if stock < 0 {
        anyhow::bail!("--stock: must not be negative");
    }
    let new = NewProduct {
        sku: sku.trim(),
        name: name.trim(),
        description: description.trim(),
        price_cents,
        stock,
    };
    let created = add_product(conn, &new, None, None).context("adding the product")?;
    match created {
        CreateProduct::Created(id) => {
            println!("product {sku} created (id {id}, stock {stock})");
            Ok(())
        }
        CreateProduct::SkuTaken => anyhow::bail!("a product with SKU {sku} already exists"),
    }
}

#[actix_web::main]
async fn serve(settings: Settings) -> anyhow::Result<()> {
    let state = AppState::new(settings);
    let db = state.db.clone();
    let settings = Arc::clone(&state.settings);
    {
        let mut conn = db.conn().context("cannot reach the database")?;
        let applied = db::migrate(&mut conn)?;
        tracing::info!(applied = applied.len(), "migrations up to date");
    }
    let app = Application::build(state, None).context("starting the web server")?;
    tracing::info!(bind = %settings.bind, port = app.port(), "serving");
    // Said only now that the port is ours: a bind that fails never shows a banner.
    println!("{}", banner(&settings.bind, app.port()));
    actix_web::rt::spawn(sweep_forever(db, settings));
    app.run_until_stopped().await.context("serving")?;
    Ok(())
}

/// What a person starting the shop reads: where to open it.
fn banner(bind: &str, port: u16) -> String {
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host);
    let host = match host {
        "0.0.0.0" | "" => "127.0.0.1",
        "[::]" => "[::1]",
        h => h,
    };
    format!(
        "\n  shopcounter is listening on  http://{host}:{port}/\n  (bound to {bind}; press Ctrl-C to stop)\n"
    )
}

/// How long one pass of the background sweeper may take.
const SWEEP_DEADLINE: Duration = Duration::from_secs(120);

/// The background sweeper. Safe on every instance at once: every change it makes is conditional.
async fn sweep_forever(db: Db, settings: Arc<Settings>) {
    let mut every =
        actix_web::rt::time::interval(Duration::from_secs(settings.sweep_interval_seconds));
    loop {
        every.tick().await;
        let s = Arc::clone(&settings);
        // Not a request: a pass may take longer than DB_TIMEOUT (each order is its own
        // transaction), but not for ever — a stalled database still frees the sweeper.
        match db
            .run_within(SWEEP_DEADLINE, move |conn| sweeper::sweep_once(conn, &s))
            .await
        {
            Ok(report) => {
                shopcounter::metrics::sweep(Some([
                    ("orders_expired", report.orders_expired),
                    ("pickup_window_cancelled", report.pickup_window_cancelled),
                    ("tokens_deleted", report.tokens_deleted),
                ]));
                tracing::debug!(?report, "sweep done")
            }
            Err(e) => {
                shopcounter::metrics::sweep(None);
                tracing::warn!(error = ?e, "sweep failed; will retry")
            }
        }
        // Histogram samples wait in the recorder until drained; keep that bounded without scrapes.
        shopcounter::metrics::upkeep();
    }
}
