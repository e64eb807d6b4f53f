// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import HTTPTypes
import Hummingbird
import Schema

/// OpenAlgo's `optionsorder` and `optionsmultiorder`: the option is picked by offset from the
/// underlying's price (ATM, ITMn, OTMn) and expiry, then ordered through the sandbox like any other.
/// Field errors use the options endpoints' shape, `{"message":"Validation error","errors":{…}}`.
struct OptionsOrderController: Sendable {
    let authenticator: APIKeyAuthenticator
    let broker: SandboxBroker
    let resolver: OptionSymbolResolver
    let maxBodyBytes: Int

    static let legFields: Set<String> = [
        "offset", "option_type", "action", "quantity", "splitsize", "expiry_date", "pricetype", "product", "price", "trigger_price",
        "disclosed_quantity",
    ]

    func register(on routes: APIv1Routes) {
        routes.post("optionsorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(
                allowed: Self.legFields.union(["strategy", "underlying", "exchange", "strike_int"]), error: APIError.validation)
            let strategy = try body.requiredString("strategy", maxLength: 255, error: APIError.validation)
            let underlying = try body.requiredString("underlying", error: APIError.validation)
            let exchange = try body.requiredString("exchange", maxLength: 16, error: APIError.validation)
            let leg = try await resolveLeg(body.fields, underlying: underlying, exchange: exchange, strategy: strategy, expiry: nil)
            let placed = try await place(leg, userID: principal.userID)
            var reply: [String: JSONValue] = [
                "status": .string("success"), "mode": .string("analyze"), "symbol": .string(leg.resolution.option.symbol),
                "exchange": .string(leg.resolution.option.exchange.rawValue), "offset": .string(leg.offset),
                "option_type": .string(leg.optionType), "underlying": .string(leg.resolution.underlying),
                "underlying_ltp": .number(leg.resolution.underlyingLTP),
            ]
            if placed.count == 1, case .object(let only) = placed[0], let orderID = only["orderid"] {
                reply["orderid"] = orderID
            } else {
                reply["results"] = .array(placed)
            }
            return try JSONResponse.make(JSONValue.object(reply))
        }
        routes.post("optionsmultiorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(
                allowed: ["strategy", "underlying", "exchange", "expiry_date", "strike_int", "legs"], error: APIError.validation)
            let strategy = try body.requiredString("strategy", maxLength: 255, error: APIError.validation)
            let underlying = try body.requiredString("underlying", error: APIError.validation)
            let exchange = try body.requiredString("exchange", maxLength: 16, error: APIError.validation)
            let expiry = try body.optionalString("expiry_date", maxLength: 9, error: APIError.validation)
            guard case .array(let items)? = body.fields["legs"], (1...20).contains(items.count) else {
                throw APIError.validation("legs", "A list of 1 to 20 legs is required.")
            }
            // Every leg is resolved before any is placed: one bad leg places nothing.
            var legs: [ResolvedLeg] = []
            for (index, item) in items.enumerated() {
                guard case .object(let fields) = item else { throw APIError.validation("legs", "Leg \(index + 1) is not an object.") }
                do {
                    try APIRequestBody(fields: fields).rejectUnknownFields(allowed: Self.legFields, error: APIError.validation)
                    legs.append(try await resolveLeg(fields, underlying: underlying, exchange: exchange, strategy: strategy, expiry: expiry))
                } catch let error as APIError {
                    throw APIError(error.status, message: "Validation error", extra: ["errors": .object(["legs[\(index + 1)]": error.jsonDetail])])
                }
            }
            // BUY legs first, so a hedged short leg finds its margin benefit in place.
            let order = legs.indices.sorted { (legs[$0].ticket.action == .buy ? 0 : 1, $0) < (legs[$1].ticket.action == .buy ? 0 : 1, $1) }
            var results = [JSONValue](repeating: .null, count: legs.count)
            for index in order {
                let leg = legs[index]
                var result: [String: JSONValue] = [
                    "leg": .integer(Int64(index + 1)), "symbol": .string(leg.resolution.option.symbol), "offset": .string(leg.offset),
                    "option_type": .string(leg.optionType), "action": .string(leg.ticket.action.rawValue), "mode": .string("analyze"),
                ]
                let placed = try await place(leg, userID: principal.userID)
                if placed.count == 1, case .object(let only) = placed[0] {
                    result.merge(only.filter { $0.key != "quantity" }, uniquingKeysWith: { _, new in new })
                } else {
                    result["status"] = .string("success")
                    result["results"] = .array(placed)
                }
                results[index] = .object(result)
            }
            let ltp = legs.first?.resolution.underlyingLTP ?? 0
            return try JSONResponse.make(
                JSONValue.object([
                    "status": .string("success"), "mode": .string("analyze"), "underlying": .string(legs.first?.resolution.underlying ?? underlying),
                    "underlying_ltp": .number(ltp), "results": .array(results),
                ]))
        }
    }

    struct ResolvedLeg: Sendable {
        var ticket: OrderTicket
        var splitSize: Int64
        var offset: String
        var optionType: String
        var resolution: OptionSymbolResolver.Resolution
    }

    private func resolveLeg(
        _ fields: [String: JSONValue], underlying: String, exchange: String, strategy: String, expiry: String?
    ) async throws -> ResolvedLeg {
        let body = APIRequestBody(fields: fields)
        let offset = try body.requiredString("offset", maxLength: 8, error: APIError.validation).uppercased()
        let optionType = try body.requiredString("option_type", maxLength: 2, error: APIError.validation).uppercased()
        let resolution = try await resolver.resolve(
            underlying: underlying, exchange: exchange,
            expiryDate: try body.optionalString("expiry_date", maxLength: 9, error: APIError.validation) ?? expiry,
            offset: offset, optionType: optionType)
        var orderFields = fields
        orderFields["strategy"] = .string(strategy)
        orderFields["exchange"] = .string(resolution.option.exchange.rawValue)
        orderFields["symbol"] = .string(resolution.option.symbol)
        let parsed = OrderRequestFields(body: APIRequestBody(fields: orderFields))
        let ticket: OrderTicket
        do {
            ticket = try parsed.ticket()
        } catch let error as APIError {
            throw APIError(.badRequest, message: "Validation error", extra: ["errors": error.jsonDetail])
        }
        guard ticket.product != .cnc else { throw APIError.validation("product", "Options orders take MIS or NRML.") }
        let split = try body.optionalInteger("splitsize", in: 0...1_000_000, error: APIError.validation) ?? 0
        return ResolvedLeg(ticket: ticket, splitSize: Int64(split), offset: offset, optionType: optionType, resolution: resolution)
    }

    /// Places one leg (split into `splitsize` parts when asked); each part's outcome as OpenAlgo
    /// reports it. A single unsplit order that is refused is an error answer, as `placeorder`'s.
    private func place(_ leg: ResolvedLeg, userID: Int64) async throws -> [JSONValue] {
        let sizes = leg.splitSize > 0 ? SmartOrder.split(total: leg.ticket.quantity, size: leg.splitSize) : [leg.ticket.quantity]
        guard let sizes else {
            throw APIError.validation("splitsize", "More than \(CompositeOrderController.maximumChildren) orders; use a larger splitsize.")
        }
        if sizes.count == 1 {
            do {
                let placed = try await broker.place(leg.ticket, userID: userID)
                return [.object(["orderid": .string(placed.orderID), "status": .string("success"), "quantity": .integer(placed.quantity)])]
            } catch let rejection as OrderRejection { throw APIError.rejected(rejection) }
        }
        var results: [JSONValue] = []
        for (index, size) in sizes.enumerated() {
            var child = leg.ticket
            child.quantity = size
            var result: [String: JSONValue] = ["order_num": .integer(Int64(index + 1)), "quantity": .integer(size)]
            do {
                result["orderid"] = .string(try await broker.place(child, userID: userID).orderID)
                result["status"] = .string("success")
            } catch let rejection as OrderRejection {
                result["status"] = .string("error")
                result["message"] = .string(rejection.description)
            }
            results.append(.object(result))
        }
        return results
    }

}

extension APIError {
    /// The field detail of a validation error, for nesting under a leg.
    var jsonDetail: JSONValue {
        if case .object(let errors)? = extra["errors"] { return .object(errors) }
        return message
    }
}
