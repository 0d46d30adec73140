# shopcounter — 简体中文。每种语言一个目录文件；键与 locales/en/main.ftl 相同。
# 目录测试（src/i18n.rs）会在代码用到而这里缺少、或这里定义而无处使用的键上失败。

## 格式（chrono 模式）与星期

format-datetime = %Y年%-m月%-d日 %H:%M
format-day-time = %-m月%-d日 %H:%M
format-date-long = %Y年%-m月%-d日
format-day = %-m月%-d日
format-weekday-day = { $day } { $weekday }
weekday-mon = 周一
weekday-tue = 周二
weekday-wed = 周三
weekday-thu = 周四
weekday-fri = 周五
weekday-sat = 周六
weekday-sun = 周日

## 页面框架

nav-shop = 商店
nav-cart = 购物车
nav-cart-count = 购物车里有 { $n } 件
nav-my-orders = 我的订单
nav-counter = 柜台
nav-dashboard = 概览
nav-stock = 库存
nav-products = 商品
nav-orders = 订单
nav-stores = 门店
nav-staff = 员工
nav-lookups = 查询记录
nav-log-out = 退出
nav-log-in = 登录
nav-register = 注册

## 错误页

error-back-counter = 返回柜台
error-back-shop = 返回商店
error-not-found-title = 找不到页面
error-not-found = 这里什么也没有。链接可能已过期，或者这个页面属于别人。
error-invalid-title = 操作未成功
error-conflict-title = 请刷新页面
error-forbidden-title = 无权访问
error-login-title = 请登录
error-login = 请先登录再继续。
error-too-many-title = 请稍等
error-too-large-title = 数据太多
error-too-large = 这个表单发送的数据超过了商店接受的上限（16 KiB）。
error-unavailable-title = 暂时无法使用
error-unavailable = 商店现在连接不上数据库。请稍后再试；如果您刚下单或付款，请先查看“我的订单”（再次提交同一个表单绝不会重复下单）。
error-busy-title = 非常繁忙
error-busy = 商店现在非常繁忙。没有任何改动，请再试一次。
error-unexpected-title = 出错了
error-unexpected = 我们这边出了问题。没有任何改动，请再试一次。
error-session-unreadable = 无法读取您的会话。
error-session-reload = 无法读取您的会话。请刷新页面。
error-for-customers = 这个页面供顾客使用。请用顾客账号登录购物。
error-for-staff = 这个页面供柜台员工使用。
error-for-admins = 这个页面供管理员使用。
error-staff-no-store = 这个员工账号没有分配门店。
error-body-unreadable = 无法读取请求内容。
error-form-foreign = 这个表单已过期，或者不是来自本店。请返回、刷新页面后再试。
error-form-malformed-reload = 表单不完整或格式有误。请刷新页面后再试。
error-form-malformed = 表单不完整或格式有误。
error-form-expired-reload = 这个表单已过期，请刷新页面后再试。
error-form-reused = 这个表单已过期，请刷新页面。
error-already-submitted = 这个表单已经提交过了。请查看您的订单。
error-cross-site = 不接受来自其他网站的请求。
error-param-refused = 网址中有商店无法使用的参数：{ $detail }。
error-metrics-forbidden = 指标只提供给本机访问或持有指标令牌的请求。
error-page-number = page：必须是页码。
error-not-a-product = product_id：这不是本店的商品。
error-stock-sort = `sort` 必须是以下列名之一：name、stock、sales、held、low。
error-stock-dir = `dir` 必须是 asc 或 desc。
error-order-filters = 筛选条件无效；请在订单页面上修改。

## 商品目录与购物车

title-shop = 商店
catalog-heading = 在线下单，到店自取
catalog-empty = 货架上还没有商品。
catalog-sold-out = 已售罄
catalog-few-left = 仅剩 { $n } 件
qty-label = 数量
catalog-adding = 正在加入…
catalog-add = 加入购物车
catalog-log-in-to-order = 登录后下单
quantity-invalid = 数量必须是 1 到 99 之间的整数。
title-cart = 购物车
cart-heading = 您的购物车
cart-empty = 购物车是空的。
cart-browse = 去逛逛
cart-each = 单价 { $price }
cart-buy-now = 现在购买
cart-update = 更新
cart-remove = 删除
cart-none-selected = 没有勾选“现在购买”的商品。请勾选要结算的商品。
cart-selected = 已选 { $n } 项
cart-check-out = 去结算
cart-warning-inactive = 已停售，请删除。
cart-warning-sold-out = 已售罄。
cart-warning-few = { $name } 仅剩 { $n } 件。
cart-added = 已加入 { $quantity } × { $name }
cart-view = 查看购物车（{ $n }）
cart-updated = 购物车已更新。
cart-removed = 已从购物车删除。

## 结算

title-checkout = 结算
checkout-heading = 结算
checkout-back-to-cart = 返回购物车
checkout-your-order = 您的订单
checkout-total = 合计
checkout-change-cart = 修改购物车
checkout-pick-up-at = 取货门店
checkout-payment = 付款方式
checkout-pay-online = 现在在线支付
checkout-pay-online-note = 付款后立即确认
checkout-pay-at-counter = 到柜台付款
checkout-pay-at-counter-note = 取货时付款
checkout-note = 给商店的备注
optional = （选填）
checkout-placing = 正在下单…
checkout-place = 提交订单 · { $total }
checkout-incomplete = 这个页面不完整；请核对下面的合计后再次提交订单。
checkout-choose-store = 请选择取货门店。
checkout-choose-payment = 请选择付款方式。
checkout-note-too-long = 备注最多 { $max } 个字。
checkout-empty-selection = 购物车里没有选中的商品。请在要买的商品上勾选“现在购买”，然后结算。
sold-out-left =
    { $left ->
        [0] 抱歉，{ $name } 已售罄。没有下单；请把它从购物车删除。
       *[other] 抱歉，{ $name } 只剩 { $left } 件。没有下单；请在购物车里减少数量。
    }
checkout-no-longer-sold = { $name } 已停售。没有下单；请把它从购物车删除。
checkout-prices-changed = 打开这个页面后价格有变动。没有下单；请核对下面的新合计后再次提交订单。
checkout-busy = 商店现在非常繁忙。没有下单，购物车也没有变化；请再试一次。
checkout-unknown-store = 这家门店不接受订单。请从列出的门店中选择。
checkout-codes-exhausted = 商店现在无法接受更多订单。没有下单；请稍后再试。
checkout-placed-online = 已下单。请在显示的时间内付款以确认订单。
checkout-placed-at-counter = 已下单并确认。取货时在柜台付款。
checkout-already-placed = 这个订单已经提交过了（表单发送了两次）；就是这个。没有重复下单。

## 账号

title-login = 登录
title-register = 注册账号
title-account = 我的账号
login-heading = 登录
field-username = 用户名
field-password = 密码
login-busy = 正在登录…
login-submit = 登录
login-new-here = 第一次来？
login-create-account = 注册账号
login-refused = 用户名或密码错误。连续失败 10 次后账号将被锁定 15 分钟。
register-heading = 注册账号
register-your-name = 您的称呼
register-your-name-note = （在柜台显示）
register-busy = 正在创建…
register-submit = 创建账号
register-have-one = 已经有账号？
register-welcome = 欢迎，{ $name }！您的账号已经可以使用了。
username-taken = 这个用户名已被使用，请换一个。
username-rule = 请使用 3 到 32 个字母、数字、点、短横线或下划线。
password-too-short = 至少 8 个字符。
password-too-long = 最多 256 个字符。
account-heading = 我的账号
account-logged-in-as = 当前登录：{ $name }。
account-sessions = 已登录的设备
account-browser = 浏览器
account-started = 登录时间
account-last-seen = 最近活动
account-this-device = 本设备
account-logging-out = 正在退出…
account-log-out-all = 退出所有设备
browser-unknown = 未知浏览器
browser-on-system = { $system } 上的浏览器
browser-only = { $browser }
browser-on = { $system } 上的 { $browser }

## 词汇（状态、结果、库存变动）

lookup-matched = 匹配
lookup-invalid = 无效取货码
lookup-not-found = 未找到
lookup-wrong-store = 其他门店
lookup-already-picked-up = 已取货
lookup-cancelled = 已取消
status-pending-payment = 待付款
status-confirmed = 已确认 — 备货中
status-ready = 可以取货
status-picked-up = 已取货
status-cancelled = 已取消
movement-sale = 销售
movement-release = 释放（取消或过期）
movement-adjustment = 调整
movement-restock = 补货
code-not-issued = 未发放
code-active = 有效
code-used = 已在交货时使用
code-void = 作废（订单已取消）

## 订单与取货

pickup-ready-at = 可以到 { $store } 取货了
pickup-being-prepared = { $store } 正在备货。可以来取时，这里会显示“可以取货”。
pickup-your-code = 您的取货码
pickup-bring = 请带 { $amount }
pickup-qr-label = 取货码的二维码
pickup-hint = 请在 { $store } 的柜台出示取货码或二维码。
pickup-slip-order = 订单 { $order } · { $store }
pickup-print = 打印取货单
title-orders = 我的订单
orders-heading = 我的订单
orders-none-yet = 您还没有下过订单。
orders-no-more = 没有更多订单了。
orders-code = 取货码
orders-no = 订单号 { $order }
orders-newer = ← 较新
orders-older = 较早 →
title-order = 订单 { $order }
order-heading = 订单
order-to-pay = 应付：
order-time-left = 剩余付款时间：
order-time-left-value =
    { $min ->
        [0] { $s } 秒
       *[other] { $min } 分 { $s } 秒
    }
order-until = （截止 { $time }）
order-paying = 正在付款…
order-pay = 支付 { $total }
order-demo-payment = 演示付款：会立即成功。
order-items = 商品
order-paid-at = { $time } 已付款
order-ordered = 下单时间
order-note = 备注
order-cancelling = 正在取消…
order-cancel = 取消这个订单
order-window-passed = 付款时间已过：这个订单正在取消，没有扣款。
order-expired = 这个订单已过期：没有按时付款，因此已取消，没有扣款。
order-you-cancelled = 您取消了这个订单。
order-cancelled-because = 这个订单已取消：{ $reason }。
order-cancelled = 这个订单已取消。
checkout-pay-at-counter-note-long = 取货时在柜台付款。
pay-method-online = 在线支付
pay-method-at-counter = 柜台付款
pay-paid = 付款成功，谢谢！您的取货码在下面。
pay-already-submitted = 这笔付款已经提交过了；只扣了一次款。这是您的订单。
pay-already-paid = 这个订单已经付过款了；没有再扣款。
pay-expired = 太晚了：这个订单的付款时间已过。没有扣款。
pay-cancelled = 这个订单已取消，无法付款。没有扣款。
pay-codes-exhausted = 门店现在无法接受更多订单。没有扣款；请稍后再试。
pay-busy = 商店现在非常繁忙。没有扣款；请再试一次。
cancel-done = 订单已取消。没有扣款。
cancel-not-allowed =
    这个订单已无法取消：它的状态是{ $status ->
            [pending_payment] 待付款
            [confirmed] 已确认 — 备货中
            [ready] 可以取货
            [picked_up] 已取货
           *[cancelled] 已取消
        }。
cancel-busy = 商店现在非常繁忙；订单没有取消。请再试一次。

## 柜台

title-counter = 柜台
counter-title = 柜台 · { $store }
counter-code-label = 取货码 — 输入或扫描二维码
counter-placeholder = 输入或扫描
counter-look-up = 查询
counter-scan-camera = 用摄像头扫描
counter-sound-on = 声音开
counter-sound-off = 声音关
counter-code-entered = 输入的取货码：
counter-match = 匹配
counter-item = 商品
counter-amount = 金额
counter-note = 备注：{ $note }
counter-collect = 收款 { $amount }
counter-paid = 已付款
counter-collected-box = 我已收到 { $amount }
counter-handing-over = 正在交货…
counter-hand-over = 交货
counter-not-found = 没有订单使用取货码 { $code }。请顾客在订单页面上核对取货码。
counter-wrong-store-title = 其他门店的订单
counter-wrong-store = 这个订单要在 { $store } 取货。请不要在这里交货 — 请让顾客去 { $store }。
counter-already-title = 已经交过货了
counter-already =
    { $at ->
        [none] 订单 { $order } 已由 { $by } 交货。请不要再次交货。
       *[other] 订单 { $order } 已由 { $by } 于 { $at } 交货。请不要再次交货。
    }
counter-cancelled =
    { $at ->
        [none] { $reason ->
            [none] 订单 { $order } 已取消。没有可交的货。
           *[other] 订单 { $order } 已取消：{ $reason }。没有可交的货。
        }
       *[other] { $reason ->
            [none] 订单 { $order } 于 { $at } 取消。没有可交的货。
           *[other] 订单 { $order } 于 { $at } 取消：{ $reason }。没有可交的货。
        }
    }
counter-not-paid-title = 还没付款
counter-not-paid = 订单 { $order } 正在等待在线付款，不能交货。
counter-throttled-title = 错误取货码太多
counter-throttled = 这个柜台一分钟内输错了十次以上 — 请等一分钟：
counter-throttled-after = 后可以再次查询。下面的队列会保持更新。
counter-back-to-queue = 返回队列
counter-to-prepare = 待备货
counter-nothing-to-prepare = 没有要备的货。
counter-items = { $n } 件
counter-waiting-since-confirmed = 从确认起等待
counter-mark-ready = 标记为可取货
counter-waiting = 可取货，等待中
counter-no-one-waiting = 没有人在等。
counter-waiting-since-ready = 从可取货起等待
counter-queue-paid = 已付款
counter-queue-collect = 收款 { $amount }
counter-handed-over = 订单 { $order } 已交给 { $name }。
counter-handed-over-collected = 订单 { $order } 已交给 { $name }。已收款 { $amount }。
counter-handed-over-twice = 订单 { $order } 已经交过货了（表单发送了两次）。
counter-tick-collected = 顾客付款后请勾选这个框 — 还没有交货。
counter-marked-ready = 订单 { $order } 可以取货了。
counter-not-marked-ready =
    订单 { $order } 没有标记为可取货：它的状态是{ $status ->
            [pending_payment] 待付款
            [confirmed] 已确认 — 备货中
            [ready] 可以取货
            [picked_up] 已取货
           *[cancelled] 已取消
        }。
waited-just-now = 刚刚
waited-minutes = { $min } 分钟
waited-hours = { $h } 小时 { $min } 分
waited-days = { $d } 天 { $h } 小时
code-empty = 不是有效的取货码：什么也没有输入。
code-not-digits = 不是有效的取货码：取货码只有数字 — 请重新输入。
code-wrong-length = 不是有效的取货码：取货码有 { $expected } 位数字，输入了 { $got } 位。
code-check-digit = 不是有效的取货码：校验位不符 — 请重新输入。
code-forged-qr = 不是有效的取货码：这个二维码不是本店发出的。
code-malformed-qr = 不是有效的取货码：无法读取二维码 — 请重新扫描或输入取货码。

## 管理后台（提示信息）

field-choose =
    请从列表中选择{ $field ->
        [staff] 员工
        [status] 状态
        [outcome] 结果
       *[store] 门店
    }。
field-required =
    { $field ->
        [reason] 原因
        [address] 地址
        [description] 描述
        [search] 搜索
       *[name] 名称
    }不能为空。
field-too-long =
    { $field ->
        [reason] 原因
        [address] 地址
        [description] 描述
        [search] 搜索
       *[name] 名称
    }最多 { $max } 个字。
field-whole-number =
    { $field ->
        [threshold] 低库存提醒线
       *[stock] 初始库存
    }必须是 0 到 { $max } 之间的整数。
sku-rule = 请使用 1 到 64 个字母、数字、短横线、点或下划线。
sku-taken = 已有其他商品使用这个货号。
price-empty = 价格不能为空。
price-negative = 价格不能是负数。
price-not-a-number = 价格必须是数字，例如 12 或 12.50。
price-decimals = 价格最多两位小数。
price-too-large = 价格太大（最多 100000000.00）。
product-created = 商品“{ $name }”已创建。
product-saved = “{ $name }”已保存。已有订单保留下单时的价格。
product-on = 商品已重新上架：顾客可以再次购买。
product-off = 商品已下架：不能再结算。
product-already-on = 这个商品本来就在售。
product-already-off = 这个商品本来就已下架。
staff-created = 员工账号 { $username } 已创建。
staff-choose-open-store = 请从列表中选择一家营业中的门店。
staff-password-changed = 密码已修改。这个账号已登录的会话都已结束；请告诉他们新密码。
staff-on = 账号已启用：可以再次登录。
staff-off = 账号已停用：已登录的会话立即结束。
staff-already-on = 这个账号本来就是启用的。
staff-already-off = 这个账号本来就是停用的。
store-created = 门店 { $code }“{ $name }”已创建。
store-code-taken = 已有其他门店使用这个代码。
store-on = 门店已启用：顾客可以再次为新订单选择它。
store-off = 门店已停用：顾客不能再为新订单选择它。
store-already-on = 这家门店本来就是启用的。
store-already-off = 这家门店本来就是停用的。
stock-col-product = 商品
stock-col-stock = 库存
stock-col-sold = 已售
stock-col-held = 待付款占用
stock-col-low = 低库存
delta-rule = 请输入整数件数，例如 12 或 -3（增减最多 { $max }）。
delta-zero = 变动 0 不起作用：请输入要增加或减少的件数。
stock-adjusted = 库存已调整 { $delta }（{ $reason }）。现有库存 { $stock }。
stock-would-go-negative = 库存只有 { $stock }：减少 { $take } 会低于零。没有任何改动。
date-out-of-range = 请使用 2000 年到 9999 年之间的日期。
date-format = 请使用 2026-12-02 这样的日期。
page-rule = 页码必须是从 1 开始的整数。
date-end-before-start = 结束日期早于开始日期。
admin-cancelled-refunded = 订单已取消：库存已释放，付款已标记为退款。
admin-cancelled = 订单已取消：库存已释放。
admin-cancel-twice = 这次取消已经提交过了；没有重复操作。
admin-cancel-picked-up = 这个订单已取货，不能再取消。
admin-cancel-already = 这个订单已经取消了。
admin-cancel-refused =
    这个订单现在不能取消（状态：{ $status ->
        [pending_payment] 待付款
        [confirmed] 已确认 — 备货中
        [ready] 可以取货
        [picked_up] 已取货
       *[cancelled] 已取消
    }）。
timeline-created = 已创建
timeline-paid = 已付款
timeline-paid-at-counter = 已在柜台付款
timeline-ready = 可取货
timeline-picked-up = 已取货
timeline-cancelled = 已取消
timeline-refunded = 已退款
title-products = 商品
title-product-edit = 编辑 { $name }
title-staff = 员工
title-staff-member = 员工 · { $username }
title-stores = 门店
title-stock = 库存
title-ledger = 库存 · { $name }
title-lookups = 柜台查询记录
title-admin-orders = 订单
title-dashboard = 概览

## 管理后台：库存

stock-explain = 已售 = 已付款订单中的件数。占用 = 尚未付款订单中的件数（等待在线付款，或将在柜台付款）：不在货架上，但还没有售出。只有在商品达到或低于提醒线时才标记为低库存。点击列标题排序。
stock-inactive = 已下架

## 管理后台：库存流水

stock-low-mark = 低（≤ { $mark }）
ledger-in-stock = 库存
ledger-low = 低
ledger-in-orders = 订单中（已售或占用）
ledger-held = 未付款订单占用
ledger-adjust-title = 调整库存
ledger-change-label = 变动（件数，+ 或 −）
ledger-change-placeholder = 例如 12 或 -3
ledger-reason = 原因
ledger-reason-placeholder = 例如：到货，仓库里坏了 2 件
saving = 正在保存…
ledger-adjust = 调整
ledger-title = 库存流水
ledger-none = 没有变动。
ledger-none-older = 没有更早的变动。
ledger-when = 时间
ledger-change = 变动
ledger-by = 操作人
ledger-stock-after = 变动后库存
ledger-newest = 最新

## 管理后台：概览

dash-shop-time = 商店时间
dash-taken-today = 今日收入（付款减退款）
dash-orders-today = 今日订单
dash-units-sold = 今日售出件数（已付款）
dash-units-held = 占用件数（尚未付款）
dash-takings-today = 今日收入
dash-store = 门店
dash-taken = 收入
dash-refunded = 退款
dash-net = 净额
dash-all-stores = 所有门店
dash-last-14 = 最近 14 天
dash-chart-title = 最近 14 天每日收入（最高 { $max }）
dash-highest = 最高的一天：{ $max }。把鼠标移到柱上可看金额。
dash-by-status = 今日订单（按状态）
dash-waiting = 等待取货
dash-no-stores = 还没有门店。
dash-no-low = 所有商品都高于低库存提醒线。
dash-left = 剩 { $n } 件
dash-mark = （提醒线 { $mark }）

## 管理后台：订单与查询记录

filter-status = 状态
filter-any = 全部
filter-anyone = 所有人
filter-from = 从
filter-to = 到
filter-q = 订单号或顾客
filter-q-placeholder = 261202… 或用户名
filter-show = 显示
orders-list-head = 日期为商店时间。最新的在前。
orders-list-head-page = 日期为商店时间。最新的在前 · 第 { $page } 页。
orders-csv = 下载 CSV（全部页）
orders-none-match = 没有符合条件的订单。
col-created = 创建时间
col-customer = 顾客
col-price = 单价
col-outcome = 结果
col-entered = 输入
pays-online = 在线
pays-at-counter = 柜台
pays-at-the-counter = 在柜台
admin-order-created = 创建于 { $time }
admin-order-payment-pickup = 付款与取货
admin-order-pays = 付款方式
admin-order-at = 于 { $time }
admin-order-ref = 参考号 { $ref }
admin-order-none-yet = 暂无
pickup-your-code-short = 取货码
admin-order-timeline = 时间线
admin-order-by = 操作人 { $name }
admin-order-cancel-note = 商品会放回货架。
admin-order-cancel-note-refund = 商品会放回货架，付款会标记为退款。
admin-order-reason-placeholder = 例如：顾客打电话要求
admin-order-cancel-button = 取消订单
lookups-none-match = 没有符合条件的查询记录。

## 管理后台：商品、门店、员工

product-on-sale = 在售
product-edit = 编辑
product-deactivate = 下架
product-reactivate = 重新上架
product-new = 新商品
field-sku = 货号
field-initial-stock = 初始库存
product-create = 创建商品
product-edit-note = 新价格只用于新订单；已下的订单保留原价。库存在库存页面修改，并需注明原因：
product-edit-stock-link = 库存页面
save = 保存
field-name = 名称
field-low-stock-mark = 低库存提醒线
field-description = 描述
field-code = 代码
field-address = 地址
store-open = 营业中
badge-disabled = 已停用
badge-active = 启用
disable = 停用
enable = 启用
store-new = 新门店
store-create = 创建门店
staff-none = 还没有员工账号。
staff-since = 创建于
staff-new = 新员工账号
choose = 请选择…
staff-set-password = 设置新密码
staff-new-password = 新密码
staff-password-note = 已登录的会话会结束；他们需要用新密码重新登录。
staff-set-password-button = 设置密码
staff-enable-account = 启用账号
staff-disable-account = 停用账号

## 管理后台：其他

store-code-rule = 请使用 2 到 16 个大写字母、数字或短横线，例如 SH01。
staff-store-required = 员工账号属于一家门店：请选择。

## 命令行

demo-ready = 演示商店已就绪。登录账号（用户名 / 密码）：
demo-login-admin = 管理员 — 库存、商品、订单、门店、员工
demo-login-north = North Store（SH01）的员工 — 柜台
demo-login-harbour = Harbour Store（SH02）的员工 — 柜台
demo-login-customer = 顾客

## 取消原因

reason-not-collected = { $hours } 小时内未取货
reason-payment-window = 付款时间已过
reason-customer = 顾客取消
reason-typed = { $reason }
