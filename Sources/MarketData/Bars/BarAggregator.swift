// SPDX-License-Identifier: Apache-2.0
public import Core

/// Builds the OHLCV bars of one instrument, for every timeframe at once, from its ticks.
///
/// The hub keeps one aggregator per instrument on the tick path, so `add` does no hashing and, for a
/// tick that closes nothing, no allocation: the open bars live in a fixed array in timeframe order.
///
/// - Bar starts: intraday bars align to their ``SessionAnchor``'s open
///   (`open + ⌊(t − open) / interval⌋ × interval`) and end at the interval or the window close,
///   whichever comes first; the daily bar starts at 00:00 UTC of the trading date and spans all its
///   windows.
/// - Prices: a tick whose last price is not finite and positive is ignored. High and low track the
///   last price; open interest is the last tick's.
/// - Volume: deltas of the cumulative day volume (see `DayVolume`), or the sum of last
///   quantities for a feed without a cumulative.
/// - Late ticks: a tick older than the newest one seen may widen the high and low of a bar that is
///   still open, but never moves its close, open interest or volume. A tick for a bar older than the
///   open one of a timeframe, or for a bar already closed (by a newer tick or by
///   ``closeBars(endingAtOrBefore:)``), is dropped for that timeframe: that bar has been published,
///   and reopening it would publish a second bar with the same start.
/// - Restart: the state is rebuilt by replaying the day's persisted ticks through
///   ``replay(_:anchor:)``. The result depends only on the ticks and anchors, so a replay
///   reproduces the bars exactly, which a seed from a persisted bar could not: it lacks the volume
///   baseline and the late-tick state.
///
/// ```swift
/// var aggregator = BarAggregator()
/// let closed = aggregator.add(tick, anchor: anchor)            // bars this tick closed
/// let due = aggregator.closeBars(endingAtOrBefore: nowSeconds)  // from the hub's timer
/// ```
public struct BarAggregator: Sendable, Equatable {
    /// The timeframes aggregated, in the order closed bars are returned.
    public let timeframes: [Timeframe]
    private var slots: [BarSlot]
    private var dayVolume = DayVolume()
    /// The exchange time of the newest accepted tick; an older one is late.
    private var newestTickNanos = Int64.min

    /// - Parameter timeframes: The timeframes to build; duplicates are ignored.
    public init(timeframes: [Timeframe] = Timeframe.allCases) {
        var unique: [Timeframe] = []
        for timeframe in timeframes where !unique.contains(timeframe) { unique.append(timeframe) }
        self.timeframes = unique
        self.slots = unique.map(BarSlot.init(timeframe:))
    }

    /// Folds a tick into the open bar of every timeframe.
    /// - Parameters:
    ///   - tick: A tick of this aggregator's instrument.
    ///   - anchor: The window holding the tick, from ``SessionAnchors``. A tick outside it is ignored.
    /// - Returns: The bars this tick closed, at most one per timeframe, in ``timeframes`` order.
    public mutating func add(_ tick: Tick, anchor: SessionAnchor) -> [Bar] {
        guard tick.lastPrice.isFinite, tick.lastPrice > 0 else { return [] }
        let seconds = Self.floorSeconds(tick.timestampNanos)
        guard anchor.contains(epochSeconds: seconds) else { return [] }
        let isLate = tick.timestampNanos < newestTickNanos
        var volume: Int64 = 0
        if !isLate {
            newestTickNanos = tick.timestampNanos
            volume = dayVolume.delta(for: tick, tradingDay: anchor.tradingDate.daysSinceEpoch)
        }
        var closed: [Bar] = []
        for index in slots.indices {
            if let bar = slots[index].add(tick, seconds: seconds, anchor: anchor, volume: volume, isLate: isLate) {
                closed.append(bar)
            }
        }
        return closed
    }

    /// Closes every open bar whose end is at or before `epochSeconds`, so a bar closes at its
    /// boundary even when no later tick arrives. The hub calls it from a timer, best with a small
    /// grace after the boundary: a tick stamped before the boundary that arrives after the bar closed
    /// is dropped for that bar.
    /// - Returns: The closed bars, in ``timeframes`` order; they are no longer open.
    public mutating func closeBars(endingAtOrBefore epochSeconds: Int64) -> [Bar] {
        var closed: [Bar] = []
        for index in slots.indices where slots[index].isOpen && slots[index].end <= epochSeconds {
            closed.append(slots[index].bar)
            slots[index].isOpen = false
        }
        return closed
    }

    /// The bars in progress, in ``timeframes`` order, for history requests and snapshots.
    public func openBars() -> [Bar] {
        slots.compactMap { $0.isOpen ? $0.bar : nil }
    }

    /// The bar in progress for `timeframe`, if any.
    public func openBar(_ timeframe: Timeframe) -> Bar? {
        slots.first { $0.timeframe == timeframe && $0.isOpen }?.bar
    }

    /// When the open bar of `timeframe` ends (exclusive, epoch seconds), for scheduling its close.
    public func openBarEnd(_ timeframe: Timeframe) -> Int64? {
        slots.first { $0.timeframe == timeframe && $0.isOpen }?.end
    }

    /// Rebuilds the state after a restart by replaying ticks, usually the day's persisted ticks in
    /// their stored order, through ``add(_:anchor:)``.
    /// - Parameters:
    ///   - ticks: The ticks to replay.
    ///   - anchor: The anchor of each tick; a tick without one is skipped, as on the live path.
    /// - Returns: The bars closed during the replay, which the hub has normally persisted already.
    public mutating func replay(_ ticks: some Sequence<Tick>, anchor: (Tick) -> SessionAnchor?) -> [Bar] {
        var closed: [Bar] = []
        for tick in ticks {
            guard let tickAnchor = anchor(tick) else { continue }
            closed += add(tick, anchor: tickAnchor)
        }
        return closed
    }

    /// Epoch seconds of an exchange time, rounding down also before 1970.
    static func floorSeconds(_ nanos: Int64) -> Int64 {
        let seconds = nanos / 1_000_000_000
        return nanos < 0 && seconds * 1_000_000_000 != nanos ? seconds - 1 : seconds
    }
}
