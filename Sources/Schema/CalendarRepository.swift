// SPDX-License-Identifier: Apache-2.0
public import Core
import GRDB

/// Loads the trading calendar from the hub's calendar tables.
public struct CalendarRepository: Sendable {
    let store: Store

    /// The calendar as the hub defines it now (active templates only).
    public func load() async throws -> TradingCalendar {
        try await store.read { db in try Self.load(db) }
    }

    static func load(_ db: Database) throws -> TradingCalendar {
        var sessionsByTemplate: [Int64: [TradingCalendar.Session]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT s.template_id, s.weekday, s.session_type, s.start_time, s.end_time, s.valid_from, s.valid_until
                  FROM trading_sessions s JOIN trading_hours_templates t ON t.id = s.template_id
                 WHERE t.is_active = 1
                """)
        {
            guard let type = SessionType(rawValue: row["session_type"]), let window = window(row["start_time"], row["end_time"]),
                let from = LocalDate(iso: row["valid_from"] as String), let until = LocalDate(iso: row["valid_until"] as String)
            else { continue }  // the schema's CHECKs make this unreachable
            sessionsByTemplate[row["template_id"], default: []].append(
                TradingCalendar.Session(isoWeekday: row["weekday"], type: type, window: window, validFrom: from, validUntil: until))
        }
        let templates = try Row.fetchAll(db, sql: "SELECT id, exchange, name, square_off_time FROM trading_hours_templates WHERE is_active = 1")
            .map { row in
                TradingCalendar.Template(
                    exchange: ExchangeCode(rawValue: row["exchange"]), name: row["name"],
                    squareOffTime: (row["square_off_time"] as String?).flatMap { TimeOfDay($0) },
                    sessions: sessionsByTemplate[row["id"]] ?? [])
            }
        let holidays = try Row.fetchAll(
            db, sql: "SELECT holiday_date, exchange, description, open_from, open_until FROM market_holidays WHERE holiday_type = 'trading'"
        )
        .compactMap { row -> TradingCalendar.Holiday? in
            guard let date = LocalDate(iso: row["holiday_date"] as String) else { return nil }
            let openWindow = (row["open_from"] as String?).flatMap { from in window(from, row["open_until"]) }
            return TradingCalendar.Holiday(
                date: date, exchange: ExchangeCode(rawValue: row["exchange"]), description: row["description"], openWindow: openWindow)
        }
        let specials = try Row.fetchAll(db, sql: "SELECT session_date, exchange, name, session_type, start_time, end_time FROM special_sessions")
            .compactMap { row -> TradingCalendar.SpecialSession? in
                guard let date = LocalDate(iso: row["session_date"] as String), let type = SessionType(rawValue: row["session_type"]),
                    let window = window(row["start_time"], row["end_time"])
                else { return nil }
                return TradingCalendar.SpecialSession(
                    date: date, exchange: ExchangeCode(rawValue: row["exchange"]), name: row["name"], type: type, window: window)
            }
        return TradingCalendar(templates: templates, holidays: holidays, specialSessions: specials)
    }

    private static func window(_ start: String?, _ end: String?) -> TradingCalendar.Window? {
        guard let start = start.flatMap({ TimeOfDay($0) }), let end = end.flatMap({ TimeOfDay($0) }), start < end else { return nil }
        return TradingCalendar.Window(start: start, end: end)
    }
}

extension Store {
    public var calendar: CalendarRepository { CalendarRepository(store: self) }
}

// MARK: - Published days (the market/holidays endpoint)

extension CalendarRepository {
    /// A date one exchange published as out of the ordinary: a holiday or a special session.
    public struct PublishedDay: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// The exchange does not trade, except in the holiday's open window if it has one.
            case tradingHoliday
            /// Trading goes on; only settlement is delayed.
            case settlementHoliday
            /// A session outside the regular calendar (Muhurat trading, a budget-day Sunday).
            case specialSession
        }

        public var date: LocalDate
        public var exchange: ExchangeCode
        public var kind: Kind
        /// The holiday's description or the special session's name.
        public var description: String
    }

    /// The holidays and special sessions published for `year`, by date then exchange. A special
    /// session is listed once per exchange and name, however many windows (pre-open, normal,
    /// closing) it has; the windows themselves come from ``load()``.
    public func publishedDays(year: Int) async throws -> [PublishedDay] {
        guard let first = LocalDate(year: year, month: 1, day: 1), let last = LocalDate(year: year, month: 12, day: 31) else { return [] }
        return try await store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT holiday_date AS day, exchange, holiday_type AS kind, description FROM market_holidays
                     WHERE holiday_date BETWEEN ?1 AND ?2
                    UNION
                    SELECT session_date, exchange, 'special', name FROM special_sessions
                     WHERE session_date BETWEEN ?1 AND ?2
                    ORDER BY 1, 2, 3, 4
                    """,
                arguments: [first.description, last.description]
            ).compactMap { row -> PublishedDay? in
                guard let date = LocalDate(iso: row["day"] as String) else { return nil }
                let kind: PublishedDay.Kind =
                    switch row["kind"] as String {
                    case "trading": .tradingHoliday
                    case "settlement": .settlementHoliday
                    default: .specialSession
                    }
                return PublishedDay(date: date, exchange: ExchangeCode(rawValue: row["exchange"]), kind: kind, description: row["description"])
            }
        }
    }
}
