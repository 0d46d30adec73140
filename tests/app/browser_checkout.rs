//! A customer in real Chromium: adds two products, checks out, pays, sees the confirmed order.
