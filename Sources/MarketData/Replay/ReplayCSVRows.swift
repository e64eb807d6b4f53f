// SPDX-License-Identifier: Apache-2.0
import Core

/// Reads the data rows of a replay CSV one at a time, checking every field, and remembers each
/// instrument's last time so a row going back in time is caught on its own line.
struct ReplayCSVRows {
    /// One bar row, before it becomes ticks.
    struct BarRow {
        var line: Int
        var startNanos: Int64
        var intervalSeconds: Int64?
        var bar: ReplayBarTicks.Bar
    }

    let file: String
    let header: ReplayCSVHeader
    let directory: InstrumentDirectory
    /// Each instrument's latest time so far, and the line it came from.
    private var latest: [Int64: (nanos: Int64, line: Int)] = [:]

    init(file: String, header: ReplayCSVHeader, directory: InstrumentDirectory) {
        self.file = file
        self.header = header
        self.directory = directory
    }

    mutating func tick(_ line: ReplayCSVLine.Line) throws -> Tick {
        let row = try fields(line)
        let instrument = try row.instrument()
        let nanos = try row.timestamp()
        try checkForward(instrument, nanos: nanos, row: row)
        return Tick(
            instrumentID: instrument.id, timestampNanos: nanos, lastPrice: try row.price(.ltp), lastQuantity: try row.quantity(.lastQuantity),
            volume: try row.quantity(.volume), openInterest: try row.quantity(.openInterest), bid: try row.price(.bid, zeroAllowed: true),
            ask: try row.price(.ask, zeroAllowed: true), bidQuantity: try row.quantity(.bidQuantity), askQuantity: try row.quantity(.askQuantity))
    }

    mutating func bar(_ line: ReplayCSVLine.Line) throws -> BarRow {
        let row = try fields(line)
        let instrument = try row.instrument()
        let start = try row.timestamp()
        try checkForward(instrument, nanos: start, row: row)
        let open = try row.price(.open)
        let high = try row.price(.high)
        let low = try row.price(.low)
        let close = try row.price(.close)
        if high < max(open, close, low) { throw row.error(.high, "high \(high) is below the bar's open, low or close") }
        if low > min(open, close) { throw row.error(.low, "low \(low) is above the bar's open or close") }
        var interval: Int64?
        if let text = row.text(.interval) {
            guard let seconds = ReplayBarTicks.intervalSeconds(text) else {
                throw row.error(.interval, "\"\(text)\" is not an interval: use 1s, 5s, 1m, 5m, 15m, 1h, D or a number of seconds, at most a day")
            }
            interval = seconds
        }
        return BarRow(
            line: line.number, startNanos: start, intervalSeconds: interval,
            bar: ReplayBarTicks.Bar(
                instrumentID: instrument.id, open: open, high: high, low: low, close: close, volume: try row.quantity(.volume),
                openInterest: try row.quantity(.openInterest)))
    }

    private func fields(_ line: ReplayCSVLine.Line) throws -> Row {
        guard let fields = ReplayCSVLine.fields(of: line.text) else {
            throw ReplayError(.badRow, file: file, line: line.number, message: "a quoted field is not closed, or text follows its closing quote")
        }
        guard fields.count == header.count else {
            throw ReplayError(.badRow, file: file, line: line.number, message: "has \(fields.count) fields; the header has \(header.count)")
        }
        return Row(reader: self, line: line.number, fields: fields)
    }

    /// Equal times are fine (several trades in one instant); earlier ones are not.
    private mutating func checkForward(_ instrument: Instrument, nanos: Int64, row: Row) throws {
        if let last = latest[instrument.id], nanos < last.nanos {
            throw row.error(
                .timestamp,
                "\(instrument.key) goes back in time (line \(last.line) was later): each instrument's rows must be in time order")
        }
        latest[instrument.id] = (nanos, row.line)
    }

    /// The fields of one data row, with typed, checked reads that name the column on error.
    struct Row {
        let reader: ReplayCSVRows
        let line: Int
        let fields: [Substring]

        func error(_ column: ReplayCSVHeader.Column, _ message: String) -> ReplayError {
            let index = reader.header.positions[column]
            return ReplayError(
                .badRow, file: reader.file, line: line, column: index.map { $0 + 1 }, columnName: index.map { reader.header.names[$0] },
                message: message)
        }

        /// The field of `column`, or nil when the column is absent or the field empty.
        func text(_ column: ReplayCSVHeader.Column) -> Substring? {
            guard let index = reader.header.positions[column], index < fields.count, !fields[index].isEmpty else { return nil }
            return fields[index]
        }

        func instrument() throws -> Instrument {
            guard let exchange = text(.exchange) else { throw error(.exchange, "the exchange is empty") }
            guard let symbol = text(.symbol) else { throw error(.symbol, "the symbol is empty") }
            guard let instrument = reader.directory.instrument(symbol: String(symbol), exchange: String(exchange)) else {
                throw error(.symbol, "unknown symbol \(exchange):\(symbol): it is not an active instrument of the hub")
            }
            return instrument
        }

        func timestamp() throws -> Int64 {
            guard let text = text(.timestamp) else { throw error(.timestamp, "the timestamp is empty") }
            guard let parsed = ReplayTimestamp.parse(text) else {
                throw error(.timestamp, "\"\(text)\" is not a timestamp: use \(ReplayTimestamp.expectedForms)")
            }
            return parsed.nanos
        }

        /// A finite price above zero (or exactly zero where `zeroAllowed`); an absent optional
        /// column reads 0.
        func price(_ column: ReplayCSVHeader.Column, zeroAllowed: Bool = false) throws -> Double {
            guard let text = text(column) else {
                if zeroAllowed { return 0 }
                throw error(column, "the \(column.rawValue) is empty")
            }
            guard let value = Double(text), value.isFinite, !text.contains(where: { $0 == "x" || $0 == "X" }) else {
                throw error(column, "\"\(text)\" is not a number")
            }
            guard value > 0 || (zeroAllowed && value == 0) else {
                throw error(column, "\(column.rawValue) \(text) must be above zero")
            }
            return value
        }

        /// A whole number, 0 or more; an absent or empty field reads 0.
        func quantity(_ column: ReplayCSVHeader.Column) throws -> Int64 {
            guard let text = text(column) else { return 0 }
            let value: Int64
            if let integer = Int64(text) {
                value = integer
            } else if let number = Double(text), number.isFinite, number == number.rounded(), abs(number) < 9e18,
                !text.contains(where: { $0 == "x" || $0 == "X" })
            {
                value = Int64(number)  // "100.0" from a spreadsheet export
            } else {
                throw error(column, "\"\(text)\" is not a whole number")
            }
            guard value >= 0 else { throw error(column, "\(column.rawValue) \(text) must not be negative") }
            return value
        }
    }
}
