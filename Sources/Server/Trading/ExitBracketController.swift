// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import Foundation
import Schema

/// RealAlgo's exit-bracket endpoints: `exitbrackets` lists the brackets `placeorder` attached,
/// `cancelexitbracket` stops one from watching.
struct ExitBracketController: Sendable {
    let authenticator: APIKeyAuthenticator
    let broker: SandboxBroker
    let store: Store
    let maxBodyBytes: Int

    func register(on routes: APIv1Routes) {
        routes.post("exitbrackets") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["status"], error: APIError.orderField)
            let scope = try body.optionalString("status", maxLength: 8, error: APIError.orderField)?.lowercased() ?? "live"
            guard scope == "live" || scope == "all" else { throw APIError.orderField("status", "Must be one of: live, all.") }
            let brackets = try await store.books.exitBrackets(userID: principal.userID, all: scope == "all")
            return try SandboxReplies.success(["data": .array(brackets.map(Self.render))])
        }
        routes.post("cancelexitbracket") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["orderid"], error: APIError.orderField)
            let orderID = try OrderRequestFields(body: body).string("orderid")
            try await SandboxReplies.answeringRejections { try await broker.cancelBracket(entryOrderID: orderID, userID: principal.userID) }
            return try SandboxReplies.success(["orderid": .string(orderID)])
        }
    }

    static func render(_ bracket: ExitBracketRecord) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
        return .object([
            "orderid": .string(bracket.entryOrderID), "exchange": .string(bracket.exchange), "symbol": .string(bracket.symbol),
            "product": .string(bracket.product.rawValue), "side": .string(bracket.side.rawValue), "quantity": .integer(bracket.quantity),
            "target": number(bracket.terms.target), "stoploss": number(bracket.terms.stoploss), "trailing_sl": number(bracket.terms.trailingPoints),
            "entry_price": number(bracket.entryPrice), "stop_price": number(bracket.stopPrice), "status": .string(bracket.status.rawValue),
            "exit_leg": bracket.exitLeg.map { .string($0.rawValue) } ?? .null, "exit_orderid": bracket.exitOrderID.map { .string($0) } ?? .null,
            "reason": bracket.reason.map { .string($0) } ?? .null, "created_at": .string(BookRendering.timestamp(bracket.createdAt)),
            "updated_at": .string(BookRendering.timestamp(bracket.updatedAt)),
        ])
    }
}
