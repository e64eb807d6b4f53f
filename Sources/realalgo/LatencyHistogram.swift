// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Latencies in whole microseconds, counted in one-microsecond bins up to one second (longer ones
/// land in the last bin and raise the maximum). Exact percentiles without keeping every sample:
/// a fan-out run records millions of deliveries.
struct LatencyHistogram {
    private(set) var bins: [UInt64]
    private(set) var count: UInt64 = 0
    private(set) var maximumMicros: Int = 0

    init(limitMicros: Int = 1_000_000) {
        bins = Array(repeating: 0, count: limitMicros + 1)
    }

    mutating func record(micros: Int) {
        let value = max(0, micros)
        bins[min(value, bins.count - 1)] += 1
        count += 1
        maximumMicros = max(maximumMicros, value)
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in 0..<min(bins.count, other.bins.count) { bins[index] += other.bins[index] }
        count += other.count
        maximumMicros = max(maximumMicros, other.maximumMicros)
    }

    /// The smallest latency at or below which `fraction` of the samples fall; nil when empty.
    func percentile(_ fraction: Double) -> Int? {
        guard count > 0 else { return nil }
        let rank = UInt64((Double(count) * fraction).rounded(.up))
        var seen: UInt64 = 0
        for (micros, binCount) in bins.enumerated() where binCount > 0 {
            seen += binCount
            if seen >= max(rank, 1) { return micros }
        }
        return maximumMicros
    }
}

/// Microseconds on the system's monotonic clock. CLOCK_MONOTONIC is one clock for every thread
/// and process on the machine, so a timestamp taken where a tick is published can be compared
/// with the time a client reads it.
func monotonicMicros() -> Int {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1_000
}
