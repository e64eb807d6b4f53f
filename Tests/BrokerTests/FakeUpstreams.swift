// SPDX-License-Identifier: Apache-2.0
import Broker
import Foundation
import Synchronization

/// Stands in for the network and the OpenAlgo hosts behind it (the upstreams are not RealAlgo's
/// components): records every request per host and answers like a small OpenAlgo server, or
/// fails as the test asks.
final class FakeUpstreams: UpstreamTransport {
    struct Request: Sendable {
        var host: String
        var endpoint: String
        var fields: [String: String]
    }

    enum Behaviour: Sendable {
        case accept
        case refuse(Int, String)
        case unreachable
        case timeOut
    }

    struct Order: Sendable {
        var status = "open"
        var quantity: Int64
        var filled: Int64 = 0
        var average = 0.0
    }

    struct Trade: Sendable {
        var orderID: String
        var tradeID: String?
        var quantity: Int64
        var price: Double
    }

    private struct State {
        var requests: [Request] = []
        var behaviour: [String: Behaviour] = [:]
        var orders: [String: [String: Order]] = [:]
        var trades: [String: [Trade]] = [:]
        var next = 0
    }

    private let state = Mutex(State())
    /// Runs when a `placeorder` arrives, before it is answered.
    let onPlace = Mutex<(@Sendable () async -> Void)?>(nil)

    var requests: [Request] { state.withLock { $0.requests } }

    func requests(to host: String, _ endpoint: String? = nil) -> [Request] {
        requests.filter { $0.host == host && (endpoint == nil || $0.endpoint == endpoint) }
    }

    func behave(_ host: String, _ behaviour: Behaviour) { state.withLock { $0.behaviour[host] = behaviour } }

    func order(_ host: String, _ id: String) -> Order? { state.withLock { $0.orders[host]?[id] } }

    /// The upstream fills (part of) order `id`.
    func fill(_ host: String, _ id: String, tradeID: String?, quantity: Int64, price: Double, listTrade: Bool = true) {
        state.withLock { state in
            guard var order = state.orders[host]?[id] else { return }
            order.average = (order.average * Double(order.filled) + price * Double(quantity)) / Double(order.filled + quantity)
            order.filled += quantity
            if order.filled == order.quantity { order.status = "complete" }
            state.orders[host]?[id] = order
            if listTrade { state.trades[host, default: []].append(Trade(orderID: id, tradeID: tradeID, quantity: quantity, price: price)) }
        }
    }

    func post(_ url: URL, body: Data, timeout: Duration) async throws -> (status: Int, body: Data) {
        let host = url.host ?? ""
        let endpoint = url.lastPathComponent
        let fields = (try JSONSerialization.jsonObject(with: body) as? [String: String]) ?? [:]
        let behaviour = state.withLock { state in
            state.requests.append(Request(host: host, endpoint: endpoint, fields: fields))
            return state.behaviour[host] ?? .accept
        }
        switch behaviour {
        case .unreachable: throw UpstreamTransportFailure.unreachable("connection refused")
        case .timeOut: throw UpstreamTransportFailure.timedOut("timed out")
        case .refuse(let status, let message): return try answer(status, ["status": "error", "message": message])
        case .accept: break
        }
        switch endpoint {
        case "placeorder":
            if let hook = onPlace.withLock({ $0 }) { await hook() }
            let id = state.withLock { state -> String in
                state.next += 1
                let id = "UP\(state.next)"
                state.orders[host, default: [:]][id] = Order(quantity: Int64(fields["quantity"] ?? "") ?? 0)
                return id
            }
            return try answer(200, ["status": "success", "orderid": id])
        case "modifyorder":
            state.withLock { $0.orders[host]?[fields["orderid"] ?? ""]?.quantity = Int64(fields["quantity"] ?? "") ?? 0 }
            return try answer(200, ["status": "success", "orderid": fields["orderid"] ?? ""])
        case "cancelorder":
            state.withLock { $0.orders[host]?[fields["orderid"] ?? ""]?.status = "cancelled" }
            return try answer(200, ["status": "success", "orderid": fields["orderid"] ?? ""])
        case "orderbook":
            let orders = state.withLock { $0.orders[host] ?? [:] }
            let rows: [[String: Any]] = orders.map { id, order in
                [
                    "orderid": id, "order_status": order.status, "quantity": order.quantity, "filled_quantity": order.filled,
                    "average_price": order.average,
                ]
            }
            return try answer(200, ["status": "success", "data": ["orders": rows]])
        case "tradebook":
            let trades = state.withLock { $0.trades[host] ?? [] }
            let rows: [[String: Any]] = trades.map { trade in
                var row: [String: Any] = ["orderid": trade.orderID, "quantity": trade.quantity, "price": trade.price, "timestamp": "t"]
                if let id = trade.tradeID { row["tradeid"] = id }
                return row
            }
            return try answer(200, ["status": "success", "data": rows])
        case "positionbook":
            return try answer(200, ["status": "success", "data": [] as [Any]])
        default:
            return try answer(404, ["status": "error", "message": "Not found"])
        }
    }

    private func answer(_ status: Int, _ object: [String: Any]) throws -> (status: Int, body: Data) {
        (status, try JSONSerialization.data(withJSONObject: object))
    }
}
