// SPDX-License-Identifier: Apache-2.0
import Core

/// Turns the cumulative day volume that ticks carry into the volume each tick adds to its bars.
///
/// A bar's volume is the cumulative volume at its last tick minus the cumulative volume just before
/// its first tick, which is the sum of these per-tick deltas. The rules:
/// - The baseline is the previous cumulative of the same trading date; for the first tick of a date
///   it is 0, so the first bar after a cold start mid-day carries the volume traded before it
///   (replaying the day's persisted ticks avoids that, see ``BarAggregator/replay(_:anchor:)``).
/// - A cumulative that goes down on the same date is a feed reset: the tick adds nothing and its
///   value becomes the baseline, rather than a negative bar volume.
/// - A feed without cumulative volume sends 0 (indices, some simulators); then the tick adds its
///   `lastQuantity`. Once a date has seen a cumulative, a tick without one adds nothing.
struct DayVolume: Sendable, Equatable {
    private var tradingDay = Int.min
    private var cumulative: Int64 = 0
    private var sawCumulative = false

    /// The volume `tick` adds to its bars; call once per in-order tick.
    mutating func delta(for tick: Tick, tradingDay day: Int) -> Int64 {
        if day != tradingDay {
            tradingDay = day
            cumulative = 0
            sawCumulative = false
        }
        guard tick.volume > 0 else { return sawCumulative ? 0 : max(tick.lastQuantity, 0) }
        let delta = tick.volume >= cumulative ? tick.volume - cumulative : 0
        cumulative = tick.volume
        sawCumulative = true
        return delta
    }
}
