// SPDX-License-Identifier: Apache-2.0
public import Core

extension UpstreamFeedStateMachine {
    /// An instrument as the upstream names it.
    public struct Instrument: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var exchange: String
        public var symbol: String

        public init(exchange: String, symbol: String) {
            self.exchange = exchange
            self.symbol = symbol
        }

        /// `EXCHANGE:SYMBOL`, for logs and alerts.
        public var description: String { "\(exchange):\(symbol)" }

        public static func < (lhs: Instrument, rhs: Instrument) -> Bool { (lhs.exchange, lhs.symbol) < (rhs.exchange, rhs.symbol) }
    }

    /// One instrument in one mode.
    public struct Subscription: Sendable, Hashable {
        public var instrument: Instrument
        public var mode: SubscriptionMode

        public init(_ instrument: Instrument, mode: SubscriptionMode) {
            self.instrument = instrument
            self.mode = mode
        }

        public init(exchange: String, symbol: String, mode: SubscriptionMode) {
            self.init(Instrument(exchange: exchange, symbol: symbol), mode: mode)
        }
    }

    /// The instruments of one subscribe or unsubscribe message: one mode, because OpenAlgo's
    /// message carries a single mode, and at most ``Configuration/subscribeBatchSize`` of them.
    public struct Batch: Sendable, Equatable {
        public var mode: SubscriptionMode
        public var instruments: [Instrument]

        public init(mode: SubscriptionMode, instruments: [Instrument]) {
            self.mode = mode
            self.instruments = instruments
        }
    }

    /// What the hub wants, one mode per instrument (the highest asked for).
    public var subscriptions: Set<Subscription> {
        Set(wanted.map { Subscription($0.key, mode: $0.value) })
    }

    /// The hub's demand changed. While connected, unsubscribes what is no longer wanted and
    /// subscribes what is new; otherwise it is remembered for the next connection.
    ///
    /// An instrument asked for in several modes is subscribed once, in the highest, since a higher
    /// mode carries everything a lower one does. A mode change is an unsubscribe in the old mode
    /// followed by a subscribe in the new one: unsubscribing after would drop the instrument on an
    /// upstream that keys subscriptions by symbol.
    public mutating func setSubscriptions(_ subscriptions: some Sequence<Subscription>, now: Duration) -> [Action] {
        var demand: [Instrument: SubscriptionMode] = [:]
        for subscription in subscriptions {
            demand[subscription.instrument] = max(demand[subscription.instrument] ?? subscription.mode, subscription.mode)
        }
        wanted = demand
        guard case .connected(_, let generation, _) = state else { return [] }
        let removed = active.filter { wanted[$0.key] != $0.value }
        let added = wanted.filter { active[$0.key] != $0.value }
        for instrument in removed.keys {
            lastActivity[instrument] = nil
        }
        for instrument in added.keys {
            lastActivity[instrument] = now
        }
        active = wanted
        var actions: [Action] = []
        if !removed.isEmpty {
            actions.append(.unsubscribe(Self.batches(removed, size: configuration.subscribeBatchSize), generation: generation))
        }
        if !added.isEmpty {
            actions.append(.subscribe(Self.batches(added, size: configuration.subscribeBatchSize), generation: generation))
        }
        return actions
    }

    /// A tick for `instrument` arrived on the socket of `generation`; it resets that instrument's
    /// silence clock. Ticks from another socket, or for instruments not subscribed, are ignored.
    public mutating func tickReceived(_ instrument: Instrument, generation: Generation, now: Duration) {
        guard case .connected(_, let current, _) = state, current == generation,
            let index = lastActivity.index(forKey: instrument)
        else { return }
        lastActivity.values[index] = now
    }

    /// Splits subscriptions into batches of one mode (lowest mode first) and at most `size`
    /// instruments, sorted so the messages are deterministic.
    static func batches(_ subscriptions: [Instrument: SubscriptionMode], size: Int) -> [Batch] {
        let size = max(1, size)
        let byMode = Dictionary(grouping: subscriptions, by: \.value)
        var batches: [Batch] = []
        for mode in SubscriptionMode.allCases.sorted() {
            guard let instruments = byMode[mode]?.map(\.key).sorted() else { continue }
            for start in stride(from: 0, to: instruments.count, by: size) {
                let end = min(start + size, instruments.count)
                batches.append(Batch(mode: mode, instruments: Array(instruments[start..<end])))
            }
        }
        return batches
    }
}
