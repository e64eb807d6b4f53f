// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import HTTPTypes
import Hummingbird
import LuaBridge
import Schema
import Strategies

/// The JSON shapes of the strategy endpoints.
enum StrategyRendering {
    /// The event kinds `strategy/events` filters by (see ``StrategyEventRecord``).
    static let eventKinds: Set<String> = [
        "run_started", "run_stopped", "run_completed", "run_failed", "max_loss", "max_profit", "trailing_sl", "stop_loss", "take_profit",
        "supertrend", "exit_rule", "square_off", "daily_loss_limit", "trade_cap", "kill_switch", "log_warn", "log_error",
    ]

    static func success(_ fields: [String: JSONValue]) throws -> Response {
        var body = fields
        body["status"] = .string("success")
        return try JSONResponse.make(JSONValue.object(body))
    }

    static func time(_ stored: String?) -> JSONValue { stored.map { .string(BookRendering.timestamp($0)) } ?? .null }

    static func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }

    static func json(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .object([:])
    }

    static func strategy(_ record: StrategyRecord, declaration: StrategyDeclaration?) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .integer(record.id), "name": .string(record.name), "description": .string(record.description),
            "strategy_kind": .string(record.kind.rawValue), "product": .string(record.product.rawValue),
            "symbols": .array(record.symbols.map(JSONValue.string)), "timeframe": record.timeframe.map { .string($0.rawValue) } ?? .null,
            "params": json(record.paramsJSON), "state": json(record.stateJSON), "is_active": .bool(record.isActive),
            "live_enabled": .bool(record.liveEnabled), "status": .string(record.status.rawValue),
            "current_run_id": record.currentRunID.map(JSONValue.integer) ?? .null,
            "source_version": record.sourceVersion.map { .integer(Int64($0)) } ?? .null, "sha256": record.sha256.map(JSONValue.string) ?? .null,
            "created_at": time(record.createdAt), "updated_at": time(record.updatedAt),
        ]
        if let declaration {
            fields["declaration"] = Self.declaration(declaration)
            fields["legs"] = .array(declaration.legs.enumerated().map { leg($0.element, id: $0.offset + 1) })
        }
        return .object(fields)
    }

    static func declaration(_ declaration: StrategyDeclaration) -> JSONValue {
        let risk = declaration.risk
        return .object([
            "name": .string(declaration.name), "description": .string(declaration.description),
            "symbols": .array(declaration.symbols.map { .string($0.key) }), "timeframe": declaration.timeframe.map { .string($0.rawValue) } ?? .null,
            "product": .string(declaration.product.rawValue),
            "params": .array(declaration.parameters.map(parameter)),
            "risk": .object([
                "max_orders_per_minute": .integer(Int64(risk.maxOrdersPerMinute)), "max_orders_per_call": .integer(Int64(risk.maxOrdersPerCall)),
                "max_position": risk.maxPosition.map(JSONValue.integer) ?? .null, "max_loss": number(risk.maxLoss),
                "max_profit": number(risk.maxProfit),
                "max_trades_per_day": risk.maxTradesPerDay.map { .integer(Int64($0)) } ?? .null,
            ]),
            "callbacks": .array(declaration.callbacks.map(\.rawValue).sorted().map(JSONValue.string)),
            "accounts": .array(declaration.accounts.map(JSONValue.string)),
            "exits": .object([
                "stop_loss": distance(declaration.exits.stopLoss), "target": distance(declaration.exits.target),
                "trailing": distance(declaration.exits.trailing),
            ]),
            "legs": .array(declaration.legs.enumerated().map { leg($0.element, id: $0.offset + 1) }),
        ])
    }

    /// `{"percent": 1.5}` or `{"points": 10}`, as declared; null when not declared.
    static func distance(_ distance: StrategyExits.Distance?) -> JSONValue {
        switch distance {
        case .percent(let percent): .object(["percent": .number(percent)])
        case .points(let points): .object(["points": .number(points)])
        case nil: .null
        }
    }

    /// A leg's strike as declared: `ATM`, `ITM2`, `OTM1`, a price, or `{"premium": 50}`.
    static func strike(_ strike: StrategyLeg.Strike?) -> JSONValue {
        switch strike {
        case .relative(0): .string("ATM")
        case .relative(let steps): .string(steps > 0 ? "ITM\(steps)" : "OTM\(-steps)")
        case .price(let price): .number(price)
        case .premium(let premium): .object(["premium": .number(premium)])
        case nil: .null
        }
    }

    static func parameter(_ parameter: StrategyParameter) -> JSONValue {
        let value: JSONValue =
            switch parameter.defaultValue {
            case .integer(let integer): .integer(integer)
            case .number(let number): .number(number)
            case .boolean(let flag): .bool(flag)
            case .string(let text): .string(text)
            }
        return .object([
            "name": .string(parameter.name), "type": .string(parameter.kind.rawValue), "default": value, "min": number(parameter.minimum),
            "max": number(parameter.maximum), "choices": parameter.choices.map { .array($0.map(JSONValue.string)) } ?? .null,
            "description": .string(parameter.description),
        ])
    }

    static func leg(_ leg: StrategyLeg, id: Int) -> JSONValue {
        .object([
            "id": .integer(Int64(id)), "name": .string(leg.name), "kind": .string(leg.kind.rawValue), "underlying": .string(leg.underlying),
            "exchange": .string(leg.exchange), "option_type": leg.optionType.map { .string($0.rawValue) } ?? .null,
            "expiry": leg.expiry.map { .string($0.rawValue) } ?? .null, "strike": strike(leg.strike), "action": .string(leg.action.rawValue),
            "lots": .integer(leg.lots),
        ])
    }

    static func run(_ run: StrategyRunRecord) -> JSONValue {
        .object([
            "id": .integer(run.id), "strategy_id": .integer(run.strategyID), "mode": .string(run.mode.rawValue),
            "status": .string(run.status.rawValue),
            "broker": .string(run.mode == .sandbox ? "sandbox" : "live"), "account_id": run.accountID.map(JSONValue.integer) ?? .null,
            "params": json(run.paramsJSON),
            "source_version": run.sourceVersion.map { .integer(Int64($0)) } ?? .null, "started_at": time(run.startedAt),
            "stopped_at": time(run.stoppedAt),
            "stop_reason": run.stopReason.map(JSONValue.string) ?? .null, "error_message": run.errorMessage.map(JSONValue.string) ?? .null,
            "error_line": run.errorLine.map { .integer(Int64($0)) } ?? .null, "orders": .integer(Int64(run.orderCount)),
            "trades": .integer(Int64(run.tradeCount)), "pnl_realized": BookRendering.money(run.realizedPnL), "trigger_source": .string("api"),
        ])
    }

    static func order(_ order: StrategyOrderRecord) -> JSONValue {
        .object([
            "orderid": .string(order.orderID), "broker_order_id": .string(order.orderID), "run_id": order.runID.map(JSONValue.integer) ?? .null,
            "symbol": .string(order.symbol), "exchange": .string(order.exchange), "action": .string(order.action.rawValue),
            "qty": .integer(Int64(order.quantity)), "product": .string(order.product.rawValue), "pricetype": .string(order.priceType.rawValue),
            "price": .number(order.price), "trigger_price": .number(order.triggerPrice), "status": .string(order.status.rawValue),
            "placed_at": time(order.placedAt), "filled_qty": .integer(Int64(order.filledQuantity)), "avg_fill_price": .number(order.averagePrice),
            "reject_reason": order.rejectionReason.map(JSONValue.string) ?? .null,
        ])
    }

    static func event(_ event: StrategyEventRecord) -> JSONValue {
        .object([
            "id": .string(event.id), "run_id": event.runID.map(JSONValue.integer) ?? .null, "strategy_id": .integer(event.strategyID),
            "ts": time(event.ts), "kind": .string(event.kind), "severity": .string(event.severity.rawValue),
            "leg_id": event.legID.map(JSONValue.integer) ?? .null, "message": .string(event.message),
            "payload": event.payloadJSON.isEmpty ? .null : json(event.payloadJSON),
        ])
    }

    static func log(_ log: StrategyLogRecord) -> JSONValue {
        .object([
            "id": .integer(log.id), "run_id": log.runID.map(JSONValue.integer) ?? .null, "level": .string(log.level.rawValue),
            "message": .string(log.message), "line": log.line.map { .integer(Int64($0)) } ?? .null, "ts": time(log.createdAt),
        ])
    }

    static func execution(_ execution: StrategyExecutionRecord) -> JSONValue {
        .object([
            "id": .integer(execution.id), "run_id": execution.runID.map(JSONValue.integer) ?? .null, "symbol": .string(execution.symbol),
            "exchange": .string(execution.exchange), "action": .string(execution.action.rawValue), "quantity": .integer(Int64(execution.quantity)),
            "status": .string(execution.status), "entry_price": number(execution.entryPrice), "exit_price": number(execution.exitPrice),
            "exit_reason": execution.exitReason.map(JSONValue.string) ?? .null, "realized_pnl": number(execution.realizedPnL),
        ])
    }

    static func version(_ version: StrategyVersionRecord) -> JSONValue {
        .object([
            "version": .integer(Int64(version.version)), "sha256": .string(version.sha256), "origin": .string(version.origin.rawValue),
            "file_path": version.filePath.map(JSONValue.string) ?? .null, "bytes": .integer(Int64(version.byteCount)),
            "source": version.source.map(JSONValue.string) ?? .null, "created_at": time(version.createdAt),
        ])
    }
}
