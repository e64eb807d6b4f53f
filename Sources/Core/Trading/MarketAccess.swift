// SPDX-License-Identifier: Apache-2.0

/// The latest prices, as the market-data hub keeps them. The order path reads them through this
/// protocol so `Broker` never depends on `MarketData` (the server wires the two together).
public protocol PriceSource: Sendable {
    func snapshot(instrumentID: Int64) -> PriceSnapshot?
}

/// The instrument master, looked up by symbol or id.
public protocol InstrumentCatalog: Sendable {
    /// `exchange` is the wire spelling (`NSE`, `NFO`…); `symbol` is matched case-insensitively.
    func instrument(symbol: String, exchange: String) -> Instrument?
    func instrument(id: Int64) -> Instrument?
}

/// Something that reacts to price changes: the sandbox matching engine, bracket exits, GTT
/// triggers. Called on the publishing thread, so an implementation only enqueues.
public protocol PriceObserver: AnyObject, Sendable {
    func pricesDidChange(_ snapshots: [PriceSnapshot])
}
