// SPDX-License-Identifier: Apache-2.0
import Core
import NIOCore
import Schema
import Synchronization

/// One WebSocket client of the market-data stream: who it is, what it subscribed to, and its
/// bounded outbound queue.
///
/// The fan-out only ever calls ``enqueue(_:)``, which never blocks: when the queue already holds
/// ``queueLimit`` messages the client is too slow, and it is disconnected (with the reason in the
/// close frame) instead of slowing the feed or any other client.
final class FeedSession: Sendable {
    /// OpenAlgo's `WS_MAX_QUEUE`.
    static let queueLimit = 1024

    enum Outbound: Sendable {
        case message(ByteBuffer)
    }

    struct CloseRequest: Sendable, Equatable {
        var code: UInt16
        var reason: String
    }

    private struct State {
        var principal: Principal?
        var subscriptions: [Int64: Set<SubscriptionMode>] = [:]
        var ordersSubscribed = false
        var closeRequest: CloseRequest?
    }

    let id: UInt64
    let connectedAt = ContinuousClock.now
    let stream: AsyncStream<Outbound>
    private let continuation: AsyncStream<Outbound>.Continuation
    /// Yields once when a close is requested, so the connection can stop a writer stuck on a
    /// client that reads nothing.
    let closeSignal: AsyncStream<Void>
    private let closeContinuation: AsyncStream<Void>.Continuation
    private let state = Mutex(State())
    /// Messages delivered to the socket writer, for the status endpoint.
    let sent = Atomic<Int64>(0)

    init(id: UInt64) {
        self.id = id
        (stream, continuation) = AsyncStream.makeStream(of: Outbound.self, bufferingPolicy: .bufferingOldest(Self.queueLimit))
        (closeSignal, closeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a message. Returns false (and asks for the connection to close) when the client's
    /// queue is full.
    @discardableResult
    func enqueue(_ buffer: ByteBuffer) -> Bool {
        switch continuation.yield(.message(buffer)) {
        case .enqueued: return true
        case .terminated: return false
        case .dropped:
            close(code: 1008, reason: "Slow client: \(Self.queueLimit) messages waiting; reconnect and subscribe to fewer symbols")
            return false
        @unknown default: return false
        }
    }

    /// Asks the writer to close the connection with `code` after nothing more is sent. The first
    /// request wins.
    func close(code: UInt16, reason: String) {
        let first = state.withLock { state -> Bool in
            guard state.closeRequest == nil else { return false }
            state.closeRequest = CloseRequest(code: code, reason: reason)
            return true
        }
        if first {
            continuation.finish()
            closeContinuation.yield()
            closeContinuation.finish()
        }
    }

    var closeRequest: CloseRequest? { state.withLock { $0.closeRequest } }

    var isClosing: Bool { closeRequest != nil }

    var principal: Principal? {
        get { state.withLock { $0.principal } }
        set { state.withLock { $0.principal = newValue } }
    }

    /// The modes subscribed per instrument: a client may hold LTP and Quote on one symbol, and
    /// then gets one message per mode per tick (the official client caches each mode apart).
    var subscriptions: [Int64: Set<SubscriptionMode>] {
        get { state.withLock { $0.subscriptions } }
        set { state.withLock { $0.subscriptions = newValue } }
    }

    var ordersSubscribed: Bool {
        get { state.withLock { $0.ordersSubscribed } }
        set { state.withLock { $0.ordersSubscribed = newValue } }
    }

    /// Ends the queue when the connection is gone.
    func finish() {
        continuation.finish()
        closeContinuation.finish()
    }
}
