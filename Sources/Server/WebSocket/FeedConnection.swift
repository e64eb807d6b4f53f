// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import MarketData
import NIOCore
import Schema

/// Answers one client's protocol messages: authentication, subscriptions, pings. Replies go
/// through the session's queue, so they stay in order with the market data around them.
struct FeedConnection: Sendable {
    /// Subscriptions one connection may hold (OpenAlgo's adapters stop around a thousand per
    /// socket; RealAlgo allows more, but not unbounded).
    static let maximumSubscriptions = 3_000

    let session: FeedSession
    let hub: MarketDataHub
    let fanout: FeedFanout
    let authenticator: APIKeyAuthenticator

    /// Handles one text frame.
    func receive(_ text: String) async {
        let request: FeedRequest
        do {
            request = try FeedRequest.parse(text)
        } catch {
            return send(error: error)
        }
        switch request {
        case .authenticate(let key):
            await authenticate(key)
        case .ping(let timestamp, let pingID):
            var reply: [String: JSONValue] = [
                "type": .string("pong"), "status": .string("success"), "server_timestamp": .integer(Self.nowMillis()),
            ]
            if let timestamp { reply["client_timestamp"] = timestamp }
            if let pingID { reply["_pingId"] = pingID }
            send(reply)
        default:
            guard session.principal != nil else {
                return send(error: FeedProtocolError("NOT_AUTHENTICATED", "Authenticate first: send {\"action\":\"authenticate\",\"api_key\":\"…\"}"))
            }
            handleAuthenticated(request)
        }
    }

    private func handleAuthenticated(_ request: FeedRequest) {
        switch request {
        case .subscribe(let symbols, let mode, let depth, let requestID):
            subscribe(symbols, mode: mode, depth: depth, requestID: requestID)
        case .unsubscribe(let symbols, let requestID):
            unsubscribe(symbols, requestID: requestID)
        case .unsubscribeAll:
            let removed = unsubscribeAll()
            send([
                "type": .string("unsubscribe"), "status": .string("success"), "message": .string("Unsubscribed from \(removed) symbols"),
                "successful": .array([]), "failed": .array([]), "broker": .string(MarketDataMessage.broker),
            ])
        case .subscribeOrders:
            session.ordersSubscribed = true
            send(["type": .string("subscribe_orders"), "status": .string("success"), "message": .string("Subscribed to order updates")])
        case .unsubscribeOrders:
            session.ordersSubscribed = false
            send(["type": .string("unsubscribe_orders"), "status": .string("success"), "message": .string("Unsubscribed from order updates")])
        case .subscribeStrategyLogs:
            session.strategyLogsSubscribed = true
            send(
                ["type": .string("subscribe_strategy_logs"), "status": .string("success"), "message": .string("Subscribed to strategy log lines")])
        case .unsubscribeStrategyLogs:
            session.strategyLogsSubscribed = false
            send(
                [
                    "type": .string("unsubscribe_strategy_logs"), "status": .string("success"),
                    "message": .string("Unsubscribed from strategy log lines"),
                ])
        case .brokerInfo:
            send([
                "type": .string("broker_info"), "status": .string("success"), "broker": .string(MarketDataMessage.broker),
                "adapter_status": .string(hub.statistics.ticksAccepted > 0 ? "connected" : "idle"),
            ])
        case .supportedBrokers:
            send(["type": .string("supported_brokers"), "status": .string("success"), "brokers": .array([.string(MarketDataMessage.broker)])])
        case .authenticate, .ping:
            break
        }
    }

    private func authenticate(_ key: String) async {
        do {
            let principal = try await authenticator.authenticate(key)
            session.principal = principal
            send([
                "type": .string("auth"), "status": .string("success"), "message": .string("Authentication successful"),
                "broker": .string(MarketDataMessage.broker), "user_id": .string(principal.username),
                "supported_features": .object(["ltp": .bool(true), "quote": .bool(true), "depth": .bool(true)]),
            ])
        } catch {
            send(error: FeedProtocolError("AUTHENTICATION_ERROR", "Invalid API key"))
        }
    }

    private func subscribe(_ symbols: [FeedRequest.SymbolReference], mode: SubscriptionMode, depth: Int, requestID: JSONValue?) {
        let directory = hub.directory
        var results: [JSONValue] = []
        var current = session.subscriptions
        var changed: [Int64: Instrument] = [:]
        var added: [Instrument] = []
        var failures = 0
        for reference in symbols {
            var result: [String: JSONValue] = [
                "symbol": .string(reference.symbol), "exchange": .string(reference.exchange), "broker": .string(MarketDataMessage.broker),
            ]
            if let instrument = directory.instrument(symbol: reference.symbol, exchange: reference.exchange) {
                if current[instrument.id] == nil, current.count >= Self.maximumSubscriptions {
                    failures += 1
                    result["status"] = .string("error")
                    result["message"] = .string("Subscription limit reached: at most \(Self.maximumSubscriptions) symbols per connection")
                } else {
                    if current[instrument.id, default: []].insert(mode).inserted {
                        changed[instrument.id] = instrument
                        added.append(instrument)
                    }
                    result["status"] = .string("success")
                    result["mode"] = .string(mode.label)
                    result["depth"] = .integer(Int64(depth))
                }
            } else {
                failures += 1
                result["status"] = .string("error")
                result["message"] = .string("Symbol \(reference.symbol) not found on \(reference.exchange)")
            }
            results.append(.object(result))
        }
        apply(current, changed: changed.values)
        var reply: [String: JSONValue] = [
            "type": .string("subscribe"),
            "status": .string(failures == 0 ? "success" : (failures == symbols.count ? "error" : "partial")),
            "subscriptions": .array(results), "message": .string("Subscription processing complete"),
            "broker": .string(MarketDataMessage.broker),
        ]
        if let requestID { reply["request_id"] = requestID }
        send(reply)
        // The latest price right away, so a client has a value before the next tick (a quiet
        // market may not tick for a while).
        let quotes = hub.quotes(instrumentIDs: added.map(\.id))
        for instrument in added {
            guard let quote = quotes[instrument.id] else { continue }
            session.enqueue(MarketDataMessage.encode(quote, instrument: instrument, mode: mode))
        }
    }

    private func unsubscribe(_ symbols: [FeedRequest.SymbolReference], requestID: JSONValue?) {
        let directory = hub.directory
        var current = session.subscriptions
        var changed: [Int64: Instrument] = [:]
        var successful: [JSONValue] = []
        var failed: [JSONValue] = []
        for reference in symbols {
            var entry: [String: JSONValue] = ["symbol": .string(reference.symbol), "exchange": .string(reference.exchange)]
            if let mode = reference.mode { entry["mode"] = .integer(Int64(mode.rawValue)) }
            guard let instrument = directory.instrument(symbol: reference.symbol, exchange: reference.exchange),
                var modes = current[instrument.id]
            else {
                failed.append(.object(entry))
                continue
            }
            // A mode names one subscription; without one, every mode of the symbol goes.
            if let mode = reference.mode {
                guard modes.remove(mode) != nil else {
                    failed.append(.object(entry))
                    continue
                }
            } else {
                modes = []
            }
            current[instrument.id] = modes.isEmpty ? nil : modes
            changed[instrument.id] = instrument
            successful.append(.object(entry))
        }
        apply(current, changed: changed.values)
        var reply: [String: JSONValue] = [
            "type": .string("unsubscribe"),
            "status": .string(failed.isEmpty ? "success" : (successful.isEmpty ? "error" : "partial")),
            "message": .string(failed.isEmpty ? "Unsubscription processing complete" : "Some symbols were not subscribed"),
            "successful": .array(successful), "failed": .array(failed), "broker": .string(MarketDataMessage.broker),
        ]
        if let requestID { reply["request_id"] = requestID }
        send(reply)
    }

    /// Records the new subscription set and tells the fan-out and the hub's demand.
    private func apply(_ subscriptions: [Int64: Set<SubscriptionMode>], changed: some Sequence<Instrument>) {
        session.subscriptions = subscriptions
        for instrument in changed { fanout.set(session, instrument: instrument, modes: subscriptions[instrument.id] ?? []) }
        hub.demand.set(owner: session.id, subscriptions.compactMapValues { $0.max() })
    }

    private func unsubscribeAll() -> Int {
        let current = session.subscriptions
        session.subscriptions = [:]
        fanout.unsubscribe(session, from: current.keys)
        hub.demand.set(owner: session.id, [:])
        return current.count
    }

    /// Drops everything this connection held; called once when it ends.
    func disconnect() {
        _ = unsubscribeAll()
        session.finish()
    }

    /// Answers a frame the protocol does not allow with an error; the connection stays open.
    func reject(_ code: String, _ message: String) {
        send(error: FeedProtocolError(code, message))
    }

    private func send(error: FeedProtocolError) {
        send(["status": .string("error"), "code": .string(error.code), "message": .string(error.message)])
    }

    private func send(_ reply: [String: JSONValue]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(reply) else { return }
        session.enqueue(ByteBuffer(bytes: data))
    }

    static func nowMillis() -> Int64 { SystemWallClock().nowNanos() / 1_000_000 }
}
