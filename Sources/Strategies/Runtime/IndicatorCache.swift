// SPDX-License-Identifier: Apache-2.0
import Core
import Indicators

/// Indicator outputs per series and parameters, computed by the `Indicators` module (TA-Lib exact)
/// over a whole ``BarSeries`` and reused until the series changes.
///
/// Live, and in a backtest over ticks (bars are built as they close), a series changes once per
/// closed bar, so each indicator is computed once per bar; in a backtest over bars the series is
/// preloaded, so each indicator is computed once per run.
struct IndicatorCache {
    struct Key: Hashable {
        var series: Int
        var name: String
        var source: String
        var first: Double
        var second: Double
        var third: Double
    }

    private struct Entry {
        var generation: Int
        var outputs: [[Double]]
    }

    private var entries: [Key: Entry] = [:]

    /// The outputs for `key`, computing them with `compute` when the series changed since.
    mutating func outputs(for key: Key, series: BarSeries, compute: (BarSeries) throws -> [[Double]]) rethrows -> [[Double]] {
        if let entry = entries[key], entry.generation == series.generation { return entry.outputs }
        // A script looping over many periods must not grow the cache without end (it lives outside
        // the VM's memory cap): past the bound it starts over.
        if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
        let outputs = try compute(series)
        entries[key] = Entry(generation: series.generation, outputs: outputs)
        return outputs
    }

    static let maxEntries = 256
}
