//! What both benchmarks need: the server from DATABASE_URL and a throw-away database on it.

use diesel::connection::SimpleConnection;
use diesel::{Connection, MysqlConnection};
use rand::Rng;

/// DATABASE_URL without its database name, as (server, query string with its `?` or empty):
/// a `?unix_socket=` stays with the server (scripts/bench points it at a private MariaDB).
pub fn server_url() -> (String, String) {
    let url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/".into());
    let rest = url.strip_prefix("mysql://").unwrap_or(&url);
    let (rest, query) = match rest.find('?') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let (auth_host, _) = rest.split_once('/').unwrap_or((rest, ""));
    (format!("mysql://{auth_host}"), query.to_string())
}

/// `url` (`mysql://[auth@]host[:port]/db`) to the same user and database over the server's UNIX
/// socket: diesel uses `?unix_socket=` only when the host is `localhost`.
#[allow(dead_code)] // flash_sale's; admin_orders shares this module
pub fn socket_url(url: &str, socket: &str) -> String {
    let rest = url.strip_prefix("mysql://").unwrap_or(url);
    let rest = rest.split('?').next().unwrap_or(rest);
    let (auth_host, db) = rest.split_once('/').unwrap_or((rest, ""));
    let auth = auth_host
        .rsplit_once('@')
        .map(|(auth, _)| format!("{auth}@"))
        .unwrap_or_default();
    format!("mysql://{auth}localhost/{db}?unix_socket={socket}")
}

/// A `bench_<random>` database, dropped again when this goes out of scope.
pub struct BenchDb {
    server: String,
    name: String,
    pub url: String,
}

impl BenchDb {
    pub fn create() -> anyhow::Result<BenchDb> {
        let (host, query) = server_url();
        let server = format!("{host}{query}");
        let name = format!("bench_{:08x}", rand::thread_rng().gen::<u32>());
        let mut root = MysqlConnection::establish(&server)
            .map_err(|e| anyhow::anyhow!("cannot reach {server}: {e}"))?;
        root.batch_execute(&format!(
            "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        ))?;
        let url = format!("{host}/{name}{query}");
        Ok(BenchDb { server, name, url })
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let Ok(mut root) = MysqlConnection::establish(&self.server) {
            let _ = root.batch_execute(&format!("DROP DATABASE IF EXISTS {}", self.name));
        }
    }
}
