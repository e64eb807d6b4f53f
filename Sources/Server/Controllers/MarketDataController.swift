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
    let onDemand: OnDemandQuotes
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
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": await quoteData(for: instrument)]))
        }
        routes.post("multiquotes") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["symbols"])
            guard case .array(let items)? = body.fields["symbols"], !items.isEmpty else {
                throw APIError.invalidField("symbols", "A list of {symbol, exchange} with at least one item is required.")
            }
            guard items.count <= 1_000 else { throw APIError.invalidField("symbols", "At most 1000 symbols per request.") }
            let results = await multiquoteResults(items)
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "results": .array(results)]))
        }
        routes.post("depth") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["symbol", "exchange"])
            let instrument = try resolve(body)
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": await depthData(for: instrument)]))
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

    /// One result per item, in order: the quote, or an error naming what was wrong with the item.
    /// Every known instrument is looked up at once, so a first request waits once, not per symbol.
    private func multiquoteResults(_ items: [JSONValue]) async -> [JSONValue] {
        let directory = hub.directory
        var results: [[String: JSONValue]] = []
        var instruments: [Instrument?] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item, let symbol = fields["symbol"]?.stringValue, let exchange = fields["exchange"]?.stringValue
            else {
                results.append(["error": .string("symbols[\(index)] needs a symbol and an exchange")])
                instruments.append(nil)
                continue
            }
            var result: [String: JSONValue] = ["symbol": .string(symbol), "exchange": .string(exchange)]
            do {
                instruments.append(try Self.resolve(symbol: symbol, exchange: exchange.uppercased(), in: directory))
            } catch {
                result["error"] = (error as? APIError).map { Self.flatten($0.message) } ?? .string("\(error)")
                instruments.append(nil)
            }
            results.append(result)
        }
        let quotes = await onDemand.quotes(instrumentIDs: instruments.compactMap { $0?.id }, mode: .quote)
        for (index, instrument) in instruments.enumerated() {
            guard let instrument else { continue }
            if let quote = quotes[instrument.id] {
                results[index]["data"] = Self.quoteData(quote)
            } else {
                results[index]["error"] = .string(Self.noDataMessage(instrument))
            }
        }
        return results.map { .object($0) }
    }

    private static func flatten(_ message: JSONValue) -> JSONValue {
        guard case .object(let fields) = message, let (field, problems) = fields.first, case .array(let list) = problems,
            let first = list.first?.stringValue
        else { return message }
        return .string("\(field): \(first)")
    }

    /// The latest quote; 404 when the instrument has never ticked (a feed that has not started,
    /// or an upstream that sent nothing for it in time).
    private func latestQuote(_ instrument: Instrument, mode: SubscriptionMode) async throws -> Quote {
        guard let quote = await onDemand.quotes(instrumentIDs: [instrument.id], mode: mode)[instrument.id] else {
            throw APIError(.notFound, message: Self.noDataMessage(instrument))
        }
        return quote
    }

    private static func noDataMessage(_ instrument: Instrument) -> String {
        "No market data yet for \(instrument.key): the feed has not sent a tick for it"
    }

    private func quoteData(for instrument: Instrument) async throws -> JSONValue {
        Self.quoteData(try await latestQuote(instrument, mode: .quote))
    }

    private static func quoteData(_ quote: Quote) -> JSONValue {
        let tick = quote.tick
        return .object([
            "open": .number(quote.open), "high": .number(quote.high), "low": .number(quote.low), "ltp": .number(tick.lastPrice),
            "ask": .number(tick.ask), "bid": .number(tick.bid), "prev_close": .number(quote.previousClose),
            "volume": .integer(tick.volume), "oi": .integer(tick.openInterest),
        ])
    }

    private func depthData(for instrument: Instrument) async throws -> JSONValue {
        let quote = try await latestQuote(instrument, mode: .depth)
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
