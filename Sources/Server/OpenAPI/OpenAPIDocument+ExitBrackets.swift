// SPDX-License-Identifier: Apache-2.0

/// RealAlgo's own endpoints for the exit brackets `placeorder` attaches (OpenAlgo has none).
extension OpenAPIDocument {
    static let exitBracketOperations: [APIOperation] = [
        APIOperation(
            endpoint: "exitbrackets", summary: "The user's exit brackets (RealAlgo)",
            description: "Newest first. `waiting`: the entry has not filled; `active`: watching every tick; `exited`: the exit order was "
                + "placed (`exit_leg`, `exit_orderid`); `cancelled`: the entry never filled, the position was closed first, or the user "
                + "cancelled it (`reason`).",
            tag: "Orders", module: .broker,
            body: APIField.body([
                "status": JSONSchema.string("`live` (the default: waiting and active) or `all`.", enum: ["live", "all"])
            ]),
            success: JSONSchema.sandbox([
                "data": JSONSchema.array(
                    JSONSchema.object([
                        "orderid": JSONSchema.string("The entry order."), "exchange": JSONSchema.string(), "symbol": JSONSchema.string(),
                        "product": JSONSchema.string(), "side": JSONSchema.string(enum: ["long", "short"]), "quantity": JSONSchema.integer(),
                        "target": JSONSchema.nullable(JSONSchema.number()), "stoploss": JSONSchema.nullable(JSONSchema.number()),
                        "trailing_sl": JSONSchema.nullable(JSONSchema.number()), "entry_price": JSONSchema.nullable(JSONSchema.number()),
                        "stop_price": JSONSchema.nullable(JSONSchema.number("The live stop (moved by trailing).")),
                        "status": JSONSchema.string(enum: ["waiting", "active", "exited", "cancelled"]),
                        "exit_leg": JSONSchema.nullable(JSONSchema.string(enum: ["target", "stoploss", "trailing"])),
                        "exit_orderid": JSONSchema.nullable(JSONSchema.string()), "reason": JSONSchema.nullable(JSONSchema.string()),
                        "created_at": JSONSchema.string(), "updated_at": JSONSchema.string(),
                    ]))
            ]),
            fieldErrors: .order),
        APIOperation(
            endpoint: "cancelexitbracket", summary: "Cancel a live exit bracket (RealAlgo)",
            description: "The entry order and the position stay as they are; only the bracket stops watching.", tag: "Orders",
            module: .broker,
            body: APIField.body(["orderid": JSONSchema.text("The entry order's id.").example("261121000000001")], required: ["orderid"]),
            success: JSONSchema.sandbox(["orderid": JSONSchema.string()]), fieldErrors: .order,
            otherErrors: [404: "No bracket on that order, or another user's."]),
    ]
}
