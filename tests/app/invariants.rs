//! The invariants every concurrency test checks in SQL afterwards.

use super::helpers::TestApp;

/// No negative stock; stock = sum of ledger movements; one payment per order at most;
/// order lines add up to order totals; no two active orders share a pickup code;
/// units taken by live orders = units the ledger says were sold and not released.
pub fn assert_invariants(app: &TestApp) {
    let checks: &[(&str, &str)] = &[
        ("products with negative stock", "SELECT COUNT(*) FROM products WHERE stock < 0"),
        (
            "products whose stock differs from the sum of their movements",
            "SELECT COUNT(*) FROM products p WHERE p.stock <> \
             (SELECT COALESCE(SUM(m.delta), 0) FROM stock_movements m WHERE m.product_id = p.id)",
        ),
        (
            "orders with more than one payment",
            "SELECT COUNT(*) FROM (SELECT order_id FROM payments GROUP BY order_id HAVING COUNT(*) > 1) x",
        ),
        (
            "orders whose lines do not add up to the total",
            "SELECT COUNT(*) FROM orders o WHERE o.total_cents <> \
             (SELECT COALESCE(SUM(l.line_total_cents), 0) FROM order_lines l WHERE l.order_id = o.id)",
        ),
        (
            "order lines whose total is not price × quantity",
            "SELECT COUNT(*) FROM order_lines WHERE line_total_cents <> unit_price_cents * quantity",
        ),
        (
            "active pickup codes used by two orders",
            "SELECT COUNT(*) FROM (SELECT active_pickup_code FROM orders WHERE active_pickup_code IS NOT NULL \
             GROUP BY active_pickup_code HAVING COUNT(*) > 1) x",
        ),
        (
            "products whose sold-and-not-released units differ from their live order lines",
            "SELECT COUNT(*) FROM products p WHERE \
             (SELECT COALESCE(-SUM(m.delta), 0) FROM stock_movements m \
               WHERE m.product_id = p.id AND m.reason IN ('sale', 'release')) <> \
             (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id \
               WHERE l.product_id = p.id AND o.status <> 'cancelled')",
        ),
        (
            "paid online orders without a payment",
            "SELECT COUNT(*) FROM orders o WHERE o.pay_method = 'online' AND o.paid_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)",
        ),
    ];
    for (what, query) in checks {
        assert_eq!(app.sql_i64(query), 0, "invariant broken: {what}");
    }
}
