// SPDX-License-Identifier: Apache-2.0

extension BacktestEquityCurve {
    /// The default number of points a report's curve keeps.
    public static let defaultMaxPoints = 2_000

    /// The curve thinned to at most `maxPoints` points for display, keeping its shape.
    ///
    /// The first and last samples are always kept. The samples between them are cut into
    /// `(maxPoints − 2) / 2` buckets of (nearly) equal count, and each bucket contributes its lowest
    /// and its highest sample (one point if they are the same sample), in time order. So the global
    /// minimum and maximum — and with them the deepest drawdown's trough and the peak before it —
    /// are always on the thinned curve. Ties go to the earliest sample. With `maxPoints` samples or
    /// fewer the curve is returned whole.
    ///
    /// - Parameter maxPoints: the most points to return; values below 4 are treated as 4 (the two
    ///   ends plus one bucket's low and high).
    /// - Returns: points in time order, at most `max(maxPoints, 4)` of them.
    public func downsampled(maxPoints: Int = BacktestEquityCurve.defaultMaxPoints) -> [BacktestEquityPoint] {
        let limit = max(maxPoints, 4)
        let total = count
        guard total > limit else {
            return (0..<total).map { BacktestEquityPoint(timeNanos: times[$0], equity: equities[$0]) }
        }
        var points: [BacktestEquityPoint] = []
        points.reserveCapacity(limit)
        func keep(_ index: Int) { points.append(BacktestEquityPoint(timeNanos: times[index], equity: equities[index])) }

        keep(0)
        let interior = total - 2
        let buckets = (limit - 2) / 2
        for bucket in 0..<buckets {
            // Integer bounds that split `interior` samples evenly; the multiplication stays far below
            // Int.max for any curve that fits in memory.
            let lower = 1 + bucket * interior / buckets
            let upper = 1 + (bucket + 1) * interior / buckets
            guard lower < upper else { continue }
            var lowest = lower
            var highest = lower
            for index in (lower + 1)..<upper {
                if equities[index] < equities[lowest] { lowest = index }
                if equities[index] > equities[highest] { highest = index }
            }
            keep(min(lowest, highest))
            if lowest != highest { keep(max(lowest, highest)) }
        }
        keep(total - 1)
        return points
    }
}
