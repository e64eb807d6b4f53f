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

// MARK: - Reading the master (the symbol, search, expiry and instruments endpoints)

extension InstrumentRepository {
    /// One active listing with the broker-side names OpenAlgo's symbol endpoints show.
    public struct Listing: Sendable, Equatable {
        public var instrument: Instrument
        /// The upstream broker's symbol and exchange; nil when they are RealAlgo's own.
        public var brokerSymbol: String?
        public var brokerExchange: String?
    }

    /// Listings matching a search, capped, with the number there would be without the cap.
    public struct SearchResult: Sendable, Equatable {
        public var total: Int
        public var listings: [Listing]
    }

    private static let listingColumns = """
        id, symbol, exchange, name, instrument_type, expiry, strike, underlying, lot_size, tick_size, freeze_qty, token, brsymbol, brexchange
        """

    /// The active listing of `symbol` on `exchange`, matched exactly (the master is upper-case).
    public func listing(symbol: String, exchange: String) async throws -> Listing? {
        try await store.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.listingColumns) FROM instruments WHERE exchange = ? AND symbol = ? AND is_active = 1",
                arguments: [exchange, symbol]
            ).flatMap(Self.listing)
        }
    }

    /// Every active listing, or those of one exchange, in id order (the master's listing order).
    public func listings(exchange: String?) async throws -> [Listing] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.listingColumns) FROM instruments WHERE is_active = 1 AND (?1 IS NULL OR exchange = ?1) ORDER BY id",
                arguments: [exchange]
            ).compactMap(Self.listing)
        }
    }

    /// Active listings matching every one of `terms` (as OpenAlgo's search does): a term matches
    /// when the symbol, broker symbol or name contains it (ASCII case-insensitive), the token
    /// equals it, or, for a number, the strike equals it.
    ///
    /// Ordered so the likeliest answer comes first: the symbol equal to the first term, then
    /// symbols starting with it; within those, listings without expiry (equities, indices), then
    /// contracts by expiry and strike (a future before its options).
    /// - Parameter limit: at most this many listings are returned; `total` counts them all.
    public func search(terms: [String], exchange: String?, limit: Int) async throws -> SearchResult {
        guard let first = terms.first else { return SearchResult(total: 0, listings: []) }
        var conditions = ["is_active = 1"]
        var arguments: StatementArguments = []
        if let exchange {
            conditions.append("exchange = ?")
            arguments += [exchange]
        }
        for term in terms {
            // LIKE's own wildcards in a query are literal characters to the user.
            let pattern = "%" + term.replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_") + "%"
            conditions.append(
                """
                (symbol LIKE ? ESCAPE '\\' OR ifnull(brsymbol, '') LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR token = ? OR strike = ?)
                """)
            arguments += [pattern, pattern, pattern, term, Double(term)]
        }
        let filter = conditions.joined(separator: " AND ")
        var ordered = arguments
        ordered += [first.uppercased(), first.uppercased(), limit]
        return try await store.read { [ordered, arguments] db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM instruments WHERE \(filter)", arguments: arguments) ?? 0
            let listings = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.listingColumns) FROM instruments WHERE \(filter)
                     ORDER BY symbol = ? DESC, instr(symbol, ?) = 1 DESC, expiry IS NOT NULL, expiry, strike, symbol, exchange LIMIT ?
                    """,
                arguments: ordered
            ).compactMap(Self.listing)
            return SearchResult(total: total, listings: listings)
        }
    }

    /// The distinct expiries, ascending, of `underlying`'s active contracts of `types` on `exchange`.
    public func expiries(underlying: String, exchange: String, types: Set<InstrumentType>) async throws -> [LocalDate] {
        let typeList = types.map(\.rawValue).sorted()
        guard !typeList.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: typeList.count).joined(separator: ", ")
        var arguments: StatementArguments = [underlying, exchange]
        arguments += StatementArguments(typeList)
        return try await store.read { [arguments] db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT expiry FROM instruments
                     WHERE underlying = ? AND exchange = ? AND instrument_type IN (\(placeholders)) AND expiry IS NOT NULL AND is_active = 1
                     ORDER BY expiry
                    """,
                arguments: arguments
            ).compactMap { LocalDate(iso: $0) }
        }
    }

    static func listing(_ row: Row) -> Listing? {
        MarketDataRepository.instrument(row).map { Listing(instrument: $0, brokerSymbol: row["brsymbol"], brokerExchange: row["brexchange"]) }
    }
}
