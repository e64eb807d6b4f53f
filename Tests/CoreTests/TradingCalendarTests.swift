// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@Suite("Trading calendar")
struct TradingCalendarTests {
    static func date(_ text: String) -> LocalDate { LocalDate(iso: text)! }
    static func window(_ start: String, _ end: String) -> TradingCalendar.Window { .init(start: TimeOfDay(start)!, end: TimeOfDay(end)!) }

    /// A small exchange: weekdays 09:15–15:30 with a pre-open, a summer range that ends earlier, a
    /// holiday, a holiday with an evening window and a special session on a holiday.
    static let calendar = TradingCalendar(
        templates: [
            .init(
                exchange: .nse, name: "test", squareOffTime: TimeOfDay("15:15"),
                sessions: (1...5).flatMap { day in
                    [
                        TradingCalendar.Session(
                            isoWeekday: day, type: .preOpen, window: window("09:00", "09:08"), validFrom: date("0001-01-01"),
                            validUntil: date("9999-12-31")),
                        TradingCalendar.Session(
                            isoWeekday: day, type: .normal, window: window("09:15", "15:30"), validFrom: date("0001-01-01"),
                            validUntil: date("2026-05-31")),
                        TradingCalendar.Session(
                            isoWeekday: day, type: .normal, window: window("09:15", "15:00"), validFrom: date("2026-06-01"),
                            validUntil: date("9999-12-31")),
                    ]
                })
        ],
        holidays: [
            .init(date: date("2026-03-03"), exchange: .nse, description: "Holi", openWindow: nil),
            .init(date: date("2026-03-26"), exchange: .nse, description: "Evening only", openWindow: window("17:00", "23:55")),
            .init(date: date("2025-10-21"), exchange: .nse, description: "Diwali", openWindow: nil),
        ],
        specialSessions: [
            .init(date: date("2025-10-21"), exchange: .nse, name: "Muhurat", type: .normal, window: window("13:45", "14:45")),
            .init(date: date("2026-02-01"), exchange: .nse, name: "Budget", type: .normal, window: window("09:15", "15:30")),
        ])

    @Test(
        "which windows are open on a day",
        arguments: [
            ("2026-03-02", ["pre_open 09:00–09:08", "normal 09:15–15:30"]),
            ("2026-06-02", ["pre_open 09:00–09:08", "normal 09:15–15:00"]),
            ("2026-03-03", []),
            ("2026-03-26", ["normal 17:00–23:55"]),
            ("2025-10-21", ["normal 13:45–14:45"]),
            ("2026-02-01", ["normal 09:15–15:30"]),
            ("2026-03-07", []),
        ])
    func windows(day: String, expected: [String]) {
        let open = Self.calendar.openWindows(on: Self.date(day), exchange: .nse).map { "\($0.type.rawValue) \($0.window)" }
        #expect(open == expected)
        #expect(Self.calendar.isTradingDay(Self.date(day), on: .nse) == !expected.filter { $0.hasPrefix("normal") }.isEmpty)
    }

    @Test("index feeds follow their cash market; unknown exchanges are never open")
    func mapping() {
        #expect(Self.calendar.isTradingDay(Self.date("2026-03-02"), on: .nseIndex))
        #expect(!Self.calendar.isTradingDay(Self.date("2026-03-02"), on: ExchangeCode(rawValue: "NASDAQ")))
        #expect(Self.calendar.squareOffTime(for: .nseIndex)?.description == "15:15")
    }

    @Test("the trading day on or before a holiday is the previous session")
    func previousTradingDay() {
        #expect(Self.calendar.tradingDay(onOrBefore: Self.date("2026-03-03"), on: .nse) == Self.date("2026-03-02"))
        #expect(Self.calendar.tradingDay(onOrBefore: Self.date("2026-03-08"), on: .nse) == Self.date("2026-03-06"))
        #expect(Self.calendar.tradingDay(onOrBefore: Self.date("2026-03-02"), on: .nse) == Self.date("2026-03-02"))
        #expect(Self.calendar.tradingDay(onOrBefore: Self.date("2026-03-02"), on: .mcx) == nil)
    }

    @Test(
        "open at an instant: the session is half-open and in IST",
        arguments: [
            ("2026-03-02T03:44:59Z", false), ("2026-03-02T03:45:00Z", true), ("2026-03-02T09:59:59Z", true), ("2026-03-02T10:00:00Z", false),
            ("2026-03-26T11:30:00Z", true), ("2026-03-26T05:00:00Z", false),
        ])
    func openAt(instant: String, open: Bool) {
        #expect(Self.calendar.isOpen(atSecondsSinceEpoch: epochSeconds(instant), exchange: .nse) == open)
    }

    private func epochSeconds(_ text: String) -> Int64 {
        // YYYY-MM-DDTHH:MM:SSZ
        let date = LocalDate(iso: text.prefix(10))!
        let parts = text.dropFirst(11).dropLast().split(separator: ":").map { Int64($0)! }
        return Int64(date.daysSinceEpoch) * 86_400 + parts[0] * 3600 + parts[1] * 60 + parts[2]
    }
}
