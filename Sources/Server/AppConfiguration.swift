// SPDX-License-Identifier: Apache-2.0
public import Schema

/// Everything `serve` (and a test) decides about a running server. Built by the command line from
/// flags and `REALALGO_*` variables; tests build it directly.
public struct AppConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 5000
    /// The OpenAlgo-compatible WebSocket port the official client connects to.
    public var webSocketPort = 8765
    public var dataDirectory: DataDirectory
    /// The simulator and sandbox ignore market hours (demos and tests).
    public var alwaysOpen = false
    public var modules: Set<AppModule> = Set(AppModule.allCases)
    /// Folder of the browser app; nil serves no static files.
    public var webRoot: String?
    /// Largest request body accepted under /api/ (OpenAlgo's own limit is far smaller than this).
    public var maxRequestBodyBytes = 1 << 20
    public var logFormat = LogFormat.text

    public init(dataDirectory: DataDirectory) {
        self.dataDirectory = dataDirectory
    }
}

/// Log line format on standard error.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    /// One JSON object per line, for log shippers.
    case json
}
