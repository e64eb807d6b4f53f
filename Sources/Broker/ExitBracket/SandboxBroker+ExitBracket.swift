// SPDX-License-Identifier: Apache-2.0
import Core
import Logging
import Schema
import Synchronization

/// Everything besides resting orders that waits on prices, behind one lock so the tick path asks
/// one question per quote.
struct PriceWatches: Sendable {
    /// Active GTTs by instrument (row id → the stored GTT).
    var gtts: [Int64: [Int64: GTTRecord]] = [:]
    /// Instruments with a waiting or active exit bracket.
    var bracketInstruments: Set<Int64> = []

    func covers(_ instrumentID: Int64) -> Bool { gtts[instrumentID] != nil || bracketInstruments.contains(instrumentID) }
}

extension SandboxBroker {
    /// Trails, and exits where due, the active brackets on the instruments these snapshots move.
    ///
    /// The decision is made on a reader first, so a tick that changes nothing writes nothing;
    /// when something is due it is decided again inside the write transaction against the stored
    /// bracket, so a bracket exits at most once however ticks and restarts interleave.
    func enforceBrackets(_ snapshots: [PriceSnapshot]) async {
        for snapshot in snapshots where watches.withLock({ $0.bracketInstruments.contains(snapshot.instrumentID) }) {
            do {
                let live = try await store.liveBrackets(instrumentID: snapshot.instrumentID)
                if live.isEmpty {
                    watches.withLock { _ = $0.bracketInstruments.remove(snapshot.instrumentID) }
                    continue
                }
                for bracket in live {
                    let decision = ExitBracketRule.decide(bracket, lastPrice: snapshot.lastPrice)
                    guard decision != .hold else { continue }
                    try await act(on: bracket.rowID, snapshot: snapshot, expectingExit: decision.isExit)
                }
            } catch {
                logger.error("exit brackets could not be enforced", metadata: ["instrument_id": "\(snapshot.instrumentID)", "error": "\(error)"])
            }
        }
    }

    /// - Parameter expectingExit: the reader's decision was an exit; only then is an order id
    ///   taken, so trailing a stop never uses up ids. (If the stored bracket says otherwise, the
    ///   decision inside the transaction wins; an exit it did not expect waits for the next tick.)
    private func act(on rowID: Int64, snapshot: PriceSnapshot, expectingExit: Bool) async throws {
        let rules = currentRules
        let instruments = self.instruments
        let orderID = expectingExit ? orderIDs.next() : nil
        let nanos = clock.nowNanos()
        let tradeID = Self.tradeID(nanos: nanos)
        let tradedAt = HubTimestamp.utc(nanos: nanos)
        let exit: LedgerOrder? = try await store.trade { ledger in
            guard let bracket = try ledger.bracket(rowID: rowID) else { return nil }
            switch ExitBracketRule.decide(bracket, lastPrice: snapshot.lastPrice) {
            case .hold:
                return nil
            case .trail(let stop, let best):
                try ledger.trailBracket(bracket, stop: stop, best: best)
                return nil
            case .exit(let leg):
                guard let orderID else { return nil }
                return try Self.exit(
                    bracket, leg: leg, snapshot: snapshot, rules: rules, instruments: instruments, orderID: orderID, tradeID: tradeID,
                    tradedAt: tradedAt, in: ledger)
            }
        }
        if let exit {
            logger.info(
                "exit bracket closed a position",
                metadata: ["entry_bracket": "\(rowID)", "orderid": "\(exit.orderID)", "status": "\(exit.status.rawValue)"])
            if !exit.status.isFinal, let instrumentID = exit.instrumentID {
                resting.insert(rowID: exit.rowID, instrumentID: instrumentID, rule: Self.rule(for: exit))
            }
        }
    }

    /// Places the MARKET exit through the same admission as every order and finishes the bracket
    /// in the same transaction. A position already closed by hand, or an exit the rules refuse,
    /// cancels the bracket with the reason instead.
    private static func exit(
        _ bracket: ExitBracketRecord, leg: ExitBracketRecord.Leg, snapshot: PriceSnapshot, rules: SandboxRules, instruments: any InstrumentCatalog,
        orderID: String, tradeID: String, tradedAt: String, in ledger: borrowing TradingLedger
    ) throws -> LedgerOrder? {
        let position = try ledger.position(accountID: bracket.accountID, exchange: bracket.exchange, symbol: bracket.symbol, product: bracket.product)
        let quantity = ExitBracketRule.exitQuantity(bracket, netPosition: position.netQuantity)
        guard quantity > 0 else {
            try ledger.cancelBracket(bracket, reason: "the position was already closed when the \(leg.rawValue) was reached")
            return nil
        }
        let ticket = OrderTicket(
            strategy: "exit bracket", exchange: bracket.exchange, symbol: bracket.symbol, action: bracket.side.exitAction, quantity: quantity,
            priceType: .market, product: bracket.product)
        do {
            guard let instrument = instruments.instrument(id: bracket.instrumentID), let account = try ledger.account(id: bracket.accountID) else {
                throw OrderRejection.refused("The bracket's instrument or account no longer exists.")
            }
            // An exit only reduces a position, so it is RealAlgo's own order: no market-hours or cut-off check.
            let admission = Admission(
                ticket: ticket, instrument: instrument, market: snapshot, rules: rules, orderID: orderID, tradeID: tradeID, pastCutOff: false,
                source: "risk", tradedAt: tradedAt)
            let order = try admission.write(on: account, in: ledger)
            try ledger.markBracketExited(bracket, leg: leg, exitOrderRowID: order.rowID)
            return order
        } catch let rejection as OrderRejection {
            // Admission checks come before its writes, so nothing of the exit order was written.
            try ledger.cancelBracket(bracket, reason: "the \(leg.rawValue) exit was refused: \(rejection.message)")
            return nil
        }
    }
}

extension SandboxBroker {
    /// Stops a waiting or active bracket of the user's; the entry and the position stay as they are.
    /// - Throws: ``OrderRejection`` not found (no bracket on that order, or another user's) or
    ///   conflict (the bracket already exited or was cancelled).
    public func cancelBracket(entryOrderID: String, userID: Int64) async throws {
        guard let found = try await store.books.exitBracket(entryOrderID: entryOrderID, userID: userID) else {
            throw OrderRejection(.notFound, "No exit bracket on order \(entryOrderID).")
        }
        try await store.trade { ledger in
            guard let bracket = try ledger.bracket(rowID: found.rowID) else {
                throw OrderRejection(.notFound, "No exit bracket on order \(entryOrderID).")
            }
            guard bracket.status == .waiting || bracket.status == .active else {
                throw OrderRejection(.conflict, "The exit bracket on order \(entryOrderID) is already \(bracket.status.rawValue).")
            }
            try ledger.cancelBracket(bracket, reason: "cancelled by the user")
        }
    }
}
