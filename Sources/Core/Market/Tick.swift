// SPDX-License-Identifier: Apache-2.0

/// One market-data update for one instrument, as every feed publishes it.
///
/// Prices are `Double` rupees; `0` means "not known" for the optional-by-nature fields (bid, ask,
/// day statistics) so the struct stays flat and copyable on the tick path. A feed never publishes a
/// tick whose `lastPrice` is not positive (see ``Tick/isPublishable``).
public struct Tick: Sendable, Equatable {
    /// The hub's `instruments.id`.
    public var instrumentID: Int64
    /// Exchange time, nanoseconds since the Unix epoch.
    public var timestampNanos: Int64
    public var lastPrice: Double
    public var lastQuantity: Int64
    /// Cumulative traded volume for the trading day.
    public var volume: Int64
    public var openInterest: Int64
    public var bid: Double
    public var ask: Double
    public var bidQuantity: Int64
    public var askQuantity: Int64
    /// Day statistics as the source reports them; `0` lets the quote cache compute its own.
    public var dayOpen: Double
    public var dayHigh: Double
    public var dayLow: Double
    public var previousClose: Double
    /// Five levels a side when the source has them.
    public var depth: MarketDepth?

    public init(
        instrumentID: Int64, timestampNanos: Int64, lastPrice: Double, lastQuantity: Int64 = 0, volume: Int64 = 0,
        openInterest: Int64 = 0, bid: Double = 0, ask: Double = 0, bidQuantity: Int64 = 0, askQuantity: Int64 = 0,
        dayOpen: Double = 0, dayHigh: Double = 0, dayLow: Double = 0, previousClose: Double = 0, depth: MarketDepth? = nil
    ) {
        self.instrumentID = instrumentID
        self.timestampNanos = timestampNanos
        self.lastPrice = lastPrice
        self.lastQuantity = lastQuantity
        self.volume = volume
        self.openInterest = openInterest
        self.bid = bid
        self.ask = ask
        self.bidQuantity = bidQuantity
        self.askQuantity = askQuantity
        self.dayOpen = dayOpen
        self.dayHigh = dayHigh
        self.dayLow = dayLow
        self.previousClose = previousClose
        self.depth = depth
    }

    /// Epoch seconds of the exchange time.
    public var timestampSeconds: Int64 { timestampNanos / 1_000_000_000 }

    /// A tick may reach the hub only with a finite, positive last price: a feed glitch (0, NaN,
    /// a negative number) must never reach the books, a bar or a strategy.
    public var isPublishable: Bool { lastPrice.isFinite && lastPrice > 0 && timestampNanos > 0 }
}

/// One price level of the order book.
public struct DepthLevel: Sendable, Equatable {
    public var price: Double
    public var quantity: Int64
    public var orders: Int64

    public init(price: Double, quantity: Int64, orders: Int64 = 0) {
        self.price = price
        self.quantity = quantity
        self.orders = orders
    }
}

/// The order book a Depth subscriber sees: best first on each side. A class so a tick carries one
/// pointer, and the book is shared, not copied, by the quote cache and every subscriber.
public final class MarketDepth: Sendable, Equatable {
    public let bids: [DepthLevel]
    public let asks: [DepthLevel]

    public init(bids: [DepthLevel], asks: [DepthLevel]) {
        self.bids = bids
        self.asks = asks
    }

    public var totalBuyQuantity: Int64 { bids.reduce(0) { $0 + $1.quantity } }
    public var totalSellQuantity: Int64 { asks.reduce(0) { $0 + $1.quantity } }

    public static func == (lhs: MarketDepth, rhs: MarketDepth) -> Bool { lhs.bids == rhs.bids && lhs.asks == rhs.asks }
}
