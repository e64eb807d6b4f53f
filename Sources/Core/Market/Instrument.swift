// SPDX-License-Identifier: Apache-2.0

/// One listed contract of the symbol master, as the market-data and order paths need it.
public struct Instrument: Sendable, Hashable {
    public var id: Int64
    public var symbol: String
    public var exchange: ExchangeCode
    public var name: String
    public var type: InstrumentType
    public var expiry: LocalDate?
    public var strike: Double?
    /// NIFTY for NIFTY24NOV26FUT; nil for equities and indices.
    public var underlying: String?
    public var lotSize: Int64
    public var tickSize: Double
    public var freezeQuantity: Int64?
    public var token: String

    public init(
        id: Int64, symbol: String, exchange: ExchangeCode, name: String = "", type: InstrumentType, expiry: LocalDate? = nil,
        strike: Double? = nil, underlying: String? = nil, lotSize: Int64 = 1, tickSize: Double = 0.05, freezeQuantity: Int64? = nil,
        token: String
    ) {
        self.id = id
        self.symbol = symbol
        self.exchange = exchange
        self.name = name
        self.type = type
        self.expiry = expiry
        self.strike = strike
        self.underlying = underlying
        self.lotSize = lotSize
        self.tickSize = tickSize
        self.freezeQuantity = freezeQuantity
        self.token = token
    }

    /// `EXCHANGE:SYMBOL`, the key clients and logs use.
    public var key: String { exchange.rawValue + ":" + symbol }

    public var isOption: Bool { type == .call || type == .put }

    /// Rounds `price` to the nearest multiple of the tick size (never below one tick). The result
    /// is snapped to six decimals so 49 × 0.05 is 2.45, not 2.4500000000000002, on the wire.
    public func roundedToTick(_ price: Double) -> Double {
        guard tickSize > 0, price.isFinite else { return price }
        let ticks = (price / tickSize).rounded()
        return (max(ticks, 1) * tickSize * 1_000_000).rounded() / 1_000_000
    }
}
