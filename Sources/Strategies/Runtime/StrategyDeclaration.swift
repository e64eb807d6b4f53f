// SPDX-License-Identifier: Apache-2.0
public import Core
public import LuaBridge

/// What a strategy file says about itself: the `strategy` table (returned by the chunk, or a global
/// named `strategy`) and which callbacks it defines.
///
/// ```lua
/// strategy = {
///   name = "EMA crossover",
///   symbols = { "NSE:SBIN" },
///   timeframe = "1m",
///   product = "MIS",
///   params = { fast = { default = 9, min = 2, max = 50 }, slow = { default = 21, min = 5, max = 200 } },
///   risk = { max_loss = 5000, max_orders_per_minute = 30 },
///   exits = { stop_loss = { percent = 1 } },
/// }
/// function on_bar(ctx, bar) … end
/// ```
public struct StrategyDeclaration: Sendable, Equatable {
    public var name: String
    public var description: String
    public var symbols: [StrategySymbol]
    /// The bars `on_bar` receives; nil when the strategy only wants ticks.
    public var timeframe: Timeframe?
    public var product: Product
    public var parameters: [StrategyParameter]
    public var risk: StrategyRisk
    public var exits: StrategyExits
    public var legs: [StrategyLeg]
    /// Account names the strategy's orders go to (the first places, the others mirror); empty: the
    /// account the run is started on.
    public var accounts: [String]
    /// The callbacks the file defines.
    public var callbacks: Set<StrategyCallback>

    static let fields: Set<String> = [
        "name", "description", "symbols", "timeframe", "product", "params", "risk", "exits", "legs", "accounts",
    ]

    /// Reads the declaration table.
    /// - Parameters:
    ///   - table: The `strategy` table as copied out of Lua (callbacks inside it are ignored here).
    ///   - callbacks: The callbacks found (in the table or as globals).
    /// - Throws: ``StrategyScriptError`` `.declaration` naming the field at fault.
    public init(table: LuaValue, callbacks: Set<StrategyCallback>) throws {
        guard case .dictionary(let fields) = table else {
            throw StrategyScriptError(
                .declaration, field: "strategy", "the file must define a table `strategy = { name = …, symbols = { … } }` or return one")
        }
        for key in fields.keys {
            guard let name = key.stringValue else {
                throw StrategyScriptError(.declaration, field: "strategy", "keys must be names (got \(key.typeName))")
            }
            if Self.fields.contains(name) || StrategyCallback(rawValue: name) != nil { continue }
            throw StrategyScriptError(
                .declaration, field: "strategy.\(name)", "unknown field; known: \(Self.fields.sorted().joined(separator: ", "))")
        }
        guard let name = table["name"]?.stringValue, !name.isEmpty, name.count <= 100 else {
            throw StrategyScriptError(.declaration, field: "strategy.name", "is required: a string of 1 to 100 characters")
        }
        self.name = name
        description = try Self.text(table["description"], field: "strategy.description") ?? ""
        symbols = try Self.symbols(table["symbols"])
        if let text = try Self.text(table["timeframe"], field: "strategy.timeframe") {
            guard let timeframe = Timeframe(rawValue: text) else {
                throw StrategyScriptError(
                    .declaration, field: "strategy.timeframe",
                    "must be one of \(Timeframe.allCases.map(\.rawValue).joined(separator: ", ")) (got \(text))")
            }
            self.timeframe = timeframe
        } else {
            timeframe = nil
        }
        if let text = try Self.text(table["product"], field: "strategy.product") {
            guard let product = Product(rawValue: text.uppercased()) else {
                throw StrategyScriptError(.declaration, field: "strategy.product", "must be MIS, NRML or CNC (got \(text))")
            }
            self.product = product
        } else {
            product = .mis
        }
        parameters = try Self.parameters(table["params"])
        risk = try StrategyRisk(lua: table["risk"])
        exits = try StrategyExits(lua: table["exits"])
        legs = try StrategyLeg.legs(from: table["legs"])
        accounts = try Self.names(table["accounts"], field: "strategy.accounts")
        self.callbacks = callbacks
        if callbacks.contains(.onBar) && timeframe == nil {
            throw StrategyScriptError(.declaration, field: "strategy.timeframe", "on_bar needs a timeframe (\"1m\", \"5m\", …)")
        }
    }

    /// The parameter values for a run: each declared default, replaced by `overrides` where given.
    /// - Throws: ``StrategyScriptError`` `.parameter` for an unknown name or a value out of spec.
    public func resolveParameters(_ overrides: [String: LuaValue]) throws -> [String: StrategyParameter.ParameterValue] {
        var values: [String: StrategyParameter.ParameterValue] = [:]
        for parameter in parameters { values[parameter.name] = parameter.defaultValue }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let parameter = parameters.first(where: { $0.name == name }) else {
                let known = parameters.map(\.name).joined(separator: ", ")
                throw StrategyScriptError(
                    .parameter, field: "params.\(name)", "the strategy declares no such param (declared: \(known.isEmpty ? "none" : known))")
            }
            values[name] = try parameter.check(value)
        }
        return values
    }

    private static func text(_ value: LuaValue?, field: String) throws -> String? {
        guard let value, value != .nil else { return nil }
        guard let text = value.stringValue else { throw StrategyScriptError(.declaration, field: field, "must be a string") }
        return text
    }

    private static func names(_ value: LuaValue?, field: String) throws -> [String] {
        guard let value, value != .nil else { return [] }
        guard case .array(let items) = value else { throw StrategyScriptError(.declaration, field: field, "must be a list of names") }
        return try items.map {
            guard let name = $0.stringValue, !name.isEmpty else { throw StrategyScriptError(.declaration, field: field, "must be a list of names") }
            return name
        }
    }

    private static func symbols(_ value: LuaValue?) throws -> [StrategySymbol] {
        guard let value, value != .nil else { return [] }
        let items: [LuaValue]
        switch value {
        case .array(let list): items = list
        case .string: items = [value]
        default: throw StrategyScriptError(.declaration, field: "strategy.symbols", "must be a list such as { \"NSE:SBIN\", \"NSE:INFY\" }")
        }
        var symbols: [StrategySymbol] = []
        for (index, item) in items.enumerated() {
            let field = "strategy.symbols[\(index + 1)]"
            let symbol: StrategySymbol?
            switch item {
            case .string(let text): symbol = StrategySymbol(text: text)
            case .dictionary:
                symbol = item["symbol"]?.stringValue.flatMap { StrategySymbol(text: $0, defaultExchange: item["exchange"]?.stringValue ?? "NSE") }
            default: symbol = nil
            }
            guard let symbol else {
                throw StrategyScriptError(.declaration, field: field, "must be \"EXCHANGE:SYMBOL\", \"SYMBOL\" or { exchange = …, symbol = … }")
            }
            if !symbols.contains(symbol) { symbols.append(symbol) }
        }
        guard symbols.count <= 500 else { throw StrategyScriptError(.declaration, field: "strategy.symbols", "at most 500 symbols") }
        return symbols
    }

    private static func parameters(_ value: LuaValue?) throws -> [StrategyParameter] {
        guard let value, value != .nil else { return [] }
        switch value {
        case .array([]): return []
        case .dictionary(let fields):
            var parameters: [StrategyParameter] = []
            for (key, spec) in fields {
                guard let name = key.stringValue else {
                    throw StrategyScriptError(.declaration, field: "strategy.params", "keys must be names")
                }
                parameters.append(try StrategyParameter(name: name, spec: spec))
            }
            return parameters.sorted { $0.name < $1.name }
        default:
            throw StrategyScriptError(.declaration, field: "strategy.params", "must be a table of name = spec")
        }
    }
}

/// The callbacks a strategy may define, by their Lua names.
public enum StrategyCallback: String, Sendable, CaseIterable, Codable {
    case onStart = "on_start"
    case onTick = "on_tick"
    case onBar = "on_bar"
    case onOrder = "on_order"
    case onFill = "on_fill"
    case onTimer = "on_timer"
    case onStop = "on_stop"
    /// The custom exit rule: `exit(ctx, position)` returns true (or a reason) to close the position.
    case exit
}
