// SPDX-License-Identifier: Apache-2.0
import Core
import HummingbirdWebSocket
import Logging
import MarketData
import NIOCore
import NIOWebSocket
import Schema
import Synchronization

/// The OpenAlgo-compatible market-data WebSocket: one handler serves both port 8765 (any path,
/// where the official client connects) and `/ws` on the main port (the browser app).
///
/// Each connection runs a reader task (protocol messages), a closer (waiting for a close
/// request: the authentication grace period running out, or a client too slow for its outbox)
/// and the authentication timer; the first to finish ends the connection. Outbound messages do
/// not go through a task: ``FeedSession`` writes them to the connection's channel on its event
/// loop, a batch at a time.
final class MarketDataSocket: Sendable {
    /// OpenAlgo's `WS_AUTH_GRACE_SECONDS`.
    static let authenticationGrace: Duration = .seconds(15)
    /// Largest message a client may send (a subscribe naming 1,000 symbols is about 60 KB).
    static let maximumMessageBytes = 1 << 20
    /// The close code OpenAlgo uses for "auth timeout".
    static let authenticationTimeoutCode: UInt16 = 4401

    let hub: MarketDataHub
    let fanout: FeedFanout
    let authenticator: APIKeyAuthenticator
    private let logger: Logger
    private let nextSessionID = Atomic<UInt64>(0)
    /// The OpenAlgo port once its listener is bound (it may have been asked for as port 0).
    let boundPort = Atomic<Int>(0)
    private let sessions = Mutex<[UInt64: FeedSession]>([:])

    init(hub: MarketDataHub, authenticator: APIKeyAuthenticator, logger: Logger) {
        self.hub = hub
        self.authenticator = authenticator
        self.logger = logger
        fanout = FeedFanout()
        hub.addListener(fanout)
    }

    /// The server configuration both listeners use: protocol pings every 20 s (a client that
    /// does not answer one before the next is closed) and the message size limit.
    static var serverConfiguration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(maxFrameSize: maximumMessageBytes, autoPing: .enabled(timePeriod: .seconds(20)), closeTimeout: .seconds(5))
    }

    var connectionCount: Int { sessions.withLock { $0.count } }

    /// Every open session, for the status endpoints and order updates.
    var openSessions: [FeedSession] { sessions.withLock { Array($0.values) } }

    /// Closes every connection that signed in with API key `keyID` (code 4403), because the key
    /// was just revoked: revocation is immediate for streams too, not only for the next request.
    func closeSessions(signedInWithKey keyID: Int64) {
        for session in openSessions where session.principal?.apiKeyID == keyID {
            session.close(code: Self.revokedKeyCloseCode, reason: "API key revoked")
        }
    }

    /// The close code for a connection whose API key was revoked (4000–4999 are the application's).
    static let revokedKeyCloseCode: UInt16 = 4403

    /// Serves one upgraded connection; `channel` is the connection's NIO channel, which the
    /// session writes market data to directly.
    func handle(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel, logger: Logger) async {
        let session = FeedSession(id: nextSessionID.add(1, ordering: .relaxed).newValue, channel: channel)
        sessions.withLock { $0[session.id] = session }
        let connection = FeedConnection(session: session, hub: hub, fanout: fanout, authenticator: authenticator)
        var logger = logger
        logger[metadataKey: "ws_session"] = "\(session.id)"
        logger.debug("market-data client connected")

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: Self.maximumMessageBytes) {
                        switch message {
                        case .text(let text): await connection.receive(text)
                        case .binary: connection.reject("INVALID_JSON", "Send JSON text frames; binary frames are not supported")
                        }
                        if session.isClosing { break }
                    }
                } catch {
                    session.close(code: 1009, reason: "Message too large or malformed frame")
                }
            }
            group.addTask {
                for await _ in session.closeSignal { break }
            }
            group.addTask {
                try? await Task.sleep(for: Self.authenticationGrace)
                if !Task.isCancelled, session.principal == nil {
                    session.close(code: Self.authenticationTimeoutCode, reason: "auth timeout")
                }
                // Stay alive until the connection ends: a finished child would end the group.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            }
            _ = await group.next()
            group.cancelAll()
        }

        connection.disconnect()
        sessions.withLock { _ = $0.removeValue(forKey: session.id) }
        if let request = session.closeRequest {
            logger.info("market-data client disconnected", metadata: ["code": "\(request.code)", "reason": "\(request.reason)"])
            try? await outbound.close(WebSocketErrorCode(codeNumber: Int(request.code)), reason: request.reason)
        } else {
            logger.debug("market-data client disconnected")
        }
    }
}
