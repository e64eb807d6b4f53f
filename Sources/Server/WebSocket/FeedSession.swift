// SPDX-License-Identifier: Apache-2.0
import Core
import NIOCore
import NIOWebSocket
import Schema
import Synchronization

/// One WebSocket client of the market-data stream: who it is, what it subscribed to, and its
/// bounded outbox.
///
/// Messages go from the outbox straight into the client's NIO channel on its event loop: the
/// fan-out appends, and one drain per event loop (not per message, not per client task) writes
/// every waiting message and flushes once, so a busy feed costs one system call per client per
/// batch rather than a task switch, an event-loop hop and a system call per message.
///
/// Nothing here ever waits for a client: when the outbox already holds ``queueLimit`` messages
/// (the socket's buffer is full and stays full) the client is too slow, and it is disconnected,
/// with the reason in the close frame, instead of slowing the feed or any other client.
final class FeedSession: Sendable {
    /// OpenAlgo's `WS_MAX_QUEUE`.
    static let queueLimit = 1024
    /// How soon a drain that found the socket's buffer full looks again.
    static let unwritableRetry = TimeAmount.milliseconds(2)

    struct CloseRequest: Sendable, Equatable {
        var code: UInt16
        var reason: String
    }

    /// What ``append(_:)`` did with a message.
    enum Appended: Equatable {
        /// Queued; `needsDrain` when no drain is scheduled yet and the caller must schedule one.
        case queued(needsDrain: Bool)
        /// Not queued: the session is closing or just overflowed.
        case refused
    }

    private struct State {
        var principal: Principal?
        var subscriptions: [Int64: Set<SubscriptionMode>] = [:]
        var ordersSubscribed = false
        var strategyLogsSubscribed = false
        var closeRequest: CloseRequest?
    }

    private struct Outbox {
        var pending: [ByteBuffer] = []
        var drainScheduled = false
        var isClosed = false
    }

    let id: UInt64
    let connectedAt = ContinuousClock.now
    /// The client's connection; nil for a detached session (tests), whose outbox only fills.
    let channel: (any Channel)?
    /// Yields once when a close is requested, so the connection can end (and send the close
    /// frame) even while its reader waits for a client that sends nothing.
    let closeSignal: AsyncStream<Void>
    private let closeContinuation: AsyncStream<Void>.Continuation
    private let state = Mutex(State())
    private let outbox = Mutex(Outbox())
    /// Messages handed to the socket, for the status endpoint.
    let sent = Atomic<Int64>(0)

    init(id: UInt64, channel: (any Channel)? = nil) {
        self.id = id
        self.channel = channel
        (closeSignal, closeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: Sending

    /// Queues a message and makes sure a drain will send it. Returns false when the session is
    /// closing or the client is too slow (then it is being disconnected).
    @discardableResult
    func enqueue(_ buffer: ByteBuffer) -> Bool {
        switch append(buffer) {
        case .queued(let needsDrain):
            if needsDrain, let channel { channel.eventLoop.execute { self.drain() } }
            return true
        case .refused:
            return false
        }
    }

    /// Queues a message without scheduling its drain: the fan-out queues a whole batch of ticks
    /// first and then schedules one drain per event loop (``drainAll(_:)``).
    func append(_ buffer: ByteBuffer) -> Appended {
        let result = outbox.withLock { outbox -> Appended? in
            guard !outbox.isClosed else { return .refused }
            guard outbox.pending.count < Self.queueLimit else { return nil }
            outbox.pending.append(buffer)
            let needsDrain = !outbox.drainScheduled && channel != nil
            if needsDrain { outbox.drainScheduled = true }
            return .queued(needsDrain: needsDrain)
        }
        guard let result else {
            close(code: 1008, reason: "Slow client: \(Self.queueLimit) messages waiting; reconnect and subscribe to fewer symbols")
            return .refused
        }
        return result
    }

    /// Drains `sessions` with one task per event loop.
    static func drainAll(_ sessions: [FeedSession]) {
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, sessions: [FeedSession])] = [:]
        for session in sessions {
            guard let loop = session.channel?.eventLoop else { continue }
            byLoop[ObjectIdentifier(loop), default: (loop, [])].sessions.append(session)
        }
        for (_, group) in byLoop {
            let batch = group.sessions
            group.loop.execute { for session in batch { session.drain() } }
        }
    }

    /// Writes every waiting message to the channel and flushes once. Runs on the channel's event
    /// loop. While the socket's buffer is full it leaves the messages in the outbox (where they
    /// count towards the limit) and looks again shortly.
    private func drain() {
        guard let channel else { return }
        guard channel.isActive else {
            outbox.withLock { $0.pending = [] }
            return
        }
        guard channel.isWritable else {
            // A session closing for being slow stops looking; the connection is ending anyway.
            if !outbox.withLock({ $0.isClosed }) {
                channel.eventLoop.scheduleTask(in: Self.unwritableRetry) { self.drain() }
            }
            return
        }
        let batch = outbox.withLock { outbox in
            defer {
                outbox.pending = []
                outbox.drainScheduled = false
            }
            return outbox.pending
        }
        guard !batch.isEmpty else { return }
        for buffer in batch {
            channel.write(WebSocketFrame(fin: true, opcode: .text, data: buffer), promise: nil)
        }
        channel.flush()
        sent.add(Int64(batch.count), ordering: .relaxed)
    }

    /// Everything queued and not yet sent (for a detached session: everything ever queued).
    func takePending() -> [ByteBuffer] {
        outbox.withLock { outbox in
            defer { outbox.pending = [] }
            return outbox.pending
        }
    }

    // MARK: Closing

    /// Asks the connection to close with `code` (sent in the close frame); nothing more is
    /// queued. The first request wins.
    func close(code: UInt16, reason: String) {
        let first = state.withLock { state -> Bool in
            guard state.closeRequest == nil else { return false }
            state.closeRequest = CloseRequest(code: code, reason: reason)
            return true
        }
        if first {
            outbox.withLock { $0.isClosed = true }
            closeContinuation.yield()
            closeContinuation.finish()
        }
    }

    var closeRequest: CloseRequest? { state.withLock { $0.closeRequest } }

    var isClosing: Bool { closeRequest != nil }

    /// Stops queueing when the connection is gone.
    func finish() {
        outbox.withLock {
            $0.isClosed = true
            $0.pending = []
        }
        closeContinuation.finish()
    }

    // MARK: Identity and subscriptions

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

    var strategyLogsSubscribed: Bool {
        get { state.withLock { $0.strategyLogsSubscribed } }
        set { state.withLock { $0.strategyLogsSubscribed = newValue } }
    }

    var ordersSubscribed: Bool {
        get { state.withLock { $0.ordersSubscribed } }
        set { state.withLock { $0.ordersSubscribed = newValue } }
    }
}
