// SPDX-License-Identifier: Apache-2.0
public import Core

/// An instrument a strategy names: `"NSE:SBIN"`, `"SBIN"` (on NSE) or `{ exchange = "NFO", symbol = "…" }`.
public struct StrategySymbol: Sendable, Hashable, Codable, CustomStringConvertible {
    public var exchange: String
    public var symbol: String

    public init(exchange: String, symbol: String) {
        self.exchange = exchange.uppercased()
        self.symbol = symbol.uppercased()
    }

    /// For names already in canonical (upper) case, e.g. read back from a ledger: no case folding.
    init(canonicalExchange exchange: String, symbol: String) {
        self.exchange = exchange
        self.symbol = symbol
    }

    /// `EXCHANGE:SYMBOL`, the spelling scripts and the hub's `symbols` column use.
    public var key: String { exchange + ":" + symbol }
    public var description: String { key }

    /// Reads `"NSE:SBIN"` or `"SBIN"`; `defaultExchange` when the text names none.
    /// - Returns: nil for text that is empty on either side of the colon or has more than one colon.
    public init?(text: String, defaultExchange: String = ExchangeCode.nse.rawValue) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where !parts[0].isEmpty:
            self.init(exchange: defaultExchange, symbol: String(parts[0]))
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty:
            self.init(exchange: String(parts[0]), symbol: String(parts[1]))
        default:
            return nil
        }
        guard symbol.count <= 64, exchange.count <= 16 else { return nil }
    }
}
