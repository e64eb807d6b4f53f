// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import Foundation
import HTTPTypes
import Hummingbird
import Schema

/// OpenAlgo's GTT endpoints over the sandbox: `placegttorder`, `modifygttorder`,
/// `cancelgttorder` and `gttorderbook`. Single and OCO (two-leg) triggers, each firing exactly once.
struct GTTController: Sendable {
    let authenticator: APIKeyAuthenticator
    let broker: SandboxBroker
    let store: Store
    let maxBodyBytes: Int

    func register(on routes: APIv1Routes) {
        routes.post("placegttorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            let ticket = try Self.ticket(body)
            let record = try await SandboxReplies.answeringRejections { try await broker.placeGTT(ticket, userID: principal.userID) }
            return try SandboxReplies.success(["trigger_id": .string(record.triggerID)])
        }
        routes.post("modifygttorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            let triggerID = try OrderRequestFields(body: body).string("trigger_id")
            let ticket = try Self.ticket(body)
            let record = try await SandboxReplies.answeringRejections {
                try await broker.modifyGTT(triggerID: triggerID, userID: principal.userID, to: ticket)
            }
            return try SandboxReplies.success(["trigger_id": .string(record.triggerID)])
        }
        routes.post("cancelgttorder") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["strategy", "trigger_id"], error: APIError.orderField)
            let fields = OrderRequestFields(body: body)
            _ = try fields.string("strategy", maxLength: 255)
            let triggerID = try fields.string("trigger_id")
            let record = try await SandboxReplies.answeringRejections { try await broker.cancelGTT(triggerID: triggerID, userID: principal.userID) }
            return try SandboxReplies.success(["trigger_id": .string(record.triggerID)])
        }
        routes.post("gttorderbook") { request, _ in
            let (body, principal) = try await SandboxReplies.read(request, limit: maxBodyBytes, authenticator: authenticator)
            try body.rejectUnknownFields(allowed: ["status"], error: APIError.orderField)
            // Active triggers by default (the ones that can still fire); "all" adds the history, active first.
            let scope = try body.optionalString("status", maxLength: 8, error: APIError.orderField)?.lowercased() ?? "active"
            guard scope == "active" || scope == "all" else { throw APIError.orderField("status", "Must be one of: active, all.") }
            let book = try await store.gttBook(userID: principal.userID)
            let active = book.filter { $0.status == .active }
            let listed = scope == "all" ? active + book.filter { $0.status != .active } : active
            return try SandboxReplies.success(["data": .array(listed.map(Self.render))])
        }
    }

    /// The GTT a place or modify body describes. GTT bodies ignore unknown keys, as OpenAlgo's do,
    /// and an empty string in a price field means 0 (or none).
    static func ticket(_ body: APIRequestBody) throws -> GTTTicket {
        let fields = OrderRequestFields(body: body)
        let strategy = try fields.optionalString("strategy", maxLength: 255) ?? ""
        let typeText = try fields.string("trigger_type", maxLength: 8).uppercased()
        guard let kind: GTTRecord.Kind = ["SINGLE": .single, "OCO": .twoLeg][typeText] else {
            throw APIError.orderField("trigger_type", "Must be one of: SINGLE, OCO.")
        }
        let exchange = try fields.string("exchange", maxLength: 16).uppercased()
        guard OrderRequestFields.exchanges.contains(exchange) else { throw APIError.orderField("exchange", "Not a valid exchange.") }
        let symbol = try fields.string("symbol").uppercased()
        let action = try fields.action()
        let productText = try fields.string("product", maxLength: 8).uppercased()
        guard let product = Product(rawValue: productText), product != .mis else {
            throw APIError.orderField("product", "Must be one of: CNC, NRML.")
        }
        let quantity = try fields.quantity("quantity", exchange: exchange)
        let priceType = try fields.priceType(default: .limit)
        let price = try fields.price("price")
        let stoplossTrigger = try fields.price("triggerprice_sl")
        let targetTrigger = try fields.price("triggerprice_tg")
        let stoploss = try fields.price("stoploss")
        let target = try fields.price("target")
        let expiresAt = try expiry(body)
        switch kind {
        case .single:
            // The server uses triggerprice_sl when both are set, as OpenAlgo's does.
            let trigger = stoplossTrigger > 0 ? stoplossTrigger : targetTrigger
            return GTTTicket(
                strategy: strategy, kind: .single, exchange: exchange, symbol: symbol, action: action, product: product, quantity: quantity,
                priceType: priceType, triggerPrice: trigger, price: priceType == .market ? 0 : price, expiresAt: expiresAt)
        case .twoLeg:
            return GTTTicket(
                strategy: strategy, kind: .twoLeg, exchange: exchange, symbol: symbol, action: action, product: product, quantity: quantity,
                priceType: priceType, triggerPrice: stoplossTrigger, price: stoploss, targetTrigger: targetTrigger, targetPrice: target,
                expiresAt: expiresAt)
        }
    }

    /// `expires_at`: `YYYY-MM-DD` (the end of that day, IST) or `YYYY-MM-DD HH:MM[:SS]` (IST),
    /// returned in the hub's UTC form.
    static func expiry(_ body: APIRequestBody) throws -> String? {
        guard let text = try body.optionalString("expires_at", maxLength: 32, error: APIError.orderField), !text.isEmpty else { return nil }
        let parts = text.split(separator: " ")
        guard let date = parts.first.flatMap({ LocalDate(iso: $0) }), parts.count <= 2 else {
            throw APIError.orderField("expires_at", "Use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (IST).")
        }
        var secondOfDay = 86_399
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":").compactMap { Int($0) }
            guard (2...3).contains(clock.count), (0..<24).contains(clock[0]), (0..<60).contains(clock[1]),
                clock.count == 2 || (0..<60).contains(clock[2])
            else { throw APIError.orderField("expires_at", "Use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (IST).") }
            secondOfDay = clock[0] * 3600 + clock[1] * 60 + (clock.count == 3 ? clock[2] : 0)
        }
        let utcSeconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(secondOfDay) - Int64(TradingCalendar.istOffsetSeconds)
        return BookRendering.hubTimestamp(secondsSinceEpoch: utcSeconds)
    }

    static func render(_ gtt: GTTRecord) -> JSONValue {
        func leg(_ trigger: Double, _ price: Double) -> JSONValue {
            .object([
                "action": .string(gtt.action.rawValue), "quantity": .integer(gtt.quantity), "pricetype": .string(gtt.priceType.rawValue),
                "price": .number(price), "trigger_price": .number(trigger), "product": .string(gtt.product.rawValue),
            ])
        }
        var legs = [leg(gtt.triggerPrice, gtt.price)]
        var triggers: [JSONValue] = [.number(gtt.triggerPrice)]
        if let target = gtt.targetTrigger {
            legs.append(leg(target, gtt.targetPrice ?? 0))
            triggers.append(.number(target))
        }
        return .object([
            "trigger_id": .string(gtt.triggerID), "trigger_type": .string(gtt.kind.rawValue), "status": .string(gtt.status.rawValue),
            "symbol": .string(gtt.symbol), "exchange": .string(gtt.exchange), "strategy": .string(gtt.strategy),
            "trigger_prices": .array(triggers), "last_price": .number(gtt.lastPrice), "legs": .array(legs),
            "fired_leg": gtt.firedLeg.map { .string($0) } ?? .null, "orderid": gtt.orderID.map { .string($0) } ?? .null,
            "rejection_reason": gtt.rejectionReason.map { .string($0) } ?? .null,
            "created_at": .string(BookRendering.timestamp(gtt.createdAt)), "updated_at": .string(BookRendering.timestamp(gtt.updatedAt)),
            "expires_at": gtt.expiresAt.map { .string(BookRendering.timestamp($0)) } ?? .null,
        ])
    }

}
