// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import HTTPTypes
import Hummingbird
import Schema

/// OpenAlgo's `margin`: what a basket of orders would block, by the sandbox's own margin rules
/// (quantity × price ÷ leverage per product and instrument type, each order on its own).
struct MarginController: Sendable {
    let authenticator: APIKeyAuthenticator
    let broker: SandboxBroker
    let prices: any PriceSource
    let maxBodyBytes: Int

    func register(on routes: APIv1Routes) {
        routes.post("margin") { request, _ in
            let body = try await APIRequestBody.read(request, limit: maxBodyBytes)
            _ = try await authenticator.authenticate(try body.apiKey())
            try body.rejectUnknownFields(allowed: ["positions"], error: APIError.orderField)
            guard case .array(let items)? = body.fields["positions"], (1...50).contains(items.count) else {
                throw APIError.orderField("positions", "A list of 1 to 50 positions is required.")
            }
            let policy = broker.currentRules.margin
            var derivatives = 0.0
            var equity = 0.0
            for (index, item) in items.enumerated() {
                guard case .object(var fields) = item else { throw APIError.orderField("positions", "Item \(index) is not an object.") }
                fields["strategy"] = .string("margin")
                let itemBody = APIRequestBody(fields: fields)
                let ticket: OrderTicket
                do {
                    try itemBody.rejectUnknownFields(allowed: OrderRequestFields.orderFields, error: APIError.orderField)
                    ticket = try OrderRequestFields(body: itemBody).ticket()
                } catch let error as APIError {
                    throw APIError(.badRequest, message: "positions[\(index)]: \(error.message.stringValue ?? "\(error.message)")")
                }
                guard let instrument = broker.instrumentCatalog.instrument(symbol: ticket.symbol, exchange: ticket.exchange) else {
                    throw APIError(.badRequest, message: "positions[\(index)]: unknown symbol \(ticket.symbol) on \(ticket.exchange)")
                }
                let reference: Double =
                    switch ticket.priceType {
                    case .market: prices.snapshot(instrumentID: instrument.id)?.lastPrice ?? 0
                    case .limit: ticket.price
                    case .stopLossLimit, .stopLossMarket: ticket.triggerPrice
                    }
                guard reference > 0 else {
                    throw APIError(.badRequest, message: "positions[\(index)]: no price is available for \(ticket.symbol) yet")
                }
                let margin = policy.orderMargin(
                    instrument: instrument, product: ticket.product, action: ticket.action, quantity: ticket.quantity, position: 0, price: reference)
                if instrument.type == .equity { equity += margin } else { derivatives += margin }
            }
            func money(_ value: Double) -> JSONValue { .number((value * 100).rounded() / 100) }
            return try JSONResponse.make(
                JSONValue.object([
                    "status": .string("success"), "mode": .string("analyze"),
                    "data": .object([
                        "total_margin_required": money(derivatives + equity),
                        // The sandbox's leverage model has no SPAN/exposure split: F&O margin is
                        // reported as SPAN and equity margin as exposure.
                        "span_margin": money(derivatives), "exposure_margin": money(equity),
                    ]),
                ]))
        }
    }
}
