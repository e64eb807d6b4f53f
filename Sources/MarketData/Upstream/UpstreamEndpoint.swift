// SPDX-License-Identifier: Apache-2.0
import Core

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
        UpstreamAddress.defaultWebSocketURL(forHost: host)
    }
}
