// SPDX-License-Identifier: Apache-2.0

/// The separate buckets OpenAlgo rate-limits `/api/v1/` by: a client that used up its orders can
/// still read quotes. Each has its own environment variable and OpenAlgo's default.
public enum RateLimitCategory: String, Sendable, CaseIterable, Hashable {
    /// placeorder, modifyorder, cancelorder, optionsorder, optionsmultiorder and the GTT orders.
    case orders
    /// placesmartorder.
    case smartOrders = "smart_orders"
    /// Every other `/api/v1/` endpoint, including basketorder, splitorder, cancelallorder and closeposition.
    case api
    /// optiongreeks and multioptiongreeks.
    case greeks
    /// telegram/notify.
    case telegram
    /// whatsapp/notify.
    case whatsapp
    /// `/api/v1/strategy/…`.
    case strategy

    /// The variable OpenAlgo reads this category's limit from (no `REALALGO_` prefix, so an
    /// OpenAlgo `.env` works unchanged).
    public var environmentVariable: String {
        switch self {
        case .orders: "ORDER_RATE_LIMIT"
        case .smartOrders: "SMART_ORDER_RATE_LIMIT"
        case .api: "API_RATE_LIMIT"
        case .greeks: "GREEKS_RATE_LIMIT"
        case .telegram: "TELEGRAM_RATE_LIMIT"
        case .whatsapp: "WHATSAPP_RATE_LIMIT"
        case .strategy: "STRATEGY_RATE_LIMIT"
        }
    }

    /// OpenAlgo's default. For `api` it is `.sample.env`'s 50 per second; the code's own fallback
    /// of 10 would throttle an ordinary client polling quotes and positions.
    public var defaultLimit: RateLimit {
        switch self {
        case .orders, .smartOrders: RateLimit(10, per: .seconds(1))
        case .api: RateLimit(50, per: .seconds(1))
        case .greeks, .telegram, .whatsapp: RateLimit(30, per: .seconds(60))
        case .strategy: RateLimit(200, per: .seconds(60))
        }
    }
}
