// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird
import Schema

/// OpenAlgo's `market/holidays` and `market/timings`, answered from the hub's trading calendar
/// (migrations 0006 and 0009). Times are epoch milliseconds; the calendar's are IST.
///
/// The calendar is read per request (a few hundred rows: about 3 ms in a release build, measured
/// against `ping`), so a holiday added to the hub shows at once; these are rare requests, not worth
/// a cache to invalidate. Nothing here needs the market-data module.
struct CalendarController: Sendable {
    let authenticator: APIKeyAuthenticator
    let store: Store
    let maxBodyBytes: Int
    /// "Today", for the default year of `market/holidays`: the real clock, even under a replay.
    var clock: any WallClock = SystemWallClock()

    /// The exchanges OpenAlgo's calendar covers, in its order. BCD follows CDS's calendar.
    static let exchanges: [ExchangeCode] = [.nse, .bse, .nfo, .bfo, .mcx, .bcd, .cds]

    /// OpenAlgo answers dates and years in this range only.
    static let years = 2020...2050

    func register(on routes: APIv1Routes) {
        routes.post("market/holidays") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["year"])
            let today = LocalDate(secondsSinceEpoch: clock.nowSeconds(), utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
            let year = try body.optionalInteger("year", in: Self.years) ?? today.year
            let calendar = try await store.calendar.load()
            let days = try await store.calendar.publishedDays(year: year)
            return try JSONResponse.make(
                JSONValue.object([
                    "status": .string("success"), "year": .integer(Int64(year)), "timezone": .string("Asia/Kolkata"),
                    "data": .array(Self.holidays(days, calendar: calendar)),
                ]))
        }
        routes.post("market/timings") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["date"])
            let text = try body.requiredString("date", maxLength: 10)
            guard let date = LocalDate(iso: text) else { throw APIError.invalidField("date", "Not a valid date: use YYYY-MM-DD.") }
            guard Self.years.contains(date.year) else { throw APIError.invalidField("date", "Must be between 2020-01-01 and 2050-12-31.") }
            let calendar = try await store.calendar.load()
            let sessions = Self.exchanges.flatMap { exchange in
                Self.tradingWindows(calendar, date: date, exchange: exchange).map { Self.session(exchange, $0, on: date) }
            }
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": .array(sessions)]))
        }
    }

    /// One entry per published date: every covered exchange either closed or open with its
    /// trading windows that day (so a Muhurat day lists the Muhurat hour, an MCX holiday its
    /// evening session). A date with a special session is a SPECIAL_SESSION, else one with a
    /// trading holiday a TRADING_HOLIDAY, else a SETTLEMENT_HOLIDAY.
    static func holidays(_ days: [CalendarRepository.PublishedDay], calendar: TradingCalendar) -> [JSONValue] {
        let byDate = Dictionary(grouping: days, by: \.date)
        return byDate.keys.sorted().compactMap { date in
            guard let rows = byDate[date] else { return nil }
            let type =
                if rows.contains(where: { $0.kind == .specialSession }) {
                    "SPECIAL_SESSION"
                } else if rows.contains(where: { $0.kind == .tradingHoliday }) {
                    "TRADING_HOLIDAY"
                } else {
                    "SETTLEMENT_HOLIDAY"
                }
            var closed: [JSONValue] = []
            var open: [JSONValue] = []
            for exchange in exchanges {
                let windows = tradingWindows(calendar, date: date, exchange: exchange)
                if windows.isEmpty { closed.append(.string(exchange.rawValue)) }
                open += windows.map { session(exchange, $0, on: date) }
            }
            return .object([
                "date": .string(date.description), "description": .string(description(of: rows)), "holiday_type": .string(type),
                "closed_exchanges": .array(closed), "open_exchanges": .array(open),
            ])
        }
    }

    /// The holiday's own description (NSE's wording first), else the special session's name.
    private static func description(of rows: [CalendarRepository.PublishedDay]) -> String {
        let holidays = rows.filter { $0.kind != .specialSession }
        let ranked = (holidays.isEmpty ? rows : holidays).sorted {
            (exchanges.firstIndex(of: $0.exchange) ?? exchanges.count) < (exchanges.firstIndex(of: $1.exchange) ?? exchanges.count)
        }
        return ranked.first?.description ?? ""
    }

    /// The continuous-trading windows (pre-open and closing sessions left out, as OpenAlgo's
    /// timings show only the market hours).
    private static func tradingWindows(_ calendar: TradingCalendar, date: LocalDate, exchange: ExchangeCode) -> [TradingCalendar.Window] {
        calendar.openWindows(on: date, exchange: exchange).filter { $0.type == .normal }.map(\.window)
    }

    private static func session(_ exchange: ExchangeCode, _ window: TradingCalendar.Window, on date: LocalDate) -> JSONValue {
        .object([
            "exchange": .string(exchange.rawValue), "start_time": .integer(epochMillis(window.start, on: date)),
            "end_time": .integer(epochMillis(window.end, on: date)),
        ])
    }

    /// `time` (IST) on `date` as milliseconds since the Unix epoch.
    static func epochMillis(_ time: TimeOfDay, on date: LocalDate) -> Int64 {
        (Int64(date.daysSinceEpoch) * 86_400 - Int64(TradingCalendar.istOffsetSeconds) + Int64(time.minutes) * 60) * 1000
    }
}
