// SPDX-License-Identifier: Apache-2.0
import Core
import Synchronization

/// The sandbox's working orders by instrument, so a tick costs a dictionary lookup when nothing
/// rests on its instrument. The hub is the truth: every decision taken from here is re-checked
/// against the stored order inside the transaction that acts on it.
final class RestingOrders: Sendable {
    struct Entry: Sendable, Equatable {
        var rowID: Int64
        var rule: FillRule.Order
    }

    private let byInstrument = Mutex<[Int64: [Int64: FillRule.Order]]>([:])

    func insert(rowID: Int64, instrumentID: Int64, rule: FillRule.Order) {
        byInstrument.withLock { $0[instrumentID, default: [:]][rowID] = rule }
    }

    func remove(rowID: Int64, instrumentID: Int64) {
        byInstrument.withLock { book in
            book[instrumentID]?[rowID] = nil
            if book[instrumentID]?.isEmpty == true { book[instrumentID] = nil }
        }
    }

    func contains(instrumentID: Int64) -> Bool {
        byInstrument.withLock { $0[instrumentID] != nil }
    }

    var count: Int { byInstrument.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// The orders on `snapshot`'s instrument whose rule says to act on it.
    func due(on snapshot: PriceSnapshot) -> [Entry] {
        byInstrument.withLock { book in
            guard let orders = book[snapshot.instrumentID] else { return [] }
            return orders.compactMap { rowID, rule in
                switch FillRule.decide(rule, on: snapshot, resting: true) {
                case .fill: Entry(rowID: rowID, rule: rule)
                case .trigger where !rule.triggered: Entry(rowID: rowID, rule: rule)
                case .trigger, .wait, .noPrice: nil
                }
            }
            .sorted { $0.rowID < $1.rowID }
        }
    }
}
