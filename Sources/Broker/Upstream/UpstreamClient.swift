// SPDX-License-Identifier: Apache-2.0
public import Core
public import Foundation

/// OpenAlgo's REST v1 as a client, for one upstream account: the calls the order route and the
/// reconcile loop make. It holds the opened API key only for its own short life (one request or
/// one reconcile pass) and never logs it.
public struct UpstreamClient: Sendable {
    public let accountName: String
    let baseURL: URL
    let apiKey: String
    let transport: any UpstreamTransport
    let timeout: Duration

    /// - Throws: ``UpstreamError`` `.unreachable` for a host that is not an http(s) URL.
    public init(accountName: String, hostURL: String, apiKey: String, transport: any UpstreamTransport, timeout: Duration) throws {
        let trimmed = hostURL.hasSuffix("/") ? String(hostURL.dropLast()) : hostURL
        guard let url = URL(string: trimmed + "/api/v1/"), ["http", "https"].contains(url.scheme ?? "") else {
            throw UpstreamError(account: accountName, kind: .unreachable, message: "the host URL \(hostURL) is not http(s)")
        }
        self.accountName = accountName
        baseURL = url
        self.apiKey = apiKey
        self.transport = transport
        self.timeout = timeout
    }

    // MARK: Orders

    /// Places `ticket` and returns the upstream's order id.
    public func placeOrder(_ ticket: OrderTicket) async throws -> String {
        let reply = try await call("placeorder", Self.orderFields(ticket))
        guard let id = Self.text(reply["orderid"]), !id.isEmpty else { throw bad("placeorder answered without an orderid") }
        return id
    }

    /// Replaces the terms of upstream order `brokerOrderID` (OpenAlgo's modify is a full replacement).
    public func modifyOrder(_ brokerOrderID: String, to ticket: OrderTicket) async throws {
        var fields = Self.orderFields(ticket)
        fields["orderid"] = brokerOrderID
        _ = try await call("modifyorder", fields)
    }

    public func cancelOrder(_ brokerOrderID: String, strategy: String) async throws {
        _ = try await call("cancelorder", ["orderid": brokerOrderID, "strategy": strategy])
    }

    // MARK: Books

    /// One row of the upstream's order book.
    public struct OrderRow: Sendable, Equatable {
        public var orderID: String
        public var status: String
        public var quantity: Int64
        public var filledQuantity: Int64?
        public var averagePrice: Double
        public var rejectionReason: String?
    }

    /// One row of the upstream's trade book.
    public struct TradeRow: Sendable, Equatable {
        public var orderID: String
        /// The upstream's trade id, or one made from the row's fields when it sends none
        /// (OpenAlgo's live brokers), stable across reads of the same book.
        public var tradeID: String
        public var quantity: Int64
        public var price: Double
    }

    /// One row of the upstream's position book.
    public struct PositionRow: Sendable, Equatable {
        public var exchange: String
        public var symbol: String
        public var product: String
        public var netQuantity: Int64
    }

    public func orderBook() async throws -> [OrderRow] {
        let reply = try await call("orderbook", [:])
        let data = reply["data"] as? [String: Any]
        let orders = (data?["orders"] as? [Any]) ?? (reply["data"] as? [Any]) ?? []
        return orders.compactMap { item in
            guard let row = item as? [String: Any], let id = Self.text(row["orderid"]) else { return nil }
            return OrderRow(
                orderID: id, status: (Self.text(row["order_status"]) ?? "").lowercased(), quantity: Self.integer(row["quantity"]) ?? 0,
                filledQuantity: Self.integer(row["filled_quantity"]), averagePrice: Self.number(row["average_price"]) ?? 0,
                rejectionReason: Self.text(row["rejection_reason"]))
        }
    }

    public func tradeBook() async throws -> [TradeRow] {
        let reply = try await call("tradebook", [:])
        return ((reply["data"] as? [Any]) ?? []).compactMap { item in
            guard let row = item as? [String: Any], let orderID = Self.text(row["orderid"]), let quantity = Self.integer(row["quantity"]) else {
                return nil
            }
            let price = Self.number(row["price"]) ?? Self.number(row["average_price"]) ?? 0
            let tradeID =
                Self.text(row["tradeid"]).flatMap { $0.isEmpty ? nil : $0 }
                ?? "\(orderID)@\(Self.text(row["timestamp"]) ?? "")#\(quantity)x\(price)"
            return TradeRow(orderID: orderID, tradeID: tradeID, quantity: quantity, price: price)
        }
    }

    public func positionBook() async throws -> [PositionRow] {
        let reply = try await call("positionbook", [:])
        return ((reply["data"] as? [Any]) ?? []).compactMap { item in
            guard let row = item as? [String: Any], let exchange = Self.text(row["exchange"]), let symbol = Self.text(row["symbol"]) else {
                return nil
            }
            return PositionRow(
                exchange: exchange, symbol: symbol, product: Self.text(row["product"]) ?? "", netQuantity: Self.integer(row["quantity"]) ?? 0)
        }
    }

    /// The upstream's answer to an account endpoint (`funds`, `holdings`), as it sent it.
    public func rawAnswer(_ endpoint: String) async throws -> Data {
        let (_, data) = try await send(endpoint, [:])
        return data
    }

    // MARK: The envelope

    /// POSTs `fields` plus the API key and returns the success body.
    /// - Throws: ``UpstreamError``.
    func call(_ endpoint: String, _ fields: [String: String]) async throws -> [String: Any] {
        let (object, _) = try await send(endpoint, fields)
        return object
    }

    private func send(_ endpoint: String, _ fields: [String: String]) async throws -> ([String: Any], Data) {
        var body = fields
        body["apikey"] = apiKey
        let payload = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        guard let url = URL(string: endpoint, relativeTo: baseURL) else { throw bad("no URL for \(endpoint)") }
        let status: Int
        let data: Data
        do {
            (status, data) = try await transport.post(url, body: payload, timeout: timeout)
        } catch UpstreamTransportFailure.unreachable(let reason) {
            throw UpstreamError(account: accountName, kind: .unreachable, message: reason)
        } catch UpstreamTransportFailure.timedOut(let reason) {
            throw UpstreamError(account: accountName, kind: .timedOut, message: reason)
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let message = object.flatMap { Self.text($0["message"]) } ?? String(decoding: data.prefix(300), as: UTF8.self)
        guard status == 200 else { throw UpstreamError(account: accountName, kind: .refused(httpStatus: status), message: message) }
        guard let object else { throw bad("\(endpoint) answered with something that is not JSON") }
        guard Self.text(object["status"]) == "success" else {
            throw UpstreamError(account: accountName, kind: .refused(httpStatus: 200), message: message)
        }
        return (object, data)
    }

    private func bad(_ message: String) -> UpstreamError { UpstreamError(account: accountName, kind: .badAnswer, message: message) }

    /// The fields the official client sends, numbers as strings.
    static func orderFields(_ ticket: OrderTicket) -> [String: String] {
        [
            "strategy": ticket.strategy.isEmpty ? "RealAlgo" : ticket.strategy, "exchange": ticket.exchange, "symbol": ticket.symbol,
            "action": ticket.action.rawValue, "quantity": String(ticket.quantity), "pricetype": ticket.priceType.rawValue,
            "product": ticket.product.rawValue, "price": format(ticket.price), "trigger_price": format(ticket.triggerPrice),
            "disclosed_quantity": String(ticket.disclosedQuantity),
        ]
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let string as String: Double(string.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    static func integer(_ value: Any?) -> Int64? {
        guard let number = number(value), number.isFinite, abs(number) < 1e15 else { return nil }
        return Int64(number.rounded())
    }
}
