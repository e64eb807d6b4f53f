// SPDX-License-Identifier: Apache-2.0

/// The order endpoints on the sandbox broker, registered with the broker module (which needs the
/// market-data module for prices). Field errors print the field dictionary as OpenAlgo does,
/// except `optionsorder` and `optionsmultiorder`, which use the options shape.
extension OpenAPIDocument {
    private static let unknownOrder = "Unknown order, or another user's: `Order 261120102000000 not found`."

    private static func orderBody(_ extra: [String: JSONValue] = [:], required: [String] = APIField.orderRequired) -> JSONValue {
        APIField.body(APIField.orderFields.merging(extra, uniquingKeysWith: { _, new in new }), required: required)
    }

    /// The fields of one `optionsorder` leg (`OptionsOrderController.legFields`).
    private static let legFields: [String: JSONValue] = [
        "offset": APIField.offset, "option_type": APIField.optionType, "action": APIField.action,
        "quantity": JSONSchema.numeric("In units, whole lots.", minimum: 0).example(.integer(65)),
        "splitsize": JSONSchema.numericInteger("Parts of this size (0, the default, places one order).", minimum: 0, maximum: 1_000_000),
        "expiry_date": APIField.expiryDate, "pricetype": APIField.priceType,
        "product": JSONSchema.string("Default MIS; case-insensitive.", enum: ["MIS", "NRML"]).example("MIS"),
        "price": APIField.price("Default 0."), "trigger_price": APIField.price("Default 0."), "disclosed_quantity": APIField.disclosedQuantity,
    ]

    private static let underlyingFields: [String: JSONValue] = [
        "strategy": APIField.strategy, "underlying": APIField.underlying,
        "exchange": APIField.exchange(APIField.underlyingExchanges, example: "NSE_INDEX", "Where the underlying is named, as for `optionsymbol`."),
        "strike_int": JSONValue.object(["description": .string("Deprecated in OpenAlgo: accepted and ignored.")]),
    ]

    private static let noPrice = "No price yet for the underlying: the ATM strike cannot be found."

    /// A bracket price: a number or a string holding one; 0, empty or null means not set.
    private static func bracketPrice(_ description: String) -> JSONValue {
        JSONSchema.nullable(JSONSchema.numeric(minimum: 0)).described(description + " 0, empty or null: not set.")
    }

    static let orderOperations: [APIOperation] = [
        APIOperation(
            endpoint: "placeorder", summary: "Place an order",
            description: "Checked, written and, when the market allows, filled in one transaction before the order id is returned. "
                + "`target`, `stoploss` and `trailing_sl` attach an exit bracket (see `exitbrackets`; sandbox only): once the entry fills, "
                + "a MARKET exit closes the position when the last price reaches the target or the stop (OCO), the stop trailing the best "
                + "price by `trailing_sl` points when given. `underlying_ltp` is accepted and ignored. On an upstream account (the default after `analyzer/toggle` false, or "
                + "named in `account`) the order row is committed before it is sent, the answer has `mode` `live`, and `mirrors` "
                + "lists the copies placed on the account's mirror targets.",
            tag: "Orders", module: .broker,
            body: orderBody([
                "underlying_ltp": JSONValue.object(["description": .string("Accepted and ignored.")]),
                "target": bracketPrice("Exit bracket: the target price (above the entry's price for a BUY, below for a SELL)."),
                "stoploss": bracketPrice("Exit bracket: the stop price (below the entry's price for a BUY, above for a SELL)."),
                "trailing_sl": bracketPrice("Exit bracket: trail the stop this many points behind the best price since the fill."),
                "account": JSONSchema.string(
                    "RealAlgo extension: the name of one of the user's accounts (sandbox or upstream) to place on instead of the default.",
                    maxLength: 64),
            ]),
            success: JSONSchema.success(
                [
                    "orderid": JSONSchema.string("RealAlgo's own order id."), "mode": JSONSchema.string(enum: ["analyze", "live"]),
                    "mirrors": JSONSchema.array(
                        JSONSchema.object(
                            [
                                "account": JSONSchema.string(), "quantity": JSONSchema.integer(),
                                "status": JSONSchema.string(enum: ["success", "error"]),
                                "orderid": JSONSchema.string(), "message": JSONSchema.string(),
                            ], required: ["account", "quantity", "status"]),
                        "One entry per mirror target of an upstream account."),
                ], required: ["orderid", "mode"]),
            fieldErrors: .order,
            otherErrors: [
                502: "The upstream account is unreachable or refused the account's key; the local order row is `rejected`.",
                504: "The upstream did not answer in time; the row is `rejected` and the order is never re-sent.",
            ]),
        APIOperation(
            endpoint: "placesmartorder", summary: "Place the order that reaches a target position",
            description: "One order for |T − P| towards the target T = `position_size` from the current position P; nothing when they match. "
                + "With both flat, `quantity` in `action`.",
            tag: "Orders", module: .broker,
            body: orderBody(
                [
                    "position_size": JSONSchema.numeric("The signed net position wanted (whole).").example(.integer(0)),
                    "quantity": JSONSchema.numeric("0 or more; whole (fractional only on CRYPTO).", minimum: 0).example(.integer(1)),
                ], required: APIField.orderRequired + ["position_size"]),
            success: JSONSchema.sandbox(
                ["orderid": JSONSchema.string(), "message": JSONSchema.string("`Positions Already Matched. No Action needed.`")], required: []),
            fieldErrors: .order),
        APIOperation(
            endpoint: "basketorder", summary: "Place up to 100 orders",
            description: "Every item is checked before any is placed (a malformed item is a 400 `orders[i]: …`, nothing placed); BUY legs go first.",
            tag: "Orders", module: .broker,
            body: APIField.body(
                [
                    "strategy": APIField.strategy,
                    "orders": JSONSchema.array(APIField.orderItem, minItems: 1, maxItems: 100).example(.array([APIField.exampleOrder])),
                ], required: ["strategy", "orders"]),
            success: JSONSchema.sandbox([
                "results": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "symbol": JSONSchema.string(), "status": JSONSchema.string(enum: ["success", "error"]), "orderid": JSONSchema.string(),
                            "message": JSONSchema.string(),
                        ], required: ["symbol", "status"]))
            ]),
            fieldErrors: .order),
        APIOperation(
            endpoint: "splitorder", summary: "Place an order in parts",
            description: "`quantity` in parts of `splitsize`, the last carrying the remainder; at most 100 parts.", tag: "Orders",
            module: .broker,
            body: orderBody(
                ["splitsize": JSONSchema.numeric("Greater than 0, whole.", minimum: 0).example(.integer(1))],
                required: APIField.orderRequired + ["splitsize"]),
            success: JSONSchema.sandbox([
                "split_size": JSONSchema.integer(), "total_quantity": JSONSchema.integer(), "results": JSONSchema.array(JSONSchema.ref("SplitPart")),
            ]),
            fieldErrors: .order),
        APIOperation(
            endpoint: "modifyorder", summary: "Replace a working order",
            description: "Every field is required (a full replacement); the exchange, symbol, action and product must match the order. "
                + "A complete, cancelled or rejected order is a 400.",
            tag: "Orders", module: .broker,
            body: orderBody(
                ["orderid": APIField.orderID],
                required: [
                    "orderid", "strategy", "exchange", "symbol", "action", "product", "pricetype", "price", "quantity", "disclosed_quantity",
                    "trigger_price",
                ]),
            success: JSONSchema.sandbox(["orderid": JSONSchema.string(), "message": JSONSchema.constant("Order modified successfully")]),
            fieldErrors: .order, otherErrors: [404: unknownOrder]),
        APIOperation(
            endpoint: "cancelorder", summary: "Cancel a working order", tag: "Orders", module: .broker,
            body: APIField.body(["orderid": APIField.orderID, "strategy": APIField.strategy], required: ["orderid", "strategy"]),
            success: JSONSchema.sandbox(["orderid": JSONSchema.string(), "message": JSONSchema.string()]),
            fieldErrors: .order, otherErrors: [404: unknownOrder]),
        APIOperation(
            endpoint: "cancelallorder", summary: "Cancel every working order of the user", tag: "Orders", module: .broker,
            body: APIField.body(["strategy": APIField.strategy], required: ["strategy"]),
            success: JSONSchema.sandbox([
                "message": JSONSchema.string("`Canceled N orders. Failed to cancel M orders.` or `No open orders to cancel`."),
                "canceled_orders": JSONSchema.array(JSONSchema.string()),
                "failed_cancellations": JSONSchema.array(JSONSchema.object(["orderid": JSONSchema.string(), "message": JSONSchema.string()])),
            ]),
            fieldErrors: .order),
        APIOperation(
            endpoint: "closeposition", summary: "Close every open position at market", tag: "Orders", module: .broker,
            body: APIField.body(["strategy": APIField.strategy], required: ["strategy"]),
            success: JSONSchema.sandbox(["message": JSONSchema.string("`Closed N positions` or `No open positions to close`.")]),
            fieldErrors: .order),
        APIOperation(
            endpoint: "optionsorder", summary: "Order the option an offset from the ATM strike names",
            description: "The option is resolved as `optionsymbol` does, then ordered like `placeorder` (`product` MIS or NRML). "
                + "With `splitsize` > 0 the parts come back as `results` instead of `orderid`. `expiry_date` is required unless the "
                + "underlying carries its expiry.",
            tag: "Orders", module: .broker,
            body: APIField.body(
                legFields.merging(underlyingFields, uniquingKeysWith: { first, _ in first }),
                required: ["strategy", "underlying", "exchange", "offset", "option_type", "action", "quantity"]),
            success: JSONSchema.sandbox(
                [
                    "symbol": JSONSchema.string(), "exchange": JSONSchema.string(), "offset": JSONSchema.string(), "option_type": JSONSchema.string(),
                    "underlying": JSONSchema.string(), "underlying_ltp": JSONSchema.number(), "orderid": JSONSchema.string(),
                    "results": JSONSchema.array(JSONSchema.ref("SplitPart")),
                ], required: ["symbol", "exchange", "offset", "option_type", "underlying", "underlying_ltp"]),
            fieldErrors: .options, otherErrors: [503: noPrice]),
        APIOperation(
            endpoint: "optionsmultiorder", summary: "Order up to 20 option legs by offset",
            description: "Every leg is resolved before any is placed; BUY legs are placed first; `results` lists the legs in the order given. "
                + "A leg's field errors come under `legs[n]`.",
            tag: "Orders", module: .broker,
            body: APIField.body(
                underlyingFields.merging(
                    [
                        "expiry_date": APIField.expiryDate,
                        "legs": JSONSchema.array(
                            JSONSchema.object(legFields, required: ["offset", "option_type", "action", "quantity"], closed: true), minItems: 1,
                            maxItems: 20
                        ).example(
                            .array([
                                .object([
                                    "offset": .string("ATM"), "option_type": .string("CE"), "action": .string("BUY"), "quantity": .integer(65),
                                ])
                            ])),
                    ], uniquingKeysWith: { first, _ in first }),
                required: ["strategy", "underlying", "exchange", "legs"]),
            success: JSONSchema.sandbox([
                "underlying": JSONSchema.string(), "underlying_ltp": JSONSchema.number(),
                "results": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "leg": JSONSchema.integer(minimum: 1), "symbol": JSONSchema.string(), "offset": JSONSchema.string(),
                            "option_type": JSONSchema.string(), "action": JSONSchema.string(), "mode": JSONSchema.constant("analyze"),
                            "status": JSONSchema.string(enum: ["success", "error"]), "orderid": JSONSchema.string(),
                            "results": JSONSchema.array(JSONSchema.ref("SplitPart")),
                        ], required: ["leg", "symbol", "offset", "option_type", "action", "mode", "status"])),
            ]),
            fieldErrors: .options, otherErrors: [503: noPrice]),
        APIOperation(
            endpoint: "margin", summary: "The margin a list of orders would block",
            description:
                "Each item by the sandbox's rules, as if flat, summed. F&O margin is reported as `span_margin`, equity as `exposure_margin`.",
            tag: "Orders", module: .broker,
            body: APIField.body(
                ["positions": JSONSchema.array(APIField.orderItem, minItems: 1, maxItems: 50).example(.array([APIField.exampleOrder]))],
                required: ["positions"]),
            success: JSONSchema.sandbox([
                "data": JSONSchema.object([
                    "total_margin_required": JSONSchema.number(), "span_margin": JSONSchema.number(), "exposure_margin": JSONSchema.number(),
                ])
            ]),
            fieldErrors: .order),
    ]
}
