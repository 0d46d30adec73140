# shopcounter — English. One catalog per language; keys are the same in locales/zh-CN/main.ftl.
# The catalog test (src/i18n.rs) fails on a key used in code but missing here, or defined here
# but used nowhere.

## Formats (chrono patterns) and weekday names

format-datetime = %-d %b %Y, %H:%M
format-day-time = %-d %b %H:%M
format-date-long = %-d %B %Y
format-day = %-d %b
format-weekday-day = { $weekday } { $day }
weekday-mon = Mon
weekday-tue = Tue
weekday-wed = Wed
weekday-thu = Thu
weekday-fri = Fri
weekday-sat = Sat
weekday-sun = Sun

## Layout

nav-shop = Shop
nav-cart = Cart
nav-cart-count = { $n } in the cart
nav-my-orders = My orders
nav-counter = Counter
nav-dashboard = Dashboard
nav-stock = Stock
nav-products = Products
nav-orders = Orders
nav-stores = Stores
nav-staff = Staff
nav-lookups = Lookups
nav-log-out = Log out
nav-log-in = Log in
nav-register = Register

## Error pages

error-back-counter = Back to the counter
error-back-shop = Back to the shop
error-not-found-title = Not found
error-not-found = There is nothing here. The link may be old, or the page belongs to someone else.
error-invalid-title = That did not work
error-conflict-title = Please reload
error-forbidden-title = Not allowed
error-login-title = Please log in
error-login = Please log in to continue.
error-too-many-title = Slow down
error-too-large-title = Too much data
error-too-large = That form sent more than the shop accepts (16 KiB).
error-unavailable-title = Temporarily unavailable
error-unavailable = The shop cannot reach its database right now. Please try again in a moment; if you had just placed an order or paid, look at My orders first (sending the same form again never makes it twice).
error-busy-title = Very busy
error-busy = The shop is very busy right now. Nothing was changed; please try again.
error-unexpected-title = Something went wrong
error-unexpected = Something went wrong on our side. Nothing was changed; please try again.
error-session-unreadable = Your session could not be read.
error-session-reload = Your session could not be read. Please reload the page.
error-for-customers = This page is for customers. Log in with a customer account to shop.
error-for-staff = This page is for counter staff.
error-for-admins = This page is for administrators.
error-staff-no-store = This staff account is not assigned to a store.
error-body-unreadable = The request body could not be read.
error-form-foreign = This form has expired or did not come from this shop. Please go back, reload the page and try again.
error-form-malformed-reload = The form was incomplete or malformed. Please reload the page and try again.
error-form-malformed = The form was incomplete or malformed.
error-form-expired-reload = This form has expired, please reload the page and try again.
error-form-reused = This form has expired, please reload the page.
error-already-submitted = This form was already submitted. Please open your orders.
error-cross-site = Requests from other sites are refused.
error-param-refused = The address has a parameter the shop cannot use: { $detail }.
error-metrics-forbidden = Metrics are served to loopback clients or with the metrics token.
error-page-number = page: must be a page number.
error-not-a-product = product_id: that is not a product of this shop.
error-stock-sort = `sort` must be one of the column names: name, stock, sales, held, low.
error-stock-dir = `dir` must be asc or desc.
error-order-filters = The filters are not valid; correct them on the orders page.

## Catalog and cart

title-shop = Shop
catalog-heading = Order now, pick up in store
catalog-empty = Nothing on the shelves yet.
catalog-sold-out = Sold out
catalog-few-left = Only { $n } left
qty-label = Qty
catalog-adding = Adding…
catalog-add = Add to cart
catalog-log-in-to-order = Log in to order
quantity-invalid = Quantity must be a whole number from 1 to 99.
title-cart = Your cart
cart-heading = Your cart
cart-empty = Your cart is empty.
cart-browse = Browse the shop
cart-each = { $price } each
cart-buy-now = Buy now
cart-update = Update
cart-remove = Remove
cart-none-selected = No line is ticked “Buy now”. Tick the ones you want to check out.
cart-selected =
    { $n ->
        [one] { $n } line selected
       *[other] { $n } lines selected
    }
cart-check-out = Check out
cart-warning-inactive = No longer sold; please remove it.
cart-warning-sold-out = Sold out.
cart-warning-few = Only { $n } left of { $name }.
cart-added = Added { $quantity } × { $name }
cart-view = View cart ({ $n })
cart-updated = Cart updated.
cart-removed = Removed from your cart.

## Checkout

title-checkout = Check out
checkout-heading = Check out
checkout-back-to-cart = Back to your cart
checkout-your-order = Your order
checkout-total = Total
checkout-change-cart = Change the cart
checkout-pick-up-at = Pick up at
checkout-payment = Payment
checkout-pay-online = Pay online now
checkout-pay-online-note = Confirmed as soon as you pay
checkout-pay-at-counter = Pay at the counter
checkout-pay-at-counter-note = Pay when you pick it up
checkout-note = Note for the shop
optional = (optional)
checkout-placing = Placing order…
checkout-place = Place order · { $total }
checkout-incomplete = This page was incomplete; please review the total below and place the order again.
checkout-choose-store = Please choose the store you will pick up from.
checkout-choose-payment = Please choose how you will pay.
checkout-note-too-long = The note can be at most { $max } characters.
checkout-empty-selection = Nothing is selected in your cart. Tick “Buy now” on the lines you want, then check out.
sold-out-left =
    { $left ->
        [0] Sorry, { $name } is sold out. Nothing was ordered; please remove it from your cart.
       *[other] Sorry, only { $left } left of { $name }. Nothing was ordered; please lower the quantity in your cart.
    }
checkout-no-longer-sold = { $name } is no longer sold. Nothing was ordered; please remove it from your cart.
checkout-prices-changed = Prices changed since you opened this page. Nothing was ordered; please review the new total below and place the order again.
checkout-busy = The shop is very busy right now. Nothing was ordered and your cart is unchanged; please try again.
checkout-unknown-store = That store does not take orders. Please choose one of the stores listed.
checkout-codes-exhausted = The shop cannot take more orders right now. Nothing was ordered; please try again in a little while.
checkout-placed-online = Order placed. Please pay within the time shown to confirm it.
checkout-placed-at-counter = Order placed and confirmed. Pay at the counter when you pick it up.
checkout-already-placed = This order was already placed (the form was sent twice); here it is. Nothing was ordered twice.

## Accounts

title-login = Log in
title-register = Create an account
title-account = Your account
login-heading = Log in
field-username = Username
field-password = Password
login-busy = Logging in…
login-submit = Log in
login-new-here = New here?
login-create-account = Create an account
login-refused = Wrong username or password. After 10 failed attempts an account is locked for 15 minutes.
register-heading = Create an account
register-your-name = Your name
register-your-name-note = (shown at the counter)
register-busy = Creating…
register-submit = Create account
register-have-one = Already have one?
register-welcome = Welcome, { $name }! Your account is ready.
username-taken = That username is taken. Please choose another.
username-rule = Use 3 to 32 letters, digits, dots, dashes or underscores.
password-too-short = Use at least 8 characters.
password-too-long = Use at most 256 characters.
account-heading = Your account
account-logged-in-as = Logged in as { $name }.
account-sessions = Where you are logged in
account-browser = Browser
account-started = Logged in
account-last-seen = Last seen
account-this-device = this device
account-logging-out = Logging out…
account-log-out-all = Log out of all devices
browser-unknown = Unknown browser
browser-on-system = A browser on { $system }
browser-only = { $browser }
browser-on = { $browser } on { $system }

## Vocabularies

lookup-matched = Matched
lookup-invalid = Invalid code
lookup-not-found = Not found
lookup-wrong-store = Another store
lookup-already-picked-up = Already picked up
lookup-cancelled = Cancelled
status-pending-payment = Awaiting payment
status-confirmed = Confirmed — being prepared
status-ready = Ready for pickup
status-picked-up = Picked up
status-cancelled = Cancelled
movement-sale = Sale
movement-release = Released (cancelled or expired)
movement-adjustment = Adjustment
movement-restock = Restock
code-not-issued = not issued
code-active = active
code-used = used at hand-over
code-void = void (order cancelled)

## Orders and pickup

pickup-ready-at = Ready for pickup at { $store }
pickup-being-prepared = Being prepared at { $store }. We show “ready” here when you can come.
pickup-your-code = Your pickup code
pickup-bring = Bring { $amount }
pickup-qr-label = QR code of your pickup code
pickup-hint = Show the code or the QR at the counter of { $store }.
pickup-slip-order = Order { $order } · { $store }
pickup-print = Print pickup slip
title-orders = My orders
orders-heading = My orders
orders-none-yet = You have not ordered anything yet.
orders-no-more = No more orders.
orders-code = Code
orders-no = No. { $order }
orders-newer = ← Newer
orders-older = Older →
title-order = Order { $order }
order-heading = Order
order-to-pay = To pay:
order-time-left = Time left to pay:
order-time-left-value =
    { $min ->
        [0] { $s } s
       *[other] { $min } min { $s } s
    }
order-until = (until { $time })
order-paying = Paying…
order-pay = Pay { $total }
order-demo-payment = Demo payment: it succeeds at once.
order-items = Items
order-paid-at = paid { $time }
order-ordered = Ordered
order-note = Note
order-cancelling = Cancelling…
order-cancel = Cancel this order
order-window-passed = The time to pay has run out: this order is being cancelled and nothing was charged.
order-expired = This order expired: it was not paid in time, so it was cancelled and nothing was charged.
order-you-cancelled = You cancelled this order.
order-cancelled-because = This order was cancelled: { $reason }.
order-cancelled = This order was cancelled.
checkout-pay-at-counter-note-long = Pay at the counter when you pick it up.
pay-method-online = Online
pay-method-at-counter = At the counter
pay-paid = Paid. Thank you! Your pickup code is below.
pay-already-submitted = This payment was already submitted; you were charged once. Here is your order.
pay-already-paid = This order is already paid; nothing more was charged.
pay-expired = Too late: the time to pay this order has run out. Nothing was charged.
pay-cancelled = This order was cancelled, so it cannot be paid. Nothing was charged.
pay-codes-exhausted = The store cannot take more orders right now. Nothing was charged; please try again in a little while.
pay-busy = The shop is very busy right now. Nothing was charged; please try again.
cancel-done = Order cancelled. Nothing was charged.
cancel-not-allowed =
    This order can no longer be cancelled: it is { $status ->
            [pending_payment] awaiting payment
            [confirmed] confirmed — being prepared
            [ready] ready for pickup
            [picked_up] picked up
           *[cancelled] cancelled
        }.
cancel-busy = The shop is very busy right now; the order was not cancelled. Please try again.

## Counter

title-counter = Counter
counter-title = Counter · { $store }
counter-code-label = Pickup code — type it, or scan the QR
counter-placeholder = type or scan
counter-look-up = Look up
counter-scan-camera = Scan with camera
counter-sound-on = Sound on
counter-sound-off = Sound off
counter-code-entered = Code entered:
counter-match = Match
counter-item = Item
counter-amount = Amount
counter-note = Note: { $note }
counter-collect = COLLECT { $amount }
counter-paid = PAID
counter-collected-box = I have collected { $amount }
counter-handing-over = Handing over…
counter-hand-over = Hand over
counter-not-found = No order has the code { $code }. Ask the customer to check the code on their order page.
counter-wrong-store-title = Another store’s order
counter-wrong-store = This order is for pickup at { $store }. Do not hand it over here — please send the customer to { $store }.
counter-already-title = Already handed over
counter-already =
    { $at ->
        [none] Order { $order } was already handed over by { $by }. Do not hand it over again.
       *[other] Order { $order } was already handed over by { $by } at { $at }. Do not hand it over again.
    }
counter-cancelled =
    { $at ->
        [none] { $reason ->
            [none] Order { $order } was cancelled. Nothing to hand over.
           *[other] Order { $order } was cancelled: { $reason }. Nothing to hand over.
        }
       *[other] { $reason ->
            [none] Order { $order } was cancelled at { $at }. Nothing to hand over.
           *[other] Order { $order } was cancelled at { $at }: { $reason }. Nothing to hand over.
        }
    }
counter-not-paid-title = Not paid yet
counter-not-paid = Order { $order } is waiting for its online payment and cannot be handed over.
counter-throttled-title = Too many wrong codes
counter-throttled = More than ten wrong codes from this counter within a minute — wait a minute: you can look up again in
counter-throttled-after = . The queue below stays up to date.
counter-back-to-queue = Back to the queue
counter-to-prepare = To prepare
counter-nothing-to-prepare = Nothing to prepare.
counter-items =
    { $n ->
        [one] { $n } item
       *[other] { $n } items
    }
counter-waiting-since-confirmed = waiting since confirmed
counter-mark-ready = Mark ready
counter-waiting = Ready, waiting
counter-no-one-waiting = No one is waiting.
counter-waiting-since-ready = waiting since ready
counter-queue-paid = paid
counter-queue-collect = collect { $amount }
counter-handed-over = Handed over order { $order } to { $name }.
counter-handed-over-collected = Handed over order { $order } to { $name }. { $amount } collected.
counter-handed-over-twice = Order { $order } was already handed over (the form was sent twice).
counter-tick-collected = Tick the box once the customer has paid — nothing was handed over yet.
counter-marked-ready = Order { $order } is ready for pickup.
counter-not-marked-ready =
    Order { $order } was not marked ready: it is { $status ->
            [pending_payment] awaiting payment
            [confirmed] confirmed — being prepared
            [ready] ready for pickup
            [picked_up] picked up
           *[cancelled] cancelled
        }.
waited-just-now = just now
waited-minutes = { $min } min
waited-hours = { $h } h { $min } min
waited-days = { $d } d { $h } h
code-empty = Not a valid code: nothing was entered.
code-not-digits = Not a valid code: a pickup code has digits only — please re-type it.
code-wrong-length = Not a valid code: a pickup code has { $expected } digits, { $got } were entered.
code-check-digit = Not a valid code: the check digit does not match — please re-type it.
code-forged-qr = Not a valid code: this QR code was not issued by this shop.
code-malformed-qr = Not a valid code: the QR code could not be read — scan it again or type the code.

## Admin (messages)

field-choose =
    Choose a { $field ->
        [staff] staff member
        [status] status
        [outcome] outcome
       *[store] store
    } from the list.
field-required =
    { $field ->
        [reason] A reason
        [address] Address
        [description] Description
        [search] Search
       *[name] Name
    } is required.
field-too-long =
    { $field ->
        [reason] A reason
        [address] Address
        [description] Description
        [search] Search
       *[name] Name
    } can be at most { $max } characters.
field-whole-number =
    { $field ->
        [threshold] Low-stock mark
       *[stock] Initial stock
    } must be a whole number from 0 to { $max }.
sku-rule = Use 1 to 64 letters, digits, dashes, dots or underscores.
sku-taken = Another product already has this SKU.
price-empty = Price is required.
price-negative = Price cannot be negative.
price-not-a-number = Price must be a number like 12 or 12.50.
price-decimals = Price can have at most 2 decimal places.
price-too-large = Price is too large (at most 100000000.00).
product-created = Product “{ $name }” created.
product-saved = “{ $name }” saved. Existing orders keep the price they were placed at.
product-on = Product reactivated: customers can buy it again.
product-off = Product deactivated: it can no longer be checked out.
product-already-on = That product was already active.
product-already-off = That product was already inactive.
staff-created = Staff account { $username } created.
staff-choose-open-store = Choose an open store from the list.
staff-password-changed = Password changed. The account's open sessions have ended; tell them the new password.
staff-on = Account enabled: it can log in again.
staff-off = Account disabled: its open sessions ended at once.
staff-already-on = That account was already enabled.
staff-already-off = That account was already disabled.
store-created = Store { $code } “{ $name }” created.
store-code-taken = Another store already has this code.
store-on = Store enabled: customers can pick it for new orders again.
store-off = Store disabled: customers can no longer choose it for new orders.
store-already-on = That store was already enabled.
store-already-off = That store was already disabled.
stock-col-product = Product
stock-col-stock = Stock
stock-col-sold = Sold
stock-col-held = Held by unpaid
stock-col-low = Low stock
delta-rule = Enter a whole number of units, like 12 or -3 (at most { $max } either way).
delta-zero = A change of 0 does nothing: enter how many units to add or take away.
stock-adjusted = Stock adjusted by { $delta } ({ $reason }). Now { $stock } in stock.
stock-would-go-negative = Only { $stock } in stock: taking away { $take } would go below zero. Nothing was changed.
date-out-of-range = Use a date between the years 2000 and 9999.
date-format = Use a date like 2026-12-02.
page-rule = Page must be a whole number from 1.
date-end-before-start = The end date is before the start date.
admin-cancelled-refunded = Order cancelled: stock released, payment marked refunded.
admin-cancelled = Order cancelled: stock released.
admin-cancel-twice = This cancel was already submitted; nothing was done twice.
admin-cancel-picked-up = This order has been picked up and can no longer be cancelled.
admin-cancel-already = This order is already cancelled.
admin-cancel-refused =
    This order cannot be cancelled now (status { $status ->
        [pending_payment] awaiting payment
        [confirmed] confirmed — being prepared
        [ready] ready for pickup
        [picked_up] picked up
       *[cancelled] cancelled
    }).
timeline-created = Created
timeline-paid = Paid
timeline-paid-at-counter = Paid at the counter
timeline-ready = Ready
timeline-picked-up = Picked up
timeline-cancelled = Cancelled
timeline-refunded = Refunded
title-products = Products
title-product-edit = Edit { $name }
title-staff = Staff
title-staff-member = Staff · { $username }
title-stores = Stores
title-stock = Stock
title-ledger = Stock · { $name }
title-lookups = Counter lookups
title-admin-orders = Orders
title-dashboard = Dashboard

## Admin: stock

stock-explain = Sold = units in paid orders. Held = units in orders not paid yet (waiting for online payment, or to be paid at the counter): off the shelf, not sold. Low is marked only when a product is at or below its mark. Click a heading to sort.
stock-inactive = inactive

## Admin: stock ledger

stock-low-mark = low (≤ { $mark })
ledger-in-stock = in stock
ledger-low = low
ledger-in-orders = in orders (sold or held)
ledger-held = held by unpaid orders
ledger-adjust-title = Adjust stock
ledger-change-label = Change (units, + or −)
ledger-change-placeholder = e.g. 12 or -3
ledger-reason = Reason
ledger-reason-placeholder = e.g. delivery received, 2 broken in storage
saving = Saving…
ledger-adjust = Adjust
ledger-title = Ledger
ledger-none = No movements.
ledger-none-older = No movements older than this.
ledger-when = When
ledger-change = Change
ledger-by = By
ledger-stock-after = Stock after
ledger-newest = Newest

## Admin: dashboard

dash-shop-time = shop time
dash-taken-today = taken today (payments minus refunds)
dash-orders-today = orders today
dash-units-sold = units sold today (paid)
dash-units-held = units held (not paid yet)
dash-takings-today = Takings today
dash-store = Store
dash-taken = Taken
dash-refunded = Refunded
dash-net = Net
dash-all-stores = All stores
dash-last-14 = Last 14 days
dash-chart-title = Takings per day, last 14 days (highest { $max })
dash-highest = Highest day: { $max }. Hover a bar for its amount.
dash-by-status = Today's orders by status
dash-waiting = Waiting for pickup
dash-no-stores = No stores yet.
dash-no-low = Every product is above its low-stock mark.
dash-left = { $n } left
dash-mark = (mark { $mark })

## Admin: orders and lookups

filter-status = Status
filter-any = any
filter-anyone = anyone
filter-from = From
filter-to = To
filter-q = Order no. or customer
filter-q-placeholder = 261202… or username
filter-show = Show
orders-list-head = Dates are shop time. Newest first.
orders-list-head-page = Dates are shop time. Newest first · page { $page }.
orders-csv = Download CSV (all pages)
orders-none-match = No orders match.
col-created = Created
col-customer = Customer
col-price = Price
col-outcome = Outcome
col-entered = Entered
pays-online = online
pays-at-counter = at counter
pays-at-the-counter = at the counter
admin-order-created = created { $time }
admin-order-payment-pickup = Payment and pickup
admin-order-pays = Pays
admin-order-at = at { $time }
admin-order-ref = ref { $ref }
admin-order-none-yet = none yet
pickup-your-code-short = Pickup code
admin-order-timeline = Timeline
admin-order-by = by { $name }
admin-order-cancel-note = The units go back on the shelf.
admin-order-cancel-note-refund = The units go back on the shelf and the payment is marked refunded.
admin-order-reason-placeholder = e.g. customer asked by phone
admin-order-cancel-button = Cancel order
lookups-none-match = No lookups match.

## Admin: products, stores, staff

product-on-sale = on sale
product-edit = Edit
product-deactivate = Deactivate
product-reactivate = Reactivate
product-new = New product
field-sku = SKU
field-initial-stock = Initial stock
product-create = Create product
product-edit-note = A new price applies to new orders; orders already placed keep their own price. Stock is changed on the stock page, with a reason:
product-edit-stock-link = stock page
save = Save
field-name = Name
field-low-stock-mark = Low-stock mark
field-description = Description
field-code = Code
field-address = Address
store-open = open
badge-disabled = disabled
badge-active = active
disable = Disable
enable = Enable
store-new = New store
store-create = Create store
staff-none = No staff accounts yet.
staff-since = Since
staff-new = New staff account
choose = choose…
staff-set-password = Set a new password
staff-new-password = New password
staff-password-note = Their open sessions end; they log in again with the new password.
staff-set-password-button = Set password
staff-enable-account = Enable account
staff-disable-account = Disable account

## Admin: more

store-code-rule = Use 2 to 16 upper-case letters, digits or dashes, e.g. SH01.
staff-store-required = A staff account belongs to one store: choose it.

## Command line

demo-ready = Demo shop ready. Logins (username / password):
demo-login-admin = admin — stock, products, orders, stores, staff
demo-login-north = staff at North Store (SH01) — the counter
demo-login-harbour = staff at Harbour Store (SH02) — the counter
demo-login-customer = customer

## Cancel reasons

reason-not-collected = not collected within { $hours } hours
reason-payment-window = payment window passed
reason-customer = cancelled by the customer
reason-typed = { $reason }
