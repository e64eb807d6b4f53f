// SPDX-License-Identifier: Apache-2.0
import Core
import LuaBridge

/// `ctx.leg`, `ctx.enter_legs`, `ctx.close_leg`: declared legs resolved against the instrument
/// master when entered, and remembered for the run so a leg never rolls to another contract.
extension StrategyInstance {
    func legFunctions() -> [(String, LuaFunction)] {
        [
            (
                "leg",
                { [unowned self] arguments in
                    let arguments = LuaArguments("ctx.leg", arguments)
                    let (leg, instrument) = try resolveLeg(try arguments.string(0, "name"), arguments)
                    return [legTable(leg, instrument)]
                }
            ),
            (
                "enter_legs",
                { [unowned self] arguments in
                    let arguments = LuaArguments("ctx.enter_legs", arguments)
                    var names = declaration.legs.map(\.name)
                    if case .array(let chosen) = arguments[0] { names = chosen.compactMap(\.stringValue) }
                    var scale: Int64 = 1
                    if let given = arguments[1]["scale"] {
                        guard let value = given.integerValue, (1...1_000).contains(value) else {
                            throw arguments.fail("scale must be an integer from 1 to 1000 (got \(StrategyParameter.describe(given)))")
                        }
                        scale = value
                    }
                    // Resolve and check every leg before issuing any order: a leg that cannot
                    // resolve, or would break a limit, enters none.
                    let planned = try names.map { name in
                        let (leg, instrument) = try resolveLeg(name, arguments)
                        let symbol = StrategySymbol(exchange: instrument.exchange.rawValue, symbol: instrument.symbol)
                        let quantity = scale * (leg.kind == .equity ? leg.lots : leg.lots * max(instrument.lotSize, 1))
                        try checkPositionLimit(symbol, leg.action, quantity, arguments)
                        return (leg, symbol, quantity)
                    }
                    let entries = planned.filter { isEntry($0.1, $0.0.action, $0.2) }.count
                    try checkEntries(entries, arguments)
                    try countOrder(arguments, count: planned.count)
                    countEntries(entries)
                    var refs: [LuaValue] = []
                    for (leg, symbol, quantity) in planned {
                        let ref = nextRef
                        nextRef += 1
                        let request = StrategyOrderRequest(
                            ref: ref, symbol: symbol, action: leg.action, quantity: quantity, product: leg.product ?? declaration.product,
                            tag: "leg:\(leg.name)", leg: leg.name)
                        orders[ref] = TrackedOrder(request: request)
                        intents.append(.place(request))
                        refs.append(.integer(ref))
                    }
                    return [.array(refs)]
                }
            ),
            (
                "close_leg",
                { [unowned self] arguments in
                    let arguments = LuaArguments("ctx.close_leg", arguments)
                    let name = try arguments.string(0, "name")
                    guard let symbol = legSymbols[name] else { return [.nil] }
                    return [try closePosition(symbol, tag: "close_leg:\(name)", arguments: arguments).map(LuaValue.integer) ?? .nil]
                }
            ),
        ]
    }

    /// Closes leg `name` from outside the script (the API's `close_leg`).
    /// - Returns: The closing order's ref, or nil when the leg holds nothing.
    public func closeLeg(named name: String) throws -> Int64? {
        guard let symbol = legSymbols[name] else { return nil }
        return try closePosition(symbol, tag: "close_leg:\(name)", arguments: nil)
    }

    /// Closes every position from outside the script (the API's `close_all`, a stop).
    @discardableResult
    public func closeAll(tag: String) throws -> Int { try closeEverything(tag: tag) }

    private func resolveLeg(_ name: String, _ arguments: LuaArguments) throws -> (StrategyLeg, Instrument) {
        guard let leg = declaration.legs.first(where: { $0.name == name }) else {
            throw arguments.fail("no leg named \(name) (declared: \(declaration.legs.map(\.name).joined(separator: ", ")))")
        }
        if let symbol = legSymbols[name], let instrument = desk.instrument(symbol) { return (leg, instrument) }
        let instrument: Instrument
        if leg.kind == .equity {
            guard let found = desk.instrument(StrategySymbol(exchange: leg.exchange, symbol: leg.underlying)) else {
                throw arguments.fail("leg \(name): unknown symbol \(leg.exchange):\(leg.underlying)")
            }
            instrument = found
        } else {
            let today = LocalDate(secondsSinceEpoch: desk.nowNanos / 1_000_000_000, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
            let spotExchanges = ExchangeCode(rawValue: leg.exchange).spotExchanges
            let spot = spotExchanges.lazy.compactMap { self.desk.quote(StrategySymbol(exchange: $0.rawValue, symbol: leg.underlying))?.lastPrice }
                .first
            do {
                instrument = try LegResolver(today: today).resolve(
                    leg, contracts: desk.contracts(underlying: leg.underlying, exchange: leg.exchange), spot: spot,
                    premium: { self.desk.quote(StrategySymbol(exchange: $0.exchange.rawValue, symbol: $0.symbol))?.lastPrice })
            } catch {
                throw arguments.fail("\(error)")
            }
        }
        legSymbols[name] = StrategySymbol(exchange: instrument.exchange.rawValue, symbol: instrument.symbol)
        return (leg, instrument)
    }

    private func legTable(_ leg: StrategyLeg, _ instrument: Instrument) -> LuaValue {
        let quantity = leg.kind == .equity ? leg.lots : leg.lots * max(instrument.lotSize, 1)
        var table: [LuaValue: LuaValue] = [
            "name": .string(leg.name), "symbol": .string(instrument.symbol), "exchange": .string(instrument.exchange.rawValue),
            "action": .string(leg.action.rawValue), "quantity": .integer(quantity), "lot_size": .integer(instrument.lotSize),
        ]
        if let strike = instrument.strike { table["strike"] = .number(strike) }
        if let expiry = instrument.expiry { table["expiry"] = .string(expiry.description) }
        let position = book.position(StrategySymbol(exchange: instrument.exchange.rawValue, symbol: instrument.symbol))
        table["position"] = .integer(position.quantity)
        return .dictionary(table)
    }
}
