// SPDX-License-Identifier: Apache-2.0
public import Core

/// The closed bars of one symbol and timeframe, as columns, for `ctx.bars` and the indicators.
///
/// Bars are appended in time order (a live series drops its oldest past ``capacity``). A class, so
/// the hot path reads it without copying six arrays. A backtest may ``preload(_:)`` the whole
/// series and then ``reveal(through:)`` it
/// bar by bar: the script sees only the revealed prefix, while the indicator cache computes each
/// indicator once over all bars — every indicator is causal (a value depends only on bars up to
/// its own), so the value at a revealed index equals what a live run computes on that prefix.
public final class BarSeries {
    public private(set) var times: [Int64] = []
    public private(set) var open: [Double] = []
    public private(set) var high: [Double] = []
    public private(set) var low: [Double] = []
    public private(set) var close: [Double] = []
    public private(set) var volume: [Double] = []
    /// Bars the script may see (``count`` unless preloaded).
    public private(set) var visibleCount = 0
    /// Bumped whenever stored bars change other than by revealing, so cached indicators recompute.
    public private(set) var generation = 0
    /// Live series keep at most this many bars; older ones are dropped in blocks.
    public let capacity: Int

    /// Identifies the series in the indicator cache (cheaper to hash than its symbol).
    let id: Int

    public init(id: Int = 0, capacity: Int = 100_000) {
        self.id = id
        self.capacity = max(capacity, 1)
    }

    public var count: Int { close.count }

    /// Adds a bar that just closed and shows it.
    public func append(_ bar: Bar) {
        if let last = times.last, bar.start <= last { return }
        if count >= capacity { dropOldest(count - capacity + max(1, capacity / 10)) }
        store(bar)
        visibleCount = count
        generation &+= 1
    }

    /// Stores bars without showing them (a backtest's whole input), after any shown ones.
    public func preload(_ bars: [Bar]) {
        for bar in bars where times.last.map({ bar.start > $0 }) ?? true { store(bar) }
        generation &+= 1
    }

    /// Shows stored bars up to and including index `last`.
    public func reveal(through last: Int) {
        visibleCount = min(max(visibleCount, last + 1), count)
    }

    /// The last `n` visible bars, oldest first.
    public func lastBars(_ n: Int) -> Range<Int> {
        max(0, visibleCount - max(0, n))..<visibleCount
    }

    private func store(_ bar: Bar) {
        times.append(bar.start)
        open.append(bar.open)
        high.append(bar.high)
        low.append(bar.low)
        close.append(bar.close)
        volume.append(Double(bar.volume))
    }

    private func dropOldest(_ n: Int) {
        times.removeFirst(n)
        open.removeFirst(n)
        high.removeFirst(n)
        low.removeFirst(n)
        close.removeFirst(n)
        volume.removeFirst(n)
        visibleCount = max(0, visibleCount - n)
    }
}
