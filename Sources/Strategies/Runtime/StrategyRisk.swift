// SPDX-License-Identifier: Apache-2.0
public import LuaBridge

/// A strategy's own limits (`risk = { … }`), enforced by the runtime, not the script: they hold
/// whatever the script does, and identically live and in a backtest.
public struct StrategyRisk: Sendable, Equatable, Codable {
    /// Orders (new, modify, cancel, close) per rolling minute of market time; past it a `ctx`
    /// order call raises an error, so a loop that floods orders stops at the cap.
    public var maxOrdersPerMinute: Int = 60
    /// Orders one callback may issue.
    public var maxOrdersPerCall: Int = 20
    /// The largest absolute position per symbol, in units; an order that would pass it raises.
    public var maxPosition: Int64?
    /// Combined P&L (realized + open) at or below −maxLoss closes everything and stops the run.
    public var maxLoss: Double?
    /// Combined P&L at or above maxProfit closes everything and stops the run.
    public var maxProfit: Double?
    /// New entries per trading day.
    public var maxTradesPerDay: Int?

    public init() {}

    /// Reads `strategy.risk`.
    /// - Throws: ``StrategyScriptError`` `.declaration` naming the field.
    public init(lua value: LuaValue?) throws {
        self.init()
        // An empty table crosses as an empty list: no limits beyond the defaults.
        guard let value, value != .nil, value != .array([]) else { return }
        guard case .dictionary(let fields) = value else {
            throw StrategyScriptError(.declaration, field: "strategy.risk", "must be a table")
        }
        for key in fields.keys {
            guard let name = key.stringValue, Self.fields.contains(name) else {
                throw StrategyScriptError(
                    .declaration, field: "strategy.risk", "unknown field \(key); known: \(Self.fields.sorted().joined(separator: ", "))")
            }
        }
        if let count = try Self.count(value["max_orders_per_minute"], field: "max_orders_per_minute", upTo: 10_000) { maxOrdersPerMinute = count }
        if let count = try Self.count(value["max_orders_per_call"], field: "max_orders_per_call", upTo: 1_000) { maxOrdersPerCall = count }
        maxPosition = try Self.count(value["max_position"], field: "max_position", upTo: 100_000_000).map(Int64.init)
        maxLoss = try Self.amount(value["max_loss"], field: "max_loss")
        maxProfit = try Self.amount(value["max_profit"], field: "max_profit")
        maxTradesPerDay = try Self.count(value["max_trades_per_day"], field: "max_trades_per_day", upTo: 100_000)
    }

    static let fields: Set<String> = [
        "max_orders_per_minute", "max_orders_per_call", "max_position", "max_loss", "max_profit", "max_trades_per_day",
    ]

    private static func count(_ value: LuaValue?, field: String, upTo limit: Int) throws -> Int? {
        guard let value, value != .nil else { return nil }
        guard let integer = value.integerValue, integer >= 1, integer <= limit else {
            throw StrategyScriptError(.declaration, field: "strategy.risk.\(field)", "must be an integer from 1 to \(limit)")
        }
        return Int(integer)
    }

    private static func amount(_ value: LuaValue?, field: String) throws -> Double? {
        guard let value, value != .nil else { return nil }
        guard let number = value.doubleValue, number.isFinite, number > 0 else {
            throw StrategyScriptError(.declaration, field: "strategy.risk.\(field)", "must be a positive number of rupees")
        }
        return number
    }
}

/// Declared exits for every position the strategy holds (`exits = { stop_loss = { percent = 1 }, … }`),
/// checked by the runtime on every price of the symbol.
public struct StrategyExits: Sendable, Equatable, Codable {
    /// A distance from the entry (or, for trailing, from the best price since entry).
    public enum Distance: Sendable, Equatable, Codable {
        case points(Double)
        case percent(Double)

        /// The distance in price units from `reference`.
        public func amount(from reference: Double) -> Double {
            switch self {
            case .points(let points): points
            case .percent(let percent): reference * percent / 100
            }
        }
    }

    public var stopLoss: Distance?
    public var target: Distance?
    public var trailing: Distance?

    public init(stopLoss: Distance? = nil, target: Distance? = nil, trailing: Distance? = nil) {
        self.stopLoss = stopLoss
        self.target = target
        self.trailing = trailing
    }

    public var isEmpty: Bool { stopLoss == nil && target == nil && trailing == nil }

    /// Reads `strategy.exits`.
    /// - Throws: ``StrategyScriptError`` `.declaration` naming the field.
    public init(lua value: LuaValue?) throws {
        self.init()
        guard let value, value != .nil, value != .array([]) else { return }
        guard case .dictionary(let fields) = value else {
            throw StrategyScriptError(.declaration, field: "strategy.exits", "must be a table")
        }
        for key in fields.keys where !["stop_loss", "target", "trailing"].contains(key.stringValue ?? "") {
            throw StrategyScriptError(.declaration, field: "strategy.exits", "unknown field \(key); known: stop_loss, target, trailing")
        }
        stopLoss = try Self.distance(value["stop_loss"], field: "stop_loss")
        target = try Self.distance(value["target"], field: "target")
        trailing = try Self.distance(value["trailing"], field: "trailing")
    }

    private static func distance(_ value: LuaValue?, field: String) throws -> Distance? {
        guard let value, value != .nil else { return nil }
        let path = "strategy.exits.\(field)"
        let points = value["points"]?.doubleValue
        let percent = value["percent"]?.doubleValue
        switch (points, percent) {
        case (let points?, nil) where points.isFinite && points > 0: return .points(points)
        case (nil, let percent?) where percent.isFinite && percent > 0 && percent < 100: return .percent(percent)
        default:
            throw StrategyScriptError(
                .declaration, field: path, "must be { points = n } or { percent = n } with one positive number (percent below 100)")
        }
    }
}
