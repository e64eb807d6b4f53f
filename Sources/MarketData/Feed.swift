// SPDX-License-Identifier: Apache-2.0

/// A source of ticks: the built-in simulator, a replay of stored or CSV data, or an upstream
/// OpenAlgo-compatible WebSocket feed. `serve` runs exactly one, chosen by configuration.
public protocol Feed: Sendable {
    /// "simulator", "replay" or "upstream" — the `feed_events.feed` value.
    var kind: String { get }
    /// Publishes into `hub` until cancelled (or, for a finite replay, until the data ends).
    func run(into hub: MarketDataHub) async throws
    /// What the status endpoint and the SPA show.
    func status() -> FeedStatus
}

/// A feed's health as `/api/v1/websocket/status` reports it.
public struct FeedStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case starting, running, connecting, connected, disconnected, closed, finished, stopped
    }

    public var kind: String
    public var state: State
    /// The upstream account currently streaming, for an upstream feed.
    public var account: String?
    public var ticksPublished: Int64
    public var lastTickNanos: Int64
    public var message: String

    public init(kind: String, state: State, account: String? = nil, ticksPublished: Int64 = 0, lastTickNanos: Int64 = 0, message: String = "") {
        self.kind = kind
        self.state = state
        self.account = account
        self.ticksPublished = ticksPublished
        self.lastTickNanos = lastTickNanos
        self.message = message
    }
}
