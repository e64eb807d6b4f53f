// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Indicators
import Server

/// `realalgo indicators`: computes indicators over a CSV of bars and writes them as JSON, so the
/// end-to-end suite can compare RealAlgo's indicators with TA-Lib's on the same data
/// (`e2e/test_indicators.py`), and so a user can check a strategy's numbers by hand.
struct IndicatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "Compute indicators over a CSV of bars (timestamp,open,high,low,close,volume) and print them as JSON.",
        discussion: """
            Each --indicator is NAME or NAME:P1,P2,… and becomes a key of the JSON object:
              sma:P ema:P wma:P rsi:P (over close)   atr:P adx:P trange   vwap (per IST trading day)
              macd:FAST,SLOW,SIGNAL   bbands:P,UP,DOWN   stoch:FASTK,SLOWK,SLOWD   supertrend:P,MULTIPLIER
            Warm-up bars are null. timestamp is seconds since 1970 (UTC).
            """)

    @Option(name: .long, help: ArgumentHelp("CSV of bars with a header row.", valueName: "file"))
    var input: String

    @Option(name: .long, help: ArgumentHelp("Write the JSON here instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("indicator"), help: ArgumentHelp("An indicator to compute, e.g. ema:20 (repeatable).", valueName: "spec"))
    var indicators: [String]

    func run() throws {
        let bars = try BarColumns(csvAt: input)
        var json = "{"
        for (position, spec) in indicators.enumerated() {
            let value: String
            do {
                value = try Self.compute(spec, over: bars)
            } catch let error as IndicatorError {
                throw IndicatorsCommandError(message: "\(spec): \(error)")
            }
            json += (position == 0 ? "\n" : ",\n") + "  \(Self.quoted(spec)): \(value)"
        }
        json += "\n}\n"
        if let output {
            try Data(json.utf8).write(to: URL(fileURLWithPath: output))
        } else {
            StandardOutput.write(json)
        }
    }

    /// One indicator as a JSON value: an array, or an object of arrays for multi-line indicators.
    static func compute(_ spec: String, over bars: BarColumns) throws -> String {
        let parts = spec.split(separator: ":", maxSplits: 1)
        let name = parts.first.map(String.init) ?? ""
        let parameters = parts.count > 1 ? parts[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []

        func integer(_ position: Int, _ fallback: Int) throws -> Int {
            guard position < parameters.count else { return fallback }
            guard let value = Int(parameters[position]) else {
                throw IndicatorsCommandError(message: "\(spec): parameter \(position + 1) (\(parameters[position])) is not an integer")
            }
            return value
        }
        func real(_ position: Int, _ fallback: Double) throws -> Double {
            guard position < parameters.count else { return fallback }
            guard let value = Double(parameters[position]) else {
                throw IndicatorsCommandError(message: "\(spec): parameter \(position + 1) (\(parameters[position])) is not a number")
            }
            return value
        }
        let (high, low, close) = (bars.high, bars.low, bars.close)
        switch name {
        case "sma": return array(try TA.sma(close, period: try integer(0, 30)))
        case "ema": return array(try TA.ema(close, period: try integer(0, 30)))
        case "wma": return array(try TA.wma(close, period: try integer(0, 30)))
        case "rsi": return array(try TA.rsi(close, period: try integer(0, 14)))
        case "trange": return array(try TA.trueRange(high: high, low: low, close: close))
        case "atr": return array(try TA.atr(high: high, low: low, close: close, period: try integer(0, 14)))
        case "adx": return array(try TA.adx(high: high, low: low, close: close, period: try integer(0, 14)))
        case "vwap":
            let sessions = TA.tradingDays(epochSeconds: bars.timestamp)
            return array(try TA.vwap(high: high, low: low, close: close, volume: bars.volume, sessions: sessions))
        case "macd":
            let macd = try TA.macd(close, fastPeriod: try integer(0, 12), slowPeriod: try integer(1, 26), signalPeriod: try integer(2, 9))
            return object(["macd": macd.macd, "signal": macd.signal, "histogram": macd.histogram])
        case "bbands":
            let bands = try TA.bbands(close, period: try integer(0, 5), deviationsUp: try real(1, 2), deviationsDown: try real(2, 2))
            return object(["upper": bands.upper, "middle": bands.middle, "lower": bands.lower])
        case "stoch":
            let stoch = try TA.stoch(
                high: high, low: low, close: close, fastKPeriod: try integer(0, 5), slowKPeriod: try integer(1, 3),
                slowDPeriod: try integer(2, 3))
            return object(["k": stoch.k, "d": stoch.d])
        case "supertrend":
            let result = try TA.supertrend(high: high, low: low, close: close, period: try integer(0, 10), multiplier: try real(1, 3))
            return object(["trend": result.trend, "direction": result.direction])
        default:
            throw IndicatorsCommandError(
                message: "\(spec): unknown indicator \(name); known: sma ema wma rsi trange atr adx vwap macd bbands stoch supertrend")
        }
    }

    /// JSON numbers in Swift's shortest round-trip form, so no digit is lost; NaN (warm-up) is null.
    static func array(_ values: [Double]) -> String {
        "[" + values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
    }

    static func object(_ lines: KeyValuePairs<String, [Double]>) -> String {
        "{" + lines.map { "\(quoted($0.key)): \(array($0.value))" }.joined(separator: ", ") + "}"
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// The columns of a bars CSV, found by header name so their order does not matter.
struct BarColumns {
    var timestamp: [Int64] = []
    var high: [Double] = []
    var low: [Double] = []
    var close: [Double] = []
    var volume: [Double] = []

    init(csvAt path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw IndicatorsCommandError(message: "cannot read \(path): \(error.localizedDescription)")
        }
        var lines = text.split(whereSeparator: \.isNewline).makeIterator()
        guard let header = lines.next() else { throw IndicatorsCommandError(message: "\(path) is empty") }
        let names = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ name: String) throws -> Int {
            guard let index = names.firstIndex(of: name) else {
                throw IndicatorsCommandError(message: "\(path) has no \(name) column (header: \(header))")
            }
            return index
        }
        let columns = (try column("timestamp"), try column("high"), try column("low"), try column("close"), try column("volume"))
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func number(_ index: Int) throws -> Double {
                guard index < fields.count, let value = Double(fields[index]) else {
                    throw IndicatorsCommandError(message: "\(path) line \(lineNumber): \(names[index]) is not a number")
                }
                return value
            }
            guard columns.0 < fields.count, let stamp = Int64(fields[columns.0]) else {
                throw IndicatorsCommandError(message: "\(path) line \(lineNumber): timestamp is not whole seconds since 1970")
            }
            timestamp.append(stamp)
            high.append(try number(columns.1))
            low.append(try number(columns.2))
            close.append(try number(columns.3))
            volume.append(try number(columns.4))
        }
    }
}

struct IndicatorsCommandError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
