// SPDX-License-Identifier: Apache-2.0
public import Core
import Foundation

/// A replay CSV read into ticks in time order, ready for a ``MemoryReplaySource``.
///
/// The format (see also docs/OPERATIONS.md, "Replay feed"):
/// - A header row is required. A **tick file** has `timestamp,symbol,exchange,ltp` and optionally
///   `volume` (the day's cumulative volume, as feeds send it), `bid`, `ask`, `bid_qty`, `ask_qty`,
///   `oi` and `last_qty`. A **bar file** has `timestamp,symbol,exchange,open,high,low,close` and
///   optionally `volume` (the bar's own), `oi` and `interval`. Columns may come in any order.
/// - `timestamp` takes any form ``ReplayTimestamp`` reads (epoch seconds or milliseconds, or
///   ISO-8601; IST when no offset). A bar's timestamp is its start.
/// - Symbols are looked up by exchange and symbol among the hub's active instruments.
/// - Prices must be finite and positive (`bid` and `ask` may be 0, meaning unknown); quantities
///   are whole numbers, 0 or more. An empty optional field is 0.
/// - Order: rows of different instruments may come in any order (the file is sorted by time, rows
///   with equal times keeping their file order), but each instrument's own rows must not go back
///   in time (a bar's start must move forward): that is an error, not sorted away, because it
///   means the file is damaged or two files were concatenated.
/// - Bars without an `interval` column get the smallest gap between two consecutive bars of one
///   instrument in the file (one minute when no instrument has two bars); see ``ReplayBarTicks``
///   for how a bar becomes ticks.
///
/// The whole file is read and checked before anything is published, so a bad row stops `serve`
/// at start-up with its line and column, never half-way through a replay.
public struct ReplayCSV: Sendable {
    /// Whether the file held ticks or bars.
    public enum Kind: Sendable, Equatable {
        case ticks, bars
    }

    public var kind: Kind
    /// Every tick, in time order.
    public var ticks: [Tick]
    /// Data rows read (bars for a bar file).
    public var rowCount: Int
    /// For a bar file, where the last bar ends, so a replay can move its clock there and close it.
    public var endNanos: Int64?

    /// Reads and checks the file at `path`.
    /// - Throws: ``ReplayError`` naming the file, line and column of the first bad row.
    /// Whether the file at `path` is a tick file: its header row (read alone, the first 64 KiB at
    /// most) names `ltp` or one of its aliases. False for an unreadable file.
    public static func holdsTicks(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 65_536)) ?? Data(), as: UTF8.self)
        guard let header = ReplayCSVLine.lines(of: head).first, let fields = ReplayCSVLine.fields(of: header.text) else { return false }
        return ReplayCSVHeader.namesLastPrice(fields)
    }

    public static func read(path: String, directory: InstrumentDirectory, calendar: TradingCalendar) throws -> ReplayCSV {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReplayError(.unreadable, file: path, message: "cannot be read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReplayError(.unreadable, file: name, message: "is not UTF-8 text")
        }
        return try parse(text, fileName: name, directory: directory, calendar: calendar)
    }

    /// Parses CSV text; `fileName` only names the file in errors.
    /// - Throws: ``ReplayError`` naming the file, line and column of the first bad row.
    public static func parse(_ text: String, fileName: String, directory: InstrumentDirectory, calendar: TradingCalendar) throws -> ReplayCSV {
        let lines = ReplayCSVLine.lines(of: text)
        guard let headerLine = lines.first else { throw ReplayError(.empty, file: fileName, message: "is empty: a header row is required") }
        guard let headerFields = ReplayCSVLine.fields(of: headerLine.text) else {
            throw ReplayError(.badHeader, file: fileName, line: headerLine.number, message: "a quoted name is not closed")
        }
        let header = try ReplayCSVHeader(fields: headerFields, file: fileName, line: headerLine.number)
        var reader = ReplayCSVRows(file: fileName, header: header, directory: directory)
        let rows = lines.dropFirst()
        guard !rows.isEmpty else { throw ReplayError(.empty, file: fileName, message: "has a header but no data rows") }
        switch header.kind {
        case .ticks:
            var ticks: [Tick] = []
            ticks.reserveCapacity(rows.count)
            for line in rows { ticks.append(try reader.tick(line)) }
            return ReplayCSV(kind: .ticks, ticks: inTimeOrder(ticks), rowCount: rows.count, endNanos: nil)
        case .bars:
            var bars: [ReplayCSVRows.BarRow] = []
            bars.reserveCapacity(rows.count)
            for line in rows { bars.append(try reader.bar(line)) }
            let (ticks, end) = try barTicks(bars, file: fileName, header: header, directory: directory, calendar: calendar)
            return ReplayCSV(kind: .bars, ticks: inTimeOrder(ticks), rowCount: rows.count, endNanos: end)
        }
    }

    /// Keeps the ticks with `fromNanos <= time < untilNanos` (either bound optional).
    public func clipped(fromNanos: Int64?, untilNanos: Int64?) -> ReplayCSV {
        var copy = self
        let from = fromNanos ?? .min
        let until = untilNanos ?? .max
        copy.ticks.removeAll { $0.timestampNanos < from || $0.timestampNanos >= until }
        if let end = endNanos { copy.endNanos = min(end, until) }
        return copy
    }

    /// Sorts by time; rows with equal times keep their file order.
    private static func inTimeOrder(_ ticks: [Tick]) -> [Tick] {
        guard zip(ticks, ticks.dropFirst()).contains(where: { $0.timestampNanos > $1.timestampNanos }) else { return ticks }
        return ticks.enumerated().sorted { ($0.element.timestampNanos, $0.offset) < ($1.element.timestampNanos, $1.offset) }.map(\.element)
    }

    /// The ticks of every bar, and the end of the latest bar.
    private static func barTicks(
        _ rows: [ReplayCSVRows.BarRow], file: String, header: ReplayCSVHeader, directory: InstrumentDirectory, calendar: TradingCalendar
    ) throws -> ([Tick], Int64) {
        let inferred = inferredIntervalSeconds(rows)
        var ticks: [Tick] = []
        ticks.reserveCapacity(rows.count * 4)
        var previous: [Int64: (span: Range<Int64>, line: Int)] = [:]
        var dayVolume: [Int64: (day: Int, total: Int64)] = [:]
        var end = Int64.min
        for row in rows {
            let id = row.bar.instrumentID
            let interval = row.intervalSeconds ?? inferred
            let span: Range<Int64>
            let day = LocalDate(secondsSinceEpoch: row.startNanos / 1_000_000_000, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
            if interval >= 86_400 {
                let exchange = directory.instrument(id: id)?.exchange ?? .nse
                span = ReplayBarTicks.dailySpan(date: day, exchange: exchange, calendar: calendar)
            } else {
                span = row.startNanos..<(row.startNanos + interval * 1_000_000_000)
            }
            if let earlier = previous[id], span.lowerBound < earlier.span.upperBound {
                let key = directory.instrument(id: id)?.key ?? "instrument \(id)"
                throw ReplayError(
                    .badRow, file: file, line: row.line, column: (header.positions[.timestamp] ?? 0) + 1,
                    columnName: header.names[header.positions[.timestamp] ?? 0],
                    message:
                        "this \(key) bar starts before the one on line \(earlier.line) ends: each instrument's bars must move forward in time without overlapping"
                )
            }
            previous[id] = (span, row.line)
            let before = dayVolume[id].flatMap { $0.day == day.daysSinceEpoch ? $0.total : nil } ?? 0
            ticks.append(contentsOf: ReplayBarTicks.ticks(for: row.bar, span: span, volumeBefore: before))
            dayVolume[id] = (day.daysSinceEpoch, before + row.bar.volume)
            end = max(end, span.upperBound)
        }
        return (ticks, end)
    }

    /// The smallest gap between two consecutive bars of one instrument; one minute if none.
    private static func inferredIntervalSeconds(_ rows: [ReplayCSVRows.BarRow]) -> Int64 {
        var last: [Int64: Int64] = [:]
        var smallest = Int64.max
        for row in rows {
            if let previous = last[row.bar.instrumentID], row.startNanos > previous {
                smallest = min(smallest, (row.startNanos - previous) / 1_000_000_000)
            }
            last[row.bar.instrumentID] = row.startNanos
        }
        guard smallest != .max else { return 60 }
        return min(max(smallest, 1), 86_400)
    }
}
