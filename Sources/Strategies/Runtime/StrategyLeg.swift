// SPDX-License-Identifier: Apache-2.0
public import Core
import LuaBridge

/// One declared leg: a contract chosen relative to its underlying when the leg is entered.
///
/// ```lua
/// legs = {
///   { name = "short_ce", underlying = "NIFTY", exchange = "NFO", option_type = "CE", strike = "ATM",
///     expiry = "current_week", action = "SELL", lots = 1 },
///   { name = "hedge_pe", underlying = "NIFTY", exchange = "NFO", option_type = "PE", strike = "OTM4",
///     expiry = "current_week", action = "BUY", lots = 1 },
///   { name = "fut", underlying = "NIFTY", exchange = "NFO", kind = "future", expiry = "current_month", action = "BUY" },
///   { name = "stock", symbol = "SBIN", exchange = "NSE", action = "BUY", quantity = 10 },
/// }
/// ```
public struct StrategyLeg: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case option, future, equity }
    public enum Expiry: String, Sendable, Codable, CaseIterable {
        case currentWeek = "current_week", nextWeek = "next_week", currentMonth = "current_month", nextMonth = "next_month"
    }
    /// How an option's strike is chosen.
    public enum Strike: Sendable, Equatable, Codable {
        /// ATM (0), or n listed strikes in the money (n > 0) or out of the money (n < 0).
        case relative(Int)
        case price(Double)
        /// The strike whose option's last price is nearest this premium.
        case premium(Double)
    }

    public var name: String
    public var kind: Kind
    /// The underlying (`NIFTY`) for options and futures; the traded symbol for equity.
    public var underlying: String
    public var exchange: String
    public var optionType: InstrumentType?
    public var strike: Strike?
    public var expiry: Expiry?
    public var action: OrderAction
    /// Lots for derivatives, units for equity.
    public var lots: Int64
    public var product: Product?

    /// Reads `strategy.legs`.
    /// - Throws: ``StrategyScriptError`` `.declaration` naming the field.
    static func legs(from value: LuaValue?) throws -> [StrategyLeg] {
        guard let value, value != .nil else { return [] }
        guard case .array(let items) = value else {
            throw StrategyScriptError(.declaration, field: "strategy.legs", "must be a list of leg tables")
        }
        var legs: [StrategyLeg] = []
        for (index, item) in items.enumerated() {
            let leg = try StrategyLeg(lua: item, field: "strategy.legs[\(index + 1)]")
            guard !legs.contains(where: { $0.name == leg.name }) else {
                throw StrategyScriptError(.declaration, field: "strategy.legs[\(index + 1)].name", "\(leg.name) is used by another leg")
            }
            legs.append(leg)
        }
        return legs
    }

    init(lua item: LuaValue, field: String) throws {
        guard case .dictionary = item else { throw StrategyScriptError(.declaration, field: field, "must be a table") }
        func text(_ key: String) throws -> String? {
            guard let value = item[key], value != .nil else { return nil }
            guard let string = value.stringValue, !string.isEmpty else {
                throw StrategyScriptError(.declaration, field: "\(field).\(key)", "must be a non-empty string")
            }
            return string
        }
        guard let name = try text("name"), name.count <= 64 else {
            throw StrategyScriptError(.declaration, field: "\(field).name", "is required (at most 64 characters)")
        }
        self.name = name
        guard let actionText = try text("action"), let action = OrderAction(rawValue: actionText.uppercased()) else {
            throw StrategyScriptError(.declaration, field: "\(field).action", "must be BUY or SELL")
        }
        self.action = action
        exchange = (try text("exchange") ?? "NFO").uppercased()
        if let optionText = try text("option_type") {
            guard let type = InstrumentType(rawValue: optionText.uppercased()), type == .call || type == .put else {
                throw StrategyScriptError(.declaration, field: "\(field).option_type", "must be CE or PE")
            }
            kind = .option
            optionType = type
        } else {
            switch try text("kind") {
            case "future"?: kind = .future
            case "equity"?,
                nil where item["symbol"] != nil:
                kind = .equity
            case let other:
                throw StrategyScriptError(
                    .declaration, field: "\(field).kind",
                    "an option leg needs option_type; otherwise kind is future or equity (got \(other ?? "nothing"))")
            }
            optionType = nil
        }
        guard let underlying = try text(kind == .equity ? "symbol" : "underlying") else {
            throw StrategyScriptError(.declaration, field: "\(field).\(kind == .equity ? "symbol" : "underlying")", "is required")
        }
        self.underlying = underlying.uppercased()
        if kind == .equity {
            expiry = nil
        } else {
            let expiryText = try text("expiry") ?? (kind == .option ? "current_week" : "current_month")
            guard let expiry = Expiry(rawValue: expiryText) else {
                throw StrategyScriptError(
                    .declaration, field: "\(field).expiry", "must be one of \(Expiry.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.expiry = expiry
        }
        strike = kind == .option ? try Self.strike(item["strike"], field: "\(field).strike") : nil
        let size = item[kind == .equity ? "quantity" : "lots"] ?? .integer(1)
        guard let lots = size.integerValue, lots >= 1, lots <= 100_000 else {
            throw StrategyScriptError(.declaration, field: "\(field).\(kind == .equity ? "quantity" : "lots")", "must be an integer from 1 to 100000")
        }
        self.lots = lots
        if let productText = try text("product") {
            guard let product = Product(rawValue: productText.uppercased()) else {
                throw StrategyScriptError(.declaration, field: "\(field).product", "must be MIS, NRML or CNC")
            }
            self.product = product
        } else {
            product = nil
        }
    }

    private static func strike(_ value: LuaValue?, field: String) throws -> Strike {
        switch value {
        case nil, .nil?: return .relative(0)
        case .string(let text)?:
            let upper = text.uppercased()
            if upper == "ATM" { return .relative(0) }
            let digits = upper.dropFirst(3)
            if let steps = Int(digits), (1...50).contains(steps), digits.first != "0" {
                if upper.hasPrefix("ITM") { return .relative(steps) }
                if upper.hasPrefix("OTM") { return .relative(-steps) }
            }
        case let number? where number.doubleValue.map({ $0 > 0 && $0.isFinite }) == true:
            return .price(number.doubleValue ?? 0)
        case let table? where table["premium"]?.doubleValue.map({ $0 > 0 && $0.isFinite }) == true:
            return .premium(table["premium"]?.doubleValue ?? 0)
        default: break
        }
        throw StrategyScriptError(
            .declaration, field: field, "must be \"ATM\", \"ITM1\"…\"ITM50\", \"OTM1\"…\"OTM50\", a strike price or { premium = n }")
    }
}
