// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

@Suite("History intervals")
struct HistoryIntervalTests {
    /// Every interval OpenAlgo's `history` accepts, with its base timeframe and length in seconds.
    static let table: [(String, Timeframe, Int?)] = [
        ("1s", .s1, 1), ("5s", .s5, 5), ("10s", .s5, 10), ("15s", .s5, 15), ("30s", .s5, 30), ("45s", .s5, 45),
        ("1m", .m1, 60), ("2m", .m1, 120), ("3m", .m3, 180), ("5m", .m5, 300), ("10m", .m5, 600), ("15m", .m15, 900),
        ("20m", .m5, 1200), ("30m", .m30, 1800), ("1h", .h1, 3600), ("2h", .h1, 7200), ("3h", .h1, 10_800), ("4h", .h1, 14_400),
        ("D", .day, nil), ("W", .day, nil), ("M", .day, nil), ("Q", .day, nil), ("Y", .day, nil),
    ]

    @Test("the 23 wire spellings, in OpenAlgo's order")
    func rawValues() {
        #expect(HistoryInterval.allCases.map(\.rawValue) == Self.table.map(\.0))
    }

    @Test("base timeframe, length and intraday flag", arguments: table)
    func properties(raw: String, base: Timeframe, seconds: Int?) throws {
        let interval = try #require(HistoryInterval(rawValue: raw))
        #expect(interval.baseTimeframe == base)
        #expect(interval.seconds == seconds)
        #expect(interval.isIntraday == (seconds != nil))
        #expect(interval.isStored == (Timeframe(rawValue: raw) != nil))
    }

    @Test("an intraday base is the largest stored timeframe dividing the interval", arguments: HistoryInterval.allCases)
    func baseRule(interval: HistoryInterval) {
        guard let seconds = interval.seconds else {
            #expect(interval.baseTimeframe == .day)
            return
        }
        let dividing = Timeframe.allCases.filter { $0 != .day && seconds % $0.seconds == 0 }
        #expect(interval.baseTimeframe == dividing.max { $0.seconds < $1.seconds })
    }

    @Test("grouped as OpenAlgo's intervals response, with Q and Y under months")
    func grouped() {
        let groups = HistoryInterval.grouped
        #expect(groups.seconds == ["1s", "5s", "10s", "15s", "30s", "45s"])
        #expect(groups.minutes == ["1m", "2m", "3m", "5m", "10m", "15m", "20m", "30m"])
        #expect(groups.hours == ["1h", "2h", "3h", "4h"])
        #expect(groups.days == ["D"])
        #expect(groups.weeks == ["W"])
        #expect(groups.months == ["M", "Q", "Y"])
        let all = groups.seconds + groups.minutes + groups.hours + groups.days + groups.weeks + groups.months
        #expect(all == HistoryInterval.allCases.map(\.rawValue))
    }
}
