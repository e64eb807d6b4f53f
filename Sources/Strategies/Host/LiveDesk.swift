// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import MarketData
import Schema

/// The world of a live (or sandbox) run: the wall clock, the hub's instrument master and last
/// prices, the trading calendar, and the account's funds as last read.
final class LiveDesk: StrategyDesk {
    let clock: any WallClock
    let hub: MarketDataHub
    let calendar: TradingCalendar
    let databaseURL: URL
    /// `ctx.sql` sees this user's rows only.
    let userID: Int64
    /// The run's account as last read: at the start and about once a second of market time (reads
    /// are async; Lua calls are not).
    var cachedFunds = StrategyFunds(available: 0)
    /// Skips the calendar: `serve --always-open`, for replays and tests outside market hours.
    let alwaysOpen: Bool

    init(clock: any WallClock, hub: MarketDataHub, calendar: TradingCalendar, databaseURL: URL, userID: Int64, alwaysOpen: Bool) {
        self.clock = clock
        self.userID = userID
        self.hub = hub
        self.calendar = calendar
        self.databaseURL = databaseURL
        self.alwaysOpen = alwaysOpen
    }

    var nowNanos: Int64 { clock.nowNanos() }

    func instrument(_ symbol: StrategySymbol) -> Instrument? {
        hub.instrument(symbol: symbol.symbol, exchange: symbol.exchange)
    }

    func quote(_ symbol: StrategySymbol) -> PriceSnapshot? {
        guard let instrument = instrument(symbol) else { return nil }
        return hub.snapshot(instrumentID: instrument.id)
    }

    func isMarketOpen(_ exchange: String) -> Bool {
        alwaysOpen || calendar.isOpen(atSecondsSinceEpoch: clock.nowSeconds(), exchange: ExchangeCode(rawValue: exchange).calendarExchange)
    }

    /// The funds as last read, with the open positions marked at the hub's prices now.
    func funds() -> StrategyFunds {
        var funds = cachedFunds
        funds.unrealized = funds.openPositions.reduce(0) { total, position in
            let price = quote(position.symbol)?.lastPrice ?? position.averagePrice
            return total + (price - position.averagePrice) * Double(position.quantity)
        }
        return funds
    }

    func contracts(underlying: String, exchange: String) -> [Instrument] {
        hub.directory.contracts(underlying: underlying, exchange: exchange)
    }

    func query(_ sql: String, maxRows: Int) throws -> QueryResult {
        try ReadOnlyQuery.run(
            sql, databaseURL: databaseURL, limits: ReadOnlyQuery.Limits(maxRows: maxRows, timeout: .milliseconds(250)),
            scope: ReadOnlyQuery.UserScope(userID: userID))
    }
}
