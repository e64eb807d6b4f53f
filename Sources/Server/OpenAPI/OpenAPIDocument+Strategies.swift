// SPDX-License-Identifier: Apache-2.0

/// The strategy endpoints (`StrategyController`), registered when both the broker and the
/// strategies modules are on: the official client's `strategy/list|status|start|stop|close_all|
/// close_leg|runs|orders|events`, and RealAlgo's own for Lua strategies (`strategy/check|create|
/// update|live|reload|logs|executions|versions`). Every one takes the strategy in the body and
/// answers 404 for another user's strategy as for one that does not exist.
extension OpenAPIDocument {
    /// A source every example body can send: it compiles, and its params match `exampleParams`.
    static let exampleSource = """
        strategy = { name = "EMA crossover", symbols = { "NSE:SBIN" }, timeframe = "1m",
          params = { fast = { default = 9, min = 2, max = 100 }, slow = { default = 21, min = 3, max = 400 } } }
        function on_bar(ctx, bar)
          local fast, fast_prev = ctx.ema(bar.symbol, ctx.params.fast)
          local slow, slow_prev = ctx.ema(bar.symbol, ctx.params.slow)
          if ctx.crossover(fast, fast_prev, slow, slow_prev) then ctx.buy(bar.symbol, 1) end
        end
        """

    private static let strategyID = JSONSchema.numericInteger("The strategy's id (`strategy/list`).", minimum: 1).example(.integer(1))

    private static let runID = JSONSchema.numericInteger("Only this run's rows (`strategy/runs`).", minimum: 1).example(.integer(1))

    private static let source = JSONSchema.string(
        "The Lua 5.4 source text, 1 to 1,000,000 bytes of UTF-8 (docs/LUA-STRATEGIES.md).", maxLength: 1_000_000
    ).example(exampleSource)

    private static let params = JSONValue.object([
        "type": .string("object"),
        "additionalProperties": JSONSchema.anyOf([JSONSchema.number(), JSONSchema.string(), JSONSchema.boolean()]),
        "description": .string(
            "Param values by name, each checked against the file's `params` spec (an integer param takes 21 or 21.0). "
                + "A name the file does not declare, or a value out of its spec, is 400."),
        "examples": .array([.object(["fast": .integer(9), "slow": .integer(21)])]),
    ])

    private static let notFound = "No strategy with that id among the caller's: `Strategy 7 not found.` (another user's answers the same)."
    private static let notRunning = "The strategy has no run in this server: `Strategy 7 is not running.`"

    /// One of the official client's calls, for a description.
    private static func client(_ method: String) -> String { " The official client's `\(method)`." }

    private static let own = " (RealAlgo's own.)"

    private static let listedStrategy = JSONSchema.ref("Strategy")

    private static let strategyAnswer = JSONSchema.success(["data": JSONSchema.ref("Strategy")])

    static let strategyOperations: [APIOperation] = authoringOperations + lifecycleOperations + readOperations

    /// `create` comes first: its example makes strategy 1 for the operations after it.
    private static let authoringOperations: [APIOperation] = [
        APIOperation(
            endpoint: "strategy/create", summary: "Create a Lua strategy (RealAlgo)",
            description: "Compiles the source, runs its top level and reads its declaration; the strategy is stored at version 1 "
                + "with `params` (checked against the declaration), status `stopped` and live mode off. Nothing runs. A body up to "
                + "2 MiB is accepted." + own,
            tag: "Strategies", module: .strategies, body: APIField.body(["source": source, "params": params], required: ["source"]),
            success: strategyAnswer, fieldErrors: .strategy,
            otherErrors: [
                409: "The caller already has a strategy with the declared name: `You already have a strategy named 'X'; update it instead.`"
            ]
        ),
        APIOperation(
            endpoint: "strategy/check", summary: "Compile a source and read its declaration (RealAlgo)",
            description: "Nothing is stored and no callback runs (the file's top level does). A syntax or declaration error is 400 "
                + "with `error_kind`, `field` and `line`. A body up to 2 MiB is accepted." + own,
            tag: "Strategies", module: .strategies,
            body: APIField.body(
                [
                    "source": source,
                    "name": JSONSchema.text("The chunk name error messages use (default `check`).", maxLength: 100).example("ema.lua"),
                ], required: ["source"]),
            success: JSONSchema.success(["declaration": JSONSchema.ref("StrategyDeclaration")]), fieldErrors: .strategy),
        APIOperation(
            endpoint: "strategy/update", summary: "Save a new source version and/or params (RealAlgo)",
            description: "A `source` whose text differs from the current version becomes the next version and is what the next run "
                + "executes (a running one keeps its source until `strategy/reload`); it must declare the same name. `params` "
                + "replaces the stored values whole. Without `source` the current one is checked again. A body up to 2 MiB is "
                + "accepted." + own,
            tag: "Strategies", module: .strategies,
            body: APIField.body(["strategy_id": strategyID, "source": source, "params": params], required: ["strategy_id"]),
            success: strategyAnswer, fieldErrors: .strategy, otherErrors: [404: notFound]),
        APIOperation(
            endpoint: "strategy/live", summary: "Allow or forbid live runs (RealAlgo)",
            description: "A strategy is created with live mode off, and `strategy/start` with `mode` `live` answers 409 until this "
                + "enables it (audited). Turning it off does not stop a live run." + own,
            tag: "Strategies", module: .strategies,
            body: APIField.body(
                ["strategy_id": strategyID, "enabled": JSONSchema.flag("True allows live runs.").example(.bool(true))],
                required: ["strategy_id", "enabled"]),
            success: JSONSchema.success(["strategy_id": JSONSchema.integer(), "live_enabled": JSONSchema.boolean()]),
            otherErrors: [404: notFound]),
    ]

    private static let exits = JSONSchema.array(JSONSchema.object([:], required: []), "Always empty.")

    private static let lifecycleOperations: [APIOperation] = [
        APIOperation(
            endpoint: "strategy/list", summary: "The caller's strategies",
            description: "Newest first, without declarations or sources." + client("strategylist"), tag: "Strategies", module: .strategies,
            body: APIField.body([
                "status": JSONSchema.string(
                    "Only strategies in this status (derived from their runs).", enum: ["running", "errored", "stopped"], maxLength: 16
                ).example("running"),
                "q": JSONSchema.text("Only names containing this text, ignoring ASCII case.", maxLength: 100).example("ema"),
            ]),
            success: JSONSchema.success(["data": JSONSchema.array(listedStrategy)])),
        APIOperation(
            endpoint: "strategy/status", summary: "One strategy with its declaration, legs and current run",
            description: "`data` adds `declaration` and `legs` when the current source compiles; `run` is null unless a run is live."
                + client("strategystatus"),
            tag: "Strategies", module: .strategies, body: APIField.body(["strategy_id": strategyID], required: ["strategy_id"]),
            success: JSONSchema.success(["data": listedStrategy, "run": JSONSchema.nullable(JSONSchema.ref("StrategyRun"))]),
            otherErrors: [404: notFound]),
        APIOperation(
            endpoint: "strategy/start", summary: "Start a run, in the sandbox or live",
            description: "Records the run, loads the current source, warms its bars, calls `on_start` and subscribes its symbols. "
                + "`params` override the stored values for this run. `mode` has no default. A file, param or `on_start` failure is "
                + "400 with `error_kind`, `field` and `line` (and `run_id` once the run was recorded, as `failed`)."
                + client("strategystart") + " (`params` is RealAlgo's addition; the client passes it through.)",
            tag: "Strategies", module: .strategies,
            body: APIField.body(
                [
                    "strategy_id": strategyID,
                    "mode": JSONSchema.string(
                        "Exact: `sandbox` trades the caller's sandbox account, `live` the strategy's account.",
                        enum: [
                            "sandbox", "live",
                        ], maxLength: 16
                    ).example("sandbox"),
                    "params": params,
                ], required: ["strategy_id", "mode"]),
            success: JSONSchema.success([
                "run_id": JSONSchema.integer(), "mode": JSONSchema.string(enum: ["sandbox", "live"]), "strategy_id": JSONSchema.integer(),
                "legs": JSONSchema.array(JSONSchema.object([:], required: []), "Always empty: a Lua strategy enters its legs itself."),
            ]),
            fieldErrors: .strategy,
            otherErrors: [
                404: notFound,
                409: "Already running, deactivated, live mode off for a live run, or no active sandbox account for a sandbox run.",
            ]),
        APIOperation(
            endpoint: "strategy/stop", summary: "Stop the current run and close its positions",
            description: "Calls `on_stop`, cancels the run's working orders, closes its positions with MARKET orders and saves "
                + "`ctx.state`; answers once the run has ended (`run_status` `stopped`, or `failed` when `on_stop` raised)."
                + client("strategystop"),
            tag: "Strategies", module: .strategies, body: APIField.body(["strategy_id": strategyID], required: ["strategy_id"]),
            success: JSONSchema.success([
                "run_id": JSONSchema.nullable(JSONSchema.integer()), "stop_pending": JSONSchema.constant(false), "exits": exits,
                "run_status": JSONSchema.string(enum: ["stopped", "failed"]),
            ]),
            otherErrors: [404: notFound, 409: notRunning + " The body adds `\"stop_pending\": false`."]),
        APIOperation(
            endpoint: "strategy/close_all", summary: "Close every position of the current run; the run goes on",
            description: "Asks the run to cancel its working orders and close its positions (orders tagged `close_all`) and answers "
                + "at once, before they are placed." + client("strategycloseall"),
            tag: "Strategies", module: .strategies, body: APIField.body(["strategy_id": strategyID], required: ["strategy_id"]),
            success: JSONSchema.success(["run_id": JSONSchema.integer(), "stop_pending": JSONSchema.constant(true), "exits": exits]),
            otherErrors: [404: notFound, 409: notRunning + " The body adds `\"stop_pending\": false`."]),
        APIOperation(
            endpoint: "strategy/close_leg", summary: "Close one declared leg of the current run; the run goes on",
            description: "Legs are numbered from 1 in the file's order (`legs[].id` of `strategy/status`). A leg the run has not "
                + "entered, or that is flat, is left as it is. Answers before the closing order is placed." + client("strategycloseleg"),
            tag: "Strategies", module: .strategies,
            body: APIField.body(
                [
                    "strategy_id": strategyID,
                    "leg_id": JSONSchema.numericInteger("The leg's number, from 1.", minimum: 1, maximum: 1_000).example(.integer(1)),
                ], required: ["strategy_id", "leg_id"]),
            success: JSONSchema.success([
                "run_id": JSONSchema.integer(), "leg_id": JSONSchema.integer(), "leg": JSONSchema.string("The leg's name."),
                "run_stopped": JSONSchema.constant(false), "exits": exits,
            ]),
            otherErrors: [404: notFound, 409: "The strategy has no such leg, or is not running."]),
        APIOperation(
            endpoint: "strategy/reload", summary: "Restart the current run on the current source (RealAlgo)",
            description: "A stop (with `on_stop`, closing positions) and a start in the same mode with the stored params; "
                + "a start that fails answers as `strategy/start` does, the old run having ended." + own,
            tag: "Strategies", module: .strategies, body: APIField.body(["strategy_id": strategyID], required: ["strategy_id"]),
            success: JSONSchema.success([
                "run_id": JSONSchema.integer(), "previous_run_id": JSONSchema.integer(), "mode": JSONSchema.string(enum: ["sandbox", "live"]),
            ]),
            fieldErrors: .strategy, otherErrors: [404: notFound, 409: "Not running (`start it instead`), or the new start was refused."]),
    ]

    private static let readOperations: [APIOperation] = [
        APIOperation(
            endpoint: "strategy/runs", summary: "The strategy's runs, newest first", description: client("strategyruns").trimmed,
            tag: "Strategies", module: .strategies,
            body: APIField.body(
                [
                    "strategy_id": strategyID,
                    "limit": JSONSchema.numericInteger("1–500 (default 100).", minimum: 1, maximum: 500).example(.integer(20)),
                ], required: ["strategy_id"]),
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("StrategyRun"))]), otherErrors: [404: notFound]),
        APIOperation(
            endpoint: "strategy/orders", summary: "The orders the strategy placed, oldest first", description: client("strategyorders").trimmed,
            tag: "Strategies", module: .strategies,
            body: APIField.body(["strategy_id": strategyID, "run_id": runID], required: ["strategy_id"]),
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("StrategyOrder"))]), otherErrors: [404: notFound]),
        APIOperation(
            endpoint: "strategy/events", summary: "The strategy's event timeline, newest first",
            description: "Runs starting and ending, the risk events the runtime enforced, and warn and error log lines."
                + client("strategyevents"),
            tag: "Strategies", module: .strategies,
            body: APIField.body(
                [
                    "strategy_id": strategyID, "run_id": runID,
                    "kind": JSONSchema.string("Only events of this kind.", enum: StrategyRendering.eventKinds.sorted(), maxLength: 64).example(
                        "stop_loss"),
                    "severity": JSONSchema.string("Only events at least this severe.", enum: ["info", "warn", "critical"], maxLength: 16).example(
                        "warn"),
                    "limit": JSONSchema.numericInteger("1–1000 (default 500).", minimum: 1, maximum: 1_000).example(.integer(50)),
                ], required: ["strategy_id"]),
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("StrategyEvent"))]), otherErrors: [404: notFound]),
        APIOperation(
            endpoint: "strategy/logs", summary: "The strategy's log lines, oldest first (RealAlgo)",
            description: "What the script logged with `ctx.log` and friends, and what the host logged about it (a failure with its "
                + "line). Without `after_id`, the newest `limit` lines; with it, the lines after that id (a tail that polls)." + own,
            tag: "Strategies", module: .strategies,
            body: APIField.body(
                [
                    "strategy_id": strategyID, "run_id": runID,
                    "after_id": JSONSchema.numericInteger("Only lines with a larger id.", minimum: 0).example(.integer(0)),
                    "limit": JSONSchema.numericInteger("1–5000 (default 500).", minimum: 1, maximum: 5_000).example(.integer(100)),
                ], required: ["strategy_id"]),
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("StrategyLog"))]), otherErrors: [404: notFound]),
        APIOperation(
            endpoint: "strategy/executions", summary: "The strategy's executions, oldest first (RealAlgo)",
            description: "Rows of `strategy_executions` (one leg × account entry and its exit). The Lua runtime writes none, so a "
                + "Lua strategy's list is empty." + own,
            tag: "Strategies", module: .strategies,
            body: APIField.body(["strategy_id": strategyID, "run_id": runID], required: ["strategy_id"]),
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("StrategyExecution"))]), otherErrors: [404: notFound]),
        APIOperation(
            endpoint: "strategy/versions", summary: "The strategy's source versions, oldest first (RealAlgo)", description: own.trimmed,
            tag: "Strategies", module: .strategies,
            body: APIField.body(
                ["strategy_id": strategyID, "include_source": JSONSchema.flag("Include each version's text (default false).").example(.bool(false))],
                required: ["strategy_id"]),
            success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.ref("StrategyVersion"))]), otherErrors: [404: notFound]),
    ]
}

extension String {
    /// Without the leading space the description fragments start with.
    fileprivate var trimmed: String { hasPrefix(" ") ? String(dropFirst()) : self }
}
