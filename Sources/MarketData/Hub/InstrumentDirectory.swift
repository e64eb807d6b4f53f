// SPDX-License-Identifier: Apache-2.0
public import Core

/// An in-memory index of the symbol master: by id, by `EXCHANGE:SYMBOL`, and option chains by
/// underlying and expiry. Immutable; the hub swaps in a new one when the master changes.
public final class InstrumentDirectory: Sendable {
    /// One strike of an option chain.
    public struct ChainStrike: Sendable {
        public var strike: Double
        public var call: Instrument?
        public var put: Instrument?
    }

    public let instruments: [Instrument]
    private let byID: [Int64: Instrument]
    private let byKey: [String: Instrument]
    /// "NFO:NIFTY" → expiry → strikes in ascending order.
    private let chains: [String: [LocalDate: [ChainStrike]]]
    /// "NFO:NIFTY" → futures by expiry, ascending.
    private let futures: [String: [Instrument]]

    public init(_ instruments: [Instrument]) {
        self.instruments = instruments
        byID = Dictionary(instruments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        byKey = Dictionary(instruments.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var chains: [String: [LocalDate: [Double: ChainStrike]]] = [:]
        var futures: [String: [Instrument]] = [:]
        for instrument in instruments {
            guard let underlying = instrument.underlying, let expiry = instrument.expiry else { continue }
            let seriesKey = instrument.exchange.rawValue + ":" + underlying
            if instrument.type == .future {
                futures[seriesKey, default: []].append(instrument)
            } else if let strike = instrument.strike, instrument.isOption {
                var row = chains[seriesKey, default: [:]][expiry, default: [:]][strike] ?? ChainStrike(strike: strike)
                if instrument.type == .call { row.call = instrument } else { row.put = instrument }
                chains[seriesKey, default: [:]][expiry, default: [:]][strike] = row
            }
        }
        self.chains = chains.mapValues { byExpiry in byExpiry.mapValues { $0.values.sorted { $0.strike < $1.strike } } }
        self.futures = futures.mapValues { list in list.sorted { ($0.expiry?.daysSinceEpoch ?? 0, $0.id) < ($1.expiry?.daysSinceEpoch ?? 0, $1.id) } }
    }

    public var count: Int { instruments.count }

    public func instrument(id: Int64) -> Instrument? { byID[id] }

    /// Looks up `symbol` on `exchange`; both are matched upper-cased, as OpenAlgo does.
    public func instrument(symbol: String, exchange: String) -> Instrument? {
        byKey[exchange.uppercased() + ":" + symbol.uppercased()]
    }

    /// The listed expiries of `underlying`'s options on `exchange`, ascending.
    public func optionExpiries(underlying: String, exchange: ExchangeCode) -> [LocalDate] {
        (chains[exchange.rawValue + ":" + underlying.uppercased()] ?? [:]).keys.sorted()
    }

    /// The strikes of one option chain, ascending; empty when nothing is listed.
    public func chain(underlying: String, exchange: ExchangeCode, expiry: LocalDate) -> [ChainStrike] {
        chains[exchange.rawValue + ":" + underlying.uppercased()]?[expiry] ?? []
    }

    /// The listed futures of `underlying` on `exchange`, nearest expiry first.
    public func futures(underlying: String, exchange: ExchangeCode) -> [Instrument] {
        futures[exchange.rawValue + ":" + underlying.uppercased()] ?? []
    }

    /// Every listed derivative of `underlying` on `exchange` (`"NFO"`): its futures, then its
    /// options by expiry and strike. From the indexes, without a scan of the master.
    public func contracts(underlying: String, exchange: String) -> [Instrument] {
        let code = ExchangeCode(rawValue: exchange)
        let options = optionExpiries(underlying: underlying, exchange: code).flatMap { expiry in
            chain(underlying: underlying, exchange: code, expiry: expiry).flatMap { [$0.call, $0.put].compactMap { $0 } }
        }
        return futures(underlying: underlying, exchange: code) + options
    }

    /// The cash-market instrument a derivative's prices derive from: the index (NSE_INDEX:NIFTY)
    /// or the equity (NSE:RELIANCE) of the same name on the derivative exchange's cash segment.
    public func spot(ofUnderlying underlying: String, derivativeExchange: ExchangeCode) -> Instrument? {
        let name = underlying.uppercased()
        for exchange in derivativeExchange.spotExchanges {
            if let found = byKey[exchange.rawValue + ":" + name] { return found }
        }
        return nil
    }

    /// Every instrument whose prices derive from `spot` (its futures and options), for the simulator.
    public func derivatives(ofSpot spot: Instrument) -> [Instrument] {
        instruments.filter { $0.underlying == spot.symbol && self.spot(ofUnderlying: spot.symbol, derivativeExchange: $0.exchange) == spot }
    }
}
