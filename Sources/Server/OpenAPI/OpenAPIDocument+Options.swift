// SPDX-License-Identifier: Apache-2.0

/// The options analytics (`optionchain`, `optiongreeks`, `syntheticfuture`) and `optionsymbol`,
/// registered with the market-data module. Their field errors use the options shape.
extension OpenAPIDocument {
    /// An underlying, where it was named and an expiry, as `ListedOptionChain` reads them.
    private static let series: [String: JSONValue] = [
        "underlying": APIField.underlying,
        "exchange": APIField.exchange(
            APIField.underlyingExchanges, example: "NSE_INDEX",
            "The underlying's exchange or the F&O segment: NSE_INDEX, NSE, NFO → NFO options; BSE_INDEX, BSE, BFO → BFO; MCX, MCX_INDEX → MCX; "
                + "CDS; BCD. Matched upper-cased."),
        "expiry_date": APIField.expiryDate,
    ]

    private static let noPrice = "No price yet for the underlying (or an option the answer needs): the feed has not sent a tick for it."

    static let optionsOperations: [APIOperation] = [
        APIOperation(
            endpoint: "optionchain", summary: "One expiry's option chain, with Black-76 greeks on request",
            description: "Prices from the quote cache; `atm_strike` is null and every label empty while the underlying has no price.",
            tag: "Options", module: .marketData,
            body: APIField.body(
                series.merging(
                    [
                        "strike_count": JSONSchema.numericInteger(
                            "Strikes each side of the ATM strike; omitted, every listed strike.", minimum: 1, maximum: 100),
                        "with_greeks": JSONSchema.flag("Adds implied volatility, delta, gamma, theta and vega to each leg (default false)."),
                        "interest_rate": APIField.interestRate,
                    ], uniquingKeysWith: { first, _ in first }),
                required: ["underlying", "exchange", "expiry_date"]),
            success: JSONSchema.success([
                "underlying": JSONSchema.string(), "underlying_ltp": JSONSchema.number(), "underlying_prev_close": JSONSchema.number(),
                "expiry_date": JSONSchema.string("`DDMMMYY`."), "expiry_ts": JSONSchema.integer("Epoch seconds."),
                "server_ts": JSONSchema.integer("Epoch seconds."), "atm_strike": JSONSchema.nullable(JSONSchema.number()),
                "quotes_included": JSONSchema.constant(true), "greeks_included": JSONSchema.boolean(),
                "forward_price": JSONSchema.nullable(JSONSchema.number()),
                "chain": JSONSchema.array(
                    JSONSchema.object([
                        "strike": JSONSchema.number(), "ce": JSONSchema.nullable(JSONSchema.ref("ChainLeg")),
                        "pe": JSONSchema.nullable(JSONSchema.ref("ChainLeg")),
                    ])),
            ]),
            fieldErrors: .options),
        APIOperation(
            endpoint: "optiongreeks", summary: "Implied volatility and greeks of one option", tag: "Options", module: .marketData,
            body: APIField.body(
                [
                    "symbol": APIField.symbol("NIFTY01DEC2626000CE", "A listed option."),
                    "exchange": APIField.exchange(APIField.derivativeExchanges, example: "NFO"),
                    "interest_rate": APIField.interestRate,
                    "forward_price": JSONSchema.numeric(
                        "The forward to price on (default: the same-expiry future, else the spot carried).", minimum: 0),
                    "underlying_symbol": JSONSchema.text("Where to read the spot (default: the option's index or equity)."),
                    "underlying_exchange": JSONSchema.string("Default `NSE_INDEX`.", maxLength: 16),
                    "expiry_time": JSONSchema.string("`HH:MM` IST (default `15:30`).", pattern: "^[0-9]{1,2}:[0-9]{2}$", maxLength: 5),
                ], required: ["symbol", "exchange"]),
            success: JSONSchema.success([
                "symbol": JSONSchema.string(), "exchange": JSONSchema.string(), "underlying": JSONSchema.string(), "strike": JSONSchema.number(),
                "option_type": JSONSchema.string(enum: ["CE", "PE"]), "expiry_date": JSONSchema.string("`DD-MMM-YY`."),
                "days_to_expiry": JSONSchema.number(), "spot_price": JSONSchema.number(), "forward_price": JSONSchema.number(),
                "option_price": JSONSchema.number(), "interest_rate": JSONSchema.number("Percent."),
                "implied_volatility": JSONSchema.number("Percent; 0 when no volatility explains the price."),
                "greeks": JSONSchema.object([
                    "delta": JSONSchema.number(), "gamma": JSONSchema.number(), "theta": JSONSchema.number(), "vega": JSONSchema.number(),
                    "rho": JSONSchema.number(),
                ]),
            ]),
            fieldErrors: .options, otherErrors: [503: noPrice]),
        APIOperation(
            endpoint: "syntheticfuture", summary: "ATM strike + call − put at the ATM strike", tag: "Options", module: .marketData,
            body: APIField.body(series, required: ["underlying", "exchange", "expiry_date"]),
            success: JSONSchema.success([
                "underlying": JSONSchema.string(), "underlying_ltp": JSONSchema.number(), "expiry": JSONSchema.string("`DDMMMYY`."),
                "atm_strike": JSONSchema.number(), "synthetic_future_price": JSONSchema.number(),
            ]),
            fieldErrors: .options, otherErrors: [503: noPrice]),
        APIOperation(
            endpoint: "optionsymbol", summary: "The listed option an offset from the ATM strike names",
            description: "`expiry_date` is required unless the underlying carries its expiry (when both are given, `expiry_date` wins).",
            tag: "Options", module: .marketData,
            body: APIField.body(
                series.merging(
                    [
                        "offset": APIField.offset, "option_type": APIField.optionType,
                        "strike_int": JSONValue.object(["description": .string("Deprecated in OpenAlgo: accepted and ignored.")]),
                        "strategy": JSONValue.object(["description": .string("Deprecated in OpenAlgo: accepted and ignored.")]),
                    ], uniquingKeysWith: { first, _ in first }),
                required: ["underlying", "exchange", "offset", "option_type"]),
            success: JSONSchema.success([
                "symbol": JSONSchema.string(), "exchange": JSONSchema.string(), "lotsize": JSONSchema.integer(),
                "tick_size": JSONSchema.number(), "freeze_qty": JSONSchema.integer("0 when no freeze limit is known."),
                "underlying_ltp": JSONSchema.number(),
            ]),
            fieldErrors: .options, otherErrors: [503: noPrice]),
    ]
}
