// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Core
import Foundation
import LuaBridge
import MarketData
import Schema
import Server
import Strategies

/// `realalgo backtest`: runs a strategy file over bars (a CSV or the hub) or ticks (a replay CSV)
/// on a simulated clock, prints the report and the trade list's hash, and stores the run in the
/// hub (`backtest_runs`, `backtest_trades`).
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run a Lua strategy over recorded bars or ticks and report trades, P&L, drawdown, win rate and Sharpe.",
        discussion: """
            Data: --data FILE.csv (bars: timestamp,open,high,low,close[,volume][,symbol][,exchange];
            ticks: a replay tick file with timestamp,symbol,exchange,ltp…), or the hub's stored bars
            of the strategy's symbols between --from and --to.
            The same inputs always give the same trades: compare the printed trades_sha256.
            Sweeps: --sweep fast=5,9,13 --sweep slow=21,34 runs every combination on all cores.
            """)

    @Argument(help: ArgumentHelp("The strategy file.", valueName: "file.lua"))
    var file: String

    @Option(help: ArgumentHelp("CSV of bars or ticks; without it, bars come from the hub.", valueName: "file"))
    var data: String?

    @Option(help: ArgumentHelp("Symbols to trade, comma separated (default: the strategy's).", valueName: "NSE:SBIN,…"))
    var symbols: String?

    @Option(help: ArgumentHelp("Bars' timeframe (default: the strategy's, or inferred from the file).", valueName: "1m"))
    var timeframe: String?

    @Option(help: ArgumentHelp("First bar (hub data): a date or time, IST when no offset.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("End of data (hub data), exclusive; a date alone means through that day.", valueName: "time"))
    var to: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("A param value, e.g. fast=9 (repeatable).", valueName: "name=value"))
    var params: [String] = []

    @Option(name: .customLong("sweep"), help: ArgumentHelp("Values to sweep, e.g. fast=5,9,13 (repeatable).", valueName: "name=v1,v2"))
    var sweeps: [String] = []

    @Option(help: "Starting cash in rupees.")
    var capital: Double = 1_000_000

    @Flag(help: "Ignore the trading calendar (data outside market hours).")
    var alwaysOpen = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Write the trade list as CSV.", valueName: "file"))
    var trades: String?

    @Option(help: ArgumentHelp("Brokerage in rupees charged on every fill.", valueName: "rupees"))
    var costPerOrder: Double = 0

    @Option(help: ArgumentHelp("Charges in basis points of each fill's turnover (3 = ₹0.03 per ₹100).", valueName: "bps"))
    var costBps: Double = 0

    @Flag(help: "Print the strategy's log lines (ctx.log) after the report.")
    var logs = false

    @Flag(help: "Do not store the run in the hub.")
    var noStore = false

    @OptionGroup var dataDir: DataDirOptions

    func run() async throws {
        guard let source = try? String(contentsOfFile: file, encoding: .utf8) else { throw ValidationError("\(file): cannot be read") }
        let chunkName = URL(fileURLWithPath: file).lastPathComponent
        let hub = try? Store.open(at: dataDir.dataDirectory.databaseURL, options: Self.readOptions)
        let instruments = InstrumentDirectory(try await hub?.marketData.activeInstruments() ?? [])
        let calendar = try await hub?.calendar.load() ?? TradingCalendar(templates: [], holidays: [], specialSessions: [])
        let databaseURL = dataDir.dataDirectory.databaseURL
        let contracts: @Sendable (String, String) -> [Instrument] = { instruments.contracts(underlying: $0, exchange: $1) }
        var query: (@Sendable (String, Int) throws -> QueryResult)?
        if hub != nil {
            query = { @Sendable sql, rows in try ReadOnlyQuery.run(sql, databaseURL: databaseURL, limits: ReadOnlyQuery.Limits(maxRows: rows)) }
        }
        let environment = BacktestSession.Environment(
            instruments: instruments, calendar: calendar, alwaysOpen: alwaysOpen, contracts: contracts, hubQuery: query)
        guard let costs = BacktestCosts(perOrder: costPerOrder, turnoverBasisPoints: costBps) else {
            throw ValidationError("--cost-per-order and --cost-bps must be zero or more")
        }
        if hub == nil, !noStore {
            StandardOutput.write(
                "realalgo: no hub in \(dataDir.dataDirectory.url.path): the run is not stored (`realalgo migrate` creates one; --no-store says so)\n",
                toStandardError: true)
        }
        let session = BacktestSession(source: source, chunkName: chunkName, environment: environment, initialCapital: capital, costs: costs)
        let declaration: StrategyDeclaration
        do {
            declaration = try StrategyInstance.check(
                source: source, chunkName: chunkName, desk: BacktestDesk(instruments: instruments, calendar: calendar, initialCapital: capital))
        } catch let error as StrategyScriptError {
            throw ValidationError("\(file): \(error)")
        }
        let input = try await loadData(declaration: declaration, instruments: instruments, calendar: calendar, hub: hub)
        let overrides = try Self.values(params, single: true).mapValues { $0[0] }
        if sweeps.isEmpty {
            let outcome: BacktestSession.Outcome
            do { outcome = try session.run(input.data, parameters: overrides) } catch let error as StrategyScriptError {
                // A bad --param is a mistake in the command; anything else is the script's.
                if error.kind == .parameter { throw ValidationError("\(file): \(error)") }
                StandardOutput.write("realalgo: \(file): \(error)\n", toStandardError: true)
                throw ExitCode.failure
            }
            try await print(outcome, source: source, input: input, store: hub)
            if let failure = outcome.failure {
                StandardOutput.write("realalgo: \(file): the strategy stopped with an error: \(failure)\n", toStandardError: true)
                throw ExitCode.failure
            }
            return
        }
        var grid = try Self.values(sweeps, single: false)
        for (name, value) in overrides where grid[name] == nil { grid[name] = [value] }
        let combinations = try BacktestSweep.grid(grid)
        // A value out of spec or a param the file does not declare is a mistake in the command,
        // not a result: refuse it before anything runs, as a single run does.
        for combination in combinations {
            do { _ = try declaration.resolveParameters(combination) } catch let error as StrategyScriptError {
                throw ValidationError("\(file): \(error)")
            }
        }
        let sweepID = "sweep-\(Int64(Date().timeIntervalSince1970 * 1000))"
        let results = BacktestSweep.run(
            session, data: input.data, combinations: combinations, parallelism: ProcessInfo.processInfo.activeProcessorCount)
        StandardOutput.write(json ? "[\n" : "params\tnet_pnl\ttrades\twin_rate\tmax_drawdown\tsharpe\ttrades_sha256\n")
        for (index, (combination, result)) in zip(combinations, results).enumerated() {
            let label = combination.keys.sorted().map { "\($0)=\(Self.text(combination[$0] ?? .nil))" }.joined(separator: " ")
            let params = try LuaJSON.encode(.dictionary(Dictionary(uniqueKeysWithValues: combination.map { (LuaValue.string($0.key), $0.value) })))
            // A run the script broke is a failed row, as one that could not start: never a result.
            let outcome: BacktestSession.Outcome
            switch result {
            case .success(let ran) where ran.failure == nil:
                outcome = ran
            case .success(let ran):
                Self.writeFailure(ran.failure.map { "\($0)" } ?? "", label: label, params: params, first: index == 0, json: json)
                continue
            case .failure(let error):
                Self.writeFailure("\(error)", label: label, params: params, first: index == 0, json: json)
                continue
            }
            if !noStore, let hub {
                do { _ = try await store(outcome, source: source, input: input, hub: hub, sweepID: sweepID) } catch {
                    StandardOutput.write("realalgo: the run \(label) was not stored in the hub: \(error)\n", toStandardError: true)
                }
            }
            let report = outcome.report
            if json {
                StandardOutput.write((index > 0 ? ",\n" : "") + "{\"params\": \(params), \"report\": \(try report.jsonText())}")
            } else {
                StandardOutput.write(
                    "\(label)\t\(Self.money(report.netPnL))\t\(report.trades)\t\(report.winRate.map { String(format: "%.3f", $0) } ?? "-")\t\(Self.money(report.maxDrawdown))\t\(report.sharpe.map { String(format: "%.3f", $0) } ?? "-")\t\(report.tradesSHA256)\n"
                )
            }
        }
        if json { StandardOutput.write("\n]\n") }
    }

    /// One sweep row for a combination that failed: `error:` and why, with its params.
    static func writeFailure(_ error: String, label: String, params: String, first: Bool, json: Bool) {
        if json {
            let message = (try? LuaJSON.encode(.string(error))) ?? "\"\""
            StandardOutput.write((first ? "" : ",\n") + "{\"params\": \(params), \"error\": \(message)}")
        } else {
            StandardOutput.write("\(label)\terror: \(error)\n")
        }
    }

    static var readOptions: Store.Options {
        var options = Store.Options()
        options.create = false
        return options
    }
}
