// SPDX-License-Identifier: Apache-2.0
public import Core

/// The hub is the order path's view of the market: its instrument master and latest prices,
/// through Core's protocols so the broker never imports this module.
extension MarketDataHub: InstrumentCatalog, PriceSource {
    public func instrument(symbol: String, exchange: String) -> Instrument? {
        directory.instrument(symbol: symbol, exchange: exchange)
    }

    public func instrument(id: Int64) -> Instrument? {
        directory.instrument(id: id)
    }

    public func snapshot(instrumentID: Int64) -> PriceSnapshot? {
        quote(instrumentID: instrumentID).map(\.priceSnapshot)
    }
}

extension InstrumentDirectory: InstrumentCatalog {}

extension Quote {
    /// The order path's view of this quote.
    public var priceSnapshot: PriceSnapshot {
        PriceSnapshot(
            instrumentID: tick.instrumentID, lastPrice: tick.lastPrice, bid: tick.bid, ask: tick.ask, dayLow: low, dayHigh: high,
            timestampNanos: tick.timestampNanos)
    }
}
