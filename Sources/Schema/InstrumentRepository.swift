// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// The symbol master.
public struct InstrumentRepository: Sendable {
    let store: Store

    /// What a roll of the derivative master changed.
    public struct RollResult: Sendable, Equatable {
        public var listed = 0
        public var retired = 0
    }

    /// Lists the futures and options every active `derivative_series` row calls for on `date`
    /// (current weekly and monthly expiries, strikes around the series' reference price) and
    /// retires contracts that expired before `date` or whose expiry a newly published holiday
    /// moved. Idempotent: contracts already listed are kept.
    public func rollDerivatives(asOf date: LocalDate, calendar: TradingCalendar) async throws -> RollResult {
        try await store.write { db in try Self.roll(db, asOf: date, calendar: calendar) }
    }

    static func roll(_ db: Database, asOf date: LocalDate, calendar: TradingCalendar) throws -> RollResult {
        var result = RollResult()
        try db.execute(
            sql: "UPDATE instruments SET is_active = 0 WHERE is_active = 1 AND expiry IS NOT NULL AND expiry < ?",
            arguments: [date.description])
        result.retired = db.changesCount

        // A holiday published after contracts were listed moves their expiry: retire the listed
        // contracts whose expiry is no longer a trading day (their replacements are listed below).
        let listedExpiries = try Row.fetchAll(
            db,
            sql: "SELECT DISTINCT exchange, expiry FROM instruments WHERE is_active = 1 AND source = 'simulator' AND expiry IS NOT NULL")
        for row in listedExpiries {
            guard let expiry = LocalDate(iso: row["expiry"] as String) else { continue }
            let exchange = ExchangeCode(rawValue: row["exchange"])
            if !calendar.isRegularTradingDay(expiry, on: exchange) {
                try db.execute(
                    sql: "UPDATE instruments SET is_active = 0 WHERE is_active = 1 AND source = 'simulator' AND exchange = ? AND expiry = ?",
                    arguments: [exchange.rawValue, expiry.description])
                result.retired += db.changesCount
            }
        }

        var nextID = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM instruments") ?? 0) + 1
        // Skips contracts already listed. (Not ON CONFLICT DO NOTHING: the schema refuses any insert
        // whose key exists, so that INSERT OR REPLACE cannot rewrite a listed contract.)
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO instruments (id, symbol, exchange, name, instrument_type, expiry, strike, option_type,
                                         lot_size, tick_size, freeze_qty, underlying, token, source)
                SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'simulator'
                 WHERE NOT EXISTS (SELECT 1 FROM instruments WHERE exchange = ?3 AND symbol = ?2)
                """)
        for row in try Row.fetchAll(db, sql: "SELECT * FROM derivative_series WHERE is_active = 1") {
            let series = DerivativeSeries(
                underlying: row["underlying"], exchange: ExchangeCode(rawValue: row["exchange"]), lotSize: row["lot_size"],
                tickSize: row["tick_size"], freezeQuantity: row["freeze_qty"], strikeStep: row["strike_step"],
                strikesEachSide: row["strikes_each_side"], expiryWeekday: row["expiry_weekday"], weeklyExpiries: row["weekly_expiries"],
                monthlyExpiries: row["monthly_expiries"], futureExpiries: row["future_expiries"])
            let referencePrice: Double = row["reference_price"]

            func list(_ symbol: String, type: InstrumentType, expiry: LocalDate, strike: Double?) throws {
                // Simulator tokens are row ids; skip ids whose text another listing already uses as a token.
                while try Int.fetchOne(
                    db, sql: "SELECT 1 FROM instruments WHERE id = ? OR (exchange = ? AND token = ?)",
                    arguments: [nextID, series.exchange.rawValue, String(nextID)]) != nil
                {
                    nextID += 1
                }
                try insert.execute(arguments: [
                    nextID, symbol, series.exchange.rawValue, series.underlying, type.rawValue, expiry.description, strike,
                    strike == nil ? nil : type.rawValue, series.lotSize, series.tickSize, series.freezeQuantity,
                    series.underlying, String(nextID),
                ])
                if db.changesCount > 0 {
                    result.listed += 1
                    nextID += 1
                }
            }

            for expiry in series.monthlyExpiries(onOrAfter: date, count: series.futureExpiries, calendar: calendar) {
                try list(series.futureSymbol(expiry: expiry), type: .future, expiry: expiry, strike: nil)
            }
            for expiry in series.optionExpiries(onOrAfter: date, calendar: calendar) {
                for strike in series.strikes(around: referencePrice) {
                    for type in [InstrumentType.call, .put] {
                        try list(series.optionSymbol(expiry: expiry, strike: strike, type: type), type: type, expiry: expiry, strike: strike)
                    }
                }
            }
        }
        return result
    }
}

extension Store {
    public var instruments: InstrumentRepository { InstrumentRepository(store: self) }
}
