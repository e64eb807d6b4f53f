// SPDX-License-Identifier: Apache-2.0
public import Core
import LuaBridge
public import Schema
import Synchronization

/// The world a strategy sees in a backtest: a simulated clock moved by the data, the last price of
/// each symbol, the instrument master and calendar the live server uses, and the backtest's cash.
public final class BacktestDesk: StrategyDesk {
    /// Exchange time of the step being played, shared with the VM's `os.time` / `os.clock`.
    public internal(set) var nowNanos: Int64 {
        get { simulatedClock.nanos.load(ordering: .relaxed) }
        set { simulatedClock.nanos.store(newValue, ordering: .relaxed) }
    }
    let simulatedClock = SimulatedClock()
    let instruments: any InstrumentCatalog
    let calendar: TradingCalendar
    let alwaysOpen: Bool
    let hubQuery: (@Sendable (String, Int) throws -> QueryResult)?
    let listedContracts: @Sendable (String, String) -> [Instrument]
    var quotes: [StrategySymbol: PriceSnapshot] = [:]
    /// Instruments of symbols the master lacks (a CSV of a made-up symbol): an equity with lot 1.
    private var synthetic: [StrategySymbol: Instrument] = [:]
    var cash: Double
    var realized = 0.0
    /// The open positions marked at the data's prices now (the session's ledger answers it).
    var unrealized: () -> Double = { 0 }

    public init(
        instruments: any InstrumentCatalog, calendar: TradingCalendar, initialCapital: Double, alwaysOpen: Bool = false,
        contracts: @escaping @Sendable (String, String) -> [Instrument] = { _, _ in [] },
        hubQuery: (@Sendable (String, Int) throws -> QueryResult)? = nil
    ) {
        self.instruments = instruments
        self.calendar = calendar
        self.cash = initialCapital
        self.alwaysOpen = alwaysOpen
        self.listedContracts = contracts
        self.hubQuery = hubQuery
    }

    public func instrument(_ symbol: StrategySymbol) -> Instrument? {
        if let known = instruments.instrument(symbol: symbol.symbol, exchange: symbol.exchange) { return known }
        return synthetic[symbol]
    }

    /// Makes `symbol` tradable when the master does not list it (data files of any symbol).
    func ensureInstrument(_ symbol: StrategySymbol) -> Instrument {
        if let known = instrument(symbol) { return known }
        let made = Instrument(
            id: -Int64(synthetic.count + 1), symbol: symbol.symbol, exchange: ExchangeCode(rawValue: symbol.exchange), name: symbol.symbol,
            type: .equity, lotSize: 1, tickSize: 0.01, token: "backtest-\(symbol.key)")
        synthetic[symbol] = made
        return made
    }

    public func quote(_ symbol: StrategySymbol) -> PriceSnapshot? { quotes[symbol] }

    public func isMarketOpen(_ exchange: String) -> Bool {
        alwaysOpen || calendar.isOpen(atSecondsSinceEpoch: nowNanos / 1_000_000_000, exchange: ExchangeCode(rawValue: exchange).calendarExchange)
    }

    public func funds() -> StrategyFunds {
        StrategyFunds(available: cash, used: 0, realized: realized, unrealized: unrealized())
    }

    public func contracts(underlying: String, exchange: String) -> [Instrument] { listedContracts(underlying, exchange) }

    public func query(_ sql: String, maxRows: Int) throws -> QueryResult {
        guard let hubQuery else { throw BacktestError("ctx.sql needs a hub; this backtest runs without one") }
        return try hubQuery(sql, maxRows)
    }
}

/// The simulated time, readable from the VM's clock callback (which must be `Sendable`).
final class SimulatedClock: Sendable {
    let nanos = Atomic<Int64>(0)

    /// `os.time()` and friends in a backtest read the data's time, never the wall clock.
    var luaClock: LuaClock { LuaClock { [self] in Double(self.nanos.load(ordering: .relaxed)) / 1e9 } }
}

/// Why a backtest could not run.
public struct BacktestError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
