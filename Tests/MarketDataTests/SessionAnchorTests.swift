// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@testable import MarketData

@Suite("Session anchors")
struct SessionAnchorTests {
    typealias F = BarFixtures

    /// Exchange, IST time, then the expected window (`open–close`, IST) or nil, without and with
    /// `alwaysOpen`.
    static let cases: [(ExchangeCode, String, String?, String?)] = [
        (.nse, "10:00:00", "09:15–15:30", "09:15–15:30"),
        (.nse, "09:15:00", "09:15–15:30", "09:15–15:30"),
        (.nse, "15:29:59", "09:15–15:30", "09:15–15:30"),
        (.nse, "09:05:00", nil, "00:00–09:15"),  // pre-open anchors no bars
        (.nse, "15:30:00", nil, "15:30–24:00"),  // the close is exclusive
        (.nse, "2026-03-03 10:00:00", nil, "00:00–24:00"),  // holiday: the whole day
        (.nse, "2026-03-07 10:00:00", nil, "00:00–24:00"),  // Saturday
        (.nseIndex, "10:00:00", "09:15–15:30", "09:15–15:30"),  // index feeds follow NSE
        (.mcx, "13:59:59", "09:00–14:00", "09:00–14:00"),
        (.mcx, "14:00:00", nil, "14:00–16:45"),  // the gap between MCX's windows
        (.mcx, "16:45:00", "16:45–23:30", "16:45–23:30"),
        (.mcx, "23:45:00", nil, "23:30–24:00"),
        (.cds, "16:59:59", "09:00–17:00", "09:00–17:00"),
        (.cds, "17:00:00", "17:00–23:30", "17:00–23:30"),  // adjacent windows still anchor apart
        (ExchangeCode(rawValue: "NASDAQ"), "10:00:00", nil, "00:00–24:00"),
    ]

    @Test("the normal window holding a time, or with alwaysOpen the stretch between windows", arguments: cases)
    func anchor(exchange: ExchangeCode, time: String, sessionOnly: String?, alwaysOpen: String?) {
        for (flag, expected) in [(false, sessionOnly), (true, alwaysOpen)] {
            var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: flag)
            let found = anchors.anchor(exchange: exchange, epochSeconds: F.ist(time))
            #expect(found.map(Self.describe) == expected, "alwaysOpen \(flag)")
            let day = LocalDate(secondsSinceEpoch: F.ist(time), utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
            #expect(found.map(\.tradingDate) == (expected == nil ? nil : day))
            // A second lookup comes from the cache and must agree.
            #expect(anchors.anchor(exchange: exchange, epochSeconds: F.ist(time)) == found)
        }
    }

    @Test("the daily bar ends with the date's last window; with alwaysOpen at the next IST midnight")
    func dayClose() {
        var sessionOnly = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        #expect(sessionOnly.anchor(exchange: .mcx, epochSeconds: F.ist("10:00:00"))?.dayCloseSeconds == F.ist("23:30:00"))
        #expect(sessionOnly.anchor(exchange: .mcx, epochSeconds: F.ist("17:00:00"))?.dayCloseSeconds == F.ist("23:30:00"))
        #expect(sessionOnly.anchor(exchange: .nse, epochSeconds: F.ist("10:00:00"))?.dayCloseSeconds == F.ist("15:30:00"))
        var alwaysOpen = SessionAnchors(calendar: F.calendar, alwaysOpen: true)
        #expect(alwaysOpen.anchor(exchange: .nse, epochSeconds: F.ist("10:00:00"))?.dayCloseSeconds == F.ist("2026-03-03 00:00:00"))
    }

    @Test("interleaved exchanges and days get their own anchors from the per-exchange fast path")
    func interleaved() {
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        let lookups: [(ExchangeCode, String, String?)] = [
            (.nse, "10:00:00", "09:15–15:30"), (.mcx, "10:00:00", "09:00–14:00"), (.nse, "11:00:00", "09:15–15:30"),
            (.mcx, "17:00:00", "16:45–23:30"), (.mcx, "11:00:00", "09:00–14:00"), (.nse, "2026-03-04 10:00:00", "09:15–15:30"),
            (.nse, "2026-03-03 10:00:00", nil), (.nse, "10:00:00", "09:15–15:30"),
        ]
        for (exchange, time, expected) in lookups {
            let found = anchors.anchor(exchange: exchange, epochSeconds: F.ist(time))
            #expect(found.map(Self.describe) == expected, "\(exchange) \(time)")
        }
        #expect(anchors.anchor(exchange: .nse, epochSeconds: F.ist("2026-03-04 10:00:00"))?.tradingDate == F.date("2026-03-04"))
    }

    @Test("a day's anchors: normal windows only, overlapping windows clipped, gaps filled with alwaysOpen")
    func dayAnchors() {
        let overlapping = TradingCalendar(
            templates: [],
            holidays: [],
            specialSessions: [
                .init(date: F.day, exchange: .nse, name: "a", type: .normal, window: F.window("09:15", "12:00")),
                .init(date: F.day, exchange: .nse, name: "b", type: .normal, window: F.window("11:00", "13:00")),
                .init(date: F.day, exchange: .nse, name: "c", type: .postClose, window: F.window("13:00", "14:00")),
            ])
        let sessionOnly = SessionAnchors(calendar: overlapping, alwaysOpen: false).anchors(on: F.day, exchange: .nse)
        #expect(sessionOnly.map(Self.describe) == ["09:15–12:00", "12:00–13:00"])
        let alwaysOpen = SessionAnchors(calendar: overlapping, alwaysOpen: true).anchors(on: F.day, exchange: .nse)
        #expect(alwaysOpen.map(Self.describe) == ["00:00–09:15", "09:15–12:00", "12:00–13:00", "13:00–24:00"])
    }

    /// `HH:MM–HH:MM` in IST, with the next midnight as 24:00.
    static func describe(_ anchor: SessionAnchor) -> String {
        let midnight = Int64(anchor.tradingDate.daysSinceEpoch) * 86_400 - Int64(TradingCalendar.istOffsetSeconds)
        func clock(_ seconds: Int64) -> String { TimeOfDay(minutes: Int((seconds - midnight) / 60)).description }
        return "\(clock(anchor.openSeconds))–\(clock(anchor.closeSeconds))"
    }
}
