// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import Foundation
import Logging
import LuaBridge
import Schema

/// One running strategy: its VM on its own serial executor, its mailbox, and the loop that delivers
/// events, then performs the orders the calls issued — after each call returns, never during one.
///
/// Only ``run()`` calls into the actor, one batch at a time, so awaiting the order route never lets
/// another event reach Lua in between.
actor StrategyRunner {
    nonisolated let mailbox = StrategyMailbox()
    nonisolated let strategyID: Int64
    nonisolated let runID: Int64
    nonisolated let symbols: [StrategySymbol]
    nonisolated let timeframe: Timeframe?
    /// The declared legs' names in file order (what `strategy/close_leg` numbers from 1).
    nonisolated let legNames: [String]
    private let executor: StrategyExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let launch: StrategyLaunch
    private let instance: StrategyInstance
    private let desk: LiveDesk
    private let recorder: any StrategyRecorder
    private let logger: Logger
    /// Order id → the script's ref, and what the script has been told about each order.
    private var refs: [String: Int64] = [:]
    private var told: [String: (status: String, filled: Int64, value: Double)] = [:]
    private var mirrorOrderIDs: Set<String> = []
    /// Each primary order's copies (route index, copy's order id), so a modify or cancel follows.
    private var mirrorCopies: [String: [(route: Int, orderID: String)]] = [:]
    private var lastStateSave: Int64 = 0
    private var savedState = ""

    /// Called once for each symbol the strategy trades beyond its declared ones (entered legs), so
    /// the host asks the feed for its prices: exits and P&L need them.
    private let onTradedSymbol: @Sendable (StrategySymbol) -> Void
    private var tradedSymbols: Set<StrategySymbol> = []

    /// Loads the file (syntax, declaration).
    /// - Throws: ``StrategyScriptError``.
    init(
        launch: StrategyLaunch, desk: LiveDesk, recorder: any StrategyRecorder, logger: Logger,
        onTradedSymbol: @escaping @Sendable (StrategySymbol) -> Void = { _ in }
    ) throws {
        executor = StrategyExecutor(label: "realalgo.strategy.\(launch.strategyID)")
        self.onTradedSymbol = onTradedSymbol
        self.launch = launch
        self.desk = desk
        self.recorder = recorder
        self.logger = logger
        strategyID = launch.strategyID
        runID = launch.runID
        let configuration = StrategyInstance.Configuration(vm: LuaVM.Configuration(budget: launch.budget))
        instance = try StrategyInstance(source: launch.source, chunkName: launch.chunkName, desk: desk, configuration: configuration)
        symbols = instance.declaration.symbols
        timeframe = instance.declaration.timeframe
        legNames = instance.declaration.legs.map(\.name)
    }

    /// Warms the bars, builds `ctx`, calls `on_start` and performs what it issued.
    /// - Throws: ``StrategyScriptError`` (bad params, `on_start` failed, or a callback of what
    ///   `on_start` ordered failed — then those orders are cancelled and closed, as in a failed run).
    func start() async throws {
        desk.cachedFunds = (try? await recorder.funds(accountID: launch.accountID)) ?? desk.cachedFunds
        for (symbol, bars) in launch.history { instance.seed(bars, of: symbol) }
        let state = (try? LuaJSON.decode(launch.stateJSON)) ?? .dictionary([:])
        try instance.start(parameters: launch.parameters, state: state, info: StrategyInstance.RunInfo(runID: runID, mode: launch.mode))
        savedState = launch.stateJSON
        do {
            try await performOutputs()
        } catch {
            // Orders went out before the failure: nobody would manage what they opened.
            _ = instance.drainIntents()
            _ = try? instance.closeAll(tag: "stop: error")
            try? await performOutputs(afterFailure: true)
            throw error
        }
    }

    /// Delivers events until the run ends, and says how it ended.
    func run() async -> StrategyRunEnd {
        var end: StrategyRunEnd?
        do {
            loop: while let batch = await mailbox.next() {
                for event in batch.events {
                    switch event {
                    case .bar(let bar, let symbol): try instance.deliver(bar, of: symbol)
                    case .order(let update): try apply(update)
                    case .command(.stop(let reason)):
                        end = try await finish(reason: reason, flatten: true)
                        break loop
                    case .command(.closeAll(let reason)): try instance.closeAll(tag: reason)
                    case .command(.closeLeg(let name)): _ = try instance.closeLeg(named: name)
                    case .command(.heartbeat): try instance.fireDueTimers()
                    case .command(.shutdown):
                        end = try await finish(reason: "server stopped", flatten: false)
                        break loop
                    }
                    try await performOutputs()
                }
                for tick in batch.ticks {
                    try instance.deliver(tick)
                    try await performOutputs()
                }
                if let reason = instance.stopRequest {
                    end = try await finish(reason: reason, flatten: true)
                    break
                }
                try await saveStateIfDue()
            }
        } catch let error as StrategyScriptError {
            end = await fail(error)
        } catch {
            end = await fail(StrategyScriptError(.callback, "\(error)"))
        }
        mailbox.close()
        let result = end ?? StrategyRunEnd(status: "stopped", reason: "stopped")
        do {
            try await recorder.finishRun(runID: runID, status: result.status, reason: result.reason, error: result.error, line: result.line)
        } catch {
            logger.error("strategy run end not recorded", metadata: ["run_id": "\(runID)", "error": "\(error)"])
        }
        return result
    }

    /// A stop: `on_stop`, then (unless the server is shutting down) cancel working orders and
    /// close positions, then save the state.
    private func finish(reason: String, flatten: Bool) async throws -> StrategyRunEnd {
        try instance.stop(reason: reason)
        // `on_stop`'s own orders go first, so the close below sees the positions they leave (a
        // script that sells its position itself must not be sold again by the close).
        try await performOutputs()
        if flatten {
            try instance.closeAll(tag: "stop")
            try await performOutputs()
        }
        try await saveState()
        return StrategyRunEnd(status: "stopped", reason: reason)
    }

    /// A failing script: recorded with its line, its working orders cancelled and its positions
    /// closed (nothing would manage them once the script is gone).
    private func fail(_ error: StrategyScriptError) async -> StrategyRunEnd {
        let message = error.description
        logger.warning("strategy stopped by an error", metadata: ["strategy_id": "\(strategyID)", "error": "\(message)"])
        try? await recorder.appendLogs(
            strategyID: strategyID, runID: runID, [StrategyLogLine(level: .error, message: message, line: error.line, timeNanos: desk.nowNanos)])
        // The failed call's orders were never sent, and its book would not learn of their fills
        // (no more Lua once failed), so closing would miss them: they are dropped, not performed.
        let unsent = instance.drainIntents().count
        if unsent > 0 { instance.note(.warn, "\(unsent) order request(s) of the failed call not sent") }
        do {
            try instance.closeAll(tag: "stop: error")
            try await performOutputs(afterFailure: true)
        } catch {
            logger.error("positions of a failed strategy not closed", metadata: ["strategy_id": "\(strategyID)", "error": "\(error)"])
        }
        // The state as the script left it, so the calls since the last periodic save are not lost
        // (a VM out of memory may not serialize it: then the last save stands).
        try? await saveState()
        return StrategyRunEnd(status: "failed", reason: "error", error: message, line: error.line)
    }

    // MARK: Performing

    /// Performs what the last calls issued and records their logs, until nothing is left.
    /// - Parameter afterFailure: The script failed: perform orders but call no more Lua.
    private func performOutputs(afterFailure: Bool = false) async throws {
        var rounds = 0
        while instance.hasOutput {
            rounds += 1
            guard rounds <= 100 else { throw StrategyScriptError(.limit, "orders kept issuing more orders (100 rounds after one event)") }
            let logs = instance.drainLogs()
            if !logs.isEmpty { try await recorder.appendLogs(strategyID: strategyID, runID: runID, logs) }
            let events = instance.drainRiskEvents()
            if !events.isEmpty { try await recorder.recordRiskEvents(strategyID: strategyID, runID: runID, events) }
            for intent in instance.drainIntents() {
                try await perform(intent, deliver: !afterFailure)
            }
        }
    }

    private func perform(_ intent: StrategyIntent, deliver: Bool) async throws {
        switch intent {
        case .place(let request):
            let ticket = OrderTicket(
                strategy: instance.declaration.name, exchange: request.symbol.exchange, symbol: request.symbol.symbol, action: request.action,
                quantity: request.quantity, priceType: request.priceType, product: request.product, price: request.price,
                triggerPrice: request.triggerPrice)
            var attributed = ticket
            attributed.strategyID = strategyID
            attributed.runID = runID
            do {
                let routed = try await launch.route.place(attributed, userID: launch.userID, source: "strategy")
                refs[routed.order.orderID] = request.ref
                await mirror(attributed, of: routed.order.orderID)
                if !symbols.contains(request.symbol), tradedSymbols.insert(request.symbol).inserted { onTradedSymbol(request.symbol) }
                if deliver { try tell(routed.order.orderID, ref: request.ref, request: request, order: routed.order) }
            } catch let rejection as OrderRejection {
                guard deliver else { return }
                try instance.deliver(
                    StrategyOrderUpdate(
                        ref: request.ref, orderID: "", symbol: request.symbol, action: request.action, quantity: request.quantity, status: "rejected",
                        reason: rejection.description, tag: request.tag))
            } catch {
                guard deliver else { return }
                try instance.deliver(
                    StrategyOrderUpdate(
                        ref: request.ref, orderID: "", symbol: request.symbol, action: request.action, quantity: request.quantity, status: "rejected",
                        reason: "\(error)", tag: request.tag))
            }
        case .modify(let ref, let quantity, let priceType, let price, let trigger):
            guard let orderID = refs.first(where: { $0.value == ref })?.key, let request = instance.request(ref: ref) else { return }
            var ticket = OrderTicket(
                strategy: instance.declaration.name, exchange: request.symbol.exchange, symbol: request.symbol.symbol, action: request.action,
                quantity: quantity ?? request.quantity, priceType: priceType ?? request.priceType, product: request.product,
                price: price ?? request.price, triggerPrice: trigger ?? request.triggerPrice)
            ticket.strategyID = strategyID
            ticket.runID = runID
            do {
                let order = try await launch.route.modify(orderID: orderID, userID: launch.userID, to: ticket)
                if deliver { try tell(orderID, ref: ref, request: request, order: order) }
                await followOnMirrors(of: orderID, "modify") { route, copyID in
                    _ = try await route.modify(orderID: copyID, userID: self.launch.userID, to: ticket)
                }
            } catch {
                if deliver { instance.note(.warn, "modify of order \(orderID) refused: \(error)") }
            }
        case .cancel(let ref):
            guard let orderID = refs.first(where: { $0.value == ref })?.key, let request = instance.request(ref: ref) else { return }
            do {
                let order = try await launch.route.cancel(orderID: orderID, userID: launch.userID)
                if deliver { try tell(orderID, ref: ref, request: request, order: order) }
                await followOnMirrors(of: orderID, "cancel") { route, copyID in
                    _ = try await route.cancel(orderID: copyID, userID: self.launch.userID)
                }
            } catch {
                if deliver { instance.note(.warn, "cancel of order \(orderID) refused: \(error)") }
            }
        }
    }

    /// Copies a placed order to the mirror accounts; a refusal there is logged, never fatal, and
    /// the copies' later updates are not the strategy's (its book follows the primary account).
    private func mirror(_ ticket: OrderTicket, of primaryID: String) async {
        for (index, route) in launch.mirrorRoutes.enumerated() {
            let account = route.accountName ?? "sandbox"
            do {
                let copy = try await route.place(ticket, userID: launch.userID, source: "strategy")
                mirrorOrderIDs.insert(copy.order.orderID)
                mirrorCopies[primaryID, default: []].append((index, copy.order.orderID))
                instance.note(.info, "mirrored to \(account): order \(copy.order.orderID) \(copy.order.status.rawValue)")
            } catch {
                instance.note(.warn, "mirror to \(account) refused: \(error)")
            }
        }
    }

    /// Repeats a modify or cancel of a primary order on its copies (a copy already filled or
    /// cancelled refuses it: logged, as the copy's outcome is the mirror account's own).
    private func followOnMirrors(of primaryID: String, _ what: String, _ change: (any OrderRoute, String) async throws -> Void) async {
        for (index, copyID) in mirrorCopies[primaryID] ?? [] {
            let route = launch.mirrorRoutes[index]
            do {
                try await change(route, copyID)
                instance.note(.info, "mirrored \(what) to \(route.accountName ?? "sandbox"): order \(copyID)")
            } catch {
                instance.note(.warn, "mirror \(what) of order \(copyID) on \(route.accountName ?? "sandbox") refused: \(error)")
            }
        }
    }

    /// An order update from the change feed (fills of resting orders, changes made elsewhere).
    /// Updates arrive through the mailbox, so after the call that placed the order has returned
    /// and its ref is known; one of an order the runner never placed is not the strategy's.
    private func apply(_ update: OrderUpdate) throws {
        guard !mirrorOrderIDs.contains(update.orderID), let ref = refs[update.orderID], let request = instance.request(ref: ref) else { return }
        try tell(
            update.orderID, ref: ref, request: request, status: update.status, filled: update.filledQuantity, average: update.averagePrice,
            reason: update.rejectionReason)
    }

    private func tell(_ orderID: String, ref: Int64, request: StrategyOrderRequest, order: LedgerOrder) throws {
        try tell(
            orderID, ref: ref, request: request, status: order.status.rawValue, filled: order.filledQuantity, average: order.averagePrice,
            reason: order.rejectionReason ?? "")
    }

    /// Tells the script what changed since it was last told: `on_order` for a new status or fill,
    /// and `on_fill` for the new quantity at the price it added to the average.
    private func tell(
        _ orderID: String, ref: Int64, request: StrategyOrderRequest, status: String, filled: Int64, average: Double, reason: String
    ) throws {
        let before = told[orderID] ?? (status: "", filled: 0, value: 0)
        guard status != before.status || filled > before.filled else { return }
        let value = average * Double(filled)
        told[orderID] = (status, max(filled, before.filled), max(value, before.value))
        try instance.deliver(
            StrategyOrderUpdate(
                ref: ref, orderID: orderID, symbol: request.symbol, action: request.action, quantity: request.quantity, status: status,
                filledQuantity: filled, averagePrice: average, reason: reason, tag: request.tag))
        if filled > before.filled {
            let quantity = filled - before.filled
            let price = (value - before.value) / Double(quantity)
            try instance.deliver(
                StrategyFill(
                    ref: ref, orderID: orderID, symbol: request.symbol, action: request.action, quantity: quantity, price: price,
                    timeNanos: desk.nowNanos, tag: request.tag))
        }
    }

    // MARK: State

    private func saveStateIfDue() async throws {
        let now = desk.nowNanos
        guard now - lastStateSave >= 1_000_000_000 else { return }
        lastStateSave = now
        try await saveState()
        if let funds = try? await recorder.funds(accountID: launch.accountID) { desk.cachedFunds = funds }
    }

    /// Writes `ctx.state` when it changed (a JSON comparison: cheap next to a commit).
    private func saveState() async throws {
        let json = try instance.stateJSON()
        guard json != savedState else { return }
        try await recorder.saveState(strategyID: strategyID, json: json)
        savedState = json
    }
}
