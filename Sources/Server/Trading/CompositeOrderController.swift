// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import HTTPTypes
import Hummingbird
import Schema

/// OpenAlgo's order endpoints that place several orders or work out the order for the caller:
/// `placesmartorder` (reach a target position), `basketorder` and `splitorder`.
struct CompositeOrderController: Sendable {
    let authenticator: APIKeyAuthenticator
    let broker: SandboxBroker
    let store: Store
    let maxBodyBytes: Int

    /// OpenAlgo's ceiling on one split (and a sane bound on a basket).
    static let maximumChildren = 100

    func register(on routes: APIv1Routes) {
        routes.post("placesmartorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: OrderRequestFields.orderFields.union(["position_size"]), error: APIError.orderField)
            let fields = OrderRequestFields(body: body)
            guard let sizeValue = body.fields["position_size"], sizeValue != .null else {
                throw APIError.orderField("position_size", "Missing data for required field.")
            }
            guard let target = OrderRequestFields.number(sizeValue), target.isFinite, target == target.rounded(.towardZero), abs(target) < 1e12 else {
                throw APIError.orderField("position_size", "Must be a whole number (the signed net position wanted).")
            }
            var ticket = try fields.ticket(allowingZeroQuantity: true)
            let current = try await store.books.openQuantity(
                userID: principal.userID, exchange: ticket.exchange, symbol: ticket.symbol, product: ticket.product.rawValue)
            let order = SmartOrder.plan(target: Int64(target), current: current, action: ticket.action, quantity: ticket.quantity)
            guard let (action, quantity) = order else {
                return try SandboxReplies.success(["message": .string("Positions Already Matched. No Action needed.")])
            }
            ticket.action = action
            ticket.quantity = quantity
            let placed = try await SandboxReplies.answeringRejections { try await broker.place(ticket, userID: principal.userID) }
            return try SandboxReplies.success(["orderid": .string(placed.orderID)])
        }
        routes.post("splitorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: OrderRequestFields.orderFields.union(["splitsize"]), error: APIError.orderField)
            let fields = OrderRequestFields(body: body)
            let ticket = try fields.ticket()
            let splitSize = try fields.quantity("splitsize", exchange: ticket.exchange)
            guard let sizes = SmartOrder.split(total: ticket.quantity, size: splitSize) else {
                throw APIError.orderField(
                    "splitsize",
                    "\(ticket.quantity) in parts of \(splitSize) would be more than \(Self.maximumChildren) orders, the most one split may place.")
            }
            var results: [JSONValue] = []
            for (index, size) in sizes.enumerated() {
                var child = ticket
                child.quantity = size
                var result: [String: JSONValue] = ["order_num": .integer(Int64(index + 1)), "quantity": .integer(size)]
                do {
                    let placed = try await broker.place(child, userID: principal.userID)
                    result["orderid"] = .string(placed.orderID)
                    result["status"] = .string("success")
                } catch let rejection as OrderRejection {
                    result["status"] = .string("error")
                    result["message"] = .string(rejection.description)
                }
                results.append(.object(result))
            }
            return try SandboxReplies.success([
                "split_size": .integer(splitSize), "total_quantity": .integer(ticket.quantity), "results": .array(results),
            ])
        }
        routes.post("basketorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["strategy", "orders"], error: APIError.orderField)
            let strategy = try OrderRequestFields(body: body).string("strategy", maxLength: 255)
            guard case .array(let items)? = body.fields["orders"], !items.isEmpty else {
                throw APIError.orderField("orders", "A list of at least one order is required.")
            }
            guard items.count <= Self.maximumChildren else {
                throw APIError.orderField("orders", "At most \(Self.maximumChildren) orders per basket.")
            }
            // Every item is read before any is placed: a malformed basket places nothing.
            var tickets: [OrderTicket] = []
            for (index, item) in items.enumerated() {
                guard case .object(var itemFields) = item else { throw APIError.orderField("orders", "Item \(index) is not an object.") }
                itemFields["strategy"] = .string(strategy)
                let itemBody = APIRequestBody(fields: itemFields)
                do {
                    try itemBody.rejectUnknownFields(allowed: OrderRequestFields.orderFields, error: APIError.orderField)
                    tickets.append(try OrderRequestFields(body: itemBody).ticket())
                } catch let error as APIError {
                    throw APIError(.badRequest, message: "orders[\(index)]: \(error.message.stringValue ?? "\(error.message)")")
                }
            }
            // BUY legs first, as OpenAlgo does, so a hedge's margin is in place before its short leg.
            let ordered = tickets.enumerated().sorted {
                ($0.element.action == .buy ? 0 : 1, $0.offset) < ($1.element.action == .buy ? 0 : 1, $1.offset)
            }
            var results: [JSONValue] = []
            for (_, ticket) in ordered {
                var result: [String: JSONValue] = ["symbol": .string(ticket.symbol)]
                do {
                    let placed = try await broker.place(ticket, userID: principal.userID)
                    result["status"] = .string("success")
                    result["orderid"] = .string(placed.orderID)
                } catch let rejection as OrderRejection {
                    result["status"] = .string("error")
                    result["message"] = .string(rejection.description)
                }
                results.append(.object(result))
            }
            return try SandboxReplies.success(["results": .array(results)])
        }
    }

}

/// The arithmetic of `placesmartorder` and `splitorder`, kept pure for table tests.
enum SmartOrder {
    /// The order that moves the net position from `current` to `target`, or nil when they match.
    /// With both flat, OpenAlgo places `quantity` in `action` (a plain order through the smart endpoint).
    static func plan(target: Int64, current: Int64, action: OrderAction, quantity: Int64) -> (OrderAction, Int64)? {
        if target == 0, current == 0 { return quantity > 0 ? (action, quantity) : nil }
        let delta = target - current
        guard delta != 0 else { return nil }
        return (delta > 0 ? .buy : .sell, abs(delta))
    }

    /// `total` in parts of `size`, the last part carrying the remainder; nil when that would be
    /// more than `limit` parts.
    static func split(total: Int64, size: Int64, limit: Int = CompositeOrderController.maximumChildren) -> [Int64]? {
        guard total > 0, size > 0 else { return [] }
        let full = total / size
        let remainder = total % size
        guard full + (remainder > 0 ? 1 : 0) <= Int64(limit) else { return nil }
        return Array(repeating: size, count: Int(full)) + (remainder > 0 ? [remainder] : [])
    }
}
