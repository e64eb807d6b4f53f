// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird
import Schema

/// OpenAlgo's symbol-master endpoints: `symbol`, `search` and `expiry`. They read the hub's
/// `instruments` table, not the market-data module's in-memory directory, so they answer with
/// market data disabled too. Each is one read: `symbol` and `expiry` indexed, `search` a scan of
/// the master (about 1 ms for the built-in one of ~800 listings in a release build, measured
/// against `ping`), so nothing is cached.
struct SymbolController: Sendable {
    let authenticator: APIKeyAuthenticator
    let store: Store
    let maxBodyBytes: Int

    /// Search answers at most this many listings (a query as short as "N" matches most of the
    /// master); the message says how many matched in all.
    static let searchLimit = 500

    /// Where futures and options are listed (OpenAlgo's F&O set, used by `expiry`).
    static let derivativeExchanges = ["NFO", "BFO", "MCX", "CDS", "NCO", "BCD", "NCDEX", "CRYPTO"]

    func register(on routes: APIv1Routes) {
        routes.post("symbol") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["symbol", "exchange"])
            let symbol = try body.requiredString("symbol").uppercased()
            let exchange = try Self.exchange(try body.requiredString("exchange", maxLength: 16))
            guard let listing = try await store.instruments.listing(symbol: symbol, exchange: exchange) else {
                // OpenAlgo answers an unknown symbol with 404 (services/symbol_service.py).
                throw APIError(.notFound, message: "Symbol \(symbol) not found on \(exchange)")
            }
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": listing.symbolData]))
        }
        routes.post("search") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["query", "exchange"])
            let terms = try body.requiredString("query", maxLength: 100).split(whereSeparator: \.isWhitespace).map { String($0).uppercased() }
            guard !terms.isEmpty, terms.count <= 10 else { throw APIError.invalidField("query", "Give one to ten search terms.") }
            let exchange = try body.optionalString("exchange", maxLength: 16).map(Self.exchange)
            let result = try await store.instruments.search(terms: terms, exchange: exchange, limit: Self.searchLimit)
            let message =
                switch result.total {
                case 0: "No matching symbols found"
                case ...Self.searchLimit: "Found \(result.total) matching symbols"
                default: "Found \(result.total) matching symbols; showing the first \(Self.searchLimit)"
                }
            return try JSONResponse.make(
                JSONValue.object([
                    "status": .string("success"), "message": .string(message), "data": .array(result.listings.map(\.symbolData)),
                ]))
        }
        routes.post("expiry") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["symbol", "exchange", "instrumenttype"])
            let symbol = try body.requiredString("symbol").uppercased()
            let exchange = try body.requiredString("exchange", maxLength: 16).uppercased()
            guard Self.derivativeExchanges.contains(exchange) else {
                throw APIError.invalidField("exchange", "Must be one of: \(Self.derivativeExchanges.joined(separator: ", ")).")
            }
            let kind = try body.requiredString("instrumenttype", maxLength: 16).lowercased()
            let types: Set<InstrumentType>
            switch kind {
            case "futures": types = [.future]
            case "options": types = [.call, .put]
            default: throw APIError.invalidField("instrumenttype", "Must be one of: futures, options.")
            }
            let expiries = try await store.instruments.expiries(underlying: symbol, exchange: exchange, types: types)
            let message =
                expiries.isEmpty
                ? "No expiry dates found for \(symbol) \(kind) in \(exchange)"
                : "Found \(expiries.count) expiry dates for \(symbol) \(kind) in \(exchange)"
            return try JSONResponse.make(
                JSONValue.object([
                    "status": .string("success"), "message": .string(message), "data": .array(expiries.map { .string($0.masterForm) }),
                ]))
        }
    }

    /// An `exchange` field's value, checked against OpenAlgo's exchanges and upper-cased.
    static func exchange(_ text: String) throws -> String {
        let exchange = text.uppercased()
        guard MarketDataController.validExchanges.contains(exchange) else {
            throw APIError.invalidField("exchange", "Must be one of: \(MarketDataController.validExchanges.sorted().joined(separator: ", ")).")
        }
        return exchange
    }
}
