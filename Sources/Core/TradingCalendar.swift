// SPDX-License-Identifier: Apache-2.0

/// When exchanges trade, built from the hub's calendar tables (see migration 0006 for the rules).
///
/// Pure and immutable: load it once, ask it questions; reload it when the tables change.
/// ```swift
/// let calendar = try await store.calendar.load()
/// calendar.isTradingDay(LocalDate(iso: "2026-11-24")!, on: .nfo)   // false: Guru Nanak Jayanti
/// ```
public struct TradingCalendar: Sendable {
    /// Indian exchanges keep IST all year: UTC+05:30, no daylight saving.
    public static let istOffsetSeconds = 19_800

    public struct Template: Sendable, Hashable {
        public let exchange: ExchangeCode
        public let name: String
        public let squareOffTime: TimeOfDay?
        public let sessions: [Session]

        public init(exchange: ExchangeCode, name: String, squareOffTime: TimeOfDay?, sessions: [Session]) {
            self.exchange = exchange
            self.name = name
            self.squareOffTime = squareOffTime
            self.sessions = sessions
        }
    }

    /// A recurring weekly session, valid for a range of dates.
    public struct Session: Sendable, Hashable {
        public let isoWeekday: Int
        public let type: SessionType
        public let window: Window
        public let validFrom: LocalDate
        public let validUntil: LocalDate

        public init(isoWeekday: Int, type: SessionType, window: Window, validFrom: LocalDate, validUntil: LocalDate) {
            self.isoWeekday = isoWeekday
            self.type = type
            self.window = window
            self.validFrom = validFrom
            self.validUntil = validUntil
        }
    }

    public struct Holiday: Sendable, Hashable {
        public let date: LocalDate
        public let exchange: ExchangeCode
        public let description: String
        /// The window the exchange still trades on the day (MCX's evening session), if any.
        public let openWindow: Window?

        public init(date: LocalDate, exchange: ExchangeCode, description: String, openWindow: Window?) {
            self.date = date
            self.exchange = exchange
            self.description = description
            self.openWindow = openWindow
        }
    }

    public struct SpecialSession: Sendable, Hashable {
        public let date: LocalDate
        public let exchange: ExchangeCode
        public let name: String
        public let type: SessionType
        public let window: Window

        public init(date: LocalDate, exchange: ExchangeCode, name: String, type: SessionType, window: Window) {
            self.date = date
            self.exchange = exchange
            self.name = name
            self.type = type
            self.window = window
        }
    }

    /// A half-open span of local time, `start ..< end`.
    public struct Window: Sendable, Hashable, CustomStringConvertible {
        public let start: TimeOfDay
        public let end: TimeOfDay

        public init(start: TimeOfDay, end: TimeOfDay) {
            self.start = start
            self.end = end
        }

        public func contains(_ time: TimeOfDay) -> Bool { start <= time && time < end }
        public var description: String { "\(start)–\(end)" }
    }

    /// One window an exchange is open on a given date.
    public struct OpenWindow: Sendable, Hashable {
        public let type: SessionType
        public let window: Window
    }

    private let templates: [ExchangeCode: Template]
    private let holidays: [ExchangeCode: [LocalDate: Holiday]]
    private let specialSessions: [ExchangeCode: [LocalDate: [SpecialSession]]]

    public init(templates: [Template], holidays: [Holiday], specialSessions: [SpecialSession]) {
        self.templates = Dictionary(templates.map { ($0.exchange, $0) }, uniquingKeysWith: { first, _ in first })
        var holidayIndex: [ExchangeCode: [LocalDate: Holiday]] = [:]
        for holiday in holidays { holidayIndex[holiday.exchange, default: [:]][holiday.date] = holiday }
        self.holidays = holidayIndex
        var specialIndex: [ExchangeCode: [LocalDate: [SpecialSession]]] = [:]
        for session in specialSessions { specialIndex[session.exchange, default: [:]][session.date, default: []].append(session) }
        self.specialSessions = specialIndex
    }

    /// The windows `exchange` is open on `date`, in time order: special sessions first, then a
    /// holiday's remaining window, then the regular weekly sessions.
    public func openWindows(on date: LocalDate, exchange: ExchangeCode) -> [OpenWindow] {
        let code = exchange.calendarExchange
        if let special = specialSessions[code]?[date], !special.isEmpty {
            return special.map { OpenWindow(type: $0.type, window: $0.window) }.sorted { $0.window.start < $1.window.start }
        }
        if let holiday = holidays[code]?[date] {
            return holiday.openWindow.map { [OpenWindow(type: .normal, window: $0)] } ?? []
        }
        guard let template = templates[code] else { return [] }
        return template.sessions
            .filter { $0.isoWeekday == date.isoWeekday && $0.validFrom <= date && date <= $0.validUntil }
            .map { OpenWindow(type: $0.type, window: $0.window) }
            .sorted { $0.window.start < $1.window.start }
    }

    /// True when `exchange` has a normal (continuous trading) session on `date`.
    public func isTradingDay(_ date: LocalDate, on exchange: ExchangeCode) -> Bool {
        openWindows(on: date, exchange: exchange).contains { $0.type == .normal }
    }

    /// The latest trading day on or before `date`, searching back at most a year.
    public func tradingDay(onOrBefore date: LocalDate, on exchange: ExchangeCode) -> LocalDate? {
        (0...366).lazy.map { date.adding(days: -$0) }.first { isTradingDay($0, on: exchange) }
    }

    /// True when `date` is a regular session day: the weekly sessions apply and no trading holiday
    /// closes it. A special session (Muhurat trading on a holiday, a budget-day Sunday) trades but
    /// does not make a regular day, and exchanges do not expire contracts on one.
    public func isRegularTradingDay(_ date: LocalDate, on exchange: ExchangeCode) -> Bool {
        let code = exchange.calendarExchange
        guard holidays[code]?[date] == nil, let template = templates[code] else { return false }
        return template.sessions.contains {
            $0.type == .normal && $0.isoWeekday == date.isoWeekday && $0.validFrom <= date && date <= $0.validUntil
        }
    }

    /// The latest regular trading day on or before `date` (where an expiry that falls on a
    /// holiday moves), searching back at most a year.
    public func regularTradingDay(onOrBefore date: LocalDate, on exchange: ExchangeCode) -> LocalDate? {
        (0...366).lazy.map { date.adding(days: -$0) }.first { isRegularTradingDay($0, on: exchange) }
    }

    /// True when `exchange` is in a normal session at `secondsSinceEpoch` (UTC).
    public func isOpen(atSecondsSinceEpoch seconds: Int64, exchange: ExchangeCode) -> Bool {
        let date = LocalDate(secondsSinceEpoch: seconds, utcOffsetSeconds: Self.istOffsetSeconds)
        let local = (seconds + Int64(Self.istOffsetSeconds)) - Int64(date.daysSinceEpoch) * 86_400
        let time = TimeOfDay(minutes: Int(local / 60))
        return openWindows(on: date, exchange: exchange).contains { $0.type == .normal && $0.window.contains(time) }
    }

    /// The holiday row for `date`, if the exchange published one.
    public func holiday(on date: LocalDate, exchange: ExchangeCode) -> Holiday? {
        holidays[exchange.calendarExchange]?[date]
    }

    /// The intraday square-off time configured for the exchange.
    public func squareOffTime(for exchange: ExchangeCode) -> TimeOfDay? {
        templates[exchange.calendarExchange]?.squareOffTime
    }
}
