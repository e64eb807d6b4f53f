// SPDX-License-Identifier: Apache-2.0

/// The books and account endpoints on the sandbox broker, registered with the broker module. The
/// books cover the current session (from 03:00 IST), newest order first.
extension OpenAPIDocument {
    private static let apikeyOnly = APIField.body([:])

    static let accountOperations: [APIOperation] = [
        APIOperation(
            endpoint: "orderstatus", summary: "One order of the user", tag: "Accounts", module: .broker,
            body: APIField.body(["orderid": APIField.orderID, "strategy": APIField.strategy], required: ["orderid", "strategy"]),
            success: JSONSchema.sandbox(["data": JSONSchema.ref("Order")]), fieldErrors: .order,
            otherErrors: [404: "Unknown order, or another user's: `Order 261120102000000 not found`."]),
        APIOperation(
            endpoint: "openposition", summary: "The net quantity of one position", description: "0 when flat.", tag: "Accounts",
            module: .broker,
            body: APIField.body(
                [
                    "strategy": APIField.strategy, "symbol": APIField.symbol(),
                    "exchange": JSONSchema.string("Any exchange; matched upper-cased.", maxLength: 16).example("NSE"), "product": APIField.product,
                ], required: ["strategy", "symbol", "exchange"]),
            success: JSONSchema.sandbox(["quantity": JSONSchema.integer("Signed net quantity.")]), fieldErrors: .order),
        APIOperation(
            endpoint: "orderbook", summary: "The session's orders", tag: "Accounts", module: .broker, body: apikeyOnly,
            success: JSONSchema.sandbox([
                "data": JSONSchema.object([
                    "orders": JSONSchema.array(JSONSchema.ref("Order")),
                    "statistics": JSONSchema.object(
                        [
                            "total_buy_orders", "total_sell_orders", "total_completed_orders", "total_open_orders", "total_trigger_pending_orders",
                            "total_rejected_orders",
                        ].reduce(into: [:]) { $0[$1] = JSONSchema.integer() }),
                ])
            ])),
        APIOperation(
            endpoint: "tradebook", summary: "The session's trades", tag: "Accounts", module: .broker, body: apikeyOnly,
            success: JSONSchema.sandbox(["data": JSONSchema.array(JSONSchema.ref("Trade"))])),
        APIOperation(
            endpoint: "positionbook", summary: "Open positions and those closed this session", tag: "Accounts", module: .broker,
            body: apikeyOnly,
            success: JSONSchema.sandbox([
                "data": JSONSchema.array(JSONSchema.ref("Position")), "total_realized_pnl": JSONSchema.number(),
                "total_unrealized_pnl": JSONSchema.number(), "total_pnl": JSONSchema.number(),
            ])),
        APIOperation(
            endpoint: "holdings", summary: "Delivery holdings", tag: "Accounts", module: .broker, body: apikeyOnly,
            success: JSONSchema.sandbox([
                "data": JSONSchema.object([
                    "holdings": JSONSchema.array(JSONSchema.ref("Holding")),
                    "statistics": JSONSchema.object(
                        ["totalholdingvalue", "totalinvvalue", "totalprofitandloss", "totalpnlpercentage"].reduce(into: [:]) {
                            $0[$1] = JSONSchema.number()
                        }),
                ])
            ])),
        APIOperation(
            endpoint: "funds", summary: "Cash, margin used and P&L of the default account", tag: "Accounts", module: .broker,
            body: apikeyOnly,
            success: JSONSchema.sandbox([
                "data": JSONSchema.object(
                    ["availablecash", "collateral", "m2mrealized", "m2munrealized", "utiliseddebits", "totalpnl", "openingbalance"].reduce(
                        into: [:]
                    ) { $0[$1] = JSONSchema.number() })
            ]),
            otherErrors: [404: "The user has no default account."]),
        APIOperation(
            endpoint: "analyzer", summary: "Whether the user is in analyze (sandbox) mode", tag: "Accounts", module: .broker,
            body: apikeyOnly, success: JSONSchema.success(["data": JSONSchema.ref("AnalyzerStatus")]), fieldErrors: .order),
        APIOperation(
            endpoint: "analyzer/toggle", summary: "Switch the user between the sandbox and their first upstream account",
            description: "`true` makes the sandbox the default account; `false` the user's first active upstream account (400 when they have none).",
            tag: "Accounts", module: .broker,
            body: APIField.body(["mode": JSONSchema.flag("True for analyze (sandbox), false for live.").example(.bool(true))], required: ["mode"]),
            success: JSONSchema.success(["message": JSONSchema.string(), "data": JSONSchema.ref("AnalyzerStatus")]), fieldErrors: .order),
    ]
}
