// SPDX-License-Identifier: Apache-2.0
public import Core
import Logging
public import Schema
import Synchronization

/// What the broker remembers between settlement checks (the hub remembers the rest).
struct SettlementState: Sendable {
    var settledDate: LocalDate?
    /// When positions on expired contracts wait for a price: the next retry, in clock nanoseconds.
    var expiryRetryAtNanos: Int64?
}

extension SandboxBroker {
    /// The calendar settlement follows: T+1 is counted in NSE trading days, so a Friday's CNC buy
    /// reaches holdings when Monday is settled.
    static let settlementExchange = ExchangeCode.nse

    /// How long positions on expired contracts with no known price wait before the next try.
    static let expiryRetryNanos: Int64 = 60_000_000_000

    /// Settles today's IST date once it is a trading day not settled yet, and retries positions on
    /// expired contracts that had no price. Called at broker start and from the service's 5 s loop;
    /// cheap when there is nothing to do (an in-memory date check).
    public func settleIfDue() async {
        let now = clock.nowNanos()
        let today = LocalDate(secondsSinceEpoch: now / 1_000_000_000, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
        let (settled, retryAt) = settlement.withLock { ($0.settledDate, $0.expiryRetryAtNanos) }
        if settled != today, calendar.isTradingDay(today, on: Self.settlementExchange) {
            do {
                let report = try await settle(date: today)
                settlement.withLock {
                    $0.settledDate = today
                    $0.expiryRetryAtNanos = report.expiredUnpriced > 0 ? now + Self.expiryRetryNanos : nil
                }
            } catch {
                // The date stays unsettled here, so the next pass tries again.
                logger.error("settlement failed", metadata: ["date": "\(today)", "error": "\(error)"])
            }
        } else if let retryAt, now >= retryAt {
            do {
                let report = try await retryExpired()
                settlement.withLock { $0.expiryRetryAtNanos = (report?.expiredUnpriced ?? 0) > 0 ? now + Self.expiryRetryNanos : nil }
            } catch {
                logger.error("expiry settlement retry failed", metadata: ["error": "\(error)"])
                settlement.withLock { $0.expiryRetryAtNanos = now + Self.expiryRetryNanos }
            }
        }
    }

    /// Settles trading date `date` (IST) in one transaction with its `settlements` row: every
    /// sandbox CNC position's quantity traded before `date` 00:00 IST and not yet settled moves
    /// into holdings (no trade, no money: the margin stays with the position), then every open
    /// position on a contract that expired before `date` is closed by a `system` order at its
    /// settlement price and every working order on one is cancelled, releasing its margin.
    /// Running it again for the same date — or after a restart — changes nothing.
    @discardableResult
    public func settle(date: LocalDate) async throws -> SettlementReport {
        let istOffsetNanos = Int64(TradingCalendar.istOffsetSeconds) * 1_000_000_000
        let cutoff = HubTimestamp.utc(nanos: Int64(date.daysSinceEpoch) * 86_400_000_000_000 - istOffsetNanos)
        let nanos = clock.nowNanos()
        let result = try await store.trade { ledger -> (SettlementReport, [LedgerOrder], [UnsettledPosition], [ExpiredPosition]) in
            if let done = try ledger.settlement(tradingDate: date.description) {
                let report = SettlementReport(
                    tradingDate: date, alreadySettled: true, positionsMoved: done.positionsMoved, expiredClosed: done.expiredClosed,
                    expiredUnpriced: done.expiredUnpriced, ordersCancelled: done.ordersCancelled)
                return (report, [], [], [])
            }
            // A clock that went back (a replay of older days) must not settle an earlier date
            // after a later one: the later cutoff already covered it.
            if let latest = try ledger.latestSettlement(), latest.tradingDate > date.description {
                return (SettlementReport(tradingDate: date, alreadySettled: true), [], [], [])
            }
            let settlementID = try ledger.openSettlement(tradingDate: date.description, cutoffAt: cutoff)
            var report = SettlementReport(tradingDate: date)
            var skipped: [UnsettledPosition] = []
            for position in try ledger.unsettledPositions(cutoffAt: cutoff) {
                guard let holding = HoldingSettlement.after(position) else {
                    skipped.append(position)
                    continue
                }
                try ledger.settle(position, settlementID: settlementID, holdingQuantity: holding.quantity, holdingAverage: holding.averagePrice)
                report.positionsMoved += 1
            }
            report.positionsSkipped = skipped.count
            let sweep = try self.sweepExpired(before: date, nanos: nanos, in: ledger)
            try ledger.recordExpirySweep(
                settlementID: settlementID, closed: sweep.closed, cancelled: sweep.cancelled.count, unpriced: sweep.unpriced.count)
            report.expiredClosed = sweep.closed
            report.expiredUnpriced = sweep.unpriced.count
            report.ordersCancelled = sweep.cancelled.count
            return (report, sweep.cancelled, skipped, sweep.unpriced)
        }
        let (report, cancelled, skipped, unpriced) = result
        afterSweep(cancelled: cancelled, unpriced: unpriced)
        for position in skipped {
            logger.warning(
                "settlement left a CNC position unmoved: its holding would go below zero (was the holding changed by hand?)",
                metadata: ["account": "\(position.accountID)", "symbol": "\(position.exchange):\(position.symbol)", "move": "\(position.move)"])
        }
        if !report.alreadySettled {
            logger.notice(
                "settled",
                metadata: [
                    "date": "\(date)", "positions_moved": "\(report.positionsMoved)", "expired_closed": "\(report.expiredClosed)",
                    "expired_unpriced": "\(report.expiredUnpriced)", "orders_cancelled": "\(report.ordersCancelled)",
                ])
        }
        return report
    }

    /// Tries again to close positions on expired contracts that had no price, counting what it
    /// closes on the latest settlement. Returns nil when nothing was ever settled.
    @discardableResult
    public func retryExpired() async throws -> SettlementReport? {
        let nanos = clock.nowNanos()
        let result = try await store.trade { ledger -> (SettlementReport, [LedgerOrder], [ExpiredPosition])? in
            guard let latest = try ledger.latestSettlement(), let date = LocalDate(iso: latest.tradingDate) else { return nil }
            let sweep = try self.sweepExpired(before: date, nanos: nanos, in: ledger)
            try ledger.recordExpirySweep(
                settlementID: latest.id, closed: sweep.closed, cancelled: sweep.cancelled.count, unpriced: sweep.unpriced.count)
            let report = SettlementReport(
                tradingDate: date, expiredClosed: sweep.closed, expiredUnpriced: sweep.unpriced.count, ordersCancelled: sweep.cancelled.count)
            return (report, sweep.cancelled, sweep.unpriced)
        }
        guard let (report, cancelled, unpriced) = result else { return nil }
        afterSweep(cancelled: cancelled, unpriced: unpriced)
        if report.expiredClosed + report.ordersCancelled > 0 {
            logger.notice(
                "expired contracts settled on retry",
                metadata: ["closed": "\(report.expiredClosed)", "cancelled": "\(report.ordersCancelled)", "unpriced": "\(report.expiredUnpriced)"])
        }
        return report
    }

    private func afterSweep(cancelled: [LedgerOrder], unpriced: [ExpiredPosition]) {
        for order in cancelled {
            if let instrumentID = order.instrumentID { resting.remove(rowID: order.rowID, instrumentID: instrumentID) }
        }
        for position in unpriced {
            logger.warning(
                "no settlement price for an expired contract; the position stays open and is retried",
                metadata: ["account": "\(position.accountID)", "symbol": "\(position.exchange):\(position.symbol)", "expiry": "\(position.expiry)"])
        }
    }

    /// Closes open positions on contracts that expired before `date` and cancels the working
    /// orders on them, inside the caller's transaction.
    private func sweepExpired(
        before date: LocalDate, nanos: Int64, in ledger: borrowing TradingLedger
    ) throws -> (closed: Int, unpriced: [ExpiredPosition], cancelled: [LedgerOrder]) {
        // Orders first: a working order on an expired contract must not outlive its contract, and
        // its margin comes back before the positions are closed.
        let cancelled = try ledger.expiredWorkingOrders(before: date)
        for order in cancelled { try ledger.cancel(order) }
        var closed = 0
        var unpriced: [ExpiredPosition] = []
        let timestamp = HubTimestamp.utc(nanos: nanos)
        for (index, position) in try ledger.expiredPositions(before: date).enumerated() {
            guard let price = try settlementPrice(position, in: ledger) else {
                unpriced.append(position)
                continue
            }
            let order = try ledger.place(
                NewOrder(
                    orderID: orderIDs.next(), accountID: position.accountID, strategyTag: "expiry settlement",
                    exchange: ExchangeCode(rawValue: position.exchange), symbol: position.symbol, instrumentID: position.instrumentID,
                    action: position.netQuantity > 0 ? .sell : .buy, quantity: Int(abs(position.netQuantity)), priceType: .market,
                    product: position.product, status: .open, source: "system"))
            // The order closes the whole position, so nothing stays blocked for it.
            try ledger.fill(order, price: price, tradeID: Self.tradeID(nanos: nanos, sequence: index), at: timestamp) { net, average in
                Double(abs(net)) * average
            }
            closed += 1
        }
        return (closed, unpriced, cancelled)
    }

    /// The settlement price of an expired position's contract, from the prices stored up to the
    /// end of its expiry day, else the hub's last price.
    private func settlementPrice(_ position: ExpiredPosition, in ledger: borrowing TradingLedger) throws -> Double? {
        let istOffsetNanos = Int64(TradingCalendar.istOffsetSeconds) * 1_000_000_000
        let expiryEnd = Int64(position.expiry.daysSinceEpoch + 1) * 86_400_000_000_000 - istOffsetNanos - 1
        func last(_ instrumentID: Int64) throws -> Double? {
            try ledger.storedPrice(instrumentID: instrumentID, atOrBeforeNanos: expiryEnd) ?? prices.snapshot(instrumentID: instrumentID)?.lastPrice
        }
        switch position.type {
        case .future:
            return ExpirySettlementPrice.price(
                type: .future, strike: nil, contractLast: try last(position.instrumentID), underlyingLast: nil, tickSize: position.tickSize)
        case .call, .put:
            guard let underlying = position.underlying,
                let spotID = try ledger.instrumentID(symbol: underlying, exchanges: ExchangeCode(rawValue: position.exchange).spotExchanges)
            else { return nil }
            return ExpirySettlementPrice.price(
                type: position.type, strike: position.strike, contractLast: nil, underlyingLast: try last(spotID), tickSize: position.tickSize)
        case .equity, .index:
            return nil
        }
    }
}
