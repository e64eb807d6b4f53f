// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation

/// A message a WebSocket client sends, parsed from OpenAlgo's protocol: the verb is in `action`
/// (or `type`), symbols come as a `symbols` list or a single top-level `symbol` + `exchange`, and
/// modes as 1/2/3 or their names.
enum FeedRequest: Equatable {
    struct SymbolReference: Equatable, Hashable {
        var symbol: String
        var exchange: String
        /// Per-symbol mode, used by `unsubscribe`.
        var mode: SubscriptionMode?
    }

    case authenticate(apiKey: String)
    case subscribe(symbols: [SymbolReference], mode: SubscriptionMode, depth: Int, requestID: JSONValue?)
    case unsubscribe(symbols: [SymbolReference], requestID: JSONValue?)
    case unsubscribeAll
    case subscribeOrders
    case unsubscribeOrders
    /// RealAlgo's: the signed-in user's strategies' log lines as they are stored.
    case subscribeStrategyLogs
    case unsubscribeStrategyLogs
    case ping(timestamp: JSONValue?, pingID: JSONValue?)
    case brokerInfo
    case supportedBrokers

    /// Symbols one message may name; a client wanting more sends several messages.
    static let maximumSymbolsPerMessage = 1_000

    /// Parses one text frame.
    /// - Throws: ``FeedProtocolError`` with the contract's code for anything malformed.
    static func parse(_ text: String) throws(FeedProtocolError) -> FeedRequest {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw FeedProtocolError("INVALID_JSON", "Invalid JSON message")
        }
        guard case .object(let fields) = value else { throw FeedProtocolError("INVALID_JSON", "A message must be a JSON object") }
        guard let action = (fields["action"] ?? fields["type"])?.stringValue?.lowercased() else {
            throw FeedProtocolError("INVALID_ACTION", "Missing action: send {\"action\": \"authenticate\" | \"subscribe\" | …}")
        }
        switch action {
        case "authenticate", "auth":
            guard let key = (fields["api_key"] ?? fields["apikey"])?.stringValue, (1...256).contains(key.count) else {
                throw FeedProtocolError("AUTHENTICATION_ERROR", "API key is required: send {\"action\":\"authenticate\",\"api_key\":\"…\"}")
            }
            return .authenticate(apiKey: key)
        case "subscribe":
            let mode = try parseMode(fields["mode"], default: .quote)
            let depth = fields["depth"].flatMap(integer) ?? 5
            return .subscribe(symbols: try parseSymbols(fields, defaultMode: nil), mode: mode, depth: depth, requestID: fields["request_id"])
        case "unsubscribe":
            return .unsubscribe(symbols: try parseSymbols(fields, defaultMode: nil), requestID: fields["request_id"])
        case "unsubscribe_all":
            return .unsubscribeAll
        case "subscribe_orders":
            return .subscribeOrders
        case "unsubscribe_orders":
            return .unsubscribeOrders
        case "subscribe_strategy_logs":
            return .subscribeStrategyLogs
        case "unsubscribe_strategy_logs":
            return .unsubscribeStrategyLogs
        case "ping":
            return .ping(timestamp: fields["timestamp"], pingID: fields["_pingId"])
        case "get_broker_info":
            return .brokerInfo
        case "get_supported_brokers":
            return .supportedBrokers
        default:
            throw FeedProtocolError("INVALID_ACTION", "Unknown action: \(action.prefix(64))")
        }
    }

    private static func parseSymbols(_ fields: [String: JSONValue], defaultMode: SubscriptionMode?) throws(FeedProtocolError)
        -> [SymbolReference]
    {
        var entries: [JSONValue]
        if let list = fields["symbols"] ?? fields["instruments"] {
            guard case .array(let items) = list else { throw FeedProtocolError("INVALID_PARAMETERS", "symbols must be a list") }
            entries = items
        } else if fields["symbol"] != nil {
            entries = [.object(fields.filter { ["symbol", "exchange", "mode"].contains($0.key) })]
        } else {
            throw FeedProtocolError("INVALID_PARAMETERS", "Missing symbols: send \"symbols\": [{\"symbol\": …, \"exchange\": …}]")
        }
        guard !entries.isEmpty else { throw FeedProtocolError("INVALID_PARAMETERS", "symbols must not be empty") }
        guard entries.count <= maximumSymbolsPerMessage else {
            throw FeedProtocolError(
                "INVALID_PARAMETERS", "Too many symbols in one message: \(entries.count) (at most \(maximumSymbolsPerMessage))")
        }
        var references: [SymbolReference] = []
        references.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            guard case .object(let item) = entry,
                let symbol = (item["symbol"] ?? item["exchange_token"]).flatMap(text), !symbol.isEmpty, symbol.utf8.count <= 64,
                let exchange = item["exchange"]?.stringValue, !exchange.isEmpty, exchange.utf8.count <= 32
            else {
                throw FeedProtocolError("INVALID_PARAMETERS", "symbols[\(index)] needs a symbol and an exchange")
            }
            let mode = try item["mode"].map { value throws(FeedProtocolError) in try parseMode(value, default: .quote) } ?? defaultMode
            references.append(SymbolReference(symbol: symbol.uppercased(), exchange: exchange.uppercased(), mode: mode))
        }
        return references
    }

    static func parseMode(_ value: JSONValue?, default fallback: SubscriptionMode) throws(FeedProtocolError) -> SubscriptionMode {
        guard let value, value != .null else { return fallback }
        let mode: SubscriptionMode? =
            switch value {
            case .integer(let number): SubscriptionMode(rawValue: Int(number))
            case .number(let number): number == number.rounded() ? SubscriptionMode(rawValue: Int(number)) : nil
            case .string(let label): SubscriptionMode(label: label)
            default: nil
            }
        guard let mode else { throw FeedProtocolError("INVALID_MODE", "Invalid mode: use 1 (LTP), 2 (Quote) or 3 (Depth)") }
        return mode
    }

    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let number): Int(exactly: number)
        case .number(let number): Int(exactly: number)
        case .string(let text): Int(text)
        default: nil
        }
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        default: nil
        }
    }
}

/// An error reply in OpenAlgo's form: `{"status":"error","code":…,"message":…}` with no `type`.
/// The connection stays open after one.
struct FeedProtocolError: Error, Equatable {
    let code: String
    let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}
