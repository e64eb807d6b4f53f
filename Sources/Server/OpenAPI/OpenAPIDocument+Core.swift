// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// The endpoints of the core server, registered whatever `--modules` says: `ping`, the symbol
/// master, the market calendar and this document.
extension OpenAPIDocument {
    static let coreOperations: [APIOperation] = [
        APIOperation(
            endpoint: "ping", summary: "Check an API key",
            description: "Answers with the broker of the key owner's default account (`sandbox` for every new user). Unknown fields are ignored.",
            tag: "Account", body: APIField.body([:], closed: false),
            success: JSONSchema.success([
                "data": JSONSchema.object(["message": JSONSchema.constant("pong"), "broker": JSONSchema.string().example("sandbox")])
            ])),
        APIOperation(
            endpoint: "symbol", summary: "Look up one symbol in the symbol master", tag: "Symbols",
            body: APIField.body(
                ["symbol": APIField.symbol("NIFTY01DEC2626000CE"), "exchange": APIField.exchange(APIField.allExchanges, example: "NFO")],
                required: ["symbol", "exchange"]),
            success: JSONSchema.success(["data": JSONSchema.ref("SymbolData")]),
            otherErrors: [404: "The symbol is not listed on that exchange: `Symbol NOPE not found on NSE`."]),
        APIOperation(
            endpoint: "search", summary: "Search the symbol master",
            description: "The query is split on spaces into one to ten terms; a listing matches when every term is found in its symbol, "
                + "broker symbol or name, equals its token, or (a number) its strike. At most 500 listings; no match is still a success.",
            tag: "Symbols",
            body: APIField.body(
                [
                    "query": JSONSchema.text("One to ten search terms separated by spaces.", maxLength: 100).example("NIFTY 26000 CE"),
                    "exchange": APIField.exchange(APIField.allExchanges, example: "NFO", "Only listings of this exchange."),
                ], required: ["query"]),
            success: JSONSchema.success(["message": JSONSchema.string(), "data": JSONSchema.array(JSONSchema.ref("SymbolData"), maxItems: 500)])),
        APIOperation(
            endpoint: "expiry", summary: "List an underlying's expiries", tag: "Symbols",
            body: APIField.body(
                [
                    "symbol": APIField.symbol("NIFTY", "The underlying."),
                    "exchange": APIField.exchange(APIField.derivativeExchanges, example: "NFO"),
                    "instrumenttype": JSONSchema.string("Case-insensitive.", enum: ["futures", "options"], maxLength: 16).example("options"),
                ], required: ["symbol", "exchange", "instrumenttype"]),
            success: JSONSchema.success([
                "message": JSONSchema.string(), "data": JSONSchema.array(JSONSchema.string("`DD-MMM-YY`, ascending.")),
            ])),
        APIOperation(
            method: .get, endpoint: "instruments", summary: "Download the symbol master",
            description: "The active listings, whole or of one exchange, in listing order. Other query parameters are ignored.",
            tag: "Symbols",
            parameters: [
                apikeyParameter,
                APIOperation.Parameter(
                    name: "exchange", schema: JSONSchema.string(enum: APIField.allExchanges),
                    description: "Only this exchange's listings (every exchange when left out)."),
                APIOperation.Parameter(
                    name: "format", schema: JSONSchema.string(enum: ["json", "csv"]), description: "`json` (the default) or `csv`."),
            ],
            success: JSONSchema.success(["message": JSONSchema.string(), "data": JSONSchema.array(JSONSchema.ref("Instrument"))]),
            otherSuccessTypes: [
                "text/csv": JSONSchema.string(
                    "With `format=csv`: a header line and one row per listing, CRLF line ends, as an attachment `instruments_<EXCHANGE|all>.csv`.")
            ],
            otherErrors: [401: "No `apikey` query parameter: `API key is required: add ?apikey=…`."]),
        APIOperation(
            endpoint: "market/holidays", summary: "List a year's holidays and special sessions",
            description: "One entry per date any covered exchange published, in date order; times are epoch milliseconds.",
            tag: "Market calendar",
            body: APIField.body([
                "year": JSONSchema.numericInteger("Default: the current year in IST.", minimum: 2020, maximum: 2050).example(.integer(2026))
            ]),
            success: JSONSchema.success([
                "year": JSONSchema.integer(), "timezone": JSONSchema.constant("Asia/Kolkata"),
                "data": JSONSchema.array(
                    JSONSchema.object([
                        "date": JSONSchema.string(format: "date"), "description": JSONSchema.string(),
                        "holiday_type": JSONSchema.string(enum: ["TRADING_HOLIDAY", "SETTLEMENT_HOLIDAY", "SPECIAL_SESSION"]),
                        "closed_exchanges": JSONSchema.array(JSONSchema.string()),
                        "open_exchanges": JSONSchema.array(JSONSchema.ref("MarketSession")),
                    ])),
            ])),
        APIOperation(
            endpoint: "market/timings", summary: "List each open exchange's trading windows on a date",
            description: "A closed day (a weekend, a holiday for every exchange) is `\"data\": []`.", tag: "Market calendar",
            body: APIField.body(["date": APIField.date("2020-01-01 to 2050-12-31.", example: "2026-11-23")], required: ["date"]),
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("MarketSession"))])),
        APIOperation(
            method: .get, endpoint: "openapi.json", summary: "This OpenAPI document",
            description: "Generated from the server's code; needs no API key. (RealAlgo's own.)", tag: "Meta",
            success: JSONSchema.object(
                [
                    "openapi": JSONSchema.constant("3.1.0"), "info": JSONSchema.object([:], required: []),
                    "paths": JSONSchema.object([:], required: []),
                ],
                required: ["openapi", "info", "paths"]),
            needsAPIKey: false),
    ]

    /// The `apikey` query parameter of the GET endpoints.
    static let apikeyParameter = APIOperation.Parameter(
        name: "apikey", required: true, schema: JSONSchema.string(maxLength: 256),
        description: "The API key. Missing: 401; wrong: 403. Request logs leave the query string out.")
}
