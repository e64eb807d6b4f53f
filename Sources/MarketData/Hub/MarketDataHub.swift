// SPDX-License-Identifier: Apache-2.0
public import Core
public import Logging
public import Schema
import Synchronization

/// The centre of the tick path: every feed publishes here, and the hub keeps the latest-quote
/// cache, builds bars, queues ticks and closed bars for storage and hands each batch to its
/// listeners (WebSocket fan-out, later the sandbox and strategies).
///
/// `publish(_:)` runs on the feed's thread and does no I/O: storage happens in ``run()``'s
/// background flush, so a slow disk never delays a tick.
public final class MarketDataHub: Sendable {
    public struct Configuration: Sendable {
        /// Build bars for ticks outside the calendar's sessions (a whole-day bar anchor).
        public var alwaysOpen = false
        /// Store every tick.
        public var storeTicks = true
        /// Store every closed bar. Off for a replay of the hub's own ticks, whose bars are stored
        /// already (and would be overwritten by bars of a day that retention has trimmed).
        public var storeBars = true
        /// How often queued ticks and bars are committed.
        public var flushInterval: Duration = .milliseconds(50)
        public var persister = TickPersister.Configuration()

        public init() {}
    }

    public struct Statistics: Sendable, Equatable {
        public var ticksAccepted: Int64 = 0
        /// Zero, negative or non-finite prices, and unknown instruments.
        public var ticksRejected: Int64 = 0
        public var barsClosed: Int64 = 0
        public var lastTickNanos: Int64 = 0
    }

    private struct InstrumentState {
        var quote: Quote
        var bars: BarAggregator
        var exchange: ExchangeCode
        var anchor: SessionAnchor?
        /// The quote holds a starting price, not a trade: the first real tick starts the day.
        var isPrimed = false
    }

    private struct State {
        var directory: InstrumentDirectory
        var instruments: [Int64: InstrumentState] = [:]
        var anchors: SessionAnchors
        var previousCloses: [Int64: Double] = [:]
        var listeners: [any MarketDataListener] = []
        var statistics = Statistics()
    }

    public let clock: any WallClock
    public let calendar: TradingCalendar
    public let configuration: Configuration
    public let persister: TickPersister
    public let demand: SubscriptionDemand
    let logger: Logger
    private let state: Mutex<State>

    public init(
        store: Store, directory: InstrumentDirectory, calendar: TradingCalendar, clock: any WallClock = SystemWallClock(),
        configuration: Configuration = Configuration(), logger: Logger
    ) {
        self.clock = clock
        self.calendar = calendar
        self.configuration = configuration
        self.logger = logger
        persister = TickPersister(store: store, configuration: configuration.persister, logger: logger)
        demand = SubscriptionDemand()
        state = Mutex(State(directory: directory, anchors: SessionAnchors(calendar: calendar, alwaysOpen: configuration.alwaysOpen)))
    }

    // MARK: Instruments

    public var directory: InstrumentDirectory { state.withLock { $0.directory } }

    /// Swaps in a new symbol master (after a roll); quotes of retired instruments are kept until
    /// restart, which costs nothing and keeps `latest-ticks` truthful.
    public func replaceDirectory(_ directory: InstrumentDirectory) {
        state.withLock { $0.directory = directory }
    }

    /// Previous closes (from stored daily bars) that quotes report until a feed sends its own.
    public func setPreviousCloses(_ closes: [Int64: Double]) {
        state.withLock { $0.previousCloses = closes }
    }

    // MARK: Listeners

    public func addListener(_ listener: any MarketDataListener) {
        state.withLock { $0.listeners.append(listener) }
    }

    public func removeListener(_ listener: any MarketDataListener) {
        state.withLock { $0.listeners.removeAll { $0 === listener } }
    }

    // MARK: The tick path

    /// Takes a batch of ticks from a feed. Ticks of unknown instruments and ticks without a
    /// positive price are counted and dropped (the last good price stays in the cache).
    /// - Returns: how many ticks were accepted.
    @discardableResult
    public func publish(_ ticks: [Tick]) -> Int {
        publish(ticks, store: configuration.storeTicks)
    }

    private func publish(_ ticks: [Tick], store: Bool) -> Int {
        guard !ticks.isEmpty else { return 0 }
        let accepted = state.withLock { state -> [Tick] in
            var accepted: [Tick] = []
            accepted.reserveCapacity(ticks.count)
            var quotes: [Quote] = []
            quotes.reserveCapacity(ticks.count)
            var closed: [Bar] = []
            for tick in ticks {
                guard tick.isPublishable else {
                    state.statistics.ticksRejected += 1
                    continue
                }
                guard let quote = Self.apply(tick, to: &state, closing: &closed) else {
                    state.statistics.ticksRejected += 1
                    continue
                }
                accepted.append(tick)
                quotes.append(quote)
            }
            state.statistics.ticksAccepted += Int64(accepted.count)
            state.statistics.barsClosed += Int64(closed.count)
            if let last = accepted.last { state.statistics.lastTickNanos = max(state.statistics.lastTickNanos, last.timestampNanos) }
            if !quotes.isEmpty {
                for listener in state.listeners { listener.marketDataHub(didUpdate: quotes) }
            }
            if !closed.isEmpty {
                for listener in state.listeners { listener.marketDataHub(didClose: closed) }
                if configuration.storeBars { persister.enqueue(closed) }
            }
            return accepted
        }
        if store, !accepted.isEmpty { persister.enqueue(accepted) }
        return accepted.count
    }

    private static func apply(_ tick: Tick, to state: inout State, closing closed: inout [Bar]) -> Quote? {
        let seconds = tick.timestampSeconds
        if let index = state.instruments.index(forKey: tick.instrumentID) {
            // Mutated in place through the dictionary's storage: copying the entry out and back
            // would copy its bar buffers on every tick.
            return update(&state.instruments.values[index], with: tick, seconds: seconds, anchors: &state.anchors, closing: &closed)
        }
        guard let instrument = state.directory.instrument(id: tick.instrumentID) else { return nil }
        let anchor = state.anchors.anchor(exchange: instrument.exchange, epochSeconds: seconds)
        let date = anchor?.tradingDate ?? istDate(seconds)
        var entry = InstrumentState(
            quote: Quote(first: tick, tradingDate: date, previousClose: state.previousCloses[tick.instrumentID] ?? 0),
            bars: BarAggregator(), exchange: instrument.exchange, anchor: anchor)
        if let anchor { closed.append(contentsOf: entry.bars.add(tick, anchor: anchor)) }
        state.instruments[tick.instrumentID] = entry
        return entry.quote
    }

    private static func update(
        _ entry: inout InstrumentState, with tick: Tick, seconds: Int64, anchors: inout SessionAnchors, closing closed: inout [Bar]
    ) -> Quote {
        // Reuse the instrument's session anchor while the tick is inside it.
        if let anchor = entry.anchor, anchor.openSeconds <= seconds, seconds < anchor.closeSeconds {
        } else {
            entry.anchor = anchors.anchor(exchange: entry.exchange, epochSeconds: seconds)
        }
        let date = entry.anchor?.tradingDate ?? istDate(seconds)
        if entry.isPrimed {
            entry.isPrimed = false
            entry.quote = Quote(first: tick, tradingDate: date, previousClose: entry.quote.previousClose)
        } else {
            entry.quote.apply(tick, tradingDate: date)
        }
        if let anchor = entry.anchor {
            let due = entry.bars.add(tick, anchor: anchor)
            if !due.isEmpty { closed.append(contentsOf: due) }
        }
        return entry.quote
    }

    private static func istDate(_ seconds: Int64) -> LocalDate {
        LocalDate(secondsSinceEpoch: seconds, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
    }

    /// Closes every bar whose end has passed by `nowSeconds`, so a bar closes on time even when
    /// no later tick arrives. ``run()`` calls this every second.
    public func closeDueBars(nowSeconds: Int64) {
        state.withLock { state in
            var closed: [Bar] = []
            for index in state.instruments.indices {
                closed.append(contentsOf: state.instruments.values[index].bars.closeBars(endingAtOrBefore: nowSeconds))
            }
            guard !closed.isEmpty else { return }
            state.statistics.barsClosed += Int64(closed.count)
            for listener in state.listeners { listener.marketDataHub(didClose: closed) }
            if configuration.storeBars { persister.enqueue(closed) }
        }
    }

    /// Rebuilds today's quotes and open bars after a restart by replaying the stored ticks of
    /// the day through the same code path, without storing them again. Closed bars it meets are
    /// upserted, so a bar the crash left unwritten is written now.
    public func rebuild(from store: Store, sinceNanos: Int64) async throws -> Int {
        let replayed = Atomic<Int>(0)
        try await store.marketData.replayTicks(sinceNanos: sinceNanos) { [self] chunk in
            replayed.add(publishReplayed(chunk), ordering: .relaxed)
        }
        return replayed.load(ordering: .relaxed)
    }

    private func publishReplayed(_ ticks: [Tick]) -> Int {
        // Listeners are not told: a replay after restart is history, not live market data.
        state.withLock { state in
            var closed: [Bar] = []
            var count = 0
            for tick in ticks where tick.isPublishable {
                if Self.apply(tick, to: &state, closing: &closed) != nil { count += 1 }
            }
            if configuration.storeBars { persister.enqueue(closed) }
            return count
        }
    }

    /// Seeds the quote cache for instruments that have no quote yet, without bars, storage or
    /// listeners: a starting price is not a trade.
    public func prime(_ ticks: [Tick]) {
        state.withLock { state in
            for tick in ticks where tick.isPublishable && state.instruments[tick.instrumentID] == nil {
                guard let instrument = state.directory.instrument(id: tick.instrumentID) else { continue }
                let date = Self.istDate(tick.timestampSeconds)
                state.instruments[tick.instrumentID] = InstrumentState(
                    quote: Quote(first: tick, tradingDate: date, previousClose: state.previousCloses[tick.instrumentID] ?? tick.previousClose),
                    bars: BarAggregator(), exchange: instrument.exchange, anchor: nil, isPrimed: true)
            }
        }
    }

    // MARK: Reads

    public func quote(instrumentID: Int64) -> Quote? {
        state.withLock { $0.instruments[instrumentID]?.quote }
    }

    public func quotes(instrumentIDs: [Int64]) -> [Int64: Quote] {
        state.withLock { state in
            var found: [Int64: Quote] = [:]
            for id in instrumentIDs { if let quote = state.instruments[id]?.quote { found[id] = quote } }
            return found
        }
    }

    /// Every cached quote, most recent tick first, at most `limit`.
    public func latestQuotes(limit: Int) -> [Quote] {
        let all = state.withLock { state in state.instruments.values.map(\.quote) }
        return Array(all.sorted { $0.tick.timestampNanos > $1.tick.timestampNanos }.prefix(limit))
    }

    /// The bar of `timeframe` still being built for the instrument, if any.
    public func openBar(instrumentID: Int64, timeframe: Timeframe) -> Bar? {
        state.withLock { $0.instruments[instrumentID]?.bars.openBars().first { $0.timeframe == timeframe } }
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    public var cachedInstrumentCount: Int { state.withLock { $0.instruments.count } }

    // MARK: Background work

    /// Flushes storage every ``Configuration/flushInterval`` and closes due bars every second,
    /// until cancelled; then closes nothing more and flushes what is left.
    public func run() async {
        var lastBarCheck: Int64 = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.flushInterval) } catch { break }
            let now = clock.nowSeconds()
            if now != lastBarCheck {
                lastBarCheck = now
                closeDueBars(nowSeconds: now)
            }
            await persister.flush()
        }
        await persister.flush()
    }
}
