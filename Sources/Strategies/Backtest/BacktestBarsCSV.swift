// SPDX-License-Identifier: Apache-2.0
public import Core
import Foundation
import MarketData

/// Reads a bar file for the backtester: a header naming `timestamp,open,high,low,close` and
/// optionally `volume`, `symbol` and `exchange`, in any order. Timestamps are a bar's start, in
/// epoch seconds or milliseconds or ISO-8601 (IST when no offset). Rows of one symbol must move
/// forward in time. Written for speed: a million rows read in about a second.
///
/// A bad row is named as the replay CSV names it: `bars.csv: line 7, column 5 (close): …`.
public enum BacktestBarsCSV {
    /// The bars of each symbol in the file, in time order.
    /// - Parameters:
    ///   - defaultSymbol: The symbol of rows without a `symbol` column.
    ///   - timeframe: The bars' timeframe; nil infers it from the smallest gap between two bars.
    /// - Throws: ``BacktestError`` naming the line and column of the first bad row.
    public static func read(path: String, defaultSymbol: StrategySymbol?, timeframe: Timeframe?) throws -> [StrategySymbol: [Bar]] {
        guard let data = FileManager.default.contents(atPath: path) else { throw BacktestError("\(path): cannot be read") }
        return try parse([UInt8](data), name: path, defaultSymbol: defaultSymbol, timeframe: timeframe)
    }

    static func parse(_ bytes: [UInt8], name: String, defaultSymbol: StrategySymbol?, timeframe: Timeframe?) throws -> [StrategySymbol: [Bar]] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        while let last = lines.last, last.allSatisfy({ $0 == 13 || $0 == 32 }) { lines.removeLast() }
        guard let headerLine = lines.first else { throw BacktestError("\(name): empty file") }
        let header = fields(headerLine).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ wanted: String) -> Int? { header.firstIndex(of: wanted) }
        guard let time = column("timestamp") ?? column("time") ?? column("date"), let open = column("open"), let high = column("high"),
            let low = column("low"), let close = column("close")
        else {
            throw BacktestError("\(name): line 1: the header must name timestamp, open, high, low and close (got \(header.joined(separator: ",")))")
        }
        let volume = column("volume")
        let symbolColumn = column("symbol")
        let exchangeColumn = column("exchange")
        guard symbolColumn != nil || defaultSymbol != nil else {
            throw BacktestError("\(name): the file has no symbol column; name the symbol with --symbols")
        }
        var rows: [StrategySymbol: [(Int64, Double, Double, Double, Double, Int64)]] = [:]
        var symbolCache: [String: StrategySymbol] = [:]
        for (index, line) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            let parts = fields(line)
            // Fields are trimmed as bytes: Foundation's trimmingCharacters took most of the time.
            func text(_ column: Int) -> String { column < parts.count ? String(decoding: trimmed(parts[column]), as: UTF8.self) : "" }
            func at(_ column: Int) -> String { "\(name): line \(lineNumber), column \(column + 1) (\(header[column]))" }
            func price(_ column: Int) throws -> Double {
                guard let value = Double(text(column)), value.isFinite, value > 0 else {
                    throw BacktestError("\(at(column)): must be a positive number (got \"\(text(column))\")")
                }
                return value
            }
            guard let stamp = ReplayTimestamp.parse(text(time)) else {
                throw BacktestError("\(at(time)): must be \(ReplayTimestamp.expectedForms) (got \"\(text(time))\")")
            }
            let o = try price(open)
            let h = try price(high)
            let l = try price(low)
            let c = try price(close)
            guard h >= max(o, c, l) else { throw BacktestError("\(at(high)): must be the highest of open, high, low, close (got \(h))") }
            guard l <= min(o, c) else { throw BacktestError("\(at(low)): must be the lowest of open, high, low, close (got \(l))") }
            var v: Int64 = 0
            if let volume {
                let field = text(volume)
                // Whole or not, a volume must fit an Int64: `1e19` is refused, not a crash.
                guard let volume = field.isEmpty ? 0 : Double(field).flatMap({ $0 >= 0 ? Int64(exactly: $0.rounded(.down)) : nil }) else {
                    throw BacktestError("\(at(volume)): must be a whole number, 0 or more (got \"\(field)\")")
                }
                v = volume
            }
            var symbol = defaultSymbol
            if let symbolColumn {
                let raw = text(symbolColumn)
                let exchange = exchangeColumn.map { text($0) } ?? ""
                let key = exchange + ":" + raw
                if let cached = symbolCache[key] {
                    symbol = cached
                } else {
                    guard let parsed = StrategySymbol(text: raw, defaultExchange: exchange.isEmpty ? defaultSymbol?.exchange ?? "NSE" : exchange)
                    else {
                        throw BacktestError("\(at(symbolColumn)): the symbol is empty")
                    }
                    symbolCache[key] = parsed
                    symbol = parsed
                }
            }
            guard let symbol else { continue }
            let seconds = stamp.nanos / 1_000_000_000
            if let last = rows[symbol]?.last, seconds <= last.0 {
                throw BacktestError("\(at(time)): \(symbol) goes back in time (bars of one symbol must move forward)")
            }
            rows[symbol, default: []].append((seconds, o, h, l, c, v))
        }
        guard !rows.isEmpty else { throw BacktestError("\(name): no bars") }
        let frame = try timeframe ?? inferred(rows, name: name)
        return rows.mapValues { list in
            list.map { Bar(instrumentID: 0, timeframe: frame, start: $0.0, open: $0.1, high: $0.2, low: $0.3, close: $0.4, volume: $0.5) }
        }
    }

    /// `field` without leading and trailing spaces and tabs.
    private static func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = field.startIndex
        var end = field.endIndex
        while start < end, field[start] == 32 || field[start] == 9 { start += 1 }
        while end > start, field[end - 1] == 32 || field[end - 1] == 9 { end -= 1 }
        return field[start..<end]
    }

    private static func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var end = line.endIndex
        if end > line.startIndex, line[end - 1] == 13 { end -= 1 }
        return line[line.startIndex..<end].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
    }

    /// The timeframe whose length is the smallest gap between two bars of one symbol.
    private static func inferred(_ rows: [StrategySymbol: [(Int64, Double, Double, Double, Double, Int64)]], name: String) throws -> Timeframe {
        var gap = Int64.max
        for list in rows.values where list.count > 1 {
            for index in 1..<list.count { gap = min(gap, list[index].0 - list[index - 1].0) }
        }
        if gap == Int64.max { return .m1 }
        if gap >= 86_400 { return .day }
        guard let frame = Timeframe.allCases.last(where: { Int64($0.seconds) <= gap && $0 != .day }) else {
            throw BacktestError("\(name): bars \(gap) s apart match no timeframe; pass --timeframe")
        }
        return frame
    }
}
