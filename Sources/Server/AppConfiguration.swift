// SPDX-License-Identifier: Apache-2.0
public import Broker
public import MarketData
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
    /// Folder of `*.lua` strategy files loaded into the hub at start; nil loads none.
    public var strategiesDirectory: String?
    /// Largest request body accepted under /api/ (OpenAlgo's own limit is far smaller than this).
    public var maxRequestBodyBytes = 1 << 20
    public var logFormat = LogFormat.text
    /// Where ticks come from and how long they are kept.
    public var marketData = MarketDataSettings()
    /// OpenAlgo's per-IP limits on `/api/v1/` (`ORDER_RATE_LIMIT`, `API_RATE_LIMIT`, …), on by
    /// default with OpenAlgo's values; ``RateLimitSettings/off`` lifts them (benchmarks).
    public var rateLimits = RateLimitSettings()
    /// Browser sign-in: session lifetime and the failed-sign-in throttle (always on).
    public var sessions = SessionSettings()
    /// Upstream order routes: request timeout and reconcile interval.
    public var upstreamOrders = UpstreamDesk.Settings()

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

/// The market-data settings `serve` takes: which feed runs and how ticks are kept.
public struct MarketDataSettings: Sendable {
    public enum FeedKind: String, Sendable, CaseIterable {
        /// The built-in simulated market (the default: works with no broker account).
        case simulator
        /// Ticks or bars from a CSV file, or the hub's stored ticks, at ×N or full speed on a
        /// simulated clock (see ``MarketDataSettings/Replay``).
        case replay
        /// An OpenAlgo-compatible WebSocket feed from the hub's `openalgo` accounts, with failover.
        case upstream
        /// No feed: quotes and bars only from what is stored.
        case none
    }

    public var feed = FeedKind.simulator
    public var simulatorSeed: UInt64 = 20_261_121
    /// Time between simulator steps (each step ticks every open instrument).
    public var simulatorInterval: Duration = .seconds(1)
    /// A subscribed symbol without a tick for this long while its market is open is a silent feed.
    public var silenceTimeout: Duration = .seconds(30)
    public var tickRetentionDays = 5
    /// Retention of 1s and 5s bars (minute bars and longer are kept).
    public var secondBarRetentionDays = 7
    /// What `--feed replay` plays back, and how fast.
    public var replay = Replay()

    public init() {}

    /// The replay feed's settings: `--replay-file`, `--replay-from`, `--replay-to` and
    /// `--replay-speed`.
    public struct Replay: Sendable, Equatable {
        /// A CSV file of ticks or bars; nil replays the hub's own stored ticks.
        public var file: String?
        /// The first time replayed (nanoseconds since the epoch); nil from the start of the data.
        public var fromNanos: Int64?
        /// The end, exclusive; nil through the end of the data.
        public var untilNanos: Int64?
        /// Real time (×1) unless told otherwise.
        public var speed = ReplaySpeed.times(1)

        public init() {}
    }
}
