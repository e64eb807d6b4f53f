// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

@Suite("Replay: bars become ticks")
struct ReplayBarTicksTests {
    typealias F = ReplayFixtures

    @Test("an up bar goes open, low, high, close at 0, ¼, ½ and ¾ of its span; volume split, remainder on the close")
    func upBar() {
        let bar = ReplayBarTicks.Bar(instrumentID: 1, open: 100, high: 104, low: 99, close: 103, volume: 103, openInterest: 9)
        let start = F.nanos("10:00:00")
        let ticks = ReplayBarTicks.ticks(for: bar, span: start..<(start + 60_000_000_000), volumeBefore: 1_000)
        #expect(ticks.map(\.lastPrice) == [100, 99, 104, 103])
        #expect(ticks.map(\.timestampNanos) == [0, 15, 30, 45].map { start + Int64($0) * 1_000_000_000 })
        #expect(ticks.map(\.lastQuantity) == [25, 25, 25, 28])
        #expect(ticks.map(\.volume) == [1_025, 1_050, 1_075, 1_103])
        #expect(ticks.allSatisfy { $0.openInterest == 9 && $0.instrumentID == 1 })
    }

    @Test("a down bar goes open, high, low, close; a flat bar counts as up")
    func downAndFlatBars() {
        let start = F.nanos("10:00:00")
        let down = ReplayBarTicks.Bar(instrumentID: 1, open: 100, high: 101, low: 95, close: 96)
        #expect(ReplayBarTicks.ticks(for: down, span: start..<(start + 4_000), volumeBefore: 0).map(\.lastPrice) == [100, 101, 95, 96])
        let flat = ReplayBarTicks.Bar(instrumentID: 1, open: 100, high: 101, low: 99, close: 100)
        #expect(ReplayBarTicks.ticks(for: flat, span: start..<(start + 4_000), volumeBefore: 0).map(\.lastPrice) == [100, 99, 101, 100])
    }

    @Test("a daily bar spans the exchange's sessions from the calendar, or 09:15–15:30 IST on a closed day")
    func dailySpan() {
        let monday = BarFixtures.day
        let nse = ReplayBarTicks.dailySpan(date: monday, exchange: .nse, calendar: BarFixtures.calendar)
        #expect(nse == F.nanos("09:15:00")..<F.nanos("15:30:00"))
        let mcx = ReplayBarTicks.dailySpan(date: monday, exchange: .mcx, calendar: BarFixtures.calendar)
        #expect(mcx == F.nanos("09:00:00")..<F.nanos("23:30:00"))
        let holiday = monday.adding(days: 1)
        let closed = ReplayBarTicks.dailySpan(date: holiday, exchange: .nse, calendar: BarFixtures.calendar)
        #expect(closed == F.nanos("09:15:00") + 86_400_000_000_000..<F.nanos("15:30:00") + 86_400_000_000_000)
    }

    @Test(
        "intervals",
        arguments: [("1s", 1), ("5s", 5), ("1m", 60), ("15m", 900), ("1h", 3600), ("D", 86_400), ("1d", 86_400), ("90", 90)] as [(String, Int64)])
    func intervals(text: String, seconds: Int64) {
        #expect(ReplayBarTicks.intervalSeconds(text) == seconds)
    }

    @Test("not intervals", arguments: ["", "m", "0m", "-1m", "1w", "2d", "25h", "1.5m", "86401"])
    func badIntervals(text: String) {
        #expect(ReplayBarTicks.intervalSeconds(text) == nil)
    }

    @Test("a bar file: the interval is inferred, the day's volume runs on across bars, and the data ends where the last bar ends")
    func barFile() throws {
        let csv = try F.parse(
            """
            timestamp,symbol,exchange,open,high,low,close,volume,oi
            2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,102,99,101,40,7
            2026-03-02T10:05:00+05:30,RELIANCE,NSE,101,101,98,99,8,7
            2026-03-02T10:05:00+05:30,INFY,NSE,1500,1500,1500,1500,0,0

            """)
        #expect(csv.kind == .bars)
        #expect(csv.rowCount == 3)
        let reliance = csv.ticks.filter { $0.instrumentID == 1 }
        // Five-minute bars (the smallest gap): ticks every 75 s.
        #expect(reliance.map(\.timestampNanos) == [0, 75, 150, 225, 300, 375, 450, 525].map { F.nanos("10:00:00") + Int64($0) * 1_000_000_000 })
        #expect(reliance.map(\.lastPrice) == [100, 99, 102, 101, 101, 101, 98, 99])
        #expect(reliance.map(\.volume) == [10, 20, 30, 40, 42, 44, 46, 48])
        #expect(csv.endNanos == F.nanos("10:10:00"))
        #expect(csv.ticks.map(\.timestampNanos) == csv.ticks.map(\.timestampNanos).sorted())
    }

    @Test("daily bars from dates: ticks inside the session, one day's volume not carried into the next")
    func dailyBarFile() throws {
        let csv = try F.parse(
            """
            date,symbol,exchange,open,high,low,close,volume,interval
            2026-03-02,RELIANCE,NSE,100,110,90,105,400,D
            2026-03-04,RELIANCE,NSE,105,106,100,101,4,D
            """)
        let day: Int64 = 86_400_000_000_000
        let open = F.nanos("09:15:00")
        let quarter = (F.nanos("15:30:00") - open) / 4
        let steps: [Int64] = [0, 1, 2, 3]
        let monday = steps.map { open + quarter * $0 }
        let wednesday = steps.map { open + 2 * day + quarter * $0 }
        #expect(csv.ticks.map(\.timestampNanos) == monday + wednesday)
        #expect(csv.ticks.map(\.volume) == [100, 200, 300, 400, 1, 2, 3, 4])
        #expect(csv.endNanos == 2 * day + F.nanos("15:30:00"))
    }

    @Test("bars with an interval column may mix intervals and leave gaps")
    func explicitIntervals() throws {
        let csv = try F.parse(
            """
            timestamp,symbol,exchange,open,high,low,close,interval
            2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,100,100,100,1m
            2026-03-02T10:30:00+05:30,RELIANCE,NSE,100,100,100,100,1h
            """)
        #expect(csv.ticks.map(\.timestampNanos).last == F.nanos("10:30:00") + 2_700_000_000_000)
        #expect(csv.endNanos == F.nanos("11:30:00"))
    }
}
