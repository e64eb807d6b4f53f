// SPDX-License-Identifier: Apache-2.0
import Core
import LuaBridge

/// `ctx.buy`, `ctx.sell`, `ctx.order`, `ctx.modify`, `ctx.cancel`, `ctx.close`, `ctx.close_all`,
/// `ctx.orders`: validated now (so a mistake raises at the script's line), performed after the call.
extension StrategyInstance {
    func orderFunctions() -> [(String, LuaFunction)] {
        [
            ("buy", { [unowned self] in try side(.buy, LuaArguments("ctx.buy", $0)) }),
            ("sell", { [unowned self] in try side(.sell, LuaArguments("ctx.sell", $0)) }),
            ("order", { [unowned self] in try order(LuaArguments("ctx.order", $0)) }),
            ("modify", { [unowned self] in try modify(LuaArguments("ctx.modify", $0)) }),
            ("cancel", { [unowned self] in try cancel(LuaArguments("ctx.cancel", $0)) }),
            ("close", { [unowned self] in try close(LuaArguments("ctx.close", $0)) }),
            ("close_all", { [unowned self] in try closeAll(LuaArguments("ctx.close_all", $0)) }),
            ("orders", { [unowned self] _ in [.array(workingOrders())] }),
        ]
    }

    /// `ctx.buy(symbol, quantity [, options])`.
    private func side(_ action: OrderAction, _ arguments: LuaArguments) throws -> [LuaValue] {
        let symbol = try resolveSymbol(arguments, 0)
        let options = try arguments.options(2)
        let quantity = try orderQuantity(arguments, symbol: symbol, options: options)
        return [.integer(try submit(symbol: symbol, action: action, quantity: quantity, options: options, arguments: arguments))]
    }

    /// `ctx.order{ symbol = …, action = "BUY", quantity = 10, type = "LIMIT", price = 101 }`.
    private func order(_ arguments: LuaArguments) throws -> [LuaValue] {
        let spec = arguments[0]
        guard case .dictionary = spec else { throw arguments.fail("expects one table: { symbol = …, action = \"BUY\", quantity = n, … }") }
        guard let actionText = spec["action"]?.stringValue, let action = OrderAction(rawValue: actionText.uppercased()) else {
            throw arguments.fail("action must be BUY or SELL")
        }
        let symbol = try resolveSymbol(LuaArguments(arguments.function, [spec["symbol"] ?? .nil]), 0)
        let quantity = try orderQuantity(LuaArguments(arguments.function, [.nil, spec["quantity"] ?? .nil]), symbol: symbol, options: spec)
        return [.integer(try submit(symbol: symbol, action: action, quantity: quantity, options: spec, arguments: arguments))]
    }

    /// `ctx.modify(ref_or_orderid, { quantity = …, price = …, trigger_price = …, type = … })`.
    private func modify(_ arguments: LuaArguments) throws -> [LuaValue] {
        let ref = try trackedRef(arguments)
        let options = try arguments.options(1)
        let quantity = try options["quantity"].map { value -> Int64 in
            guard let integer = value.integerValue, integer >= 1, integer <= 10_000_000 else {
                throw arguments.fail("quantity must be a positive integer")
            }
            return integer
        }
        let priceType = try options["type"].map { try Self.priceType($0, arguments) }
        let price = try options["price"].map { try Self.price($0, "price", arguments) }
        let trigger = try options["trigger_price"].map { try Self.price($0, "trigger_price", arguments) }
        try countOrder(arguments)
        intents.append(.modify(ref: ref, quantity: quantity, priceType: priceType, price: price, triggerPrice: trigger))
        return [.boolean(true)]
    }

    /// `ctx.cancel(ref_or_orderid)`.
    private func cancel(_ arguments: LuaArguments) throws -> [LuaValue] {
        let ref = try trackedRef(arguments)
        try countOrder(arguments)
        intents.append(.cancel(ref: ref))
        return [.boolean(true)]
    }

    /// `ctx.close(symbol [, tag])`: a MARKET order that flattens the strategy's position. Returns the
    /// order's ref, or nil when flat or an exit is already in flight.
    private func close(_ arguments: LuaArguments) throws -> [LuaValue] {
        let symbol = try resolveSymbol(arguments, 0)
        let tag = try arguments.optionalString(1, "tag") ?? "close"
        guard let ref = try closePosition(symbol, tag: tag, arguments: arguments) else { return [.nil] }
        return [.integer(ref)]
    }

    /// `ctx.close_all([tag])`: cancels working orders and flattens every position. Returns how many
    /// closing orders it issued.
    private func closeAll(_ arguments: LuaArguments) throws -> [LuaValue] {
        let tag = try arguments.optionalString(0, "tag") ?? "close_all"
        return [.integer(Int64(try closeEverything(tag: tag, arguments: arguments)))]
    }

    /// Cancels working orders and issues closing orders; used by `ctx.close_all` and the risk limits.
    @discardableResult
    func closeEverything(tag: String, arguments: LuaArguments? = nil) throws -> Int {
        for ref in orders.keys.sorted() where orders[ref]?.isClose == false { intents.append(.cancel(ref: ref)) }
        var count = 0
        for position in book.open where try closePosition(position.symbol, tag: tag, arguments: arguments) != nil { count += 1 }
        return count
    }

    /// Issues the order that flattens `symbol`, unless it is flat or already exiting.
    func closePosition(_ symbol: StrategySymbol, tag: String, arguments: LuaArguments?) throws -> Int64? {
        let quantity = book.position(symbol).quantity
        guard quantity != 0, !exiting.contains(symbol) else { return nil }
        if let arguments { try countOrder(arguments) }
        let ref = nextRef
        nextRef += 1
        let request = StrategyOrderRequest(
            ref: ref, symbol: symbol, action: quantity > 0 ? .sell : .buy, quantity: abs(quantity), product: declaration.product, tag: tag)
        orders[ref] = TrackedOrder(request: request, isClose: true)
        intents.append(.place(request))
        exiting.insert(symbol)
        return ref
    }

    private func submit(symbol: StrategySymbol, action: OrderAction, quantity: Int64, options: LuaValue, arguments: LuaArguments) throws -> Int64 {
        let priceType = try options["type"].map { try Self.priceType($0, arguments) } ?? (options["price"] == nil ? .market : .limit)
        let price = try options["price"].map { try Self.price($0, "price", arguments) } ?? 0
        let trigger = try options["trigger_price"].map { try Self.price($0, "trigger_price", arguments) } ?? 0
        switch priceType {
        case .limit where price <= 0: throw arguments.fail("a LIMIT order needs price")
        case .stopLossLimit where price <= 0 || trigger <= 0: throw arguments.fail("an SL order needs price and trigger_price")
        case .stopLossMarket where trigger <= 0: throw arguments.fail("an SL-M order needs trigger_price")
        default: break
        }
        let product =
            try options["product"].map { value -> Product in
                guard let text = value.stringValue, let product = Product(rawValue: text.uppercased()) else {
                    throw arguments.fail("product must be MIS, NRML or CNC")
                }
                return product
            } ?? declaration.product
        let tag =
            try options["tag"].map { value -> String in
                guard let text = value.stringValue, text.count <= 64 else { throw arguments.fail("tag must be a string of at most 64 characters") }
                return text
            } ?? ""
        try checkPositionLimit(symbol, action, quantity, arguments)
        let entries = isEntry(symbol, action, quantity) ? 1 : 0
        try checkEntries(entries, arguments)
        try countOrder(arguments)
        countEntries(entries)
        let ref = nextRef
        nextRef += 1
        let request = StrategyOrderRequest(
            ref: ref, symbol: symbol, action: action, quantity: quantity, priceType: priceType, product: product, price: price, triggerPrice: trigger,
            tag: tag)
        orders[ref] = TrackedOrder(request: request)
        intents.append(.place(request))
        return ref
    }

    /// The per-call and per-minute order caps of `risk`, for `count` orders issued together: all
    /// are counted, or none (and the call fails).
    func countOrder(_ arguments: LuaArguments, count: Int = 1) throws {
        let risk = declaration.risk
        guard ordersThisCall + count <= risk.maxOrdersPerCall else {
            throw arguments.fail("order limit reached: \(risk.maxOrdersPerCall) orders in one callback (risk.max_orders_per_call)")
        }
        let now = desk.nowNanos
        recentOrderTimes.removeAll { $0 <= now - 60_000_000_000 }
        guard recentOrderTimes.count + count <= risk.maxOrdersPerMinute else {
            riskEvents.append(
                StrategyRiskEvent(
                    type: "trade_cap", action: "block_new", threshold: Double(risk.maxOrdersPerMinute), value: Double(recentOrderTimes.count),
                    notes: "order flood: more than \(risk.maxOrdersPerMinute) orders in a minute"))
            throw arguments.fail("order limit reached: \(risk.maxOrdersPerMinute) orders in the last minute (risk.max_orders_per_minute)")
        }
        ordersThisCall += count
        recentOrderTimes.append(contentsOf: repeatElement(now, count: count))
    }

    /// `risk.max_position`: the position `symbol` would have after the order, at most the limit.
    func checkPositionLimit(_ symbol: StrategySymbol, _ action: OrderAction, _ quantity: Int64, _ arguments: LuaArguments) throws {
        guard let limit = declaration.risk.maxPosition else { return }
        let after = book.position(symbol).quantity + (action == .buy ? quantity : -quantity)
        guard abs(after) <= limit else {
            throw arguments.fail("the position in \(symbol) would be \(after), past risk.max_position (\(limit))")
        }
    }

    /// An order that makes the position larger: what `risk.max_trades_per_day` counts.
    func isEntry(_ symbol: StrategySymbol, _ action: OrderAction, _ quantity: Int64) -> Bool {
        let now = book.position(symbol).quantity
        return abs(now + (action == .buy ? quantity : -quantity)) > abs(now)
    }

    /// `risk.max_trades_per_day`: whether `count` more entries fit today. Checked before the order
    /// caps and counted (``countEntries(_:)``) only after them, so a refused call uses up nothing.
    func checkEntries(_ count: Int, _ arguments: LuaArguments) throws {
        guard count > 0, let cap = declaration.risk.maxTradesPerDay else { return }
        let day = Int(LocalDate(secondsSinceEpoch: desk.nowNanos / 1_000_000_000, utcOffsetSeconds: TradingCalendar.istOffsetSeconds).daysSinceEpoch)
        if entriesToday.day != day { entriesToday = (day, 0) }
        guard entriesToday.count + count <= cap else { throw arguments.fail("risk.max_trades_per_day (\(cap)) reached for today") }
    }

    /// Counts entries that ``checkEntries(_:_:)`` allowed and that are being sent.
    func countEntries(_ count: Int) { entriesToday.count += count }

    private func orderQuantity(_ arguments: LuaArguments, symbol: StrategySymbol, options: LuaValue) throws -> Int64 {
        if let lots = options["lots"] {
            guard let count = lots.integerValue, count >= 1, count <= 100_000 else { throw arguments.fail("lots must be a positive integer") }
            let lotSize = desk.instrument(symbol)?.lotSize ?? 1
            return count * max(lotSize, 1)
        }
        return try arguments.integer(1, "quantity", in: 1...10_000_000)
    }

    private func trackedRef(_ arguments: LuaArguments) throws -> Int64 {
        switch arguments[0] {
        case .integer(let ref) where orders[ref] != nil: return ref
        case .string(let orderID):
            if let ref = orders.first(where: { $0.value.orderID == orderID })?.key { return ref }
        default: break
        }
        throw arguments.fail(
            "no working order \(StrategyParameter.describe(arguments[0])) of this strategy (pass the ref ctx.buy returned, or the orderid)")
    }

    private func workingOrders() -> [LuaValue] {
        orders.keys.sorted().compactMap { ref -> LuaValue? in
            guard let order = orders[ref] else { return nil }
            return [
                "ref": .integer(ref), "orderid": .string(order.orderID), "symbol": .string(order.request.symbol.symbol),
                "exchange": .string(order.request.symbol.exchange), "action": .string(order.request.action.rawValue),
                "quantity": .integer(order.request.quantity), "type": .string(order.request.priceType.rawValue),
                "price": .number(order.request.price), "status": .string(order.status), "tag": .string(order.request.tag),
            ]
        }
    }

    static func priceType(_ value: LuaValue, _ arguments: LuaArguments) throws -> PriceType {
        guard let text = value.stringValue, let type = PriceType(rawValue: text.uppercased()) else {
            throw arguments.fail("type must be MARKET, LIMIT, SL or SL-M")
        }
        return type
    }

    static func price(_ value: LuaValue, _ name: String, _ arguments: LuaArguments) throws -> Double {
        guard let number = value.doubleValue, number.isFinite, number > 0 else { throw arguments.fail("\(name) must be a positive number") }
        return number
    }

    /// The symbol argument: `"SBIN"` (on the exchange the strategy declares it, else NSE), `"NFO:…"`,
    /// or nothing for the strategy's only symbol.
    func resolveSymbol(_ arguments: LuaArguments, _ index: Int) throws -> StrategySymbol {
        let value = arguments[index]
        if value == .nil {
            guard declaration.symbols.count == 1 else {
                throw arguments.fail("symbol is required (the strategy declares \(declaration.symbols.count) symbols)")
            }
            return declaration.symbols[0]
        }
        guard let text = value.stringValue else { throw arguments.fail("symbol must be a string such as \"SBIN\" or \"NSE:SBIN\"") }
        if let known = resolvedSymbols[text] { return known }
        let symbol: StrategySymbol?
        if text.contains(":") {
            symbol = StrategySymbol(text: text)
        } else {
            symbol = declaration.symbols.first { $0.symbol == text.uppercased() } ?? StrategySymbol(text: text)
        }
        guard let symbol, desk.instrument(symbol) != nil else { throw arguments.fail("unknown symbol \(text)") }
        if resolvedSymbols.count < 10_000 { resolvedSymbols[text] = symbol }
        return symbol
    }
}
