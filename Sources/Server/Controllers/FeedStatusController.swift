// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird
import MarketData
import Synchronization

/// The feed's health for people and monitors: `websocket/status` (feed, clients, counters),
/// `websocket/subscriptions` (what is streamed and to how many clients) and
/// `websocket/latest-ticks` (the newest cached quotes).
struct FeedStatusController: Sendable {
    let authenticator: APIKeyAuthenticator
    let service: MarketDataService
    let socket: MarketDataSocket
    let webSocketPort: Int
    let maxBodyBytes: Int

    func register(on routes: APIv1Routes) {
        routes.post("websocket/status") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: [])
            let hub = service.hub
            let statistics = hub.statistics
            let storage = hub.persister.statistics
            let feed = service.feed?.status() ?? FeedStatus(kind: "none", state: .stopped, message: "no feed configured")
            let counts = socket.fanout.counts
            let boundPort = socket.boundPort.load(ordering: .relaxed)
            var data: [String: JSONValue] = [
                "feed": .string(feed.kind), "state": .string(feed.state.rawValue), "message": .string(feed.message),
                "connected": .bool([.running, .connected].contains(feed.state)),
                "ticks_published": .integer(feed.ticksPublished), "ticks_accepted": .integer(statistics.ticksAccepted),
                "ticks_rejected": .integer(statistics.ticksRejected), "bars_closed": .integer(statistics.barsClosed),
                "ticks_stored": .integer(storage.ticksWritten), "ticks_pending": .integer(Int64(storage.pendingTicks)),
                "ticks_not_stored": .integer(storage.ticksDropped), "bars_stored": .integer(storage.barsWritten),
                "clients": .integer(Int64(socket.connectionCount)), "subscribed_symbols": .integer(Int64(counts.instruments)),
                "subscriptions": .integer(Int64(counts.subscriptions)), "messages_queued": .integer(socket.fanout.delivered.load(ordering: .relaxed)),
                "websocket_port": .integer(Int64(boundPort > 0 ? boundPort : webSocketPort)),
            ]
            data["account"] = feed.account.map(JSONValue.string) ?? .null
            data["last_tick_ts"] = statistics.lastTickNanos > 0 ? .integer(statistics.lastTickNanos / 1_000_000) : .null
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": .object(data)]))
        }
        routes.post("websocket/subscriptions") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: [])
            let directory = service.hub.directory
            let union = service.hub.demand.union
            let symbols: [JSONValue] = union.compactMap { id, mode in
                guard let instrument = directory.instrument(id: id) else { return nil }
                return .object([
                    "symbol": .string(instrument.symbol), "exchange": .string(instrument.exchange.rawValue), "mode": .integer(Int64(mode.rawValue)),
                    "mode_name": .string(mode.label),
                ])
            }
            .sorted { ($0.sortKey) < ($1.sortKey) }
            return try JSONResponse.make(
                JSONValue.object([
                    "status": .string("success"),
                    "data": .object([
                        "count": .integer(Int64(symbols.count)), "clients": .integer(Int64(socket.connectionCount)), "symbols": .array(symbols),
                    ]),
                ]))
        }
        routes.post("websocket/latest-ticks") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["limit"])
            let limit = try body.optionalInteger("limit", in: 1...5_000) ?? 100
            let directory = service.hub.directory
            let ticks: [JSONValue] = service.hub.latestQuotes(limit: limit).compactMap { quote in
                guard let instrument = directory.instrument(id: quote.tick.instrumentID) else { return nil }
                return .object([
                    "symbol": .string(instrument.symbol), "exchange": .string(instrument.exchange.rawValue), "ltp": .number(quote.lastPrice),
                    "volume": .integer(quote.tick.volume), "oi": .integer(quote.tick.openInterest), "bid": .number(quote.tick.bid),
                    "ask": .number(quote.tick.ask), "change": .number(rounded(quote.change, 2)),
                    "timestamp": .integer(quote.tick.timestampNanos / 1_000_000),
                ])
            }
            return try JSONResponse.make(JSONValue.object(["status": .string("success"), "data": .array(ticks)]))
        }
    }

}

extension JSONValue {
    /// EXCHANGE:SYMBOL of a symbol entry, for a stable order.
    fileprivate var sortKey: String {
        guard case .object(let fields) = self else { return "" }
        return (fields["exchange"]?.stringValue ?? "") + ":" + (fields["symbol"]?.stringValue ?? "")
    }
}
