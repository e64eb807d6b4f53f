// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@Suite("Derivative listing")
struct DerivativeSeriesTests {
    static func date(_ text: String) -> LocalDate { LocalDate(iso: text)! }

    /// NFO trades Monday to Friday; 24 Nov 2026 (a Tuesday) is a holiday.
    static let calendar = TradingCalendar(
        templates: [
            .init(
                exchange: .nfo, name: "F&O", squareOffTime: nil,
                sessions: (1...5).map {
                    .init(
                        isoWeekday: $0, type: .normal, window: .init(start: TimeOfDay("09:15")!, end: TimeOfDay("15:30")!),
                        validFrom: date("0001-01-01"), validUntil: date("9999-12-31"))
                })
        ],
        holidays: [
            .init(date: date("2026-11-24"), exchange: .nfo, description: "Guru Nanak Jayanti", openWindow: nil),
            .init(date: date("2025-10-21"), exchange: .nfo, description: "Diwali Laxmi Pujan", openWindow: nil),
        ],
        specialSessions: [
            .init(
                date: date("2025-10-21"), exchange: .nfo, name: "Muhurat", type: .normal,
                window: .init(start: TimeOfDay("13:45")!, end: TimeOfDay("14:45")!)),
            .init(
                date: date("2026-02-01"), exchange: .nfo, name: "Budget", type: .normal,
                window: .init(start: TimeOfDay("09:15")!, end: TimeOfDay("15:30")!)),
        ])

    static let nifty = DerivativeSeries(
        underlying: "NIFTY", exchange: .nfo, lotSize: 65, tickSize: 0.05, freezeQuantity: 1800, strikeStep: 50, strikesEachSide: 2,
        expiryWeekday: 2, weeklyExpiries: 4, monthlyExpiries: 3, futureExpiries: 3)

    @Test(
        "weekly expiries move off holidays and drop ones already past",
        arguments: [
            ("2026-11-21", ["2026-11-23", "2026-12-01", "2026-12-08", "2026-12-15"]),
            ("2026-11-23", ["2026-11-23", "2026-12-01", "2026-12-08", "2026-12-15"]),
            ("2026-11-24", ["2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22"]),
            ("2026-12-01", ["2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22"]),
        ])
    func weeklies(today: String, expected: [String]) {
        #expect(Self.nifty.weeklyExpiries(onOrAfter: Self.date(today), calendar: Self.calendar).map(\.description) == expected)
    }

    @Test(
        "monthly expiries are the last Tuesday, moved off holidays",
        arguments: [
            ("2026-11-21", ["2026-11-23", "2026-12-29", "2027-01-26"]),
            ("2026-11-24", ["2026-12-29", "2027-01-26", "2027-02-23"]),
        ])
    func monthlies(today: String, expected: [String]) {
        #expect(Self.nifty.monthlyExpiries(onOrAfter: Self.date(today), count: 3, calendar: Self.calendar).map(\.description) == expected)
    }

    @Test("a Muhurat session on a holiday trades but is not an expiry day, and neither is a budget Sunday")
    func specialSessionsAreNotExpiryDays() {
        #expect(Self.calendar.isTradingDay(Self.date("2025-10-21"), on: .nfo))
        #expect(!Self.calendar.isRegularTradingDay(Self.date("2025-10-21"), on: .nfo))
        #expect(Self.nifty.weeklyExpiries(onOrAfter: Self.date("2025-10-18"), calendar: Self.calendar).first == Self.date("2025-10-20"))
        #expect(Self.calendar.isTradingDay(Self.date("2026-02-01"), on: .nfo))
        #expect(Self.calendar.regularTradingDay(onOrBefore: Self.date("2026-02-01"), on: .nfo) == Self.date("2026-01-30"))
    }

    @Test("option expiries are weeklies and monthlies without repeats")
    func optionExpiries() {
        #expect(
            Self.nifty.optionExpiries(onOrAfter: Self.date("2026-11-21"), calendar: Self.calendar).map(\.description)
                == ["2026-11-23", "2026-12-01", "2026-12-08", "2026-12-15", "2026-12-29", "2027-01-26"])
    }

    @Test("strikes are centred on the nearest step and never zero or negative")
    func strikes() {
        #expect(Self.nifty.strikes(around: 26_012) == [25_900, 25_950, 26_000, 26_050, 26_100])
        #expect(Self.nifty.strikes(around: 60) == [50, 100, 150])
    }

    @Test("symbols follow OpenAlgo's format")
    func symbols() {
        let expiry = Self.date("2026-11-24")
        #expect(Self.nifty.futureSymbol(expiry: expiry) == "NIFTY24NOV26FUT")
        #expect(Self.nifty.optionSymbol(expiry: expiry, strike: 26_000, type: .call) == "NIFTY24NOV2626000CE")
        let vedl = DerivativeSeries(
            underlying: "VEDL", exchange: .nfo, lotSize: 1, tickSize: 0.05, freezeQuantity: nil, strikeStep: 2.5, strikesEachSide: 1,
            expiryWeekday: 2, weeklyExpiries: 0, monthlyExpiries: 1, futureExpiries: 1)
        #expect(vedl.optionSymbol(expiry: Self.date("2024-04-25"), strike: 292.5, type: .call) == "VEDL25APR24292.5CE")
    }

    @Test("order vocabulary: final statuses")
    func statuses() {
        #expect(OrderStatus.allCases.filter(\.isFinal) == [.complete, .cancelled, .rejected])
        #expect(OrderStatus.triggerPending.rawValue == "trigger pending")
        #expect(PriceType(rawValue: "SL-M") == .stopLossMarket)
    }
}
