// SPDX-License-Identifier: Apache-2.0
// The closed sets of the trading domain. Raw values are the wire and database spellings, which
// the hub's CHECK constraints enforce; a test keeps the two in step.

public enum OrderAction: String, Sendable, CaseIterable, Codable {
    case buy = "BUY"
    case sell = "SELL"
}

public enum PriceType: String, Sendable, CaseIterable, Codable {
    case market = "MARKET"
    case limit = "LIMIT"
    case stopLossLimit = "SL"
    case stopLossMarket = "SL-M"
}

public enum Product: String, Sendable, CaseIterable, Codable {
    /// Equity delivery.
    case cnc = "CNC"
    /// Carry-forward futures and options.
    case nrml = "NRML"
    /// Intraday, squared off by the exchange's cut-off.
    case mis = "MIS"
}

public enum OrderStatus: String, Sendable, CaseIterable, Codable {
    /// Committed, not yet acknowledged by the venue.
    case pending
    case open
    case triggerPending = "trigger pending"
    case complete
    case cancelled
    case rejected

    /// Complete, cancelled and rejected orders never change again.
    public var isFinal: Bool {
        switch self {
        case .complete, .cancelled, .rejected: true
        case .pending, .open, .triggerPending: false
        }
    }
}

public enum InstrumentType: String, Sendable, CaseIterable, Codable {
    case equity = "EQ"
    case index = "INDEX"
    case future = "FUT"
    case call = "CE"
    case put = "PE"
}

public enum SessionType: String, Sendable, CaseIterable, Codable {
    case preOpen = "pre_open"
    case normal
    case postClose = "post_close"
}

/// Bar intervals RealAlgo aggregates and stores; other history intervals derive from these.
public enum Timeframe: String, Sendable, CaseIterable, Codable {
    case s1 = "1s", s5 = "5s", m1 = "1m", m3 = "3m", m5 = "5m", m15 = "15m", m30 = "30m", h1 = "1h", day = "D"

    public var seconds: Int {
        switch self {
        case .s1: 1
        case .s5: 5
        case .m1: 60
        case .m3: 180
        case .m5: 300
        case .m15: 900
        case .m30: 1800
        case .h1: 3600
        case .day: 86_400
        }
    }
}

/// An exchange code as in OpenAlgo's contract (`NSE`, `NFO`, `NSE_INDEX`…). The set lives in the
/// hub's `exchanges` table, so this is an open wrapper rather than an enum.
public struct ExchangeCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let nse = ExchangeCode(rawValue: "NSE")
    public static let bse = ExchangeCode(rawValue: "BSE")
    public static let nfo = ExchangeCode(rawValue: "NFO")
    public static let bfo = ExchangeCode(rawValue: "BFO")
    public static let cds = ExchangeCode(rawValue: "CDS")
    public static let bcd = ExchangeCode(rawValue: "BCD")
    public static let mcx = ExchangeCode(rawValue: "MCX")
    public static let nseIndex = ExchangeCode(rawValue: "NSE_INDEX")
    public static let bseIndex = ExchangeCode(rawValue: "BSE_INDEX")
    public static let mcxIndex = ExchangeCode(rawValue: "MCX_INDEX")

    /// The exchange whose trading hours apply: index feeds follow their market and BSE's currency
    /// segment follows NSE's.
    public var calendarExchange: ExchangeCode {
        switch self {
        case .nseIndex: .nse
        case .bseIndex: .bse
        case .mcxIndex: .mcx
        case .bcd: .cds
        default: self
        }
    }

    /// Where the spot a derivative exchange's contracts settle against is listed, in the order to
    /// look: the index (NSE_INDEX:NIFTY), then the equity (NSE:RELIANCE) of the same name.
    public var spotExchanges: [ExchangeCode] {
        switch self {
        case .nfo: [.nseIndex, .nse]
        case .bfo: [.bseIndex, .bse]
        case .mcx: [.mcxIndex]
        case .cds, .bcd: [.cds, .bcd]
        default: [self]
        }
    }

    public var description: String { rawValue }
}
