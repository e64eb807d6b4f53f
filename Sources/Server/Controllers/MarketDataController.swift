// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird
import MarketData
import Schema

/// OpenAlgo's market-data endpoints over the hub's quote cache and stored bars: `quotes`,
/// `multiquotes`, `depth`, `history`, `intervals` and `GET ticker/EXCHANGE:SYMBOL`.
struct MarketDataController: Sendable {
    let authenticator: APIKeyAuthenticator
    let hub: MarketDataHub
    let history: HistoryService
    let maxBodyBytes: Int

    /// OpenAlgo's `VALID_EXCHANGES`.
    static let validExchanges: Set<String> = [
        "NSE", "NFO", "CDS", "BSE", "BFO", "BCD", "MCX", "NCDEX", "NCO", "NSE_INDEX", "BSE_INDEX", "MCX_INDEX", "GLOBAL_INDEX", "CRYPTO",
    ]

    func register(on routes: APIv1Routes) {
        routes.post("quotes") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["symbol", "exchange"])
            let instrument = try resolve(body)
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": quoteData(for: instrument)]))
        }
        routes.post("multiquotes") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["symbols"])
            guard case .array(let items)? = body.fields["symbols"], !items.isEmpty else {
                throw APIError.invalidField("symbols", "A list of {symbol, exchange} with at least one item is required.")
            }
            guard items.count <= 1_000 else { throw APIError.invalidField("symbols", "At most 1000 symbols per request.") }
            let results: [JSONValue] = items.enumerated().map { index, item in multiquoteResult(item, index: index) }
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "results": .array(results)]))
        }
        routes.post("depth") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["symbol", "exchange"])
            let instrument = try resolve(body)
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": depthData(for: instrument)]))
        }
        routes.post("intervals") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: [])
            let groups = HistoryInterval.grouped
            func list(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
            return try JSONResponse.make(
                JSONValue.object([
                    "status": .string("success"),
                    "data": .object([
                        "seconds": list(groups.seconds), "minutes": list(groups.minutes), "hours": list(groups.hours),
                        "days": list(groups.days), "weeks": list(groups.weeks), "months": list(groups.months),
                    ]),
                ]))
        }
        routes.post("history") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["symbol", "exchange", "interval", "start_date", "end_date", "source"])
            let instrument = try resolve(body)
            let query = try HistoryQuery(body)
            let bars = try await history.bars(instrument: instrument, query: query)
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": .array(bars.map(Self.barData))]))
        }
    }

    private func resolve(_ body: APIRequestBody) throws -> Instrument {
        let symbol = try body.requiredString("symbol")
        let exchange = try body.requiredString("exchange", maxLength: 16).uppercased()
        return try Self.resolve(symbol: symbol, exchange: exchange, in: hub.directory)
    }

    static func resolve(symbol: String, exchange: String, in directory: InstrumentDirectory) throws -> Instrument {
        guard validExchanges.contains(exchange) else {
            throw APIError.invalidField("exchange", "Must be one of: \(validExchanges.sorted().joined(separator: ", ")).")
        }
        guard let instrument = directory.instrument(symbol: symbol, exchange: exchange) else {
            throw APIError.invalidField("symbol", "Unknown symbol \(symbol.uppercased()) on \(exchange).")
        }
        return instrument
    }

    private func multiquoteResult(_ item: JSONValue, index: Int) -> JSONValue {
        guard case .object(let fields) = item, let symbol = fields["symbol"]?.stringValue, let exchange = fields["exchange"]?.stringValue
        else {
            return .object(["error": .string("symbols[\(index)] needs a symbol and an exchange")])
        }
        var result: [String: JSONValue] = ["symbol": .string(symbol), "exchange": .string(exchange)]
        do {
            let instrument = try Self.resolve(symbol: symbol, exchange: exchange.uppercased(), in: hub.directory)
            result["data"] = try quoteData(for: instrument)
        } catch let error as APIError {
            result["error"] = Self.flatten(error.message)
        } catch {
            result["error"] = .string("\(error)")
        }
        return .object(result)
    }

    private static func flatten(_ message: JSONValue) -> JSONValue {
        guard case .object(let fields) = message, let (field, problems) = fields.first, case .array(let list) = problems,
            let first = list.first?.stringValue
        else { return message }
        return .string("\(field): \(first)")
    }

    /// The cached quote; 404 when the instrument has never ticked (a feed that has not started).
    private func cachedQuote(_ instrument: Instrument) throws -> Quote {
        guard let quote = hub.quote(instrumentID: instrument.id) else {
            throw APIError(.notFound, message: "No market data yet for \(instrument.key): the feed has not sent a tick for it")
        }
        return quote
    }

    private func quoteData(for instrument: Instrument) throws -> JSONValue {
        let quote = try cachedQuote(instrument)
        let tick = quote.tick
        return .object([
            "open": .number(quote.open), "high": .number(quote.high), "low": .number(quote.low), "ltp": .number(tick.lastPrice),
            "ask": .number(tick.ask), "bid": .number(tick.bid), "prev_close": .number(quote.previousClose),
            "volume": .integer(tick.volume), "oi": .integer(tick.openInterest),
        ])
    }

    private func depthData(for instrument: Instrument) throws -> JSONValue {
        let quote = try cachedQuote(instrument)
        let tick = quote.tick
        func side(_ levels: [DepthLevel]) -> JSONValue {
            .array(
                (0..<5).map { index in
                    let level = index < levels.count ? levels[index] : DepthLevel(price: 0, quantity: 0)
                    return .object(["price": .number(level.price), "quantity": .integer(level.quantity)])
                })
        }
        let bids = tick.depth?.bids ?? (tick.bid > 0 ? [DepthLevel(price: tick.bid, quantity: tick.bidQuantity)] : [])
        let asks = tick.depth?.asks ?? (tick.ask > 0 ? [DepthLevel(price: tick.ask, quantity: tick.askQuantity)] : [])
        return .object([
            "open": .number(quote.open), "high": .number(quote.high), "low": .number(quote.low), "ltp": .number(tick.lastPrice),
            "ltq": .integer(tick.lastQuantity), "prev_close": .number(quote.previousClose), "volume": .integer(tick.volume),
            "oi": .integer(tick.openInterest), "totalbuyqty": .integer(bids.reduce(0) { $0 + $1.quantity }),
            "totalsellqty": .integer(asks.reduce(0) { $0 + $1.quantity }), "bids": side(bids), "asks": side(asks),
        ])
    }

    static func barData(_ bar: Bar) -> JSONValue {
        .object([
            "timestamp": .integer(bar.start), "open": .number(bar.open), "high": .number(bar.high), "low": .number(bar.low),
            "close": .number(bar.close), "volume": .integer(bar.volume), "oi": .integer(bar.openInterest),
        ])
    }
}
