// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import NIOCore
import Schema

/// Sends `order_update` messages to the WebSocket clients that asked for them
/// (`subscribe_orders`): every committed change to an order — placed, filled, modified,
/// cancelled, rejected, whoever wrote it — goes to the connections of the user who owns the
/// order's account, after the commit, in commit order.
///
/// It follows the store's change feed rather than being called by the order path, so no writer
/// can forget to publish and nothing is announced that a rollback undid.
final class OrderUpdateStream: ChangeFeedFollower {
    let store: Store
    private let sessions: @Sendable () -> [FeedSession]
    private let logger: Logger

    init(store: Store, logger: Logger, sessions: @escaping @Sendable () -> [FeedSession]) {
        self.store = store
        self.sessions = sessions
        self.logger = logger
    }

    /// Sends the orders `transaction` touched to their owners' subscribed sessions.
    func deliver(_ transaction: CommittedTransaction) async {
        let rowIDs = transaction.orderRowIDs
        guard !rowIDs.isEmpty else { return }
        let listeners = sessions().filter { $0.ordersSubscribed && $0.principal != nil }
        guard !listeners.isEmpty else { return }
        do {
            for update in try await store.orders.updates(rowIDs: rowIDs) {
                let message = Self.encode(update)
                for session in listeners where session.principal?.userID == update.userID {
                    session.enqueue(message)
                }
            }
        } catch {
            logger.error("order updates could not be read", metadata: ["error": "\(error)"])
        }
    }

    /// OpenAlgo's `order_update` message.
    static func encode(_ update: OrderUpdate) -> ByteBuffer {
        let body: [String: JSONValue] = [
            "type": .string("order_update"), "user_id": .string(update.username), "mode": .string(update.mode),
            "broker": .string(update.broker), "orderid": .string(update.orderID), "symbol": .string(update.symbol),
            "exchange": .string(update.exchange), "action": .string(update.action), "quantity": .integer(update.quantity),
            "price": .number(update.price), "trigger_price": .number(update.triggerPrice), "pricetype": .string(update.priceType),
            "product": .string(update.product), "order_status": .string(update.status),
            "filled_quantity": .integer(update.filledQuantity), "pending_quantity": .integer(update.pendingQuantity),
            "average_price": .number(update.averagePrice), "rejection_reason": .string(update.rejectionReason),
            "strategy": .string(update.strategy),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: (try? encoder.encode(body)) ?? Data())
    }
}
