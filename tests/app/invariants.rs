//! The invariants every concurrency test checks in SQL afterwards (`shop::invariants`): no negative
//! stock; stock = sum of ledger movements; one payment per order at most; order lines add up to
//! order totals; no two active orders share a pickup code; units taken by live orders = units the
//! ledger says were sold and not released; every paid online order has its payment.

use shopcounter::shop::invariants::INVARIANTS;

use super::helpers::TestApp;

pub fn assert_invariants(app: &TestApp) {
    let mut conn = app.conn();
    for invariant in INVARIANTS {
        let broken = invariant
            .violations(&mut conn)
            .unwrap_or_else(|e| panic!("query failed: {}: {e:?}", invariant.query));
        assert_eq!(broken, 0, "invariant broken: {}", invariant.what);
    }
}
