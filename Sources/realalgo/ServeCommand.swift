// SPDX-License-Identifier: Apache-2.0
public import ArgumentParser
import Broker
import Core
import Cryptography
import Foundation
import Logging
import LuaBridge
import MarketData
import Metrics
import Prometheus
import Schema
import Server
import ServiceLifecycle

/// `realalgo serve`: migrate the hub, then serve the API, the browser app and metrics until
/// SIGINT or SIGTERM, which shut it down gracefully (requests in flight finish, the hub closes).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the RealAlgo server (HTTP API, browser app, metrics) on the embedded hub.")

    @OptionGroup var data: DataDirOptions

    @Option(help: ArgumentHelp("Address to listen on (env REALALGO_HOST).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("HTTP port (env REALALGO_PORT; 0 picks a free port).", valueName: "port"))
    var port: Int?

    @Option(name: .customLong("ws-port"), help: ArgumentHelp("WebSocket market-data port (env REALALGO_WS_PORT).", valueName: "port"))
    var webSocketPort: Int?

    @Flag(name: .customLong("always-open"), help: "Ignore market hours in the simulator and sandbox (env REALALGO_ALWAYS_OPEN).")
    var alwaysOpen = false

    @Option(help: ArgumentHelp("Modules to enable: market-data, broker, strategies, or all (env REALALGO_MODULES).", valueName: "list"))
    var modules: String?

    @Option(name: .customLong("web-dir"), help: ArgumentHelp("Folder of the browser app (env REALALGO_WEB_DIR; default ./web).", valueName: "path"))
    var webDirectory: String?

    @Option(
        name: .customLong("strategies-dir"),
        help: ArgumentHelp("Folder of Lua strategy files loaded at start (env REALALGO_STRATEGIES_DIR; default ./strategies).", valueName: "path"))
    var strategiesDirectory: String?

    @Option(name: .customLong("log-format"), help: "Log format on standard error: text or json (env REALALGO_LOG_FORMAT).")
    var logFormat: LogFormat?

    @Option(name: .customLong("log-level"), help: "Lowest log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Commit durability: normal (survives a process crash) or full (also survives power loss).")
    var durability: Store.Durability = .normal

    @Option(name: .customLong("shutdown-grace"), help: "Seconds requests in flight get to finish after SIGTERM/SIGINT.")
    var shutdownGrace: Double = 10

    @Option(help: ArgumentHelp("Market-data feed: simulator, replay, upstream or none (env REALALGO_FEED).", valueName: "kind"))
    var feed: MarketDataSettings.FeedKind?

    @Option(
        name: .customLong("replay-file"),
        help: ArgumentHelp("CSV of ticks or bars for --feed replay (default: replay the hub's stored ticks).", valueName: "path"))
    var replayFile: String?

    @Option(
        name: .customLong("replay-from"),
        help: ArgumentHelp(
            "Replay from this date or time: 2026-11-23, 2026-11-23T10:00:00+05:30, epoch seconds or ms (IST without an offset).", valueName: "time"))
    var replayFrom: String?

    @Option(
        name: .customLong("replay-to"),
        help: ArgumentHelp("Replay up to this time (exclusive); a date alone means through that day.", valueName: "time"))
    var replayTo: String?

    @Option(
        name: .customLong("replay-speed"),
        help: ArgumentHelp("Replay speed: a multiple of real time (1, 10, 0.5) or max (as fast as possible); default 1.", valueName: "N|max"))
    var replaySpeed: String?

    @Option(name: .customLong("sim-seed"), help: "Seed of the simulated market (the same seed replays the same prices).")
    var simulatorSeed: UInt64?

    @Option(name: .customLong("sim-interval-ms"), help: "Milliseconds between simulator steps (10…60000).")
    var simulatorIntervalMilliseconds: Int?

    @Option(
        name: .customLong("silence-timeout"), help: "Seconds without a tick on a subscribed symbol (market open) before an upstream feed reconnects.")
    var silenceTimeout: Double?

    @Option(name: .customLong("tick-retention-days"), help: "Days of ticks kept in the hub (1…3650).")
    var tickRetentionDays: Int?

    @Option(
        name: .customLong("upstream-reconcile-seconds"),
        help: "Seconds between reconciles of upstream accounts with working orders (env REALALGO_UPSTREAM_RECONCILE_SECONDS; default 5).")
    var upstreamReconcileSeconds: Double?

    @Option(
        name: .customLong("upstream-timeout-seconds"),
        help: "Longest wait for an upstream account's answer to one request (env REALALGO_UPSTREAM_TIMEOUT_SECONDS; default 10).")
    var upstreamTimeoutSeconds: Double?

    @Flag(name: .customLong("no-rate-limits"), help: "Lift every /api/v1 rate limit, e.g. for benchmarks (env REALALGO_RATE_LIMITS=off).")
    var noRateLimits = false

    func validate() throws {
        for (name, value) in [("--port", port), ("--ws-port", webSocketPort)] {
            if let value, !(0...65_535).contains(value) { throw ValidationError("\(name) must be between 0 and 65535") }
        }
        guard shutdownGrace >= 0, shutdownGrace <= 3600 else { throw ValidationError("--shutdown-grace must be between 0 and 3600 seconds") }
        // Settings from the environment are checked here too, so a bad one prints serve's usage.
        _ = try resolveConfiguration()
    }

    /// Flags, then REALALGO_* variables, then defaults.
    func resolveConfiguration() throws -> AppConfiguration {
        var configuration = AppConfiguration(dataDirectory: data.dataDirectory)
        configuration.host = host ?? EnvironmentSetting.string("REALALGO_HOST") ?? configuration.host
        configuration.port = try port ?? EnvironmentSetting.integer("REALALGO_PORT", in: 0...65_535) ?? configuration.port
        configuration.webSocketPort =
            try webSocketPort ?? EnvironmentSetting.integer("REALALGO_WS_PORT", in: 0...65_535) ?? configuration.webSocketPort
        configuration.alwaysOpen = try alwaysOpen || (EnvironmentSetting.bool("REALALGO_ALWAYS_OPEN") ?? false)
        if let list = modules ?? EnvironmentSetting.string("REALALGO_MODULES") {
            do { configuration.modules = try AppModule.parseList(list) } catch { throw ValidationError(String(describing: error)) }
        }
        if let format = logFormat {
            configuration.logFormat = format
        } else if let text = EnvironmentSetting.string("REALALGO_LOG_FORMAT") {
            guard let format = LogFormat(rawValue: text) else { throw ValidationError("REALALGO_LOG_FORMAT=\(text) must be text or json") }
            configuration.logFormat = format
        }
        configuration.marketData = try resolveMarketData()
        configuration.rateLimits = try resolveRateLimits()
        configuration.upstreamOrders = try resolveUpstreamOrders()
        configuration.webRoot = try WebRoot.locate(flag: webDirectory ?? EnvironmentSetting.string("REALALGO_WEB_DIR"))
        configuration.strategiesDirectory = try Self.strategiesFolder(strategiesDirectory ?? EnvironmentSetting.string("REALALGO_STRATEGIES_DIR"))
        do { try SecretKey.validateEnvironment() } catch { throw ValidationError(String(describing: error)) }
        return configuration
    }

    private func resolveMarketData() throws -> MarketDataSettings {
        var settings = MarketDataSettings()
        if let feed {
            settings.feed = feed
        } else if let text = EnvironmentSetting.string("REALALGO_FEED") {
            guard let kind = MarketDataSettings.FeedKind(rawValue: text) else {
                throw ValidationError("REALALGO_FEED=\(text) must be one of: simulator, replay, upstream, none")
            }
            settings.feed = kind
        }
        let replayFlags = [("--replay-file", replayFile), ("--replay-from", replayFrom), ("--replay-to", replayTo), ("--replay-speed", replaySpeed)]
        if settings.feed != .replay, let flag = replayFlags.first(where: { $0.1 != nil }) {
            throw ValidationError("\(flag.0) needs --feed replay")
        }
        if settings.feed == .replay { settings.replay = try resolveReplay() }
        if let simulatorSeed { settings.simulatorSeed = simulatorSeed }
        if let milliseconds = simulatorIntervalMilliseconds {
            guard (10...60_000).contains(milliseconds) else { throw ValidationError("--sim-interval-ms must be between 10 and 60000") }
            settings.simulatorInterval = .milliseconds(milliseconds)
        }
        if let silenceTimeout {
            guard silenceTimeout >= 1, silenceTimeout <= 3600 else { throw ValidationError("--silence-timeout must be between 1 and 3600 seconds") }
            settings.silenceTimeout = .milliseconds(Int64(silenceTimeout * 1000))
        }
        if let tickRetentionDays {
            guard (1...3650).contains(tickRetentionDays) else { throw ValidationError("--tick-retention-days must be between 1 and 3650") }
            settings.tickRetentionDays = tickRetentionDays
        }
        return settings
    }

    /// How upstream order routes wait and reconcile: flags, then variables, then the defaults.
    private func resolveUpstreamOrders() throws -> UpstreamDesk.Settings {
        var settings = UpstreamDesk.Settings()
        let reconcile = try upstreamReconcileSeconds ?? EnvironmentSetting.double("REALALGO_UPSTREAM_RECONCILE_SECONDS")
        if let reconcile {
            guard reconcile >= 0.1, reconcile <= 3600 else {
                throw ValidationError("--upstream-reconcile-seconds must be between 0.1 and 3600")
            }
            settings.reconcileInterval = .milliseconds(Int64(reconcile * 1000))
        }
        let timeout = try upstreamTimeoutSeconds ?? EnvironmentSetting.double("REALALGO_UPSTREAM_TIMEOUT_SECONDS")
        if let timeout {
            guard timeout >= 0.1, timeout <= 300 else { throw ValidationError("--upstream-timeout-seconds must be between 0.1 and 300") }
            settings.requestTimeout = .milliseconds(Int64(timeout * 1000))
        }
        return settings
    }

    /// OpenAlgo's own variables (`ORDER_RATE_LIMIT`, `API_RATE_LIMIT`, …, unprefixed so an
    /// OpenAlgo `.env` works as is), each also `off`; then `REALALGO_RATE_LIMITS=off` or
    /// `--no-rate-limits`, which lift them all; and `REALALGO_TRUSTED_PROXIES`, the proxies whose
    /// `X-Forwarded-For` names the client. A limit that does not parse stops startup, naming the
    /// variable: running without the limit the operator meant would go unnoticed.
    private func resolveRateLimits() throws -> RateLimitSettings {
        var settings = RateLimitSettings()
        for category in RateLimitCategory.allCases {
            guard let text = EnvironmentSetting.string(category.environmentVariable) else { continue }
            do { settings.limits[category] = try RateLimit.parse(text) } catch { throw ValidationError("\(category.environmentVariable)=\(error)") }
        }
        settings.enabled = try !noRateLimits && (EnvironmentSetting.bool("REALALGO_RATE_LIMITS") ?? true)
        if let list = EnvironmentSetting.string("REALALGO_TRUSTED_PROXIES") {
            settings.trustedProxies = try list.split(separator: ",").map { item in
                let text = item.trimmingCharacters(in: .whitespaces)
                guard let range = IPAddressRange(parsing: text) else {
                    throw ValidationError(
                        "REALALGO_TRUSTED_PROXIES=\(list): \(text) is not an IP address or CIDR block such as 127.0.0.1 or 10.0.0.0/8")
                }
                return range
            }
        }
        return settings
    }

    /// `--replay-*`: the file must exist (its rows are checked when `serve` starts), the times
    /// parse and are in order, and the speed is `max` or a sane multiple.
    private func resolveReplay() throws -> MarketDataSettings.Replay {
        var replay = MarketDataSettings.Replay()
        if let replayFile {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: replayFile, isDirectory: &isDirectory) else {
                throw ValidationError("the replay file \(replayFile) does not exist")
            }
            guard !isDirectory.boolValue else { throw ValidationError("the replay file \(replayFile) is a folder, not a CSV file") }
            replay.file = replayFile
        }
        if let replayFrom {
            guard let parsed = ReplayTimestamp.parse(replayFrom) else {
                throw ValidationError("--replay-from \(replayFrom) is not a date or time: use \(ReplayTimestamp.expectedForms)")
            }
            replay.fromNanos = parsed.nanos
        }
        if let replayTo {
            guard let parsed = ReplayTimestamp.parse(replayTo) else {
                throw ValidationError("--replay-to \(replayTo) is not a date or time: use \(ReplayTimestamp.expectedForms)")
            }
            // A date alone means through the end of that day.
            replay.untilNanos = parsed.isDateOnly ? parsed.nanos + 86_400 * 1_000_000_000 : parsed.nanos
        }
        if let from = replay.fromNanos, let until = replay.untilNanos, until <= from {
            throw ValidationError("--replay-to must be later than --replay-from")
        }
        if let replaySpeed {
            guard let speed = ReplaySpeed(parsing: replaySpeed) else {
                throw ValidationError(
                    "--replay-speed \(replaySpeed) must be max, or a multiple of real time from 0.001 to 1000000 such as 1, 10 or 0.5")
            }
            replay.speed = speed
        }
        return replay
    }

    func run() async throws {
        let configuration = try resolveConfiguration()

        let logger = LoggingSetup.bootstrap(format: configuration.logFormat, level: logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        try configuration.dataDirectory.create()
        let secretKey = try SecretKey.load(dataDirectory: configuration.dataDirectory.url)
        var options = Store.Options()
        options.durability = durability
        let store = try Store.open(at: configuration.dataDirectory.databaseURL, options: options)
        do {
            try await serve(store, configuration: configuration, secretKey: secretKey, registry: registry, logger: logger)
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
        logger.info("RealAlgo stopped")
    }

    /// Prepares the hub and serves until a signal; the caller owns and closes the store.
    private func serve(
        _ store: Store, configuration: AppConfiguration, secretKey: SecretKey, registry: PrometheusCollectorRegistry, logger: Logger
    ) async throws {
        let today = HubMaintenance.todayInIndia(now: Int64(Date().timeIntervalSince1970))
        let report = try await HubMaintenance.prepare(store, today: today)
        if !report.appliedMigrations.isEmpty {
            logger.info("applied migrations", metadata: ["migrations": "\(report.appliedMigrations.joined(separator: ", "))"])
        }
        logger.info(
            "instrument master rolled", metadata: ["listed": "\(report.roll.listed)", "retired": "\(report.roll.retired)", "date": "\(today)"])
        if case .failure(let error) = LuaRuntime.selfCheck() {
            throw ValidationError("the Lua runtime failed its self-check: \(error.message)")
        }
        logger.info("rate limits per client IP", metadata: ["limits": "\(configuration.rateLimits.summary)"])
        if configuration.webRoot == nil { logger.warning("no ./web folder: the browser app is not served (pass --web-dir)") }

        let marketData: MarketDataService? =
            configuration.modules.contains(.marketData)
            ? try await MarketDataService.prepare(store: store, configuration: configuration, secretKey: secretKey, logger: logger) : nil
        // The sandbox broker trades on the hub's prices, so it needs the market-data module.
        let broker: BrokerService? =
            if configuration.modules.contains(.broker), let hub = marketData?.hub {
                try await BrokerService.prepare(
                    store: store, hub: hub, alwaysOpen: configuration.alwaysOpen, secretKey: secretKey, upstream: configuration.upstreamOrders,
                    logger: logger)
            } else { nil }
        if configuration.modules.contains(.broker), marketData == nil {
            logger.warning("the broker module needs the market-data module for prices; order endpoints are off")
        }
        if configuration.modules.contains(.strategies), broker == nil {
            logger.warning("the strategies module needs the broker and market-data modules (strategies place orders); strategy endpoints are off")
        }
        let dependencies = AppDependencies(
            store: store, secretKey: secretKey, metrics: registry, marketData: marketData, broker: broker, logger: logger)
        let host = configuration.host
        let dataPath = configuration.dataDirectory.url.path
        let app = buildApplication(configuration, dependencies: dependencies, logger: logger) { boundPort in
            // Scripts and tests read this line to learn the port (useful with --port 0).
            StandardOutput.write("RealAlgo \(RealAlgoVersion.current) serving http://\(host):\(boundPort) (data: \(dataPath))\n")
        }
        let socketServer = buildMarketDataSocketServer(configuration, dependencies: dependencies, logger: logger) { boundPort in
            StandardOutput.write("RealAlgo market-data WebSocket on ws://\(host):\(boundPort)\n")
        }
        // Started in this order and stopped in reverse: the listeners close first, then the
        // market data flushes its queued ticks before the hub closes.
        var services: [any Service] = []
        if let marketData { services.append(marketData) }
        services.append(app)
        if let socketServer { services.append(socketServer) }
        try await runUntilSignalled(services, gracePeriod: .milliseconds(Int64(shutdownGrace * 1000)), logger: logger)
    }
}

extension LogFormat: ExpressibleByArgument {}
extension MarketDataSettings.FeedKind: ExpressibleByArgument {}
extension Store.Durability: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Finds the browser app's folder.
enum WebRoot {
    /// `--web-dir` / `REALALGO_WEB_DIR` if given (it must be a folder), else `./web` if present.
    /// - Throws: `ValidationError` for a given folder that does not exist.
    static func locate(flag: String?) throws -> String? {
        func isFolder(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if let flag {
            guard isFolder(flag) else { throw ValidationError("the web folder \(flag) does not exist") }
            return flag
        }
        return isFolder("web") ? "web" : nil
    }
}

/// Installs the process-wide log handler once.
enum LoggingSetup {
    static func bootstrap(format: LogFormat, level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch format {
                case .json: JSONLogHandler(label: label)
                case .text: StreamLogHandler.standardError(label: label)
                }
            handler.logLevel = level
            return handler
        }
        return Logger(label: "realalgo")
    }
}

extension ServeCommand {
    /// The strategies folder: the one given (it must exist), else `./strategies` when present.
    static func strategiesFolder(_ flag: String?) throws -> String? {
        var isDirectory: ObjCBool = false
        if let flag {
            guard FileManager.default.fileExists(atPath: flag, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--strategies-dir \(flag) is not a folder")
            }
            return flag
        }
        return FileManager.default.fileExists(atPath: "strategies", isDirectory: &isDirectory) && isDirectory.boolValue ? "strategies" : nil
    }
}
