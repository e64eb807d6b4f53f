// SPDX-License-Identifier: Apache-2.0
import Core

/// The answer objects several endpoints share, as the controllers build them.
extension OpenAPIComponents {
    private static let number = JSONSchema.number()
    private static let integer = JSONSchema.integer()
    private static let string = JSONSchema.string()

    /// The symbol-master columns (`InstrumentRepository.Listing.masterFields`).
    static let instrumentFields: [String: JSONValue] = [
        "symbol": string, "brsymbol": JSONSchema.string("RealAlgo's own listings repeat `symbol`."), "name": string,
        "exchange": string, "brexchange": JSONSchema.string("RealAlgo's own listings repeat `exchange`."),
        "token": string, "expiry": JSONSchema.string("`DD-MMM-YY`, or empty for anything without an expiry."),
        "strike": JSONSchema.number("0 for anything but an option."), "lotsize": integer,
        "instrumenttype": JSONSchema.string(enum: InstrumentType.allCases.map(\.rawValue)), "tick_size": number,
    ]

    static let answerSchemas: [String: JSONValue] = [
        "Quote": JSONSchema.object(
            [
                "open": number, "high": number, "low": number, "ltp": number, "ask": number, "bid": number,
                "prev_close": number, "volume": integer, "oi": integer,
            ], "The trading day's open, high, low and volume; 0 for a side the feed has not quoted."),
        "DepthLevel": JSONSchema.object(["price": number, "quantity": integer]),
        "Depth": JSONSchema.object([
            "open": number, "high": number, "low": number, "ltp": number, "ltq": integer, "prev_close": number, "volume": integer,
            "oi": integer, "totalbuyqty": integer, "totalsellqty": integer,
            "bids": JSONSchema.array(JSONSchema.ref("DepthLevel"), "Five levels, best first, padded with zero levels.", minItems: 5, maxItems: 5),
            "asks": JSONSchema.array(JSONSchema.ref("DepthLevel"), "Five levels, best first, padded with zero levels.", minItems: 5, maxItems: 5),
        ]),
        "Bar": JSONSchema.object([
            "timestamp": JSONSchema.integer("The bar's open, epoch seconds (00:00 UTC of the first date for a day or longer)."),
            "open": number, "high": number, "low": number, "close": number, "volume": integer, "oi": integer,
        ]),
        "Instrument": JSONSchema.object(instrumentFields, "A symbol-master row."),
        "SymbolData": JSONSchema.object(
            instrumentFields.merging(
                ["id": integer, "freeze_qty": JSONSchema.integer("0 when no freeze limit is known.")], uniquingKeysWith: { first, _ in first }),
            "A symbol-master row with its id and freeze quantity."),
        "MarketSession": JSONSchema.object([
            "exchange": string, "start_time": JSONSchema.integer("Epoch milliseconds."), "end_time": JSONSchema.integer("Epoch milliseconds."),
        ]),
        "ChainLeg": JSONSchema.object(
            [
                "symbol": string,
                "label": JSONSchema.string("`ATM`, `ITMn` or `OTMn` from this leg's side; empty while the underlying has no price."),
                "ltp": number, "bid": number, "ask": number, "bid_qty": integer, "ask_qty": integer, "open": number, "high": number,
                "low": number, "prev_close": number, "volume": integer, "oi": integer, "lotsize": integer, "tick_size": number,
                "implied_volatility": JSONSchema.number("Percent (with `with_greeks`)."), "delta": number, "gamma": number,
                "theta": JSONSchema.number("Rupees per calendar day."), "vega": JSONSchema.number("Rupees per volatility point."),
            ],
            required: [
                "symbol", "label", "ltp", "bid", "ask", "bid_qty", "ask_qty", "open", "high", "low", "prev_close", "volume", "oi", "lotsize",
                "tick_size",
            ], "One side of a chain row; zeros while it has no quote. The greeks come with `with_greeks`."),
        "Order": JSONSchema.object(
            [
                "orderid": string, "strategy": string, "exchange": string, "symbol": string,
                "action": JSONSchema.string(enum: OrderAction.allCases.map(\.rawValue)), "quantity": integer, "price": number,
                "trigger_price": number, "pricetype": JSONSchema.string(enum: PriceType.allCases.map(\.rawValue)),
                "price_type": JSONSchema.string("`pricetype` again, as OpenAlgo's sandbox spells it."),
                "product": JSONSchema.string(enum: Product.allCases.map(\.rawValue)),
                "order_status": JSONSchema.string(enum: OrderStatus.allCases.map(\.rawValue)), "average_price": number,
                "filled_quantity": integer, "pending_quantity": JSONSchema.integer("0 once the order is complete, cancelled or rejected."),
                "rejection_reason": string, "timestamp": JSONSchema.string("IST, `2026-11-20 10:00:03`."),
            ], "An order as `orderstatus` and `orderbook` show it."),
        "Trade": JSONSchema.object([
            "tradeid": string, "orderid": string, "strategy": string, "exchange": string, "symbol": string, "product": string,
            "action": string, "quantity": integer, "price": number, "average_price": number, "trade_value": number,
            "timestamp": JSONSchema.string("IST, `2026-11-20 10:00:03`."),
        ]),
        "Position": JSONSchema.object(
            [
                "exchange": string, "symbol": string, "product": string, "quantity": JSONSchema.integer("Signed net quantity; 0 once closed."),
                "average_price": number, "ltp": number, "pnl": number, "pnlpercent": number, "realized_pnl": number,
                "unrealized_pnl": number, "buy_quantity": integer, "sell_quantity": integer,
            ], "A position marked to market at the hub's latest price."),
        "Holding": JSONSchema.object([
            "symbol": string, "exchange": string, "product": JSONSchema.constant("CNC"), "quantity": integer, "average_price": number,
            "ltp": number, "pnl": number, "pnlpercent": number,
        ]),
        "SplitPart": JSONSchema.object(
            [
                "order_num": integer, "quantity": integer, "status": JSONSchema.string(enum: ["success", "error"]), "orderid": string,
                "message": JSONSchema.string("Why the part was refused."),
            ], required: ["order_num", "quantity", "status"], "One child order of a split."),
        "AnalyzerStatus": JSONSchema.object(
            [
                "analyze_mode": JSONSchema.boolean("True when the user's default account is their sandbox."),
                "mode": JSONSchema.string(enum: ["analyze", "live"]), "total_logs": JSONSchema.integer("The user's sandbox orders."),
                "message": JSONSchema.string("After a toggle: `Analyzer mode switched to analyze|live`."),
            ], required: ["analyze_mode", "mode", "total_logs"]),
    ]
}
