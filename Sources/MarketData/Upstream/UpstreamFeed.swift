// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import HummingbirdWSClient
public import Logging
import Synchronization

/// Streams from an OpenAlgo-compatible upstream (another OpenAlgo host, hence any broker it
/// supports, or another RealAlgo) with failover across the hub's upstream accounts.
///
/// The decisions — which account, when to retry, what to (re)subscribe, when a feed has gone
/// silent — are the pure ``UpstreamFeedStateMachine``'s; this class performs its actions: it opens
/// one WebSocket at a time, authenticates, sends subscribe batches, parses `market_data` into
/// ticks for the hub and reports connection events back.
public final class UpstreamFeed: Feed {
    enum Event: Sendable {
        case connected(UpstreamFeedStateMachine.Generation)
        case failed(UpstreamFeedStateMachine.Generation, String)
        case retry(UpstreamFeedStateMachine.Generation)
        case demand(Set<UpstreamFeedStateMachine.Subscription>)
        case timer
    }

    private struct Connection {
        let generation: UpstreamFeedStateMachine.Generation
        let commands: AsyncStream<String>.Continuation
        let task: Task<Void, Never>
    }

    private struct Counters {
        var published: Int64 = 0
        var lastTickNanos: Int64 = 0
        /// Last (time, price, volume) published per instrument: a reconnect's snapshot of a tick
        /// already seen is not published twice.
        var last: [Int64: (Int64, Double, Int64)] = [:]
    }

    public let kind = "upstream"
    public typealias AlertHandler = @Sendable (_ kind: String, _ accountID: Int64?, _ message: String) async -> Void

    private let endpoints: [Int64: UpstreamEndpoint]
    private let machine: Mutex<UpstreamFeedStateMachine>
    private let connection = Mutex<Connection?>(nil)
    private let counters = Mutex(Counters())
    private let events: AsyncStream<Event>
    private let eventSink: AsyncStream<Event>.Continuation
    private let origin = ContinuousClock.now
    private let alwaysOpen: Bool
    private let onAlert: AlertHandler
    private let logger: Logger

    public init(
        endpoints: [UpstreamEndpoint], configuration: UpstreamFeedStateMachine.Configuration, alwaysOpen: Bool, logger: Logger,
        onAlert: @escaping AlertHandler
    ) {
        self.endpoints = Dictionary(endpoints.map { ($0.account.id, $0) }, uniquingKeysWith: { first, _ in first })
        machine = Mutex(UpstreamFeedStateMachine(accounts: endpoints.map(\.account), configuration: configuration))
        (events, eventSink) = AsyncStream.makeStream(of: Event.self)
        self.alwaysOpen = alwaysOpen
        self.logger = logger
        self.onAlert = onAlert
    }

    private var now: Duration { ContinuousClock.now - origin }

    public func run(into hub: MarketDataHub) async throws {
        let directory = hub.directory
        let observer = hub.demand.observe { [eventSink] wanted in
            let subscriptions = Set(
                wanted.compactMap { id, mode in
                    directory.instrument(id: id).map {
                        UpstreamFeedStateMachine.Subscription(exchange: $0.exchange.rawValue, symbol: $0.symbol, mode: mode)
                    }
                })
            eventSink.yield(.demand(subscriptions))
        }
        defer {
            hub.demand.removeObserver(observer)
            connection.withLock { $0?.task.cancel() }
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [eventSink] in
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(1))
                    eventSink.yield(.timer)
                }
            }
            await perform(machine.withLock { $0.start(now: now) }, hub: hub)
            for await event in events {
                if Task.isCancelled { break }
                await perform(handle(event, hub: hub), hub: hub)
            }
            group.cancelAll()
        }
    }

    private func handle(_ event: Event, hub: MarketDataHub) -> [UpstreamFeedStateMachine.Action] {
        let now = now
        return machine.withLock { machine in
            switch event {
            case .connected(let generation): machine.connected(generation: generation, now: now)
            case .failed(let generation, let reason): machine.connectionFailed(generation: generation, reason: reason, now: now)
            case .retry(let generation): machine.retryTimerFired(generation: generation, now: now)
            case .demand(let wanted): machine.setSubscriptions(wanted, now: now)
            case .timer:
                machine.checkTimeouts(now: now) { [alwaysOpen] instrument in
                    alwaysOpen
                        || hub.calendar.isOpen(atSecondsSinceEpoch: hub.clock.nowSeconds(), exchange: ExchangeCode(rawValue: instrument.exchange))
                }
            }
        }
    }

    private func perform(_ actions: [UpstreamFeedStateMachine.Action], hub: MarketDataHub) async {
        for action in actions {
            switch action {
            case .connect(let account, let generation):
                open(account: account, generation: generation, hub: hub)
            case .subscribe(let batches, let generation):
                send(batches.map { Self.message("subscribe", $0) }, generation: generation)
            case .unsubscribe(let batches, let generation):
                send(batches.map { Self.message("unsubscribe", $0) }, generation: generation)
            case .disconnect(let generation, let reason):
                logger.notice("closing upstream feed connection", metadata: ["reason": "\(reason)"])
                connection.withLock { current in
                    guard let open = current, open.generation == generation else { return }
                    open.commands.finish()
                    open.task.cancel()
                    current = nil
                }
            case .scheduleRetry(let delay, let generation):
                Task { [eventSink] in
                    try? await Task.sleep(for: delay)
                    eventSink.yield(.retry(generation))
                }
            case .alert(let alert):
                await report(alert)
            }
        }
    }

    private func report(_ alert: UpstreamFeedStateMachine.Alert) async {
        switch alert {
        case .silent(let account, let instruments):
            let names = instruments.prefix(10).map(\.description).joined(separator: ", ")
            logger.warning("upstream feed silent", metadata: ["account": "\(account.name)", "symbols": "\(names)"])
            await onAlert("silent", account.id, "no ticks from \(account.name) for subscribed symbols (\(names)); reconnecting")
        case .failover(let from, let to, let reason):
            logger.warning("upstream feed failover", metadata: ["from": "\(from.name)", "to": "\(to.name)", "reason": "\(reason)"])
            await onAlert("failover", to.id, "failing over from \(from.name) to \(to.name): \(reason)")
        case .allAccountsDown(let retryIn):
            logger.error("every upstream account is down", metadata: ["retry_in": "\(retryIn)"])
            await onAlert("all_accounts_down", nil, "every upstream account is down; retrying in \(retryIn)")
        case .recovered(let account):
            logger.info("upstream feed recovered", metadata: ["account": "\(account.name)"])
            await onAlert("recovered", account.id, "streaming again from \(account.name)")
        }
    }

    private func send(_ messages: [String], generation: UpstreamFeedStateMachine.Generation) {
        connection.withLock { current in
            guard let open = current, open.generation == generation else { return }
            for message in messages { open.commands.yield(message) }
        }
    }

    static func message(_ action: String, _ batch: UpstreamFeedStateMachine.Batch) -> String {
        let symbols = batch.instruments.map { ["symbol": $0.symbol, "exchange": $0.exchange, "mode": batch.mode.rawValue] as [String: Any] }
        let object: [String: Any] = ["action": action, "symbols": symbols, "mode": batch.mode.rawValue, "depth": 5]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private func open(account: FeedAccount, generation: UpstreamFeedStateMachine.Generation, hub: MarketDataHub) {
        guard let endpoint = endpoints[account.id] else {
            eventSink.yield(.failed(generation, "no endpoint for account \(account.name)"))
            return
        }
        let (commands, commandSink) = AsyncStream.makeStream(of: String.self)
        let task = Task { [eventSink, logger] in
            var logger = logger
            logger[metadataKey: "upstream"] = "\(account.name)"
            logger.info("connecting to upstream feed", metadata: ["url": "\(endpoint.webSocketURL)"])
            do {
                try await WebSocketClient.connect(
                    url: endpoint.webSocketURL, configuration: .init(maxFrameSize: 1 << 20, autoPing: .enabled(timePeriod: .seconds(20))),
                    logger: logger
                ) { inbound, outbound, _ in
                    try await outbound.write(.text(Self.authenticationMessage(apiKey: endpoint.apiKey)))
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await command in commands { try await outbound.write(.text(command)) }
                        }
                        try await self.receive(inbound, generation: generation, hub: hub)
                        group.cancelAll()
                    }
                }
                eventSink.yield(.failed(generation, "the upstream closed the connection"))
            } catch {
                eventSink.yield(.failed(generation, "\(error)"))
            }
        }
        connection.withLock { current in
            current?.commands.finish()
            current?.task.cancel()
            current = Connection(generation: generation, commands: commandSink, task: task)
        }
    }

    static func authenticationMessage(apiKey: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: ["action": "authenticate", "api_key": apiKey], options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private func receive(_ inbound: WebSocketInboundStream, generation: UpstreamFeedStateMachine.Generation, hub: MarketDataHub) async throws {
        var authenticated = false
        for try await message in inbound.messages(maxSize: 1 << 20) {
            guard case .text(let text) = message else { continue }
            let nowNanos = hub.clock.nowNanos()
            let parsed = UpstreamTickParser.parse(text, directory: hub.directory, nowNanos: nowNanos)
            switch parsed {
            case .tick(let exchange, let symbol, let tick):
                guard authenticated else { continue }
                publishIfNew(tick, to: hub)
                // A repeated tick still shows the connection is alive.
                let now = now
                machine.withLock { $0.tickReceived(.init(exchange: exchange, symbol: symbol), generation: generation, now: now) }
            case .other(let type, let status):
                if type == "auth" {
                    guard status == "success" else { throw UpstreamError("the upstream refused the API key") }
                    authenticated = true
                    eventSink.yield(.connected(generation))
                } else if !authenticated, type.isEmpty, status == "error" {
                    throw UpstreamError("the upstream refused the API key")
                }
            case .invalid:
                // Unknown symbols and non-positive prices: the hub keeps the last good price.
                continue
            }
        }
    }

    /// Publishes `tick` unless it repeats or predates what this instrument last published.
    private func publishIfNew(_ tick: Tick, to hub: MarketDataHub) {
        let fresh = counters.withLock { counters -> Bool in
            if let (time, price, volume) = counters.last[tick.instrumentID] {
                if tick.timestampNanos < time { return false }
                if tick.timestampNanos == time, tick.lastPrice == price, tick.volume == volume { return false }
            }
            counters.last[tick.instrumentID] = (tick.timestampNanos, tick.lastPrice, tick.volume)
            return true
        }
        guard fresh else { return }
        let accepted = hub.publish([tick])
        counters.withLock {
            $0.published += Int64(accepted)
            $0.lastTickNanos = max($0.lastTickNanos, tick.timestampNanos)
        }
    }

    public func status() -> FeedStatus {
        let now = now
        let (state, account) = machine.withLock { machine -> (FeedStatus.State, String?) in
            switch machine.state {
            case .connected(let account, _, _): (.connected, account.name)
            case .connecting(let account, _, _): (.connecting, account.name)
            case .waitingToRetry: (.disconnected, nil)
            case .noAccounts: (.stopped, nil)
            case .stopped: (.stopped, nil)
            }
        }
        let statuses = machine.withLock { $0.accountStatuses(now: now) }
        let summary = statuses.map { status in
            "\(status.account.name)" + (status.isCurrent ? " (current)" : "")
                + (status.cooldownRemaining.map { " cooling down \($0.components.seconds)s" } ?? "")
        }
        .joined(separator: ", ")
        return counters.withLock { counters in
            FeedStatus(
                kind: kind, state: state, account: account, ticksPublished: counters.published, lastTickNanos: counters.lastTickNanos,
                message: statuses.isEmpty ? "no upstream accounts: add one with `realalgo account add`" : summary)
        }
    }
}

struct UpstreamError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
