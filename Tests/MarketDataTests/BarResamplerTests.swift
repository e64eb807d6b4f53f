// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

@Suite("Bar resampler")
struct BarResamplerTests {
    typealias F = BarFixtures

    // MARK: Intraday

    /// Interval, output bars over NSE's 09:15–15:30 session, the second and last bar's start (IST)
    /// and how many base bars the last one holds.
    static let sessionCases: [(HistoryInterval, Int, String, String, Int)] = [
        (.s10, 2250, "09:15:10", "15:29:50", 2),
        (.s15, 1500, "09:15:15", "15:29:45", 3),
        (.s30, 750, "09:15:30", "15:29:30", 6),
        (.s45, 500, "09:15:45", "15:29:15", 9),
        (.m2, 188, "09:17:00", "15:29:00", 1),  // 6h15m is not a whole number of 2m bars: the last is short
        (.m10, 38, "09:25:00", "15:25:00", 1),
        (.m20, 19, "09:35:00", "15:15:00", 3),
        (.h2, 4, "11:15:00", "15:15:00", 1),
        (.h3, 3, "12:15:00", "15:15:00", 1),
        (.h4, 2, "13:15:00", "13:15:00", 3),
    ]

    @Test("a session of base bars becomes session-aligned bars of the interval", arguments: sessionCases)
    func sessionDay(interval: HistoryInterval, count: Int, second: String, last: String, lastBars: Int) throws {
        let input = Self.bars(interval.baseTimeframe, from: F.ist("09:15:00"), until: F.ist("15:30:00"))
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        var calls = 0
        let output = BarResampler.resample(input, to: interval) {
            calls += 1
            return anchors.anchor(exchange: .nse, epochSeconds: $0)
        }
        let length = Int64(try #require(interval.seconds))
        #expect(output.count == count)
        #expect(output.map(\.start) == output.indices.map { F.ist("09:15:00") + Int64($0) * length })
        #expect(output.dropFirst().first?.start == F.ist(second))
        #expect(output.last?.start == F.ist(last))
        #expect(Self.groups(output, in: input).last?.count == lastBars)
        #expect(output.allSatisfy { $0.timeframe == interval.baseTimeframe && $0.instrumentID == 7 })
        #expect(calls == 1, "the anchor is asked once per session, not once per bar")
        Self.expectAggregates(output, of: input)
    }

    @Test("2h from 1h: first open, highest high, lowest low, last close, summed volume, last open interest")
    func twoHourValues() {
        let rows: [(String, Double, Double, Double, Double, Int64, Int64)] = [
            ("09:15:00", 100, 105, 99, 104, 10, 1), ("10:15:00", 104, 110, 103, 108, 20, 2),
            ("11:15:00", 108, 109, 95, 96, 30, 3), ("12:15:00", 96, 100, 94, 99, 40, 4),
            ("13:15:00", 99, 101, 97, 100, 50, 5), ("14:15:00", 100, 112, 98, 111, 60, 6),
            ("15:15:00", 111, 113, 110, 112, 5, 7),
        ]
        let input = rows.map { Self.bar(.h1, $0.0, $0.1, $0.2, $0.3, $0.4, $0.5, $0.6) }
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        let output = BarResampler.resample(input, to: .h2) { anchors.anchor(exchange: .nse, epochSeconds: $0) }
        #expect(
            output == [
                Self.bar(.h1, "09:15:00", 100, 110, 99, 108, 30, 2), Self.bar(.h1, "11:15:00", 108, 109, 94, 99, 70, 4),
                Self.bar(.h1, "13:15:00", 99, 112, 97, 111, 110, 6), Self.bar(.h1, "15:15:00", 111, 113, 110, 112, 5, 7),
            ])
    }

    @Test("45s from 5s restarts at each window open, adjacent or on the next day, and never spans two")
    func sessionBoundary() {
        let windows = [
            SessionAnchor(tradingDate: F.day, openSeconds: F.ist("09:15:00"), closeSeconds: F.ist("09:16:00")),
            SessionAnchor(tradingDate: F.day, openSeconds: F.ist("09:16:00"), closeSeconds: F.ist("09:17:40")),
            SessionAnchor(
                tradingDate: F.date("2026-03-04"), openSeconds: F.ist("2026-03-04 09:15:00"),
                closeSeconds: F.ist("2026-03-04 09:16:00")),
        ]
        let input = windows.flatMap { Self.bars(.s5, from: $0.openSeconds, until: $0.closeSeconds) }
        let output = BarResampler.resample(input, to: .s45) { t in windows.first { $0.contains(epochSeconds: t) } }
        let expected = [
            "09:15:00", "09:15:45", "09:16:00", "09:16:45", "09:17:30", "2026-03-04 09:15:00", "2026-03-04 09:15:45",
        ]
        #expect(output.map(\.start) == expected.map(F.ist))
        #expect(Self.groups(output, in: input).map(\.count) == [9, 3, 9, 9, 2, 9, 3])
        Self.expectAggregates(output, of: input)
    }

    @Test("without an anchor, buckets align on the UTC epoch multiple")
    func epochFallback() {
        let input = Self.bars(.h1, from: F.ist("09:15:00"), until: F.ist("15:30:00"))
        let output = BarResampler.resample(input, to: .h2) { _ in nil }
        // 2h multiples of the UTC epoch fall on 07:30, 09:30, … IST.
        #expect(output.map(\.start) == ["07:30:00", "09:30:00", "11:30:00", "13:30:00"].map(F.ist))
        #expect(Self.groups(output, in: input).map(\.count) == [1, 2, 2, 2])
        Self.expectAggregates(output, of: input)
    }

    @Test("a bar past the last window aligns on the epoch but never reaches back into that window")
    func fallbackAfterWindow() {
        let window = SessionAnchor(tradingDate: F.day, openSeconds: F.ist("09:15:00"), closeSeconds: F.ist("09:16:00"))
        let input = Self.bars(.s5, from: F.ist("09:15:00"), until: F.ist("09:17:00"))
        let output = BarResampler.resample(input, to: .s45) { window.contains(epochSeconds: $0) ? window : nil }
        // The epoch bucket of 09:16:00 starts at 09:15:45, inside the window: it is clipped to 09:16:00.
        #expect(output.map(\.start) == ["09:15:00", "09:15:45", "09:16:00", "09:16:30"].map(F.ist))
        #expect(Self.groups(output, in: input).map(\.count) == [9, 3, 6, 6])
        Self.expectAggregates(output, of: input)
    }

    // MARK: Calendar intervals

    static let newYear = ["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02", "2026-01-05", "2026-01-06"]
    static let quarterEdges = ["2026-03-31", "2026-04-01", "2026-06-30", "2026-07-01", "2026-09-30", "2026-10-01", "2026-12-31"]

    /// Interval, trading dates of the daily bars, then each output bar's first day and bar count.
    static let calendarCases: [(HistoryInterval, [String], [(String, Int)])] = [
        (.week, newYear, [("2025-12-29", 5), ("2026-01-05", 2)]),
        (.month, newYear, [("2025-12-01", 3), ("2026-01-01", 4)]),
        (.quarter, newYear, [("2025-10-01", 3), ("2026-01-01", 4)]),
        (.year, newYear, [("2025-01-01", 3), ("2026-01-01", 4)]),
        (.quarter, quarterEdges, [("2026-01-01", 1), ("2026-04-01", 2), ("2026-07-01", 2), ("2026-10-01", 2)]),
        (.month, quarterEdges, quarterEdges.map { (String($0.prefix(8)) + "01", 1) }),
        (.year, quarterEdges, [("2026-01-01", 7)]),
        // A Sunday belongs to the ISO week that began the Monday before.
        (.week, ["2026-03-01", "2026-03-02", "2026-03-08", "2026-03-09"], [("2026-02-23", 1), ("2026-03-02", 2), ("2026-03-09", 1)]),
        (.week, ["2024-02-28", "2024-02-29", "2024-03-01"], [("2024-02-26", 3)]),
        (.month, ["2024-02-28", "2024-02-29", "2024-03-01"], [("2024-02-01", 2), ("2024-03-01", 1)]),
    ]

    @Test("daily bars group by ISO week, month, quarter and year at 00:00 UTC of the first day", arguments: calendarCases)
    func calendar(interval: HistoryInterval, dates: [String], expected: [(String, Int)]) {
        let input = dates.enumerated().map { Self.bar($0.offset, start: Self.dayStart($0.element), timeframe: .day) }
        let output = BarResampler.resample(input, to: interval) { _ in
            Issue.record("calendar intervals need no session anchor")
            return nil
        }
        #expect(output.map(\.start) == expected.map { Self.dayStart($0.0) })
        #expect(Self.groups(output, in: input).map(\.count) == expected.map(\.1))
        #expect(output.allSatisfy { $0.timeframe == .day })
        Self.expectAggregates(output, of: input)
    }

    // MARK: Edges

    @Test("empty input gives empty output without asking for anchors", arguments: HistoryInterval.allCases)
    func empty(interval: HistoryInterval) {
        let output = BarResampler.resample([], to: interval) { _ in
            Issue.record("no bar, no anchor")
            return nil
        }
        #expect(output.isEmpty)
    }

    @Test("stored intervals, D included, come back unchanged", arguments: HistoryInterval.allCases.filter(\.isStored))
    func stored(interval: HistoryInterval) {
        let input =
            interval == .day
            ? (0..<5).map { Self.bar($0, start: Self.dayStart("2026-03-02") + Int64($0) * 86_400, timeframe: .day) }
            : Self.bars(interval.baseTimeframe, from: F.ist("09:15:00"), until: F.ist("15:30:00"))
        #expect(BarResampler.resample(input, to: interval) { _ in nil } == input)
    }

    // MARK: Properties

    static let derived = HistoryInterval.allCases.filter { !$0.isStored }

    @Test(
        "volume is preserved, every bar is well formed, starts rise and sit on their window's grid",
        arguments: derived, [ExchangeCode.nse, .mcx, .cds])
    func properties(interval: HistoryInterval, exchange: ExchangeCode) throws {
        var random = Random(seed: UInt64(interval.rawValue.utf8.reduce(0) { $0 * 31 + Int($1) }) &+ UInt64(exchange.rawValue.count))
        var anchors = SessionAnchors(calendar: F.calendar, alwaysOpen: false)
        let input = interval.isIntraday ? Self.randomSessions(interval.baseTimeframe, exchange, &anchors, &random) : Self.randomDays(&random)
        try #require(input.count > 10)
        let output = BarResampler.resample(input, to: interval) { anchors.anchor(exchange: exchange, epochSeconds: $0) }
        #expect(output.reduce(Int64(0)) { $0 + $1.volume } == input.reduce(Int64(0)) { $0 + $1.volume })
        #expect(output.allSatisfy { $0.high >= max($0.open, $0.close) && $0.low <= min($0.open, $0.close) })
        #expect(zip(output, output.dropFirst()).allSatisfy { $0.start < $1.start })
        if let length = interval.seconds {
            for (bar, group) in zip(output, Self.groups(output, in: input)) {
                let found = anchors.anchor(exchange: exchange, epochSeconds: bar.start)
                let window = try #require(found)
                #expect((bar.start - window.openSeconds) % Int64(length) == 0)
                #expect(group.allSatisfy { window.contains(epochSeconds: $0.start) })
            }
        }
        Self.expectAggregates(output, of: input)
    }
}

// MARK: - Fixtures

extension BarResamplerTests {
    /// A bar whose prices zigzag with `index`, so a bucket's high and low are rarely its first or
    /// last bar's.
    static func bar(_ index: Int, start: Int64, timeframe: Timeframe) -> Bar {
        let open = 100 + Double(index * 7 % 11)
        let close = open + Double(index % 3) - 1
        return Bar(
            instrumentID: 7, timeframe: timeframe, start: start, open: open, high: max(open, close) + Double(index % 4),
            low: min(open, close) - Double(index % 5) / 2, close: close, volume: Int64(index % 13 + 1), openInterest: Int64(1000 + index))
    }

    static func bar(
        _ timeframe: Timeframe, _ time: String, _ open: Double, _ high: Double, _ low: Double, _ close: Double, _ volume: Int64,
        _ openInterest: Int64
    ) -> Bar {
        Bar(
            instrumentID: 7, timeframe: timeframe, start: F.ist(time), open: open, high: high, low: low, close: close, volume: volume,
            openInterest: openInterest)
    }

    /// One bar of `timeframe` per slot from `open` up to `close`.
    static func bars(_ timeframe: Timeframe, from open: Int64, until close: Int64) -> [Bar] {
        starts(from: open, until: close, every: timeframe).enumerated().map { bar($0.offset, start: $0.element, timeframe: timeframe) }
    }

    /// `open`, `open + length`, … up to `close` (exclusive).
    static func starts(from open: Int64, until close: Int64, every timeframe: Timeframe) -> [Int64] {
        let length = Int64(timeframe.seconds)
        return (0..<Int((close - open + length - 1) / length)).map { open + Int64($0) * length }
    }

    static func dayStart(_ iso: String) -> Int64 { Int64(F.date(iso).daysSinceEpoch) * 86_400 }

    /// Splits `input` at each output bar's start: the base bars each output bar was built from.
    static func groups(_ output: [Bar], in input: [Bar]) -> [ArraySlice<Bar>] {
        var result: [ArraySlice<Bar>] = []
        var lower = input.startIndex
        for index in output.indices {
            let end = index + 1 < output.endIndex ? output[index + 1].start : .max
            var upper = lower
            while upper < input.endIndex && input[upper].start < end { upper += 1 }
            result.append(input[lower..<upper])
            lower = upper
        }
        return result
    }

    /// Checks every output bar against a plain recomputation from its base bars, and that every
    /// base bar was used.
    static func expectAggregates(_ output: [Bar], of input: [Bar], sourceLocation: SourceLocation = #_sourceLocation) {
        let parts = groups(output, in: input)
        #expect(parts.reduce(0) { $0 + $1.count } == input.count, sourceLocation: sourceLocation)
        for (bar, part) in zip(output, parts) {
            guard let first = part.first, let last = part.last else {
                Issue.record("output bar at \(bar.start) has no base bars", sourceLocation: sourceLocation)
                continue
            }
            let expected = Bar(
                instrumentID: first.instrumentID, timeframe: first.timeframe, start: bar.start, open: first.open,
                high: part.map(\.high).max() ?? first.high, low: part.map(\.low).min() ?? first.low, close: last.close,
                volume: part.reduce(0) { $0 + $1.volume }, openInterest: last.openInterest)
            #expect(first.start >= bar.start, sourceLocation: sourceLocation)
            #expect(bar == expected, sourceLocation: sourceLocation)
        }
    }

    /// Base bars over four days (one an NSE holiday) of `exchange`'s windows, about one in five
    /// missing, with random well-formed prices.
    static func randomSessions(_ timeframe: Timeframe, _ exchange: ExchangeCode, _ anchors: inout SessionAnchors, _ random: inout Random)
        -> [Bar]
    {
        var input: [Bar] = []
        for date in ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"].map(F.date) {
            for window in anchors.anchors(on: date, exchange: exchange) {
                for start in starts(from: window.openSeconds, until: window.closeSeconds, every: timeframe) where random.next(5) != 0 {
                    input.append(random.bar(start: start, timeframe: timeframe))
                }
            }
        }
        return input
    }

    /// Daily bars on weekdays from November 2024 to early 2027, about one in five missing.
    static func randomDays(_ random: inout Random) -> [Bar] {
        let first = F.date("2024-11-01")
        return (0..<800).map(first.adding(days:)).filter { $0.isoWeekday <= 5 && random.next(5) != 0 }.map {
            random.bar(start: Int64($0.daysSinceEpoch) * 86_400, timeframe: .day)
        }
    }

    /// A reproducible generator (a 64-bit LCG, as in ``BarFixtures/randomDay(count:seed:)``).
    struct Random {
        var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }

        mutating func bar(start: Int64, timeframe: Timeframe) -> Bar {
            let open = 100 + Double(next(1000)) / 10
            let close = 100 + Double(next(1000)) / 10
            return Bar(
                instrumentID: 7, timeframe: timeframe, start: start, open: open, high: max(open, close) + Double(next(50)) / 10,
                low: min(open, close) - Double(next(50)) / 10, close: close, volume: Int64(next(10_000)),
                openInterest: Int64(next(100_000)))
        }
    }
}
