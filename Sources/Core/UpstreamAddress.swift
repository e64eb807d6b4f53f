// SPDX-License-Identifier: Apache-2.0

/// Where an OpenAlgo-compatible upstream's endpoints are, from its REST host.
public enum UpstreamAddress {
    /// OpenAlgo's default: the REST host with port 8765 when no WebSocket URL is configured
    /// (`wss://` for an `https://` host).
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
