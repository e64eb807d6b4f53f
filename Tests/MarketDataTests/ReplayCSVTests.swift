// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import Testing

/// A small symbol master for parsing tests: no database needed.
enum ReplayFixtures {
    static let reliance = Instrument(id: 1, symbol: "RELIANCE", exchange: .nse, type: .equity, token: "2885")
    static let infy = Instrument(id: 2, symbol: "INFY", exchange: .nse, type: .equity, token: "1594")
    static let gold = Instrument(id: 3, symbol: "GOLDM", exchange: .mcx, type: .future, token: "9001")
    static let directory = InstrumentDirectory([reliance, infy, gold])

    /// Nanoseconds of an IST time on Monday 2026-03-02 (see ``BarFixtures/ist(_:)``).
    static func nanos(_ time: String) -> Int64 { BarFixtures.ist(time) * 1_000_000_000 }

    static func parse(_ text: String, file: String = "t.csv") throws -> ReplayCSV {
        try ReplayCSV.parse(text, fileName: file, directory: directory, calendar: BarFixtures.calendar)
    }

    /// The error `parse` throws for `text`; fails the test when it does not throw one.
    static func error(_ text: String) throws -> ReplayError {
        do {
            _ = try parse(text, file: "bad.csv")
        } catch let error as ReplayError {
            return error
        }
        Issue.record("no error for:\n\(text)")
        throw ReplayError(.empty, message: "expected an error")
    }
}

@Suite("Replay CSV")
struct ReplayCSVTests {
    typealias F = ReplayFixtures

    static let tenAM = F.nanos("10:00:00")

    @Test(
        "timestamps: epoch seconds, ms, µs, ns and ISO-8601 with or without an offset",
        arguments: [
            ("1772425800", tenAM), ("1772425800000", tenAM), ("1772425800000000", tenAM), ("1772425800000000000", tenAM),
            ("1772425800.25", tenAM + 250_000_000), ("1772425800250", tenAM + 250_000_000),
            ("2026-03-02T10:00:00+05:30", tenAM), ("2026-03-02T04:30:00Z", tenAM), ("2026-03-02t04:30:00z", tenAM),
            ("2026-03-02 10:00:00", tenAM), ("2026-03-02T10:00", tenAM), ("2026-03-02T10:00:00.5+0530", tenAM + 500_000_000),
            ("2026-03-02T04:30:00.123456789+00", tenAM + 123_456_789), ("2026-03-02T00:30:00-04:00", tenAM),
        ])
    func timestamps(text: String, nanos: Int64) {
        #expect(ReplayTimestamp.parse(text) == ReplayTimestamp.Parsed(nanos: nanos, isDateOnly: false))
    }

    @Test("a date alone is IST midnight and says so")
    func dateOnly() {
        #expect(ReplayTimestamp.parse("2026-03-02") == ReplayTimestamp.Parsed(nanos: F.nanos("00:00:00"), isDateOnly: true))
    }

    @Test(
        "not timestamps",
        arguments: [
            "", "abc", "12:00", "2026-13-01", "2026-02-30", "2026-03-02T25:00", "2026-03-02T10:61", "2026-03-02T10:00:00+5",
            "2026-03-02T10:00:00 junk", "1.2.3", "1772425800.", ".5", "123", "2026", "99999999999999999999", "-1772425800",
            "2026-03-02T10:00:00+15:00",
        ])
    func badTimestamps(text: String) {
        #expect(ReplayTimestamp.parse(text) == nil)
    }

    @Test(
        "speeds: max, 0, multiples with or without x; nonsense refused",
        arguments: [
            ("max", ReplaySpeed.asFastAsPossible), ("MAX", .asFastAsPossible), ("0", .asFastAsPossible), ("1", .times(1)),
            ("10x", .times(10)), (" 0.5 ", .times(0.5)), ("1000000", .times(1_000_000)),
        ] as [(String, ReplaySpeed)])
    func speeds(text: String, speed: ReplaySpeed) {
        #expect(ReplaySpeed(parsing: text) == speed)
    }

    @Test("bad speeds", arguments: ["-1", "fast-ish", "", "nan", "inf", "0.0001", "2000000", "x"])
    func badSpeeds(text: String) {
        #expect(ReplaySpeed(parsing: text) == nil)
    }

    @Test("a tick file: every column, aliases, quotes, CRLF, a BOM and blank lines; instruments interleave into time order")
    func tickFile() throws {
        let text =
            "\u{FEFF}ts,Symbol,EXCHANGE,price,volume,bid,ask,bid_qty,ask_qty,oi,ltq\r\n"
            + "2026-03-02T10:00:02+05:30,RELIANCE,NSE,1500.5,100,1500.4,1500.6,10,20,0,5\r\n"
            + "2026-03-02T10:00:04+05:30,RELIANCE,NSE,1501,150,,,,,,\r\n"
            + "\r\n"
            + "1772425801,\"infy\",nse,\"1,600.25\",7,,,,,,\n"
            + "1772425802000, INFY , NSE , 1601 ,8,,,,,,\n"
        // "1,600.25" is not a number: a thousands separator must not read as 1.
        let error = try F.error(text)
        #expect(error.line == 5 && error.column == 4 && error.columnName == "price")

        let csv = try F.parse(text.replacing("\"1,600.25\"", with: "1600.25"))
        #expect(csv.kind == .ticks)
        #expect(csv.rowCount == 4)
        #expect(csv.endNanos == nil)
        #expect(csv.ticks.map(\.instrumentID) == [2, 1, 2, 1])  // 10:00:01 INFY, then two at 10:00:02 in file order
        #expect(csv.ticks.map(\.timestampNanos) == [1, 2, 2, 4].map { Self.tenAM + Int64($0) * 1_000_000_000 })
        let first = try #require(csv.ticks.first { $0.instrumentID == 1 })
        #expect(
            first
                == Tick(
                    instrumentID: 1, timestampNanos: Self.tenAM + 2_000_000_000, lastPrice: 1500.5, lastQuantity: 5, volume: 100, bid: 1500.4,
                    ask: 1500.6,
                    bidQuantity: 10, askQuantity: 20))
        #expect(csv.ticks[0].lastPrice == 1600.25)
    }

    @Test("only the required columns; quantities written as 100.0 are whole numbers")
    func minimalTickFile() throws {
        let csv = try F.parse("timestamp,symbol,exchange,ltp,volume\n2026-03-02 10:00:00,GOLDM,MCX,72000,100.0\n")
        #expect(csv.ticks == [Tick(instrumentID: 3, timestampNanos: Self.tenAM, lastPrice: 72000, volume: 100)])
    }

    struct BadInput: Sendable, CustomStringConvertible {
        var text: String
        var line: Int?
        var column: Int?
        var message: String
        var description: String { message }
    }

    static let header = "timestamp,symbol,exchange,ltp,volume\n"
    static let good = "2026-03-02T10:00:00+05:30,RELIANCE,NSE,1500,10\n"

    @Test(
        "bad rows name the file, line and column",
        arguments: [
            BadInput(text: header + good + "2026-03-02T10:00:01+05:30,NOPE,NSE,1,1\n", line: 3, column: 2, message: "unknown symbol NSE:NOPE"),
            BadInput(
                text: header + good + "2026-03-02T10:00:01+05:30,RELIANCE,BSE,1,1\n", line: 3, column: 2, message: "unknown symbol BSE:RELIANCE"),
            BadInput(text: header + good + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,abc,1\n", line: 3, column: 4, message: "\"abc\" is not a number"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,0,1\n", line: 2, column: 4, message: "ltp 0 must be above zero"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,-5,1\n", line: 2, column: 4, message: "ltp -5 must be above zero"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,nan,1\n", line: 2, column: 4, message: "\"nan\" is not a number"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,0x10,1\n", line: 2, column: 4, message: "\"0x10\" is not a number"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,,1\n", line: 2, column: 4, message: "the ltp is empty"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,10,-1\n", line: 2, column: 5, message: "volume -1 must not be negative"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,10,1.5\n", line: 2, column: 5, message: "\"1.5\" is not a whole number"),
            BadInput(text: header + "yesterday,RELIANCE,NSE,10,1\n", line: 2, column: 1, message: "\"yesterday\" is not a timestamp"),
            BadInput(text: header + ",RELIANCE,NSE,10,1\n", line: 2, column: 1, message: "the timestamp is empty"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,,NSE,10,1\n", line: 2, column: 2, message: "the symbol is empty"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,10\n", line: 2, column: nil, message: "has 4 fields; the header has 5"),
            BadInput(text: header + "2026-03-02T10:00:01+05:30,\"RELIANCE,NSE,10,1\n", line: 2, column: nil, message: "a quoted field is not closed"),
            BadInput(
                text: header + good + "\n" + "2026-03-02T09:59:59+05:30,RELIANCE,NSE,1500,11\n", line: 4, column: 1,
                message: "NSE:RELIANCE goes back in time (line 2 was later)"),
            BadInput(text: "timestamp,symbol,exchange,ltp,bid_qyt\n" + good, line: 1, column: 5, message: "unknown column \"bid_qyt\""),
            BadInput(text: "timestamp,symbol,exchange,ltp,LTP\n" + good, line: 1, column: 5, message: "column ltp appears twice (also column 4)"),
            BadInput(text: "timestamp,symbol,exchange,volume\n" + good, line: 1, column: nil, message: "the header needs an ltp column"),
            BadInput(text: "timestamp,symbol,ltp\n" + good, line: 1, column: nil, message: "the header has no exchange column"),
            BadInput(text: "timestamp,symbol,exchange,ltp,close\n" + good, line: 1, column: nil, message: "both ltp and open/high/low/close"),
            BadInput(text: "timestamp,symbol,exchange,close\n" + good, line: 1, column: nil, message: "the header has no open column"),
            BadInput(text: "timestamp,symbol,exchange,ltp,interval\n" + good, line: 1, column: 5, message: "does not belong in a tick file"),
            BadInput(text: "", line: nil, column: nil, message: "is empty: a header row is required"),
            BadInput(text: "\n\n", line: nil, column: nil, message: "is empty: a header row is required"),
            BadInput(text: header, line: nil, column: nil, message: "has a header but no data rows"),
        ])
    func badRows(input: BadInput) throws {
        let error = try ReplayFixtures.error(input.text)
        #expect(error.file == "bad.csv")
        #expect(error.line == input.line)
        #expect(error.column == input.column)
        #expect(error.message.contains(input.message), "\(error)")
    }

    @Test(
        "bad bar rows",
        arguments: [
            BadInput(
                text: "timestamp,symbol,exchange,open,high,low,close\n2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,99,98,99.5\n", line: 2, column: 5,
                message: "high 99.0 is below the bar's open, low or close"),
            BadInput(
                text: "timestamp,symbol,exchange,open,high,low,close\n2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,101,100.5,100.8\n", line: 2,
                column: 6,
                message: "low 100.5 is above the bar's open or close"),
            BadInput(
                text: "timestamp,symbol,exchange,open,high,low,close,interval\n2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,101,99,100,1w\n", line: 2,
                column: 8, message: "\"1w\" is not an interval"),
            BadInput(
                text: "timestamp,symbol,exchange,open,high,low,close,interval\n2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,101,99,100,5m\n"
                    + "2026-03-02T10:03:00+05:30,RELIANCE,NSE,100,101,99,100,5m\n", line: 3, column: 1,
                message: "starts before the one on line 2 ends"),
            BadInput(
                text: "timestamp,symbol,exchange,open,high,low,close\n2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,101,99,100\n"
                    + "2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,101,99,100\n", line: 3, column: 1, message: "starts before the one on line 2 ends"),
            BadInput(text: "timestamp,symbol,exchange,open,high,low,close,bid\n", line: 1, column: 8, message: "does not belong in a bar file"),
        ])
    func badBarRows(input: BadInput) throws {
        let error = try ReplayFixtures.error(input.text)
        #expect(error.line == input.line)
        #expect(error.column == input.column)
        #expect(error.message.contains(input.message), "\(error)")
    }

    @Test("the message reads file, line, column and what is wrong")
    func errorDescription() throws {
        let error = try F.error(Self.header + "2026-03-02T10:00:01+05:30,RELIANCE,NSE,abc,1\n")
        #expect(error.description == "bad.csv line 2, column 4 (ltp): \"abc\" is not a number")
        #expect(ReplayError(.empty, message: "nothing").description == "nothing")
        #expect(ReplayError(.empty, file: "x.csv", message: "is empty").description == "x.csv: is empty")
    }

    @Test("clipping keeps from ≤ t < until and cuts a bar file's end")
    func clipping() throws {
        let csv = try F.parse(
            "timestamp,symbol,exchange,open,high,low,close,volume\n"
                + "2026-03-02T10:00:00+05:30,RELIANCE,NSE,100,102,99,101,40\n2026-03-02T10:01:00+05:30,RELIANCE,NSE,101,101,98,99,40\n")
        #expect(csv.endNanos == Self.tenAM + 120_000_000_000)
        let clipped = csv.clipped(fromNanos: Self.tenAM + 15_000_000_000, untilNanos: Self.tenAM + 75_000_000_000)
        #expect(clipped.ticks.map(\.timestampNanos) == [15, 30, 45, 60].map { Self.tenAM + Int64($0) * 1_000_000_000 })
        #expect(clipped.endNanos == Self.tenAM + 75_000_000_000)
        #expect(csv.clipped(fromNanos: nil, untilNanos: nil).ticks == csv.ticks)
    }
}
