// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import MarketData

/// The market-data endpoints (`quotes`, `multiquotes`, `depth`, `history`, `intervals`,
/// `GET ticker/…`) and RealAlgo's own feed-status endpoints, registered with the market-data module.
extension OpenAPIDocument {
    private static let instrument: [String: JSONValue] = [
        "symbol": APIField.symbol(), "exchange": APIField.exchange(APIField.allExchanges, example: "NSE"),
    ]

    private static let noTickYet = "The instrument is listed but the feed has not sent a tick for it yet."

    static let marketDataOperations: [APIOperation] = [
        APIOperation(
            endpoint: "quotes", summary: "The latest quote of one instrument",
            description: "An unknown exchange or symbol is a 400 on that field.", tag: "Market data", module: .marketData,
            body: APIField.body(instrument, required: ["symbol", "exchange"]), success: JSONSchema.success(["data": JSONSchema.ref("Quote")]),
            otherErrors: [404: noTickYet]),
        APIOperation(
            endpoint: "multiquotes", summary: "The latest quotes of up to 1,000 instruments",
            description: "Each item succeeds or fails on its own; the request as a whole is a success. Note the key is `results`.",
            tag: "Market data", module: .marketData,
            body: APIField.body(
                [
                    "symbols": JSONSchema.array(
                        JSONSchema.object(["symbol": JSONSchema.string(), "exchange": JSONSchema.string()]), minItems: 1, maxItems: 1_000
                    ).example(.array([.object(["symbol": .string("RELIANCE"), "exchange": .string("NSE")])]))
                ], required: ["symbols"]),
            success: JSONSchema.success([
                "results": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "symbol": JSONSchema.string(), "exchange": JSONSchema.string(), "data": JSONSchema.ref("Quote"),
                            "error": JSONSchema.string("Why this item has no quote."),
                        ], required: []))
            ])),
        APIOperation(
            endpoint: "depth", summary: "The five-level book of one instrument", tag: "Market data", module: .marketData,
            body: APIField.body(instrument, required: ["symbol", "exchange"]), success: JSONSchema.success(["data": JSONSchema.ref("Depth")]),
            otherErrors: [404: noTickYet]),
        APIOperation(
            endpoint: "history", summary: "Bars of one instrument between two dates",
            description: "IST trading dates, both included. At most 31 days for second intervals, 366 for 1m–20m, 7,320 otherwise "
                + "(more is a 400 on `end_date`).",
            tag: "Market data", module: .marketData,
            body: APIField.body(
                instrument.merging(
                    [
                        "interval": JSONSchema.string(enum: HistoryInterval.allCases.map(\.rawValue)).example("1m"),
                        "start_date": APIField.date("`YYYY-MM-DD`."), "end_date": APIField.date("`YYYY-MM-DD`, not before `start_date`."),
                        "source": JSONSchema.string("Accepted and ignored: bars always come from the hub.", enum: ["api", "db"], maxLength: 8),
                    ], uniquingKeysWith: { first, _ in first }),
                required: ["symbol", "exchange", "interval", "start_date", "end_date"]),
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("Bar"))])),
        APIOperation(
            endpoint: "intervals", summary: "The intervals `history` accepts", tag: "Market data", module: .marketData,
            body: APIField.body([:]),
            success: JSONSchema.success([
                "data": JSONSchema.object(
                    ["seconds", "minutes", "hours", "days", "weeks", "months"].reduce(into: [:]) { $0[$1] = JSONSchema.array(JSONSchema.string()) })
            ])),
        APIOperation(
            method: .get, endpoint: "ticker/{ticker}", summary: "`history` bars by GET",
            description: "For tools that can only issue a GET (charting front ends, spreadsheets).", tag: "Market data", module: .marketData,
            parameters: [
                APIOperation.Parameter(
                    name: "ticker", location: "path", required: true, schema: JSONSchema.string(pattern: "^[^:]+:.+$"),
                    description: "`EXCHANGE:SYMBOL`, e.g. `NSE:RELIANCE`."),
                apikeyParameter,
                APIOperation.Parameter(
                    name: "interval", schema: JSONSchema.string(enum: TickerController.intervals.sorted()), description: "Default `D`."),
                APIOperation.Parameter(
                    name: "from", schema: JSONSchema.string(format: "date"),
                    description: "Default: 5 days before `to` for intraday intervals, 365 days for `D`, `W`, `M`."),
                APIOperation.Parameter(name: "to", schema: JSONSchema.string(format: "date"), description: "Default: today (IST)."),
                APIOperation.Parameter(
                    name: "format", schema: JSONSchema.string(enum: ["json", "txt"]), description: "`json` (the default) or `txt` (CSV text)."),
            ],
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("Bar"))]),
            otherSuccessTypes: [
                "text/plain": JSONSchema.string("With `format=txt`: `timestamp,open,high,low,close,volume,oi` and one line per bar.")
            ],
            otherErrors: [401: "No `apikey` query parameter: `API key is required: add ?apikey=…`."]),
    ]

    static let feedStatusOperations: [APIOperation] = [
        APIOperation(
            endpoint: "websocket/status", summary: "The feed's state and counters (RealAlgo's own)", tag: "Feed status", module: .marketData,
            body: APIField.body([:]),
            success: JSONSchema.success([
                "data": JSONSchema.object([
                    "feed": JSONSchema.string("`simulator`, `replay`, `upstream` or `none`."),
                    "state": JSONSchema.string(
                        "`starting`, `running`, `connecting`, `connected`, `disconnected`, `closed`, `finished` or `stopped` (`FeedStatus.State`)."),
                    "connected": JSONSchema.boolean(), "account": JSONSchema.nullable(JSONSchema.string("The upstream account streaming now.")),
                    "message": JSONSchema.string(), "ticks_published": JSONSchema.integer(), "ticks_accepted": JSONSchema.integer(),
                    "ticks_rejected": JSONSchema.integer(), "ticks_stored": JSONSchema.integer(), "ticks_pending": JSONSchema.integer(),
                    "ticks_not_stored": JSONSchema.integer(), "bars_closed": JSONSchema.integer(), "bars_stored": JSONSchema.integer(),
                    "last_tick_ts": JSONSchema.nullable(JSONSchema.integer("Exchange time of the newest tick, epoch milliseconds.")),
                    "clients": JSONSchema.integer(), "subscribed_symbols": JSONSchema.integer(), "subscriptions": JSONSchema.integer(),
                    "messages_queued": JSONSchema.integer(), "websocket_port": JSONSchema.integer(),
                ])
            ])),
        APIOperation(
            endpoint: "websocket/subscriptions", summary: "What the feed is asked for (RealAlgo's own)",
            description: "Every symbol some client subscribed to, at the highest mode asked.", tag: "Feed status", module: .marketData,
            body: APIField.body([:]),
            success: JSONSchema.success([
                "data": JSONSchema.object([
                    "clients": JSONSchema.integer(), "count": JSONSchema.integer(),
                    "symbols": JSONSchema.array(
                        JSONSchema.object([
                            "symbol": JSONSchema.string(), "exchange": JSONSchema.string(), "mode": JSONSchema.integer(minimum: 1, maximum: 3),
                            "mode_name": JSONSchema.string(enum: ["LTP", "Quote", "Depth"]),
                        ])),
                ])
            ])),
        APIOperation(
            endpoint: "websocket/latest-ticks", summary: "The newest cached quotes, most recent first (RealAlgo's own)", tag: "Feed status",
            module: .marketData,
            body: APIField.body(["limit": JSONSchema.numericInteger("Default 100.", minimum: 1, maximum: 5_000).example(.integer(10))]),
            success: JSONSchema.success([
                "data": JSONSchema.array(
                    JSONSchema.object([
                        "symbol": JSONSchema.string(), "exchange": JSONSchema.string(), "ltp": JSONSchema.number(), "bid": JSONSchema.number(),
                        "ask": JSONSchema.number(), "volume": JSONSchema.integer(), "oi": JSONSchema.integer(),
                        "change": JSONSchema.number("The last price less the previous close."),
                        "timestamp": JSONSchema.integer("Epoch milliseconds."),
                    ]))
            ])),
    ]
}
