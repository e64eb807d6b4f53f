// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import MarketData
import Synchronization

/// Publishes ticks into a hub at a steady rate from its own thread, as a feed's socket reader
/// would: every ~100 µs it publishes the ticks that have come due since the last batch. Each
/// tick's last price is the monotonic microsecond at which it was built, which the benchmark's
/// clients turn into a tick-to-client latency.
final class BenchTickPacer: Sendable {
    private let hub: MarketDataHub
    private let instrumentIDs: [Int64]
    private let ticksPerSecond: Double
    private let published = Atomic<Int>(0)
    private let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init(hub: MarketDataHub, instrumentIDs: [Int64], ticksPerSecond: Double) {
        self.hub = hub
        self.instrumentIDs = instrumentIDs
        self.ticksPerSecond = ticksPerSecond
    }

    var publishedCount: Int { published.load(ordering: .relaxed) }

    /// Publishes for `duration`, then returns.
    func run(for duration: Duration) async {
        await withCheckedContinuation { continuation in
            finished.withLock { $0 = continuation }
            let thread = Thread { [self] in
                loop(durationMicros: Int(duration.totalMicroseconds))
                finished.withLock { $0?.resume() }
            }
            thread.name = "bench-tick-pacer"
            thread.start()
        }
    }

    private func loop(durationMicros: Int) {
        let start = monotonicMicros()
        var sent = 0
        var batch: [Tick] = []
        while true {
            let now = monotonicMicros()
            let elapsed = now - start
            if elapsed >= durationMicros { break }
            let due = Int(Double(elapsed) * ticksPerSecond / 1_000_000) - sent
            if due > 0 {
                batch.removeAll(keepingCapacity: true)
                let wallNanos = SystemWallClock().nowNanos()
                for offset in 0..<due {
                    let sequence = sent + offset
                    batch.append(
                        Tick(
                            instrumentID: instrumentIDs[sequence % instrumentIDs.count], timestampNanos: wallNanos,
                            lastPrice: Double(monotonicMicros()), lastQuantity: 1, volume: Int64(sequence + 1)))
                }
                hub.publish(batch)
                sent += due
                published.store(sent, ordering: .relaxed)
            }
            usleep(100)
        }
    }
}
