//! The bookkeeping invariants of the shop's data, each a SQL count that must be zero. The tests
//! check them after every concurrency test and the flash-sale benchmark after its run; an operator
//! can run the same queries against a live database.

use diesel::prelude::*;

use crate::error::AppError;

pub struct Invariant {
    /// What a non-zero count means, e.g. "products with negative stock".
    pub what: &'static str,
    /// `SELECT COUNT(*) ...` of the rows that break it.
    pub query: &'static str,
}

pub const INVARIANTS: &[Invariant] = &[
    Invariant {
        what: "products with negative stock",
        query: "SELECT COUNT(*) FROM products WHERE stock < 0",
    },
    Invariant {
        what: "products whose stock differs from the sum of their movements",
        query: "SELECT COUNT(*) FROM products p WHERE p.stock <> \
                (SELECT COALESCE(SUM(m.delta), 0) FROM stock_movements m WHERE m.product_id = p.id)",
    },
    Invariant {
        what: "orders with more than one payment",
        query: "SELECT COUNT(*) FROM (SELECT order_id FROM payments GROUP BY order_id HAVING COUNT(*) > 1) x",
    },
    Invariant {
        what: "orders whose lines do not add up to the total",
        query: "SELECT COUNT(*) FROM orders o WHERE o.total_cents <> \
                (SELECT COALESCE(SUM(l.line_total_cents), 0) FROM order_lines l WHERE l.order_id = o.id)",
    },
    Invariant {
        what: "order lines whose total is not price × quantity",
        query: "SELECT COUNT(*) FROM order_lines WHERE line_total_cents <> unit_price_cents * quantity",
    },
    Invariant {
        what: "active pickup codes used by two orders",
        query: "SELECT COUNT(*) FROM (SELECT active_pickup_code FROM orders WHERE active_pickup_code IS NOT NULL \
                GROUP BY active_pickup_code HAVING COUNT(*) > 1) x",
    },
    Invariant {
        what: "products whose sold-and-not-released units differ from their live order lines",
        query: "SELECT COUNT(*) FROM products p WHERE \
                (SELECT COALESCE(-SUM(m.delta), 0) FROM stock_movements m \
                  WHERE m.product_id = p.id AND m.reason IN ('sale', 'release')) <> \
                (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id \
                  WHERE l.product_id = p.id AND o.status <> 'cancelled')",
    },
    Invariant {
        what: "paid online orders without a payment",
        query: "SELECT COUNT(*) FROM orders o WHERE o.pay_method = 'online' AND o.paid_at IS NOT NULL \
                AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)",
    },
];

impl Invariant {
    /// How many rows break this invariant now (0 = it holds).
    pub fn violations(&self, conn: &mut MysqlConnection) -> Result<i64, AppError> {
        let query = format!("SELECT CAST(({}) AS SIGNED) AS n", self.query);
        crate::db::number(conn, diesel::sql_query(query))
    }
}
