// SPDX-License-Identifier: Apache-2.0
import Core
import Logging
public import Schema

/// What one reconcile pass of an upstream account found and did.
public struct ReconcileReport: Sendable, Equatable {
    /// Working orders that changed (new fills or a new status).
    public var ordersChanged = 0
    public var tradesAdded = 0
    /// Positions where the upstream's net quantity differs from the hub's (built from the orders
    /// RealAlgo placed): `EXCHANGE:SYMBOL:PRODUCT` → (hub, upstream). Orders placed on the upstream
    /// by anything else show up here; they are reported, not copied.
    public var positionDrift: [String: DriftedPosition] = [:]

    public struct DriftedPosition: Sendable, Equatable {
        public var hub: Int64
        public var upstream: Int64
    }
}

extension UpstreamDesk {
    /// Brings the hub's working orders on `account` up to the upstream's order book and trade
    /// book, and compares positions. Each order is applied in its own transaction, so one that the
    /// hub refuses (say, a fill past its limit) does not hold up the others.
    /// - Throws: ``UpstreamError`` when the upstream cannot be read (nothing changes then).
    public func reconcile(_ account: RouteAccount, timeout: Duration? = nil) async throws -> ReconcileReport {
        var report = ReconcileReport()
        let working = try await store.upstreamOrders.workingOrders(accountID: account.id)
        guard !working.isEmpty else { return report }
        let client = try client(for: account, timeout: timeout)
        async let orderRows = client.orderBook()
        async let tradeRows = client.tradeBook()
        async let positionRows = client.positionBook()
        let rows = Dictionary(try await orderRows.map { ($0.orderID, $0) }, uniquingKeysWith: { first, _ in first })
        let fills = Dictionary(grouping: try await tradeRows, by: \.orderID)
        for order in working {
            guard let brokerOrderID = order.brokerOrderID, let row = rows[brokerOrderID] else { continue }
            let state = UpstreamOrderState(
                brokerOrderID: brokerOrderID, status: Self.status(row.status),
                filledQuantity: row.filledQuantity ?? (row.status == "complete" ? row.quantity : 0), averagePrice: row.averagePrice,
                rejectionReason: row.rejectionReason,
                fills: (fills[brokerOrderID] ?? []).map { .init(brokerTradeID: $0.tradeID, quantity: $0.quantity, price: $0.price) })
            do {
                let applied = try await store.upstreamOrders.apply(state, toRowID: order.rowID, makeTradeID: tradeIDMaker())
                if applied.changed {
                    report.ordersChanged += 1
                    report.tradesAdded += applied.tradesAdded
                }
            } catch {
                logger.error(
                    "an upstream order's state could not be applied", metadata: ["orderid": "\(order.orderID)", "error": "\(error)"])
            }
        }
        if let upstreamPositions = try? await positionRows {
            var hub: [String: Int64] = [:]
            for position in try await store.upstreamOrders.positions(accountID: account.id) {
                hub["\(position.exchange):\(position.symbol):\(position.product.rawValue)"] = position.netQuantity
            }
            var upstream: [String: Int64] = [:]
            for row in upstreamPositions { upstream["\(row.exchange):\(row.symbol):\(row.product)", default: 0] += row.netQuantity }
            for key in Set(hub.keys).union(upstream.keys) where hub[key, default: 0] != upstream[key, default: 0] {
                report.positionDrift[key] = .init(hub: hub[key, default: 0], upstream: upstream[key, default: 0])
            }
        }
        return report
    }

    /// The hub's status for an upstream's status word; nil for words it does not know (the
    /// order is then left as it is).
    static func status(_ word: String) -> OrderStatus? {
        switch word.lowercased() {
        case "open": .open
        case "trigger pending", "trigger_pending": .triggerPending
        case "complete", "completed", "filled": .complete
        case "cancelled", "canceled": .cancelled
        case "rejected": .rejected
        default: nil
        }
    }
}
