// SPDX-License-Identifier: Apache-2.0
public import Core

/// Something that follows the hub: the WebSocket fan-out, and later the sandbox matching engine,
/// risk checks and strategy hosts. Called on the publishing thread with the hub's order
/// preserved, so an implementation must only hand the data on (enqueue), never block or await.
public protocol MarketDataListener: AnyObject, Sendable {
    /// The quotes the last batch of ticks changed, each carrying its tick, in arrival order.
    func marketDataHub(didUpdate quotes: [Quote])
    /// Bars that closed (by a later tick or by the clock passing their end).
    func marketDataHub(didClose bars: [Bar])
}

extension MarketDataListener {
    public func marketDataHub(didClose bars: [Bar]) {}
}
