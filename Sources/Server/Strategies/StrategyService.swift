// SPDX-License-Identifier: Apache-2.0
import Broker
import Core
import Foundation
import Logging
import LuaBridge
import MarketData
import Schema
import ServiceLifecycle
import Strategies

/// The Lua strategies inside the server: the ``StrategyHost`` on the hub's ticks and bars, the
/// `strategies/` files loaded at start, and the start and stop of runs for the API.
///
/// At start, runs a previous process left live are closed as `stopped` ("server restarted"): a run
/// is never resumed behind the user's back, and its orders, positions and state stay in the hub.
final class StrategyService: Service {
    let host: StrategyHost
    let store: Store
    let hub: MarketDataHub
    let routing: OrderRouting
    let strategiesDirectory: String?
    let logger: Logger

    init(store: Store, hub: MarketDataHub, routing: OrderRouting, alwaysOpen: Bool, strategiesDirectory: String?, logger: Logger) {
        self.store = store
        self.hub = hub
        self.routing = routing
        self.strategiesDirectory = strategiesDirectory
        self.logger = logger
        host = StrategyHost(
            hub: hub, store: store, calendar: hub.calendar, clock: hub.clock, recorder: HubStrategyRecorder(store: store), logger: logger,
            alwaysOpen: alwaysOpen)
        hub.addListener(host)
    }

    func run() async throws {
        for run in try await store.strategyRuns.liveRuns() {
            try await store.strategyRuns.finish(runID: run.id, status: .stopped, reason: "server restarted")
            logger.notice("closed a run the previous server left live", metadata: ["strategy_id": "\(run.strategyID)", "run_id": "\(run.id)"])
        }
        // Graceful shutdown cancels the loops; then every run ends without closing positions.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.loadFilesOnceAnAdminExists() }
                group.addTask { await self.host.run() }
                await group.waitForAll()
            }
        }
        await host.shutdown()
    }

    // MARK: Files

    /// Loads the files at start, or — on a fresh hub — as soon as its first (admin) user exists,
    /// checking every few seconds until then.
    func loadFilesOnceAnAdminExists() async {
        guard strategiesDirectory != nil else { return }
        var told = false
        while !Task.isCancelled {
            if let owner = try? await store.users.list().first(where: { $0.isAdmin && $0.isActive }) {
                await loadFiles(for: owner)
                return
            }
            if !told {
                logger.notice("strategy files wait for the hub's first user", metadata: ["directory": "\(strategiesDirectory ?? "")"])
                told = true
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    /// Loads `strategies/*.lua` for `owner` (the first admin user): new files become strategies,
    /// changed ones new versions. A file that does not load is logged and skipped.
    func loadFiles(for owner: User) async {
        guard let directory = strategiesDirectory else { return }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory).filter({ $0.hasSuffix(".lua") }).sorted(), !names.isEmpty
        else { return }
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw StrategyScriptError(.declaration, "cannot be read")
                }
                let declaration = try check(source, chunkName: name)
                let result = try await store.strategies.upsertFromFile(
                    userID: owner.id, name: declaration.name, source: source, filePath: path, declared: Self.declared(declaration))
                logger.info(
                    "strategy file loaded",
                    metadata: ["file": "\(name)", "strategy_id": "\(result.record.id)", "change": "\(result.change.rawValue)"])
            } catch {
                logger.warning("strategy file skipped", metadata: ["file": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Compiles a source and reads its declaration, without running any callback.
    /// - Throws: ``StrategyScriptError`` with the line of a syntax error.
    func check(_ source: String, chunkName: String) throws -> StrategyDeclaration {
        let desk = BacktestDesk(instruments: hub, calendar: hub.calendar, initialCapital: 1, alwaysOpen: true)
        return try StrategyInstance.check(source: source, chunkName: chunkName, desk: desk)
    }

    static func declared(_ declaration: StrategyDeclaration) -> StrategyDeclaredFields {
        StrategyDeclaredFields(
            symbols: declaration.symbols.map(\.key), timeframe: declaration.timeframe, paramsJSON: nil, description: declaration.description)
    }
}
