// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@testable import MarketData

@Suite("Bar aggregation")
struct BarAggregatorTests {
    typealias F = BarFixtures

    /// A tick sequence and the bars one timeframe builds from it; bars are
    /// `start open/high/low/close volume oi`, the start in IST (a date for the daily bar).
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let timeframe: Timeframe
        let ticks: [Tick]
        let closed: [String]
        let open: String?
        var testDescription: String { "\(timeframe.rawValue): \(name)" }
    }

    static let cases: [Case] = [
        Case(
            name: "1s bars split at whole seconds", timeframe: .s1,
            ticks: [
                F.tick("09:15:00", millis: 200, price: 100, volume: 10), F.tick("09:15:00", millis: 700, price: 101, volume: 15),
                F.tick("09:15:01", price: 99, volume: 20),
            ],
            closed: ["09:15:00 100/101/100/101 15 0"], open: "09:15:01 99/99/99/99 5 0"),
        Case(
            name: "5s bars", timeframe: .s5,
            ticks: [F.tick("09:15:04", price: 100, volume: 10), F.tick("09:15:05", price: 102, volume: 30)],
            closed: ["09:15:00 100/100/100/100 10 0"], open: "09:15:05 102/102/102/102 20 0"),
        Case(
            name: "1m bars", timeframe: .m1,
            ticks: [
                F.tick("09:15:00", price: 100, volume: 10), F.tick("09:15:30", price: 98, volume: 12),
                F.tick("09:15:59", price: 99, volume: 20), F.tick("09:16:00", price: 101, volume: 21),
            ],
            closed: ["09:15:00 100/100/98/99 20 0"], open: "09:16:00 101/101/101/101 1 0"),
        Case(
            name: "3m bars align to 09:15", timeframe: .m3,
            ticks: [F.tick("09:17:59", price: 100), F.tick("09:18:00", price: 101)],
            closed: ["09:15:00 100/100/100/100 0 0"], open: "09:18:00 101/101/101/101 0 0"),
        Case(
            name: "5m bars", timeframe: .m5,
            ticks: [F.tick("09:19:59", price: 100), F.tick("09:20:00", price: 101)],
            closed: ["09:15:00 100/100/100/100 0 0"], open: "09:20:00 101/101/101/101 0 0"),
        Case(
            name: "15m bars", timeframe: .m15,
            ticks: [F.tick("09:29:59", price: 100), F.tick("09:30:00", price: 101)],
            closed: ["09:15:00 100/100/100/100 0 0"], open: "09:30:00 101/101/101/101 0 0"),
        Case(
            name: "30m bars align to 09:15", timeframe: .m30,
            ticks: [F.tick("09:44:59", price: 100), F.tick("09:45:00", price: 101)],
            closed: ["09:15:00 100/100/100/100 0 0"], open: "09:45:00 101/101/101/101 0 0"),
        Case(
            name: "1h bars run 09:15–10:15", timeframe: .h1,
            ticks: [F.tick("10:14:59", price: 100, volume: 5), F.tick("10:15:00", price: 101, volume: 9)],
            closed: ["09:15:00 100/100/100/100 5 0"], open: "10:15:00 101/101/101/101 4 0"),
        Case(
            name: "the last 1h bar starts at 15:15", timeframe: .h1,
            ticks: [F.tick("15:14:59", price: 100), F.tick("15:15:00", price: 101), F.tick("15:29:59", price: 102)],
            closed: ["14:15:00 100/100/100/100 0 0"], open: "15:15:00 101/102/101/102 0 0"),
        Case(
            name: "the daily bar starts at 00:00 UTC of the trading date", timeframe: .day,
            ticks: [
                F.tick("09:15:00", price: 100, volume: 100, openInterest: 5), F.tick("12:00:00", price: 120, volume: 250, openInterest: 6),
                F.tick("15:29:00", price: 90, volume: 400, openInterest: 4),
                F.tick("2026-03-04 09:15:00", price: 95, volume: 30, openInterest: 8),
            ],
            closed: ["2026-03-02 100/120/90/90 400 4"], open: "2026-03-04 95/95/95/95 30 8"),
        Case(
            name: "volume is the cumulative at the last tick minus the one before the first", timeframe: .m1,
            ticks: [
                F.tick("09:15:00", price: 100, volume: 100), F.tick("09:15:30", price: 100, volume: 150),
                F.tick("09:16:00", price: 100, volume: 180), F.tick("09:16:30", price: 100, volume: 260),
                F.tick("09:17:00", price: 100, volume: 260),
            ],
            closed: ["09:15:00 100/100/100/100 150 0", "09:16:00 100/100/100/100 110 0"], open: "09:17:00 100/100/100/100 0 0"),
        Case(
            name: "a cumulative that goes down is a new baseline", timeframe: .m1,
            ticks: [
                F.tick("09:15:00", price: 100, volume: 100), F.tick("09:15:10", price: 100, volume: 150),
                F.tick("09:15:20", price: 100, volume: 40), F.tick("09:15:30", price: 100, volume: 60),
            ],
            closed: [], open: "09:15:00 100/100/100/100 170 0"),
        Case(
            name: "without a cumulative, last quantities add up", timeframe: .m1,
            ticks: [
                F.tick("09:15:00", price: 100, quantity: 5), F.tick("09:15:10", price: 100, quantity: 7),
                F.tick("09:16:10", price: 100, quantity: 2),
            ],
            closed: ["09:15:00 100/100/100/100 12 0"], open: "09:16:00 100/100/100/100 2 0"),
        Case(
            name: "open interest is the last tick's; high and low track the last price", timeframe: .m5,
            ticks: [
                F.tick("09:15:00", price: 100, openInterest: 10), F.tick("09:16:00", price: 104, openInterest: 12),
                F.tick("09:17:00", price: 97, openInterest: 11), F.tick("09:18:00", price: 101, openInterest: 15),
            ],
            closed: [], open: "09:15:00 100/104/97/101 0 15"),
        Case(
            name: "a late tick for a closed bar is dropped; one for the open bar widens only high and low", timeframe: .m1,
            ticks: [
                F.tick("09:15:10", price: 100, volume: 10, openInterest: 1), F.tick("09:16:10", price: 101, volume: 20, openInterest: 2),
                F.tick("09:15:50", price: 90, volume: 15, openInterest: 3), F.tick("09:16:30", price: 102, volume: 25, openInterest: 4),
                F.tick("09:16:20", price: 110, volume: 22, openInterest: 5),
            ],
            closed: ["09:15:00 100/100/100/100 10 1"], open: "09:16:00 101/110/101/102 15 4"),
        Case(
            name: "ticks outside the session build nothing", timeframe: .m1,
            ticks: [F.tick("09:05:00", price: 100, volume: 10), F.tick("15:30:00", price: 100, volume: 20)],
            closed: [], open: nil),
    ]

    @Test("closed and open bars per timeframe", arguments: cases)
    func bars(_ testCase: Case) {
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        var aggregator = BarAggregator()
        let closed = F.feed(testCase.ticks, into: &aggregator, anchors: &anchors)
        #expect(closed.filter { $0.timeframe == testCase.timeframe }.map(Self.describe) == testCase.closed)
        #expect(aggregator.openBar(testCase.timeframe).map(Self.describe) == testCase.open)
        // A single-timeframe aggregator builds the same bars.
        var anchorsAlone = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        var alone = BarAggregator(timeframes: [testCase.timeframe])
        #expect(F.feed(testCase.ticks, into: &alone, anchors: &anchorsAlone).map(Self.describe) == testCase.closed)
        #expect(alone.openBars().map(Self.describe) == testCase.open.map { [$0] } ?? [])
    }

    /// IST time of `closeBars`, then the timeframes it closes after one tick at 09:15:00 (nothing
    /// closed before); the 1h bar of 15:15 ends at the close.
    static let closeCases: [(String, [Timeframe])] = [
        ("09:15:00", []), ("09:15:01", [.s1]), ("09:15:04", [.s1]), ("09:15:05", [.s1, .s5]),
        ("09:16:00", [.s1, .s5, .m1]), ("09:18:00", [.s1, .s5, .m1, .m3]), ("09:20:00", [.s1, .s5, .m1, .m3, .m5]),
        ("09:30:00", [.s1, .s5, .m1, .m3, .m5, .m15]), ("09:45:00", [.s1, .s5, .m1, .m3, .m5, .m15, .m30]),
        ("10:14:59", [.s1, .s5, .m1, .m3, .m5, .m15, .m30]), ("10:15:00", [.s1, .s5, .m1, .m3, .m5, .m15, .m30, .h1]),
        ("15:29:59", [.s1, .s5, .m1, .m3, .m5, .m15, .m30, .h1]), ("15:30:00", Timeframe.allCases),
    ]

    @Test("closeBars closes exactly the bars whose end has passed", arguments: closeCases)
    func closeBars(at time: String, expected: [Timeframe]) {
        var aggregator = BarAggregator()
        let anchor = SessionAnchor(tradingDate: F.day, openSeconds: F.ist("09:15:00"), closeSeconds: F.ist("15:30:00"))
        #expect(aggregator.add(F.tick("09:15:00", price: 100), anchor: anchor).isEmpty)
        let closed = aggregator.closeBars(endingAtOrBefore: F.ist(time))
        #expect(closed.map(\.timeframe) == expected)
        #expect(aggregator.openBars().map(\.timeframe) == Timeframe.allCases.filter { !expected.contains($0) })
        #expect(aggregator.closeBars(endingAtOrBefore: F.ist(time)).isEmpty)
    }

    @Test("the last 1h bar closes at 15:30, and a tick for a bar closed by the timer is dropped")
    func lastHourClosesAtTheClose() {
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        var aggregator = BarAggregator(timeframes: [.m1, .h1])
        _ = F.feed([F.tick("15:20:00", price: 100), F.tick("15:29:10", price: 101)], into: &aggregator, anchors: &anchors)
        #expect(aggregator.openBarEnd(.h1) == F.ist("15:30:00"))
        #expect(aggregator.closeBars(endingAtOrBefore: F.ist("15:29:59")).isEmpty)
        let closed = aggregator.closeBars(endingAtOrBefore: F.ist("15:30:00"))
        #expect(closed.map(Self.describe) == ["15:29:00 101/101/101/101 0 0", "15:15:00 100/101/100/101 0 0"])
        #expect(F.feed([F.tick("15:29:59", price: 200)], into: &aggregator, anchors: &anchors).isEmpty)
        #expect(aggregator.openBars().isEmpty)
    }

    @Test("MCX: a bar never spans the gap between the day and evening windows; the daily bar spans both")
    func mcxWindows() {
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        var aggregator = BarAggregator(timeframes: [.m15, .h1, .day])
        let day = [F.tick("13:50:00", price: 100, volume: 10), F.tick("13:59:59", price: 101, volume: 30)]
        #expect(F.feed(day, into: &aggregator, anchors: &anchors, exchange: .mcx).isEmpty)
        #expect(aggregator.openBarEnd(.h1) == F.ist("14:00:00"))
        let atGap = aggregator.closeBars(endingAtOrBefore: F.ist("14:00:00"))
        #expect(atGap.map(Self.describe) == ["13:45:00 100/101/100/101 30 0", "13:00:00 100/101/100/101 30 0"])
        // Ticks in the gap have no anchor, so they build nothing.
        #expect(F.feed([F.tick("15:00:00", price: 500, volume: 35)], into: &aggregator, anchors: &anchors, exchange: .mcx).isEmpty)
        let evening = [F.tick("16:50:00", price: 102, volume: 50), F.tick("23:29:00", price: 103, volume: 70)]
        let closed = F.feed(evening, into: &aggregator, anchors: &anchors, exchange: .mcx)
        #expect(closed.map(Self.describe) == ["16:45:00 102/102/102/102 20 0", "16:45:00 102/102/102/102 20 0"])
        #expect(aggregator.openBar(.h1).map(Self.describe) == "22:45:00 103/103/103/103 20 0")
        #expect(aggregator.openBarEnd(.h1) == F.ist("23:30:00"))
        let atClose = aggregator.closeBars(endingAtOrBefore: F.ist("23:30:00"))
        #expect(atClose.map(Self.describe) == ["23:15:00 103/103/103/103 20 0", "22:45:00 103/103/103/103 20 0", "2026-03-02 100/103/100/103 70 0"])
    }

    @Test("with alwaysOpen, bars outside the session align to the gap and never overlap the session's")
    func alwaysOpenGaps() {
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: true)
        var aggregator = BarAggregator(timeframes: [.h1])
        let ticks = [F.tick("09:05:00", price: 100), F.tick("09:20:00", price: 101), F.tick("15:29:00", price: 102), F.tick("15:31:00", price: 103)]
        let closed = F.feed(ticks, into: &aggregator, anchors: &anchors)
        #expect(closed.map(Self.describe) == ["09:00:00 100/100/100/100 0 0", "09:15:00 101/101/101/101 0 0", "15:15:00 102/102/102/102 0 0"])
        #expect(aggregator.openBar(.h1).map(Self.describe) == "15:30:00 103/103/103/103 0 0")
    }

    @Test("a price that is not finite and positive is ignored", arguments: [0, -1, Double.nan, Double.infinity, -Double.infinity])
    func invalidPrice(price: Double) {
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        var aggregator = BarAggregator()
        _ = F.feed([F.tick("09:15:00", price: 100, volume: 10)], into: &aggregator, anchors: &anchors)
        let before = aggregator
        #expect(F.feed([F.tick("09:20:00", price: price, volume: 20)], into: &aggregator, anchors: &anchors).isEmpty)
        #expect(aggregator == before)
    }

    @Test("replaying the same ticks gives identical bars")
    func deterministic() {
        let ticks = F.randomDay(count: 16_000, seed: 42)
        let (closedA, a) = Self.run(ticks)
        let (closedB, b) = Self.run(ticks)
        #expect(closedA == closedB)
        #expect(a.openBars() == b.openBars())
        #expect(a == b)
        #expect(closedA.count > 10_000)
    }

    @Test("a restart rebuilt by replaying the first part continues exactly like an uninterrupted run", arguments: [1, 5_000, 8_000, 15_999])
    func rebuild(split: Int) {
        let ticks = F.randomDay(count: 16_000, seed: 7)
        let (allClosed, whole) = Self.run(ticks)
        let (firstClosed, _) = Self.run(Array(ticks[..<split]))
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        var rebuilt = BarAggregator()
        let replayed = F.feed(Array(ticks[..<split]), into: &rebuilt, anchors: &anchors)
        #expect(replayed == firstClosed)
        let rest = F.feed(Array(ticks[split...]), into: &rebuilt, anchors: &anchors)
        #expect(firstClosed + rest == allClosed)
        #expect(rebuilt.openBars() == whole.openBars())
    }

    @Test("invariants over a random day: OHLC order, rising starts, bars inside the session, volume conserved")
    func invariants() {
        let ticks = F.randomDay(count: 16_000, seed: 99)
        var (closed, aggregator) = Self.run(ticks)
        closed += aggregator.closeBars(endingAtOrBefore: F.ist("15:30:00"))
        #expect(aggregator.openBars().isEmpty)
        for timeframe in Timeframe.allCases {
            let bars = closed.filter { $0.timeframe == timeframe }
            #expect(zip(bars, bars.dropFirst()).allSatisfy { $0.start < $1.start }, "\(timeframe)")
            #expect(bars.allSatisfy { $0.low <= min($0.open, $0.close) && max($0.open, $0.close) <= $0.high })
            if timeframe != .day {
                #expect(bars.allSatisfy { $0.start >= F.ist("09:15:00") && $0.start < F.ist("15:30:00") })
            }
        }
        // Every in-order tick adds its volume to the open bar of each timeframe, and only late ticks
        // are dropped, which add none: each timeframe's bars sum to the day's volume.
        let dayVolume = closed.filter { $0.timeframe == .day }.map(\.volume).reduce(0, +)
        #expect(dayVolume > 0)
        for timeframe in Timeframe.allCases {
            #expect(closed.filter { $0.timeframe == timeframe }.map(\.volume).reduce(0, +) == dayVolume, "\(timeframe)")
        }
    }

    static func run(_ ticks: [Tick]) -> ([Bar], BarAggregator) {
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        var aggregator = BarAggregator()
        let closed = F.feed(ticks, into: &aggregator, anchors: &anchors)
        return (closed, aggregator)
    }

    /// `HH:MM:SS o/h/l/c volume oi` with the start in IST, or the date for a daily bar.
    static func describe(_ bar: Bar) -> String {
        let prices = [bar.open, bar.high, bar.low, bar.close].map { String(price: $0) }.joined(separator: "/")
        let start: String
        if bar.timeframe == .day {
            start = LocalDate(daysSinceEpoch: Int(bar.start / 86_400)).description
        } else {
            let local = (bar.start + Int64(TradingCalendar.istOffsetSeconds)) % 86_400
            start = [local / 3600, local / 60 % 60, local % 60].map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ":")
        }
        return "\(start) \(prices) \(bar.volume) \(bar.openInterest)"
    }
}

extension String {
    /// A price without a needless `.0`, so expected bars read like `100/101/99/100`.
    fileprivate init(price: Double) {
        self = price == price.rounded() ? String(Int64(price)) : String(price)
    }
}
