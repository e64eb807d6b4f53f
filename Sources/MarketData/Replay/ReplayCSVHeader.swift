// SPDX-License-Identifier: Apache-2.0

/// The header row of a replay CSV: which column is where, and whether the file holds ticks or bars.
///
/// Names are matched case-insensitively, with spaces and hyphens read as underscores, and a few
/// common aliases (`ts`, `datetime`, `price`, `ltq`, `open_interest`…). An unknown or repeated
/// column is an error rather than ignored, so a misspelt `bid_qyt` cannot silently read as zero.
struct ReplayCSVHeader {
    typealias Kind = ReplayCSV.Kind

    enum Column: String, CaseIterable {
        case timestamp, symbol, exchange
        case ltp, bid, ask, bidQuantity = "bid_qty", askQuantity = "ask_qty", lastQuantity = "last_qty"
        case open, high, low, close, interval
        case volume, openInterest = "oi"

        static let tickColumns: [Column] = [
            .timestamp, .symbol, .exchange, .ltp, .volume, .bid, .ask, .bidQuantity, .askQuantity, .openInterest, .lastQuantity,
        ]
        static let barColumns: [Column] = [.timestamp, .symbol, .exchange, .open, .high, .low, .close, .volume, .openInterest, .interval]
    }

    static let aliases: [String: Column] = [
        "ts": .timestamp, "time": .timestamp, "datetime": .timestamp, "date": .timestamp, "date_time": .timestamp,
        "tradingsymbol": .symbol, "last_price": .ltp, "price": .ltp, "ltq": .lastQuantity, "last_quantity": .lastQuantity,
        "bid_quantity": .bidQuantity, "ask_quantity": .askQuantity, "open_interest": .openInterest, "timeframe": .interval,
    ]

    /// Whether a header row names a last-price column (`ltp` or an alias): a tick file.
    static func namesLastPrice(_ fields: [Substring]) -> Bool { fields.contains { column(named: $0) == .ltp } }

    /// The column a header name means, ignoring case, with spaces and hyphens read as underscores.
    static func column(named field: Substring) -> Column? {
        let name = field.lowercased().replacing(" ", with: "_").replacing("-", with: "_")
        return Column(rawValue: name) ?? aliases[name]
    }

    let kind: Kind
    /// The position of each column present.
    let positions: [Column: Int]
    /// The names as written, for error messages.
    let names: [String]

    var count: Int { names.count }

    /// - Throws: ``ReplayError`` (`badHeader`) naming the offending column.
    init(fields: [Substring], file: String, line: Int) throws {
        var positions: [Column: Int] = [:]
        for (index, field) in fields.enumerated() {
            func fail(_ message: String) -> ReplayError {
                ReplayError(.badHeader, file: file, line: line, column: index + 1, columnName: String(field), message: message)
            }
            guard !field.isEmpty else { throw fail("the header has an empty column name") }
            guard let column = Self.column(named: field) else {
                throw fail("unknown column \"\(field)\"; \(Self.accepted)")
            }
            if let earlier = positions[column] { throw fail("column \(column.rawValue) appears twice (also column \(earlier + 1))") }
            positions[column] = index
        }
        let hasTick = positions[.ltp] != nil
        let barColumns: [Column] = [.open, .high, .low, .close]
        let hasBar = barColumns.contains { positions[$0] != nil }
        func fail(_ message: String) -> ReplayError { ReplayError(.badHeader, file: file, line: line, message: message) }
        switch (hasTick, hasBar) {
        case (true, true): throw fail("the header has both ltp and open/high/low/close: a file holds ticks or bars, not both")
        case (false, false):
            throw fail("the header needs an ltp column (a tick file) or open, high, low and close columns (a bar file); \(Self.accepted)")
        case (true, false): kind = .ticks
        case (false, true): kind = .bars
        }
        let allowed = kind == .ticks ? Column.tickColumns : Column.barColumns
        for (column, index) in positions where !allowed.contains(column) {
            throw ReplayError(
                .badHeader, file: file, line: line, column: index + 1, columnName: String(fields[index]),
                message: "column \(column.rawValue) does not belong in a \(kind == .ticks ? "tick" : "bar") file; \(Self.accepted)")
        }
        let required: [Column] = [.timestamp, .symbol, .exchange] + (kind == .ticks ? [.ltp] : barColumns)
        if let missing = required.first(where: { positions[$0] == nil }) {
            throw fail("the header has no \(missing.rawValue) column; \(Self.accepted)")
        }
        self.positions = positions
        self.names = fields.map(String.init)
    }

    static let accepted =
        "tick files have timestamp,symbol,exchange,ltp[,volume,bid,ask,bid_qty,ask_qty,oi,last_qty], "
        + "bar files timestamp,symbol,exchange,open,high,low,close[,volume,oi,interval]"
}
