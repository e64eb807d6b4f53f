// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import Foundation
import HTTPTypes
import Schema

extension APIError {
    /// 400 in the shape OpenAlgo's order endpoints use: the message is the field dictionary as
    /// Python prints it, `{'quantity': ['Must be greater than 0.']}`.
    static func orderField(_ field: String, _ problem: String) -> APIError {
        let escaped = problem.replacingOccurrences(of: "'", with: "\\'")
        return APIError(.badRequest, message: "{'\(field)': ['\(escaped)']}")
    }

    /// The answer to an order the broker refused: 400 naming the field when one is at fault, 404
    /// for an unknown order; sandbox answers carry `"mode": "analyze"`.
    static func rejected(_ rejection: OrderRejection) -> APIError {
        let mode: [String: JSONValue] = ["mode": .string("analyze")]
        switch rejection.kind {
        case .notFound: return APIError(.notFound, message: rejection.message)
        case .invalid:
            if let field = rejection.field { return APIError(.badRequest, message: "\(field): \(rejection.message)", extra: mode) }
            return APIError(.badRequest, message: rejection.message, extra: mode)
        case .refused, .conflict: return APIError(.badRequest, message: rejection.message, extra: mode)
        }
    }
}

/// Reads OpenAlgo's order fields (numbers may arrive as strings) into an ``OrderTicket``.
struct OrderRequestFields {
    let body: APIRequestBody

    static let orderFields: Set<String> = [
        "strategy", "exchange", "symbol", "action", "quantity", "pricetype", "product", "price", "trigger_price", "disclosed_quantity",
    ]

    /// `placeorder`'s exit bracket (the official client documents them; real OpenAlgo refuses them).
    static let exitBracketFields: Set<String> = ["target", "stoploss", "trailing_sl"]

    /// The exit bracket `target` (price), `stoploss` (price) and `trailing_sl` (points) describe,
    /// or nil when none is set; 0, an empty string and null mean "not set", as for prices.
    func exitBracket() throws -> ExitBracketTerms? {
        func positive(_ name: String) throws -> Double? {
            let value = try price(name)
            return value > 0 ? value : nil
        }
        let terms = ExitBracketTerms(target: try positive("target"), stoploss: try positive("stoploss"), trailingPoints: try positive("trailing_sl"))
        return terms.isEmpty ? nil : terms
    }

    /// The order a `placeorder`-shaped body describes.
    func ticket(requireStrategy: Bool = true, defaultPriceType: PriceType = .market, allowingZeroQuantity: Bool = false) throws -> OrderTicket {
        let strategy = requireStrategy ? try string("strategy", maxLength: 255) : (try optionalString("strategy", maxLength: 255) ?? "")
        let exchange = try string("exchange", maxLength: 16).uppercased()
        guard Self.exchanges.contains(exchange) else {
            throw APIError.orderField("exchange", "Must be one of: \(Self.exchanges.sorted().joined(separator: ", ")).")
        }
        return OrderTicket(
            strategy: strategy, exchange: exchange, symbol: try string("symbol").uppercased(), action: try action(),
            quantity: try quantity("quantity", exchange: exchange, allowZero: allowingZeroQuantity),
            priceType: try priceType(default: defaultPriceType),
            product: try product(), price: try price("price"), triggerPrice: try price("trigger_price"),
            disclosedQuantity: try integer("disclosed_quantity", default: 0))
    }

    /// OpenAlgo's `VALID_EXCHANGES`.
    static let exchanges: Set<String> = [
        "NSE", "NFO", "CDS", "BSE", "BFO", "BCD", "MCX", "NCDEX", "NCO", "NSE_INDEX", "BSE_INDEX", "MCX_INDEX", "GLOBAL_INDEX", "CRYPTO",
    ]

    func string(_ name: String, maxLength: Int = 64) throws -> String {
        try body.requiredString(name, maxLength: maxLength, error: APIError.orderField)
    }

    func optionalString(_ name: String, maxLength: Int = 64) throws -> String? {
        try body.optionalString(name, maxLength: maxLength, error: APIError.orderField)
    }

    func action() throws -> OrderAction {
        let text = try string("action", maxLength: 8).uppercased()
        guard let action = OrderAction(rawValue: text) else { throw APIError.orderField("action", "Must be one of: BUY, SELL.") }
        return action
    }

    func priceType(default fallback: PriceType) throws -> PriceType {
        guard let text = try optionalString("pricetype", maxLength: 8) else { return fallback }
        guard let type = PriceType(rawValue: text.uppercased()) else {
            throw APIError.orderField("pricetype", "Must be one of: MARKET, LIMIT, SL, SL-M.")
        }
        return type
    }

    func product() throws -> Product {
        guard let text = try optionalString("product", maxLength: 8) else { return .mis }
        guard let product = Product(rawValue: text.uppercased()) else { throw APIError.orderField("product", "Must be one of: CNC, NRML, MIS.") }
        return product
    }

    /// A quantity: a number (or numeric string) greater than 0, whole except on CRYPTO.
    func quantity(_ name: String, exchange: String, allowZero: Bool = false) throws -> Int64 {
        guard let value = body.fields[name], value != .null else { throw APIError.orderField(name, "Missing data for required field.") }
        guard let number = Self.number(value), number.isFinite else { throw APIError.orderField(name, "Not a valid number.") }
        guard allowZero ? number >= 0 : number > 0 else {
            throw APIError.orderField(name, allowZero ? "Must be 0 or more." : "Must be greater than 0.")
        }
        guard number == number.rounded(.towardZero) else {
            throw APIError.orderField(name, "Must be a whole number on \(exchange) (fractional quantities are for CRYPTO only).")
        }
        guard number <= 1e12 else { throw APIError.orderField(name, "Too large.") }
        return Int64(number)
    }

    /// A price: a number ≥ 0, 0 when missing.
    func price(_ name: String) throws -> Double {
        guard let value = body.fields[name], value != .null else { return 0 }
        if case .string(let text) = value, text.trimmingCharacters(in: .whitespaces).isEmpty { return 0 }
        guard let number = Self.number(value), number.isFinite else { throw APIError.orderField(name, "Not a valid number.") }
        guard number >= 0 else { throw APIError.orderField(name, "Must be greater than or equal to 0.") }
        guard number < 1e12 else { throw APIError.orderField(name, "Too large.") }
        return number
    }

    func integer(_ name: String, default fallback: Int64) throws -> Int64 {
        guard let value = body.fields[name], value != .null else { return fallback }
        guard let number = Self.number(value), number.isFinite, number == number.rounded(.towardZero), abs(number) < 1e12 else {
            throw APIError.orderField(name, "Not a valid integer.")
        }
        guard number >= 0 else { throw APIError.orderField(name, "Must be greater than or equal to 0.") }
        return Int64(number)
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let integer): Double(integer)
        case .number(let double): double
        case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }
}
