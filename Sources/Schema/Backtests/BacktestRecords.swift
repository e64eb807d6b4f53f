// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// A saved backtest: what ran and what it made (`backtest_runs`). Saved once, never changed.
public struct BacktestRunRecord: Sendable, Equatable {
    /// Assigned by the hub; ignored by ``BacktestRepository/save(run:trades:)``.
    public var id: Int64
    /// nil for a run from the command line without a user.
    public var userID: Int64?
    /// The hub strategy the file is, if any (nil once that strategy is deleted).
    public var strategyID: Int64?
    public var strategyName: String
    /// Lowercase hex SHA-256 of the source's UTF-8 bytes.
    public var sourceSHA256: String
    /// The parameters it ran with (JSON object text).
    public var paramsJSON: String
    public var symbols: [String]
    public var timeframe: Timeframe?
    /// `hub`, or the path of the data file.
    public var dataSource: String
    public var fromTime: String?
    public var toTime: String?
    public var initialCapital: Double
    public var bars: Int
    public var ticks: Int
    /// The number of trades saved with the run (the schema caps `backtest_trades.seq` by it).
    public var tradeCount: Int
    public var netPnL: Double
    /// Rupees, peak to trough, ≥ 0.
    public var maxDrawdown: Double
    /// 0…1; nil with no round trips.
    public var winRate: Double?
    /// nil when nothing lost (the ratio would be infinite).
    public var profitFactor: Double?
    public var sharpe: Double?
    /// SHA-256 of the trade list in the backtester's canonical text (`TradeListDigest` in the
    /// Strategies module): equal for two runs that traded alike.
    public var tradesSHA256: String
    /// Shared by the runs of one parameter sweep.
    public var sweepID: String?
    /// The full report (equity curve…) as a JSON object; nil when a list left it out.
    public var reportJSON: String?
    public var elapsedMillis: Int
    /// Assigned by the hub; ignored on save.
    public var createdAt: String

    public init(
        id: Int64 = 0, userID: Int64?, strategyID: Int64?, strategyName: String, sourceSHA256: String, paramsJSON: String = "{}",
        symbols: [String], timeframe: Timeframe?, dataSource: String, fromTime: String? = nil, toTime: String? = nil, initialCapital: Double,
        bars: Int, ticks: Int, tradeCount: Int, netPnL: Double, maxDrawdown: Double, winRate: Double?, profitFactor: Double?, sharpe: Double?,
        tradesSHA256: String, sweepID: String? = nil, reportJSON: String? = "{}", elapsedMillis: Int, createdAt: String = ""
    ) {
        self.id = id
        self.userID = userID
        self.strategyID = strategyID
        self.strategyName = strategyName
        self.sourceSHA256 = sourceSHA256
        self.paramsJSON = paramsJSON
        self.symbols = symbols
        self.timeframe = timeframe
        self.dataSource = dataSource
        self.fromTime = fromTime
        self.toTime = toTime
        self.initialCapital = initialCapital
        self.bars = bars
        self.ticks = ticks
        self.tradeCount = tradeCount
        self.netPnL = netPnL
        self.maxDrawdown = maxDrawdown
        self.winRate = winRate
        self.profitFactor = profitFactor
        self.sharpe = sharpe
        self.tradesSHA256 = tradesSHA256
        self.sweepID = sweepID
        self.reportJSON = reportJSON
        self.elapsedMillis = elapsedMillis
        self.createdAt = createdAt
    }

    static func selectSQL(includeReport: Bool) -> String {
        """
        SELECT id, user_id, strategy_id, strategy_name, source_sha256, params, symbols, timeframe, data_source, from_time, to_time,
               initial_capital, bars, ticks, trade_count, net_pnl, max_drawdown, win_rate, profit_factor, sharpe, trades_sha256,
               sweep_id, \(includeReport ? "report" : "NULL") AS report, elapsed_ms, created_at
          FROM backtest_runs
        """
    }

    init(row: Row) throws {
        id = row["id"]
        userID = row["user_id"]
        strategyID = row["strategy_id"]
        strategyName = row["strategy_name"]
        sourceSHA256 = row["source_sha256"]
        paramsJSON = row["params"]
        symbols = try StrategyJSON.strings(row["symbols"], in: "backtest_runs.symbols")
        timeframe = try (row["timeframe"] as String?).map { try StoredText.decode(Timeframe.self, $0, in: "backtest_runs") }
        dataSource = row["data_source"]
        fromTime = row["from_time"]
        toTime = row["to_time"]
        initialCapital = row["initial_capital"]
        bars = row["bars"]
        ticks = row["ticks"]
        tradeCount = row["trade_count"]
        netPnL = row["net_pnl"]
        maxDrawdown = row["max_drawdown"]
        winRate = row["win_rate"]
        profitFactor = row["profit_factor"]
        sharpe = row["sharpe"]
        tradesSHA256 = row["trades_sha256"]
        sweepID = row["sweep_id"]
        reportJSON = row["report"]
        elapsedMillis = row["elapsed_ms"]
        createdAt = row["created_at"]
    }
}

/// One fill of a backtest (`backtest_trades`), numbered from 1 in the order it happened.
public struct BacktestTradeRecord: Sendable, Equatable {
    public var seq: Int
    /// Simulated time in the hub's UTC form (`HubTimestamp.utc(nanos:)`); the schema checks the form.
    public var tradedAt: String
    public var exchange: String
    public var symbol: String
    public var action: OrderAction
    public var quantity: Int
    public var price: Double
    /// The symbol's signed position after this fill.
    public var positionAfter: Int
    /// What this fill realized.
    public var realizedPnL: Double
    public var tag: String

    public init(
        seq: Int, tradedAt: String, exchange: String, symbol: String, action: OrderAction, quantity: Int, price: Double, positionAfter: Int,
        realizedPnL: Double, tag: String = ""
    ) {
        self.seq = seq
        self.tradedAt = tradedAt
        self.exchange = exchange
        self.symbol = symbol
        self.action = action
        self.quantity = quantity
        self.price = price
        self.positionAfter = positionAfter
        self.realizedPnL = realizedPnL
        self.tag = tag
    }

    /// The columns ``init(row:)`` reads, by position: a backtest has up to hundreds of thousands of
    /// trades, and looking each column up by name costs more than reading it.
    static let columns = "seq, traded_at, exchange, symbol, action, quantity, price, position_after, realized_pnl, tag"

    init(row: Row) throws {
        seq = row[0]
        tradedAt = row[1]
        exchange = row[2]
        symbol = row[3]
        action = try StoredText.decode(OrderAction.self, row[4], in: "backtest_trades")
        quantity = row[5]
        price = row[6]
        positionAfter = row[7]
        realizedPnL = row[8]
        tag = row[9]
    }
}
