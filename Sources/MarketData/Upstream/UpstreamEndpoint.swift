// SPDX-License-Identifier: Apache-2.0

/// Where and how to reach one upstream account's market-data WebSocket.
public struct UpstreamEndpoint: Sendable {
    public var account: FeedAccount
    public var webSocketURL: String
    public var apiKey: String

    public init(account: FeedAccount, webSocketURL: String, apiKey: String) {
        self.account = account
        self.webSocketURL = webSocketURL
        self.apiKey = apiKey
    }

    /// OpenAlgo's default: the REST host with port 8765 when no WebSocket URL is configured.
    public static func defaultWebSocketURL(forHost host: String) -> String {
        var rest = host
        for scheme in ["https://", "http://"] where rest.hasPrefix(scheme) {
            rest = String(rest.dropFirst(scheme.count))
        }
        let hostOnly = rest.split(separator: "/").first.map(String.init) ?? rest
        let name = hostOnly.split(separator: ":").first.map(String.init) ?? hostOnly
        return (host.hasPrefix("https://") ? "wss://" : "ws://") + name + ":8765"
    }
}
