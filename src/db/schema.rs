// @generated automatically by Diesel CLI.

diesel::table! {
    cart_items (user_id, product_id) {
        user_id -> Bigint,
        product_id -> Bigint,
        quantity -> Integer,
        selected -> Bool,
        added_at -> Datetime,
    }
}

diesel::table! {
    order_lines (id) {
        id -> Bigint,
        order_id -> Bigint,
        product_id -> Bigint,
        #[max_length = 200]
        product_name -> Varchar,
        unit_price_cents -> Bigint,
        quantity -> Integer,
        line_total_cents -> Bigint,
    }
}

diesel::table! {
    orders (id) {
        id -> Bigint,
        #[max_length = 20]
        order_no -> Varchar,
        user_id -> Bigint,
        store_id -> Bigint,
        #[max_length = 20]
        status -> Varchar,
        #[max_length = 16]
        pay_method -> Varchar,
        total_cents -> Bigint,
        #[max_length = 500]
        note -> Varchar,
        #[max_length = 16]
        pickup_code -> Nullable<Varchar>,
        #[max_length = 16]
        active_pickup_code -> Nullable<Varchar>,
        created_at -> Datetime,
        expires_at -> Nullable<Datetime>,
        paid_at -> Nullable<Datetime>,
        ready_at -> Nullable<Datetime>,
        ready_by -> Nullable<Bigint>,
        picked_up_at -> Nullable<Datetime>,
        picked_up_by -> Nullable<Bigint>,
        cancelled_at -> Nullable<Datetime>,
        cancelled_by -> Nullable<Bigint>,
        #[max_length = 255]
        cancel_reason -> Nullable<Varchar>,
    }
}

diesel::table! {
    payments (id) {
        id -> Bigint,
        order_id -> Bigint,
        amount_cents -> Bigint,
        #[max_length = 16]
        method -> Varchar,
        #[max_length = 100]
        provider_ref -> Nullable<Varchar>,
        #[max_length = 16]
        status -> Varchar,
        created_at -> Datetime,
        refunded_at -> Nullable<Datetime>,
    }
}

diesel::table! {
    pickup_lookups (id) {
        id -> Bigint,
        store_id -> Bigint,
        staff_user_id -> Bigint,
        #[max_length = 32]
        entered -> Varchar,
        #[max_length = 24]
        outcome -> Varchar,
        order_id -> Nullable<Bigint>,
        created_at -> Datetime,
    }
}

diesel::table! {
    products (id) {
        id -> Bigint,
        #[max_length = 64]
        sku -> Varchar,
        #[max_length = 200]
        name -> Varchar,
        description -> Text,
        price_cents -> Bigint,
        stock -> Integer,
        sales -> Integer,
        version -> Integer,
        low_stock_threshold -> Integer,
        active -> Bool,
        created_at -> Datetime,
        updated_at -> Datetime,
    }
}

diesel::table! {
    sessions (id) {
        #[max_length = 64]
        id -> Char,
        user_id -> Bigint,
        epoch -> Integer,
        created_at -> Datetime,
        last_seen_at -> Datetime,
        #[max_length = 200]
        user_agent -> Varchar,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Bigint,
        product_id -> Bigint,
        delta -> Integer,
        #[max_length = 16]
        reason -> Varchar,
        order_id -> Nullable<Bigint>,
        actor_user_id -> Nullable<Bigint>,
        #[max_length = 255]
        note -> Varchar,
        stock_after -> Integer,
        created_at -> Datetime,
    }
}

diesel::table! {
    stores (id) {
        id -> Bigint,
        #[max_length = 16]
        code -> Varchar,
        #[max_length = 100]
        name -> Varchar,
        #[max_length = 255]
        address -> Varchar,
        active -> Bool,
        created_at -> Datetime,
    }
}

diesel::table! {
    submit_tokens (token) {
        #[max_length = 64]
        token -> Varchar,
        user_id -> Bigint,
        #[max_length = 16]
        purpose -> Varchar,
        subject -> Nullable<Bigint>,
        used_at -> Datetime,
        #[max_length = 64]
        result -> Nullable<Varchar>,
    }
}

diesel::table! {
    users (id) {
        id -> Bigint,
        #[max_length = 64]
        username -> Varchar,
        #[max_length = 100]
        display_name -> Varchar,
        #[max_length = 255]
        password_hash -> Varchar,
        #[max_length = 16]
        role -> Varchar,
        store_id -> Nullable<Bigint>,
        disabled -> Bool,
        session_epoch -> Integer,
        failed_logins -> Integer,
        failed_window_start -> Nullable<Datetime>,
        locked_until -> Nullable<Datetime>,
        created_at -> Datetime,
    }
}

diesel::joinable!(cart_items -> users (user_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(orders -> stores (store_id));
diesel::joinable!(orders -> users (user_id));
diesel::joinable!(payments -> orders (order_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> stores (store_id));

diesel::allow_tables_to_appear_in_same_query!(
    cart_items,
    order_lines,
    orders,
    payments,
    pickup_lookups,
    products,
    sessions,
    stock_movements,
    stores,
    submit_tokens,
    users,
);
