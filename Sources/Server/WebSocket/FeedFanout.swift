// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData
import NIOCore
import Synchronization

/// Delivers the hub's quotes to WebSocket clients: for each tick it finds the instrument's
/// subscribers, encodes the message once per mode and queues the same buffer to every client at
/// that mode; then it schedules one drain per event loop for the clients it reached. Clients
/// whose outbox is full are disconnected by their session, never waited for.
final class FeedFanout: MarketDataListener {
    private struct Subscriber {
        let session: FeedSession
        let mode: SubscriptionMode
    }

    private struct Entry {
        let instrument: Instrument
        var subscribers: [Subscriber]
    }

    private let table = Mutex<[Int64: Entry]>([:])
    /// Messages queued to clients since start, for the status endpoint and the benchmark.
    let delivered = Atomic<Int64>(0)

    init() {}

    /// Sets the modes `session` receives for `instrument` (none removes it).
    func set(_ session: FeedSession, instrument: Instrument, modes: Set<SubscriptionMode>) {
        table.withLock { table in
            var entry = table[instrument.id] ?? Entry(instrument: instrument, subscribers: [])
            entry.subscribers.removeAll { $0.session === session }
            for mode in modes.sorted() { entry.subscribers.append(Subscriber(session: session, mode: mode)) }
            table[instrument.id] = entry.subscribers.isEmpty ? nil : entry
        }
    }

    func unsubscribe(_ session: FeedSession, from instrumentIDs: some Sequence<Int64>) {
        table.withLock { table in
            for id in instrumentIDs {
                guard var entry = table[id] else { continue }
                entry.subscribers.removeAll { $0.session === session }
                table[id] = entry.subscribers.isEmpty ? nil : entry
            }
        }
    }

    /// Instruments with at least one subscriber, and how many subscriptions in all.
    var counts: (instruments: Int, subscriptions: Int) {
        table.withLock { table in (table.count, table.values.reduce(0) { $0 + $1.subscribers.count }) }
    }

    func marketDataHub(didUpdate quotes: [Quote]) {
        var queued: Int64 = 0
        var toDrain: [FeedSession] = []
        table.withLock { table in
            for quote in quotes {
                guard let entry = table[quote.tick.instrumentID] else { continue }
                var encoded: [ByteBuffer?] = [nil, nil, nil]
                for subscriber in entry.subscribers {
                    let slot = subscriber.mode.rawValue - 1
                    let buffer: ByteBuffer
                    if let cached = encoded[slot] {
                        buffer = cached
                    } else {
                        buffer = MarketDataMessage.encode(quote, instrument: entry.instrument, mode: subscriber.mode)
                        encoded[slot] = buffer
                    }
                    if case .queued(let needsDrain) = subscriber.session.append(buffer) {
                        queued += 1
                        if needsDrain { toDrain.append(subscriber.session) }
                    }
                }
            }
        }
        // One drain task per event loop for the whole batch, however many clients it reached.
        if !toDrain.isEmpty { FeedSession.drainAll(toDrain) }
        if queued > 0 { delivered.add(queued, ordering: .relaxed) }
    }
}
