// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird
import MarketData

/// `GET /api/v1/ticker/EXCHANGE:SYMBOL?apikey=…&interval=…&from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|txt`:
/// the `history` bars for tools that prefer a GET (charting front ends, spreadsheets).
struct TickerController: Sendable {
    let authenticator: APIKeyAuthenticator
    let hub: MarketDataHub
    let history: HistoryService

    static let intervals: Set<String> = ["1m", "5m", "15m", "30m", "1h", "4h", "D", "W", "M"]

    func register(on router: Router<AppRequestContext>) {
        // No 405 for other methods here: they fall through to the 404 of an unknown path.
        APIv1Routes(router: router).get("ticker/:ticker", refusingOtherMethods: false) { request, context in
            let parameters = request.uri.queryParameters
            guard let key = parameters["apikey"].map(String.init), !key.isEmpty else {
                throw APIError(.unauthorized, message: "API key is required: add ?apikey=…")
            }
            _ = try await authenticator.authenticate(key)
            let ticker = context.parameters.get("ticker") ?? ""
            let parts = ticker.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw APIError.invalidField("ticker", "Use EXCHANGE:SYMBOL, e.g. NSE:RELIANCE.") }
            let instrument = try MarketDataController.resolve(symbol: parts[1], exchange: parts[0].uppercased(), in: hub.directory)

            let intervalText = parameters["interval"].map(String.init) ?? "D"
            guard Self.intervals.contains(intervalText), let interval = HistoryInterval(rawValue: intervalText) else {
                throw APIError.invalidField("interval", "Must be one of: \(Self.intervals.sorted().joined(separator: ", ")).")
            }
            let today = LocalDate(secondsSinceEpoch: hub.clock.nowSeconds(), utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
            let end = try date(parameters["to"].map(String.init), field: "to") ?? today
            let start = try date(parameters["from"].map(String.init), field: "from") ?? end.adding(days: interval.isIntraday ? -5 : -365)
            let query = try HistoryQuery(interval: interval, startDate: start, endDate: end)
            let bars = try await history.bars(instrument: instrument, query: query)

            switch parameters["format"].map(String.init) ?? "json" {
            case "json":
                return try JSONResponse.make(
                    JSONValue.object(["status": .string("success"), "data": .array(bars.map(MarketDataController.barData))]))
            case "txt":
                var text = "timestamp,open,high,low,close,volume,oi\n"
                for bar in bars { text += "\(bar.start),\(bar.open),\(bar.high),\(bar.low),\(bar.close),\(bar.volume),\(bar.openInterest)\n" }
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
            default:
                throw APIError.invalidField("format", "Must be json or txt.")
            }
        }
    }

    private func date(_ text: String?, field: String) throws -> LocalDate? {
        guard let text else { return nil }
        guard let date = LocalDate(iso: text) else { throw APIError.invalidField(field, "Not a valid date: use YYYY-MM-DD.") }
        return date
    }
}
