// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The sandbox broker's configurable rules, read from the hub's `sandbox.*` and `risk.*`
/// settings (and re-read whenever a setting changes, so the kill switch acts at once).
public struct SandboxRules: Sendable, Equatable {
    public var margin = MarginPolicy()
    public var limits = PreTradeLimits()
    /// No new order that adds risk is accepted (reducing orders still are).
    public var killSwitch = false

    public init() {}

    /// Rules from settings values (raw JSON text by key); missing or malformed values keep the default.
    public init(settings: [String: String]) {
        func number(_ key: String) -> Double? { settings[key].flatMap { Double($0.trimmingCharacters(in: ["\""])) } }
        func flag(_ key: String) -> Bool? { settings[key].flatMap { ["true": true, "false": false][$0.trimmingCharacters(in: ["\""])] } }
        if let value = number("sandbox.equity_mis_leverage") { margin.equityIntradayLeverage = value }
        if let value = number("sandbox.equity_cnc_leverage") { margin.equityDeliveryLeverage = value }
        if let value = number("sandbox.futures_leverage") { margin.futuresLeverage = value }
        if let value = number("sandbox.option_buy_leverage") { margin.optionBuyLeverage = value }
        if let value = number("sandbox.option_sell_leverage") { margin.optionSellLeverage = value }
        if let value = number("risk.price_band_percent") { limits.priceBandPercent = value }
        if let value = number("risk.max_order_quantity") { limits.maxOrderQuantity = Int64(value) }
        if let value = number("risk.max_order_value") { limits.maxOrderValue = value }
        if let value = flag("risk.enforce_market_hours") { limits.enforceMarketHours = value }
        if let value = flag("risk.kill_switch") { killSwitch = value }
    }
}
