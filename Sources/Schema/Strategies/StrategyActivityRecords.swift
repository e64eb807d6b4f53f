// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// The level of a strategy log line (`strategy_logs.level`).
public enum StrategyLogLevel: String, Sendable, CaseIterable, Codable {
    case debug, info, warn, error
}

/// A log line to append: what a script said through `ctx.log`, or what the host said about it.
public struct StrategyLogEntry: Sendable, Equatable {
    public var level: StrategyLogLevel
    public var message: String
    /// The script line, when known.
    public var line: Int?
    /// When it was said, in the hub's UTC form (`HubTimestamp.utc(nanos:)`); nil means now.
    public var at: String?

    public init(level: StrategyLogLevel, message: String, line: Int? = nil, at: String? = nil) {
        self.level = level
        self.message = message
        self.line = line
        self.at = at
    }
}

/// A stored log line.
public struct StrategyLogRecord: Sendable, Equatable {
    public var id: Int64
    public var strategyID: Int64
    public var runID: Int64?
    public var level: StrategyLogLevel
    public var message: String
    public var line: Int?
    public var createdAt: String

    init(row: Row) throws {
        id = row["id"]
        strategyID = row["strategy_id"]
        runID = row["run_id"]
        level = try StoredText.decode(StrategyLogLevel.self, row["level"], in: "strategy_logs")
        message = row["message"]
        line = row["line"]
        createdAt = row["created_at"]
    }
}

/// A risk limit the engine enforced, to append to `risk_events` (append-only).
public struct StrategyRiskEventEntry: Sendable, Equatable {
    /// `risk_events.event_type`: max_loss, max_profit, trailing_sl, stop_loss, take_profit,
    /// supertrend, exit_rule, square_off, daily_loss_limit, trade_cap, kill_switch.
    public var eventType: String
    /// close_all, close_leg, alert_only or block_new.
    public var actionTaken: String
    public var thresholdValue: Double?
    public var currentValue: Double?
    public var notes: String
    public var accountID: Int64?
    public var executionID: Int64?
    /// 1 for the trigger, 2, 3… for retries of its exit.
    public var attempt: Int

    public init(
        eventType: String, actionTaken: String, thresholdValue: Double? = nil, currentValue: Double? = nil, notes: String = "",
        accountID: Int64? = nil, executionID: Int64? = nil, attempt: Int = 1
    ) {
        self.eventType = eventType
        self.actionTaken = actionTaken
        self.thresholdValue = thresholdValue
        self.currentValue = currentValue
        self.notes = notes
        self.accountID = accountID
        self.executionID = executionID
        self.attempt = attempt
    }
}

/// An order a strategy placed, as its order tab shows it.
public struct StrategyOrderRecord: Sendable, Equatable {
    public var orderID: String
    public var runID: Int64?
    public var accountID: Int64
    public var exchange: String
    public var symbol: String
    public var action: OrderAction
    public var quantity: Int
    public var product: Product
    public var priceType: PriceType
    public var price: Double
    public var triggerPrice: Double
    public var status: OrderStatus
    public var placedAt: String
    public var filledQuantity: Int
    public var averagePrice: Double
    public var rejectionReason: String?

    static let selectSQL = """
        SELECT orderid, run_id, account_id, exchange, symbol, action, quantity, product, pricetype, price, trigger_price, status,
               created_at, filled_quantity, average_price, rejection_reason
          FROM orders
        """

    init(row: Row) throws {
        func decode<T: RawRepresentable<String>>(_ column: String) throws -> T { try StoredText.decode(T.self, row[column], in: "orders") }
        orderID = row["orderid"]
        runID = row["run_id"]
        accountID = row["account_id"]
        exchange = row["exchange"]
        symbol = row["symbol"]
        action = try decode("action")
        quantity = row["quantity"]
        product = try decode("product")
        priceType = try decode("pricetype")
        price = row["price"]
        triggerPrice = row["trigger_price"]
        status = try decode("status")
        placedAt = row["created_at"]
        filledQuantity = row["filled_quantity"]
        averagePrice = row["average_price"]
        rejectionReason = row["rejection_reason"]
    }
}

/// One leg × account entry of a strategy and its exit (`strategy_executions`).
public struct StrategyExecutionRecord: Sendable, Equatable {
    public var id: Int64
    public var runID: Int64?
    public var legID: Int64?
    public var accountID: Int64
    public var exchange: String
    public var symbol: String
    public var product: Product
    /// The entry side.
    public var action: OrderAction
    public var quantity: Int
    /// pending, entered, exit_pending, exited or failed.
    public var status: String
    public var entryOrderID: Int64?
    public var exitOrderID: Int64?
    public var entryPrice: Double?
    public var exitPrice: Double?
    public var stopLossPrice: Double?
    public var takeProfitPrice: Double?
    public var exitReason: String?
    public var realizedPnL: Double?
    public var errorMessage: String?
    public var enteredAt: String?
    public var exitedAt: String?
    public var createdAt: String

    static let selectSQL = """
        SELECT id, run_id, leg_id, account_id, exchange, symbol, product, action, quantity, status, entry_order_id, exit_order_id,
               entry_price, exit_price, stop_loss_price, take_profit_price, exit_reason, realized_pnl, error_message, entered_at,
               exited_at, created_at
          FROM strategy_executions
        """

    init(row: Row) throws {
        id = row["id"]
        runID = row["run_id"]
        legID = row["leg_id"]
        accountID = row["account_id"]
        exchange = row["exchange"]
        symbol = row["symbol"]
        product = try StoredText.decode(Product.self, row["product"], in: "strategy_executions")
        action = try StoredText.decode(OrderAction.self, row["action"], in: "strategy_executions")
        quantity = row["quantity"]
        status = row["status"]
        entryOrderID = row["entry_order_id"]
        exitOrderID = row["exit_order_id"]
        entryPrice = row["entry_price"]
        exitPrice = row["exit_price"]
        stopLossPrice = row["stop_loss_price"]
        takeProfitPrice = row["take_profit_price"]
        exitReason = row["exit_reason"]
        realizedPnL = row["realized_pnl"]
        errorMessage = row["error_message"]
        enteredAt = row["entered_at"]
        exitedAt = row["exited_at"]
        createdAt = row["created_at"]
    }
}
