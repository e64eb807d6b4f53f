// SPDX-License-Identifier: Apache-2.0
import Core
import Schema

extension InstrumentRepository.Listing {
    /// The symbol-master columns of OpenAlgo's `instruments` download, in its CSV column order.
    static let masterColumns = [
        "symbol", "brsymbol", "name", "exchange", "brexchange", "token", "expiry", "strike", "lotsize", "instrumenttype", "tick_size",
    ]

    /// The listing as OpenAlgo's `instruments` rows show it. RealAlgo's own listings have no broker
    /// names, so `brsymbol` and `brexchange` repeat the symbol and exchange; `expiry` is
    /// `DD-MMM-YY` or empty; `strike` is 0 for anything but an option (OpenAlgo's brokers use 0 or
    /// −0.01; 0 reads as "no strike" without a special case).
    var masterFields: [String: JSONValue] {
        [
            "symbol": .string(instrument.symbol), "brsymbol": .string(brokerSymbol ?? instrument.symbol), "name": .string(instrument.name),
            "exchange": .string(instrument.exchange.rawValue), "brexchange": .string(brokerExchange ?? instrument.exchange.rawValue),
            "token": .string(instrument.token), "expiry": .string(instrument.expiry?.masterForm ?? ""),
            "strike": .number(instrument.isOption ? instrument.strike ?? 0 : 0), "lotsize": .integer(instrument.lotSize),
            "instrumenttype": .string(instrument.type.rawValue), "tick_size": .number(instrument.tickSize),
        ]
    }

    /// The listing as OpenAlgo's `symbol` and `search` answers show it: the master columns plus
    /// the row id and the freeze quantity (0 when no freeze limit is known, as OpenAlgo answers).
    var symbolData: JSONValue {
        var fields = masterFields
        fields["id"] = .integer(instrument.id)
        fields["freeze_qty"] = .integer(instrument.freezeQuantity ?? 0)
        return .object(fields)
    }

    /// One CSV line of the master columns (RFC 4180 quoting where a value needs it).
    var csvLine: String {
        let fields = masterFields
        return Self.masterColumns.map { column in
            let text: String =
                switch fields[column] {
                case .string(let value): value
                case .integer(let value): String(value)
                case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
                default: ""
                }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacing("\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }
}
