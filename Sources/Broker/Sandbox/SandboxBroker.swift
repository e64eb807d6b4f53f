// SPDX-License-Identifier: Apache-2.0
public import Core
import Foundation
public import Logging
public import Schema
import Synchronization

/// The built-in paper broker: OpenAlgo's sandbox rules, driven by every tick.
///
/// An order is validated, checked against the account (margin, holdings, MIS cut-off) and
/// written in one transaction; a MARKET order (or a marketable LIMIT) is filled in that same
/// transaction, so its id comes back already complete. Resting orders wait in ``RestingOrders``
/// and are filled by the first tick that crosses them — the fill is re-decided inside the
/// transaction against the stored order, so a cancel or modify that won the race always wins.
public final class SandboxBroker: PriceObserver, Sendable {
    let store: Store
    let instruments: any InstrumentCatalog
    let prices: any PriceSource
    let calendar: TradingCalendar
    let clock: any WallClock
    let logger: Logger
    private let rules: Mutex<SandboxRules>
    let resting = RestingOrders()
    /// What else waits on prices besides resting orders: GTTs and exit brackets.
    let watches = Mutex(PriceWatches())
    let orderIDs: OrderIDGenerator
    let pending = Mutex<[Int64: PriceSnapshot]>([:])
    let wakeUp: AsyncStream<Void>.Continuation
    /// The last date settled by this process and when to retry unpriced expired positions.
    let settlement = Mutex(SettlementState())
    private let wakeUps: AsyncStream<Void>

    public init(
        store: Store, instruments: any InstrumentCatalog, prices: any PriceSource, calendar: TradingCalendar, clock: any WallClock,
        rules: SandboxRules = SandboxRules(), logger: Logger
    ) {
        self.store = store
        self.instruments = instruments
        self.prices = prices
        self.calendar = calendar
        self.clock = clock
        self.logger = logger
        self.rules = Mutex(rules)
        orderIDs = OrderIDGenerator(clock: clock)
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The instrument master orders are validated against.
    public var instrumentCatalog: any InstrumentCatalog { instruments }

    public var currentRules: SandboxRules { rules.withLock { $0 } }

    public func updateRules(_ newRules: SandboxRules) { rules.withLock { $0 = newRules } }

    /// Loads the working sandbox orders and continues the order-id sequence after the last one.
    public func start() async throws {
        let state = try await store.sandboxRecovery()
        if let last = state.lastOrderID { orderIDs.resume(after: last) }
        for order in state.workingOrders {
            guard let instrumentID = order.instrumentID else { continue }
            resting.insert(rowID: order.rowID, instrumentID: instrumentID, rule: Self.rule(for: order))
        }
        for gtt in try await store.activeGTTs() { watch(gtt) }
        let bracketInstruments = try await store.liveBracketInstruments()
        watches.withLock { $0.bracketInstruments = bracketInstruments }
        logger.info("sandbox broker ready", metadata: ["working_orders": "\(resting.count)", "active_gtts": "\(activeGTTCount)"])
    }

    /// Working orders waiting for a price.
    public var restingOrderCount: Int { resting.count }

    // MARK: Placing

    /// Validates, checks and commits an order on the user's default sandbox account; fills it at
    /// once when the market allows. Returns the order as committed.
    /// - Throws: ``OrderRejection`` (nothing was written), or a store error.
    public func place(_ ticket: OrderTicket, userID: Int64, source: String = "api") async throws -> LedgerOrder {
        try await place(ticket, on: .defaultOf(userID: userID), source: source, system: false)
    }

    /// Whose account an order goes to.
    enum AccountChoice: Sendable {
        case defaultOf(userID: Int64)
        case account(id: Int64)
    }

    /// - Parameter system: RealAlgo's own orders (square-off) skip market hours and the MIS cut-off.
    func place(_ ticket: OrderTicket, on choice: AccountChoice, source: String, system: Bool) async throws -> LedgerOrder {
        let instrument = try resolve(ticket)
        let market = prices.snapshot(instrumentID: instrument.id)
        let rules = currentRules
        try OrderValidator(limits: rules.limits).validate(ticket, instrument: instrument, market: market)
        if let terms = ticket.exitBracket { try ExitBracketRule.validate(terms, entry: ticket, instrument: instrument, market: market) }
        if !system { try checkMarketOpen(instrument, rules: rules) }
        let orderID = orderIDs.next()
        let nanos = clock.nowNanos()
        let tradeID = Self.tradeID(nanos: nanos)
        let tradedAt = HubTimestamp.utc(nanos: nanos)
        let squareOff = !system && misCutOffPassed(instrument)
        let order = try await store.trade { ledger in
            let found: LedgerAccount? =
                switch choice {
                case .defaultOf(let userID): try ledger.defaultAccount(userID: userID)
                case .account(let id): try ledger.account(id: id)
                }
            guard let account = found, account.isActive else {
                throw OrderRejection.refused("The user has no active default account.")
            }
            let admission = Admission(
                ticket: ticket, instrument: instrument, market: market, rules: rules, orderID: orderID, tradeID: tradeID,
                pastCutOff: squareOff, source: source, tradedAt: tradedAt)
            return try admission.write(on: account, in: ledger)
        }
        if !order.status.isFinal { resting.insert(rowID: order.rowID, instrumentID: instrument.id, rule: Self.rule(for: order)) }
        if ticket.exitBracket != nil { watches.withLock { _ = $0.bracketInstruments.insert(instrument.id) } }
        return order
    }

    // MARK: Changing and cancelling

    /// Replaces a working order's quantity, type and prices (a full replacement, as OpenAlgo's
    /// `modifyorder`); the exchange, symbol, action and product must stay the same.
    public func modify(orderID: String, userID: Int64, to ticket: OrderTicket) async throws -> LedgerOrder {
        let instrument = try resolve(ticket)
        let market = prices.snapshot(instrumentID: instrument.id)
        let rules = currentRules
        try OrderValidator(limits: rules.limits).validate(ticket, instrument: instrument, market: market)
        let nanos = clock.nowNanos()
        let tradeID = Self.tradeID(nanos: nanos)
        let tradedAt = HubTimestamp.utc(nanos: nanos)
        let order = try await store.trade { ledger in
            let current = try Self.ownedOrder(orderID, userID: userID, in: ledger)
            guard !current.status.isFinal else {
                throw OrderRejection(.conflict, field: "orderid", "Order \(orderID) is \(current.status.rawValue) and can no longer be modified.")
            }
            guard current.exchange == instrument.exchange.rawValue, current.symbol == instrument.symbol, current.action == ticket.action,
                current.product == ticket.product
            else {
                throw OrderRejection(
                    .invalid, field: "symbol",
                    "modifyorder changes quantity, price type and prices only; the exchange, symbol, action and product must match order \(orderID).")
            }
            let position = try ledger.position(
                accountID: current.accountID, exchange: current.exchange, symbol: current.symbol, product: current.product)
            let margin = rules.margin.orderMargin(
                instrument: instrument, product: ticket.product, action: ticket.action, quantity: ticket.quantity,
                position: position.netQuantity, price: Self.marginPrice(ticket, market: market))
            let available = try ledger.availableCash(accountID: current.accountID) + current.marginBlocked
            if margin > available + 1e-6 {
                throw OrderRejection.refused(
                    "Insufficient funds: the modified order needs ₹\(OrderValidator.format(margin)) of margin and ₹\(OrderValidator.format(available)) is available."
                )
            }
            let rule = Self.rule(ticket)
            let decision = market.map { FillRule.decide(rule, on: $0, resting: false) } ?? .noPrice
            let status: OrderStatus =
                Self.restsOpen(ticket.priceType, decision) || (current.status == .open && current.priceType == ticket.priceType)
                ? .open : .triggerPending
            if status == .triggerPending, current.status == .open {
                throw OrderRejection(
                    .conflict, field: "pricetype",
                    "Order \(orderID) is open; it cannot go back to waiting for a trigger. Cancel it and place a new stop order.")
            }
            try ledger.modify(
                current, quantity: ticket.quantity, priceType: ticket.priceType, price: ticket.price, triggerPrice: ticket.triggerPrice,
                disclosedQuantity: ticket.disclosedQuantity, status: status, marginBlocked: margin)
            guard let modified = try ledger.order(rowID: current.rowID) else {
                throw OrderRejection(.notFound, field: "orderid", "Order \(orderID) not found")
            }
            guard case .fill(let price) = decision else { return modified }
            try ledger.fill(modified, price: price, tradeID: tradeID, at: tradedAt) { net, average in
                rules.margin.positionMargin(instrument: instrument, product: ticket.product, netQuantity: net, averagePrice: average)
            }
            return try ledger.order(rowID: current.rowID) ?? modified
        }
        if order.status.isFinal {
            resting.remove(rowID: order.rowID, instrumentID: instrument.id)
        } else {
            resting.insert(rowID: order.rowID, instrumentID: instrument.id, rule: Self.rule(for: order))
        }
        return order
    }

    /// Cancels one working order of the user.
    public func cancel(orderID: String, userID: Int64) async throws -> LedgerOrder {
        let order = try await store.trade { ledger in
            let current = try Self.ownedOrder(orderID, userID: userID, in: ledger)
            guard !current.status.isFinal else {
                throw OrderRejection(.conflict, field: "orderid", "Order \(orderID) is \(current.status.rawValue) and cannot be cancelled.")
            }
            try ledger.cancel(current)
            return try ledger.order(rowID: current.rowID) ?? current
        }
        if let instrumentID = order.instrumentID { resting.remove(rowID: order.rowID, instrumentID: instrumentID) }
        return order
    }

    /// Cancels every working order of the user's default account (of one strategy tag when
    /// given). Returns the ids cancelled and those that could not be, with why.
    public func cancelAll(userID: Int64, strategy: String? = nil) async throws -> (cancelled: [String], failed: [(orderID: String, reason: String)]) {
        let working = try await store.trade { ledger -> [LedgerOrder] in
            guard let account = try ledger.defaultAccount(userID: userID) else { return [] }
            return try ledger.workingOrders(accountID: account.id).filter { strategy == nil || $0.strategy == strategy }
        }
        var cancelled: [String] = []
        var failed: [(String, String)] = []
        for order in working {
            do {
                _ = try await cancel(orderID: order.orderID, userID: userID)
                cancelled.append(order.orderID)
            } catch let rejection as OrderRejection {
                failed.append((order.orderID, rejection.message))
            }
        }
        return (cancelled, failed)
    }

    /// Closes every open position of the user's default account with MARKET orders in the same
    /// product. Returns the orders placed.
    public func closeAllPositions(userID: Int64, strategy: String, source: String = "api") async throws -> [LedgerOrder] {
        let open = try await store.trade { ledger -> [(exchange: String, symbol: String, product: Product, net: Int64)] in
            guard let account = try ledger.defaultAccount(userID: userID) else { return [] }
            return try ledger.openPositions(accountID: account.id)
        }
        var placed: [LedgerOrder] = []
        for position in open {
            let ticket = OrderTicket(
                strategy: strategy, exchange: position.exchange, symbol: position.symbol, action: position.net > 0 ? .sell : .buy,
                quantity: abs(position.net), priceType: .market, product: position.product)
            placed.append(try await place(ticket, userID: userID, source: source))
        }
        return placed
    }

    // MARK: Square-off

    /// Cancels every working MIS order and closes every open MIS position of every sandbox
    /// account on `exchanges` at market (OpenAlgo's auto square-off). Returns what it did.
    public func squareOff(exchanges: Set<String>) async throws -> (cancelled: Int, closed: Int) {
        let (orders, positions) = try await store.trade { ledger in try ledger.sandboxExposure(product: .mis, exchanges: exchanges) }
        var cancelled = 0
        for order in orders {
            do {
                _ = try await store.trade { ledger in
                    guard let current = try ledger.order(rowID: order.rowID), !current.status.isFinal else { return }
                    try ledger.cancel(current)
                }
                if let instrumentID = order.instrumentID { resting.remove(rowID: order.rowID, instrumentID: instrumentID) }
                cancelled += 1
            } catch {
                logger.error("square-off could not cancel an order", metadata: ["orderid": "\(order.orderID)", "error": "\(error)"])
            }
        }
        var closed = 0
        for position in positions {
            let ticket = OrderTicket(
                strategy: "square-off", exchange: position.exchange, symbol: position.symbol, action: position.netQuantity > 0 ? .sell : .buy,
                quantity: abs(position.netQuantity), priceType: .market, product: .mis)
            do {
                _ = try await place(ticket, on: .account(id: position.accountID), source: "system", system: true)
                closed += 1
            } catch {
                logger.error(
                    "square-off could not close a position",
                    metadata: ["account": "\(position.accountID)", "symbol": "\(position.exchange):\(position.symbol)", "error": "\(error)"])
            }
        }
        if cancelled + closed > 0 {
            logger.notice("MIS square-off", metadata: ["exchanges": "\(exchanges.sorted())", "cancelled": "\(cancelled)", "closed": "\(closed)"])
        }
        return (cancelled, closed)
    }

    /// The exchanges whose MIS square-off time has passed today, on a day they traded.
    public func exchangesPastSquareOff(among exchanges: [ExchangeCode]) -> Set<String> {
        guard currentRules.limits.enforceMarketHours else { return [] }
        let now = clock.nowSeconds()
        let today = LocalDate(secondsSinceEpoch: now, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
        let istSeconds = now + Int64(TradingCalendar.istOffsetSeconds)
        let secondOfDay = Int(((istSeconds % 86_400) + 86_400) % 86_400)
        var due: Set<String> = []
        for exchange in exchanges {
            let calendarExchange = exchange.calendarExchange
            guard let cutOff = calendar.squareOffTime(for: calendarExchange), calendar.isTradingDay(today, on: calendarExchange),
                secondOfDay >= cutOff.minutes * 60
            else { continue }
            due.insert(exchange.rawValue)
        }
        return due
    }

    // MARK: Ticks

    /// True when an order rests on the instrument, so its prices matter to the broker.
    public func isWatching(instrumentID: Int64) -> Bool {
        resting.contains(instrumentID: instrumentID) || watches.withLock { $0.covers(instrumentID) }
    }

    public func pricesDidChange(_ snapshots: [PriceSnapshot]) {
        var any = false
        for snapshot in snapshots where isWatching(instrumentID: snapshot.instrumentID) {
            pending.withLock { $0[snapshot.instrumentID] = snapshot }
            any = true
        }
        if any { wakeUp.yield() }
    }

    /// Fills resting orders as prices arrive, until the task is cancelled.
    public func run() async {
        for await _ in wakeUps {
            let snapshots = pending.withLock { pending in
                defer { pending.removeAll(keepingCapacity: true) }
                return Array(pending.values)
            }
            await match(snapshots)
            await fireGTTs(snapshots)
            await enforceBrackets(snapshots)
        }
    }

    /// Acts on the resting orders these snapshots reach, in one transaction.
    func match(_ snapshots: [PriceSnapshot]) async {
        let due = snapshots.flatMap { snapshot in resting.due(on: snapshot).map { (entry: $0, snapshot: snapshot) } }
        guard !due.isEmpty else { return }
        let margin = currentRules.margin
        let instruments = self.instruments
        let nanos = clock.nowNanos()
        let tradedAt = HubTimestamp.utc(nanos: nanos)
        do {
            let outcomes = try await store.trade { ledger in
                try due.enumerated().map { index, item in
                    try Self.act(
                        on: item.entry.rowID, snapshot: item.snapshot, tradeID: Self.tradeID(nanos: nanos, sequence: index),
                        tradedAt: tradedAt, margin: margin, instruments: instruments, in: ledger)
                }
            }
            for outcome in outcomes { apply(outcome) }
        } catch {
            logger.error("sandbox fills failed; retrying one by one", metadata: ["orders": "\(due.count)", "error": "\(error)"])
            for (index, item) in due.enumerated() {
                do {
                    let outcome = try await store.trade { ledger in
                        try Self.act(
                            on: item.entry.rowID, snapshot: item.snapshot, tradeID: Self.tradeID(nanos: nanos, sequence: index),
                            tradedAt: tradedAt, margin: margin, instruments: instruments, in: ledger)
                    }
                    apply(outcome)
                } catch {
                    logger.error("sandbox fill failed", metadata: ["order_row": "\(item.entry.rowID)", "error": "\(error)"])
                }
            }
        }
    }

    private enum Outcome {
        case gone(rowID: Int64, instrumentID: Int64?)
        case working(LedgerOrder)
    }

    private func apply(_ outcome: Outcome) {
        switch outcome {
        case .gone(let rowID, let instrumentID):
            if let instrumentID { resting.remove(rowID: rowID, instrumentID: instrumentID) }
        case .working(let order):
            guard let instrumentID = order.instrumentID else { return }
            if order.status.isFinal {
                resting.remove(rowID: order.rowID, instrumentID: instrumentID)
            } else {
                resting.insert(rowID: order.rowID, instrumentID: instrumentID, rule: Self.rule(for: order))
            }
        }
    }

    /// Re-decides one resting order against the stored row and carries the decision out.
    private static func act(
        on rowID: Int64, snapshot: PriceSnapshot, tradeID: String, tradedAt: String, margin: MarginPolicy, instruments: any InstrumentCatalog,
        in ledger: borrowing TradingLedger
    ) throws -> Outcome {
        guard let order = try ledger.order(rowID: rowID) else { return .gone(rowID: rowID, instrumentID: snapshot.instrumentID) }
        guard !order.status.isFinal else { return .gone(rowID: rowID, instrumentID: order.instrumentID) }
        switch FillRule.decide(rule(for: order), on: snapshot, resting: true) {
        case .fill(let price):
            let instrument = instruments.instrument(id: snapshot.instrumentID)
            try ledger.fill(order, price: price, tradeID: tradeID, at: tradedAt) { net, average in
                instrument.map { margin.positionMargin(instrument: $0, product: order.product, netQuantity: net, averagePrice: average) }
                    ?? Double(abs(net)) * average
            }
        case .trigger:
            try ledger.markTriggered(order)
        case .wait, .noPrice:
            break
        }
        return .working(try ledger.order(rowID: rowID) ?? order)
    }

    // MARK: Rules

    func resolve(_ ticket: OrderTicket) throws -> Instrument {
        guard let instrument = instruments.instrument(symbol: ticket.symbol, exchange: ticket.exchange) else {
            throw OrderRejection.invalid("symbol", "Unknown symbol \(ticket.symbol.uppercased()) on \(ticket.exchange.uppercased()).")
        }
        guard instrument.type != .index else {
            throw OrderRejection.invalid("exchange", "\(instrument.exchange.rawValue) is quote-only; trade the index's futures or options instead.")
        }
        return instrument
    }

    private func checkMarketOpen(_ instrument: Instrument, rules: SandboxRules) throws {
        guard rules.limits.enforceMarketHours else { return }
        let exchange = instrument.exchange.calendarExchange
        guard calendar.isOpen(atSecondsSinceEpoch: clock.nowSeconds(), exchange: exchange) else {
            throw OrderRejection.refused(
                "\(instrument.exchange.rawValue) is closed now; orders are accepted during market hours (see market/timings).")
        }
    }

    /// True once the exchange's MIS square-off time has passed today (IST).
    private func misCutOffPassed(_ instrument: Instrument) -> Bool {
        guard currentRules.limits.enforceMarketHours, let cutOff = calendar.squareOffTime(for: instrument.exchange.calendarExchange) else {
            return false
        }
        let istSeconds = clock.nowSeconds() + Int64(TradingCalendar.istOffsetSeconds)
        let secondOfDay = Int(((istSeconds % 86_400) + 86_400) % 86_400)
        return secondOfDay >= cutOff.minutes * 60
    }

    static func reduces(_ ticket: OrderTicket, position: Int64) -> Bool {
        guard position != 0 else { return false }
        let signed = ticket.action == .buy ? ticket.quantity : -ticket.quantity
        return (position > 0) != (signed > 0) && ticket.quantity <= abs(position)
    }

    /// A CNC sell may spend the holding plus the day position (signed: today's sells of the
    /// holding count against it until settlement moves them out), less what working sells promise.
    /// The raw net would count a settled buy twice, once in holdings and once in the position.
    static func checkHoldings(
        _ ticket: OrderTicket, instrument: Instrument, account: Int64, dayPosition: Int64, in ledger: borrowing TradingLedger
    ) throws {
        let held = try ledger.holdingQuantity(accountID: account, exchange: instrument.exchange.rawValue, symbol: instrument.symbol)
        let promised = try ledger.workingSellQuantity(
            accountID: account, exchange: instrument.exchange.rawValue, symbol: instrument.symbol, product: .cnc)
        let sellable = held + dayPosition - promised
        guard ticket.quantity <= sellable else {
            throw OrderRejection.refused(
                "A CNC SELL needs holdings: \(max(0, sellable)) of \(instrument.symbol) can be sold, \(ticket.quantity) were asked for.")
        }
    }

    /// Whether an order of `priceType` arriving with `decision` rests as `open` (rather than
    /// `trigger pending`): MARKET and LIMIT always, a stop once its trigger is hit or it fills.
    static func restsOpen(_ priceType: PriceType, _ decision: FillDecision) -> Bool {
        switch (priceType, decision) {
        case (.stopLossLimit, .trigger), (.market, _), (.limit, _), (_, .fill): true
        default: false
        }
    }

    static func marginPrice(_ ticket: OrderTicket, market: PriceSnapshot?) -> Double {
        switch ticket.priceType {
        case .market: market?.lastPrice ?? 0
        case .limit: ticket.price
        case .stopLossLimit, .stopLossMarket: ticket.triggerPrice
        }
    }

    static func rule(_ ticket: OrderTicket) -> FillRule.Order {
        FillRule.Order(action: ticket.action, priceType: ticket.priceType, limitPrice: ticket.price, triggerPrice: ticket.triggerPrice)
    }

    static func rule(for order: LedgerOrder) -> FillRule.Order {
        FillRule.Order(
            action: order.action, priceType: order.priceType, limitPrice: order.price, triggerPrice: order.triggerPrice,
            triggered: order.status == .open && (order.priceType == .stopLossLimit || order.priceType == .stopLossMarket))
    }

    private static func ownedOrder(_ orderID: String, userID: Int64, in ledger: borrowing TradingLedger) throws -> LedgerOrder {
        // Someone else's order is "not found": its existence is not the caller's business.
        guard let order = try ledger.order(orderID: orderID), order.userID == userID else {
            throw OrderRejection(.notFound, field: "orderid", "Order \(orderID) not found")
        }
        return order
    }

    /// `TRADE-YYYYMMDD-HHMMSS-xxxxxxxx` as OpenAlgo's sandbox writes them (IST), with random hex.
    static func tradeID(nanos: Int64, sequence: Int = 0) -> String {
        let seconds = nanos / 1_000_000_000 + Int64(TradingCalendar.istOffsetSeconds)
        let date = LocalDate(secondsSinceEpoch: seconds, utcOffsetSeconds: 0)
        let secondOfDay = Int(((seconds % 86_400) + 86_400) % 86_400)
        func pad(_ value: Int, _ width: Int) -> String { HubTimestamp.padded(Int64(value), width) }
        let random = UInt32.random(in: 0...UInt32.max) ^ UInt32(truncatingIfNeeded: sequence)
        let hex = String(random, radix: 16)
        return
            "TRADE-\(pad(date.year, 4))\(pad(date.month, 2))\(pad(date.day, 2))-\(pad(secondOfDay / 3600, 2))\(pad(secondOfDay / 60 % 60, 2))\(pad(secondOfDay % 60, 2))-"
            + String(repeating: "0", count: 8 - hex.count) + hex
    }
}

/// One order's admission inside the transaction that writes it: the account checks (kill switch,
/// MIS cut-off, CNC holdings, margin), the insert, and the immediate fill when the market allows.
/// Shared by every path that places an order (API, square-off, GTT), so they all obey the same rules.
struct Admission: Sendable {
    var ticket: OrderTicket
    var instrument: Instrument
    var market: PriceSnapshot?
    var rules: SandboxRules
    var orderID: String
    var tradeID: String
    var pastCutOff: Bool
    var source: String
    /// When the fill happened by the broker's clock (the hub's form); nil stamps SQLite's now.
    var tradedAt: String? = nil

    func write(on account: LedgerAccount, in ledger: borrowing TradingLedger) throws -> LedgerOrder {
        guard account.isSandbox else { throw OrderRejection.refused("Orders for upstream accounts go through the account's router.") }
        let position = try ledger.position(
            accountID: account.id, exchange: instrument.exchange.rawValue, symbol: instrument.symbol, product: ticket.product)
        let reducing = SandboxBroker.reduces(ticket, position: position.netQuantity)
        if rules.killSwitch, !reducing {
            throw OrderRejection.refused("The kill switch is on: only orders that reduce a position are accepted.")
        }
        if ticket.product == .mis, pastCutOff, !reducing {
            throw OrderRejection.refused("MIS orders that add to a position are not accepted after the square-off time.")
        }
        if ticket.product == .cnc, ticket.action == .sell {
            try SandboxBroker.checkHoldings(ticket, instrument: instrument, account: account.id, dayPosition: position.dayQuantity, in: ledger)
        }
        let margin = rules.margin.orderMargin(
            instrument: instrument, product: ticket.product, action: ticket.action, quantity: ticket.quantity,
            position: position.netQuantity, price: SandboxBroker.marginPrice(ticket, market: market))
        let available = try ledger.availableCash(accountID: account.id)
        if margin > available + 1e-6 {
            throw OrderRejection.refused(
                "Insufficient funds: the order needs ₹\(OrderValidator.format(margin)) of margin and ₹\(OrderValidator.format(available)) is available."
            )
        }
        let decision = market.map { FillRule.decide(SandboxBroker.rule(ticket), on: $0, resting: false) } ?? .noPrice
        let status: OrderStatus = SandboxBroker.restsOpen(ticket.priceType, decision) ? .open : .triggerPending
        let placed = try ledger.place(
            NewOrder(
                orderID: orderID, accountID: account.id, strategyTag: ticket.strategy, exchange: instrument.exchange,
                symbol: instrument.symbol, instrumentID: instrument.id, action: ticket.action, quantity: Int(ticket.quantity),
                priceType: ticket.priceType, product: ticket.product, price: ticket.price, triggerPrice: ticket.triggerPrice,
                status: status, source: source, disclosedQuantity: Int(ticket.disclosedQuantity), marginBlocked: margin,
                strategyID: ticket.strategyID, runID: ticket.runID))
        // Attached before the fill, so the schema arms it in the fill's own statement.
        if let terms = ticket.exitBracket { try ledger.attachBracket(terms, to: placed) }
        guard case .fill(let price) = decision else { return placed }
        let margins = rules.margin
        let instrument = self.instrument
        let product = ticket.product
        try ledger.fill(placed, price: price, tradeID: tradeID, at: tradedAt) { net, average in
            margins.positionMargin(instrument: instrument, product: product, netQuantity: net, averagePrice: average)
        }
        return try ledger.order(rowID: placed.rowID) ?? placed
    }
}
