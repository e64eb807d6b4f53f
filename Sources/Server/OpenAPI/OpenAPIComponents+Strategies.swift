// SPDX-License-Identifier: Apache-2.0

/// The answer objects of the strategy endpoints, as `StrategyRendering` builds them.
extension OpenAPIComponents {
    private static let number = JSONSchema.number()
    private static let integer = JSONSchema.integer()
    private static let string = JSONSchema.string()
    private static let time = JSONSchema.string("IST, `2026-11-23 10:00:03`.")

    private static func optional(_ schema: JSONValue) -> JSONValue { JSONSchema.nullable(schema) }

    /// A declared exit's distance: points or percent.
    private static let distance = JSONSchema.anyOf([
        JSONSchema.object(["points": JSONSchema.number()]), JSONSchema.object(["percent": JSONSchema.number()]),
    ])

    /// A strategy file, param or callback refused: 400 with the error's kind, field and line.
    static let strategyRefusal = JSONSchema.object(
        [
            "status": JSONSchema.constant("error"),
            "message": JSONSchema.string("The field at fault, the problem and the line, e.g. `strategy.params.fast.min: must be a number`."),
            "error_kind": JSONSchema.string(
                "`syntax` (does not compile), `declaration` (the `strategy` table), `parameter` (a param value), `callback` "
                    + "(the top level or `on_start` raised, ran past its budget or out of memory), `limit`.",
                enum: ["syntax", "declaration", "parameter", "callback", "limit"]),
            "field": JSONSchema.string("`strategy.timeframe`, `params.fast`, `on_start`, `main chunk`…; absent for a syntax error."),
            "line": JSONSchema.integer("The script line, when Lua knows it."),
            "run_id": JSONSchema.integer("The run recorded as failed (`strategy/start` once the run was recorded)."),
        ], required: ["status", "message", "error_kind"], "A strategy source, param or start refused.")

    static let strategySchemas: [String: JSONValue] = [
        "StrategyRefusal": strategyRefusal,
        "Strategy": JSONSchema.object(
            [
                "id": integer, "name": string, "description": string,
                "strategy_kind": JSONSchema.string("`lua` for a script.", enum: ["lua", "legs"]),
                "product": JSONSchema.string(enum: ["MIS", "NRML", "CNC"]),
                "symbols": JSONSchema.array(JSONSchema.string("`EXCHANGE:SYMBOL`."), "As the current source declares them."),
                "timeframe": optional(JSONSchema.string(enum: ["1s", "5s", "1m", "3m", "5m", "15m", "30m", "1h", "D"])),
                "params": JSONSchema.object([:], required: [], "The stored param values (what a start uses unless overridden)."),
                "state": JSONSchema.object([:], required: [], "What the script keeps in `ctx.state`, as last saved."),
                "is_active": JSONSchema.boolean(), "live_enabled": JSONSchema.boolean("Whether live runs are allowed (`strategy/live`)."),
                "status": JSONSchema.string(
                    "`running` while a run is live; `errored` when the latest run failed.",
                    enum: [
                        "running", "errored", "stopped",
                    ]),
                "current_run_id": optional(integer), "source_version": optional(JSONSchema.integer("The version that runs.")),
                "sha256": optional(JSONSchema.string("SHA-256 of that version's text, lowercase hex.")),
                "created_at": time, "updated_at": time,
                "declaration": JSONSchema.ref("StrategyDeclaration"),
                "legs": JSONSchema.array(JSONSchema.ref("StrategyLeg"), "The declared legs, numbered from 1."),
            ],
            required: [
                "id", "name", "description", "strategy_kind", "product", "symbols", "timeframe", "params", "state", "is_active",
                "live_enabled", "status", "current_run_id", "source_version", "sha256", "created_at", "updated_at",
            ], "A strategy. `declaration` and `legs` come with `strategy/status`, `create` and `update` when the source compiles."),
        "StrategyDeclaration": JSONSchema.object(
            [
                "name": string, "description": string, "symbols": JSONSchema.array(string),
                "timeframe": optional(string), "product": string,
                "params": JSONSchema.array(
                    JSONSchema.object([
                        "name": string, "type": JSONSchema.string(enum: ["integer", "number", "boolean", "string"]),
                        "default": JSONSchema.anyOf([number, string, JSONSchema.boolean()]), "min": optional(number), "max": optional(number),
                        "choices": optional(JSONSchema.array(string)), "description": string,
                    ]), "Sorted by name."),
                "risk": JSONSchema.object([
                    "max_orders_per_minute": JSONSchema.integer("Default 60."), "max_orders_per_call": JSONSchema.integer("Default 20."),
                    "max_position": optional(integer), "max_loss": optional(number), "max_profit": optional(number),
                    "max_trades_per_day": optional(integer),
                ]),
                "callbacks": JSONSchema.array(
                    JSONSchema.string(enum: ["exit", "on_bar", "on_fill", "on_order", "on_start", "on_stop", "on_tick", "on_timer"]),
                    "The callbacks the file defines, sorted."),
                "accounts": JSONSchema.array(string),
                "exits": JSONSchema.object([
                    "stop_loss": optional(distance), "target": optional(distance), "trailing": optional(distance),
                ]),
                "legs": JSONSchema.array(JSONSchema.ref("StrategyLeg"), "The declared legs, numbered from 1."),
            ], "What the file's `strategy` table declares."),
        "StrategyLeg": JSONSchema.object([
            "id": JSONSchema.integer("From 1, in the file's order (what `strategy/close_leg` takes)."), "name": string,
            "kind": JSONSchema.string(enum: ["option", "future", "equity"]), "underlying": JSONSchema.string("The traded symbol for equity."),
            "exchange": string, "option_type": optional(JSONSchema.string(enum: ["CE", "PE"])),
            "expiry": optional(JSONSchema.string(enum: ["current_week", "next_week", "current_month", "next_month"])),
            "strike": optional(
                JSONSchema.anyOf([
                    JSONSchema.string("`ATM`, `ITM1`…`ITM50` or `OTM1`…`OTM50`."), JSONSchema.number("A strike price."),
                    JSONSchema.object(["premium": number], "The strike whose option's price is nearest this premium."),
                ])),
            "action": JSONSchema.string(enum: ["BUY", "SELL"]), "lots": JSONSchema.integer("Lots for derivatives, units for equity."),
        ]),
        "StrategyRun": JSONSchema.object([
            "id": integer, "strategy_id": integer, "mode": JSONSchema.string(enum: ["sandbox", "live"]),
            "status": JSONSchema.string(enum: ["starting", "running", "stopping", "stopped", "failed", "completed"]),
            "broker": JSONSchema.string(enum: ["sandbox", "live"]), "params": JSONSchema.object([:], required: [], "The params as started."),
            "account_id": optional(integer), "source_version": optional(integer), "started_at": time, "stopped_at": optional(time),
            "stop_reason": optional(string),
            "error_message": optional(string), "error_line": optional(integer),
            "orders": JSONSchema.integer("Orders the run placed."), "trades": JSONSchema.integer("Fills of those orders."),
            "pnl_realized": JSONSchema.number("P&L the run's fills realized in the strategy's book."),
            "trigger_source": JSONSchema.constant("api"),
        ]),
        "StrategyOrder": JSONSchema.object([
            "orderid": string, "broker_order_id": JSONSchema.string("The same as `orderid`."), "run_id": optional(integer),
            "symbol": string, "exchange": string, "action": string, "qty": integer, "product": string, "pricetype": string, "price": number,
            "trigger_price": number, "status": string, "placed_at": time, "filled_qty": integer, "avg_fill_price": number,
            "reject_reason": optional(string),
        ]),
        "StrategyEvent": JSONSchema.object([
            "id": JSONSchema.string("`run:<id>:start`, `run:<id>:end`, `risk:<id>` or `log:<id>`."), "run_id": optional(integer),
            "strategy_id": integer, "ts": time, "kind": JSONSchema.string(enum: StrategyRendering.eventKinds.sorted()),
            "severity": JSONSchema.string(enum: ["info", "warn", "critical"]), "leg_id": optional(integer), "message": string,
            "payload": optional(JSONSchema.object([:], required: [], "The source row's details; its shape depends on the kind.")),
        ]),
        "StrategyLog": JSONSchema.object([
            "id": integer, "run_id": optional(integer), "level": JSONSchema.string(enum: ["debug", "info", "warn", "error"]),
            "message": string, "line": optional(JSONSchema.integer("The script line (errors).")), "ts": time,
        ]),
        "StrategyExecution": JSONSchema.object([
            "id": integer, "run_id": optional(integer), "symbol": string, "exchange": string, "action": string, "quantity": integer,
            "status": string, "entry_price": optional(number), "exit_price": optional(number), "exit_reason": optional(string),
            "realized_pnl": optional(number),
        ]),
        "StrategyVersion": JSONSchema.object([
            "version": JSONSchema.integer("1, 2, 3…"), "sha256": string,
            "origin": JSONSchema.string("Who saved it.", enum: ["api", "file", "cli", "web"]),
            "file_path": optional(JSONSchema.string("The file it was loaded from (origin `file`).")),
            "bytes": JSONSchema.integer("Size of the text in UTF-8 bytes."),
            "source": optional(JSONSchema.string("The text, with `include_source`.")), "created_at": time,
        ]),
    ]
}
