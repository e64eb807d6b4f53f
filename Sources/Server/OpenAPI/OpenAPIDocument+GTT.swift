// SPDX-License-Identifier: Apache-2.0

/// OpenAlgo's GTT (good-till-triggered) endpoints on the sandbox, registered with the broker
/// module. Place and modify ignore unknown fields, as OpenAlgo's do.
extension OpenAPIDocument {
    private static let gttFields: [String: JSONValue] = [
        "strategy": APIField.strategy,
        "trigger_type": JSONSchema.string("A single trigger, or a stop-loss and target pair (OCO); case-insensitive.", enum: ["SINGLE", "OCO"])
            .example("SINGLE"),
        "exchange": APIField.exchange(APIField.allExchanges, example: "NSE"), "symbol": APIField.symbol(), "action": APIField.action,
        "product": JSONSchema.string("Case-insensitive.", enum: ["CNC", "NRML"]).example("CNC"), "quantity": APIField.quantity,
        "pricetype": JSONSchema.string("Default LIMIT; case-insensitive.", enum: ["LIMIT", "MARKET"]),
        "price": APIField.price("The limit price of a SINGLE trigger's order (default 0)."),
        "triggerprice_sl": gttPrice("The stop-loss trigger (a SINGLE trigger uses it when both are set)."),
        "triggerprice_tg": gttPrice("The target trigger; above `triggerprice_sl` for OCO."),
        "stoploss": gttPrice("OCO: the stop-loss leg's limit price."), "target": gttPrice("OCO: the target leg's limit price."),
        "expires_at": JSONSchema.nullable(JSONSchema.string("`YYYY-MM-DD` (the end of that day) or `YYYY-MM-DD HH:MM[:SS]`, IST.", maxLength: 32)),
    ]

    /// A trigger or leg price: a number, a string holding one, an empty string or null (0).
    private static func gttPrice(_ description: String) -> JSONValue {
        JSONSchema.nullable(JSONSchema.numeric(minimum: 0)).described(description + " Empty or null is 0.")
    }

    private static let gttRequired = ["trigger_type", "exchange", "symbol", "action", "product", "quantity"]

    private static let unknownTrigger = "Unknown trigger, or another user's."

    static let gttOperations: [APIOperation] = [
        APIOperation(
            endpoint: "placegttorder", summary: "Place a GTT trigger",
            description: "SINGLE needs a positive trigger; OCO needs both triggers and both leg prices. Fires at most once.", tag: "GTT",
            module: .broker, body: APIField.body(gttFields, required: gttRequired, closed: false),
            success: JSONSchema.sandbox(["trigger_id": JSONSchema.string()]), fieldErrors: .order),
        APIOperation(
            endpoint: "modifygttorder", summary: "Replace a GTT trigger", description: "A full replacement of the trigger.", tag: "GTT",
            module: .broker,
            body: APIField.body(
                gttFields.merging(["trigger_id": JSONSchema.text().example("GTT-1")], uniquingKeysWith: { first, _ in first }),
                required: ["trigger_id"] + gttRequired, closed: false),
            success: JSONSchema.sandbox(["trigger_id": JSONSchema.string()]), fieldErrors: .order, otherErrors: [404: unknownTrigger]),
        APIOperation(
            endpoint: "cancelgttorder", summary: "Cancel a GTT trigger", tag: "GTT", module: .broker,
            body: APIField.body(
                ["strategy": APIField.strategy, "trigger_id": JSONSchema.text().example("GTT-1")], required: ["strategy", "trigger_id"]),
            success: JSONSchema.sandbox(["trigger_id": JSONSchema.string()]), fieldErrors: .order, otherErrors: [404: unknownTrigger]),
        APIOperation(
            endpoint: "gttorderbook", summary: "The user's GTT triggers", tag: "GTT", module: .broker,
            body: APIField.body([
                "status": JSONSchema.string("`active` (the default: triggers that can still fire) or `all` (active first).", enum: ["active", "all"])
            ]),
            success: JSONSchema.sandbox([
                "data": JSONSchema.array(
                    JSONSchema.object([
                        "trigger_id": JSONSchema.string(), "trigger_type": JSONSchema.string(enum: ["single", "two-leg"]),
                        "status": JSONSchema.string(enum: ["active", "triggered", "cancelled", "expired", "rejected"]),
                        "symbol": JSONSchema.string(), "exchange": JSONSchema.string(), "strategy": JSONSchema.string(),
                        "trigger_prices": JSONSchema.array(JSONSchema.number()), "last_price": JSONSchema.number(),
                        "legs": JSONSchema.array(
                            JSONSchema.object([
                                "action": JSONSchema.string(), "quantity": JSONSchema.integer(), "pricetype": JSONSchema.string(),
                                "price": JSONSchema.number(), "trigger_price": JSONSchema.number(), "product": JSONSchema.string(),
                            ])),
                        "fired_leg": JSONSchema.nullable(JSONSchema.string()), "orderid": JSONSchema.nullable(JSONSchema.string()),
                        "rejection_reason": JSONSchema.nullable(JSONSchema.string()), "created_at": JSONSchema.string(),
                        "updated_at": JSONSchema.string(), "expires_at": JSONSchema.nullable(JSONSchema.string()),
                    ]))
            ]),
            fieldErrors: .order),
    ]
}
