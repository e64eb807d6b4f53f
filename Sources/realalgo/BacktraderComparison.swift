// SPDX-License-Identifier: Apache-2.0
import Core
import Foundation
import Strategies

/// Runs `e2e/backtrader_reference.py` (the same EMA-crossover rules in backtrader) over the bars
/// of `realalgo bench lua`, and compares its trade list with RealAlgo's.
///
/// backtrader stamps a cheat-on-close fill with the signal bar's start; RealAlgo fills when the bar
/// has closed, at its end: the comparison lines them up by the bar's start.
struct BacktraderComparison {
    struct Result {
        var seconds: Double
        var fills: Int
        var identical: Bool
        var firstDifference: String?
    }

    let python: String
    let script: String

    func run(_ bars: [Bar], realAlgoFills: [BacktestFill]) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("bars.csv").path
        let out = folder.appendingPathComponent("trades.jsonl").path
        try LuaBenchmark.write(bars, to: csv)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, csv, "--fast", "9", "--slow", "21", "--qty", "10", "--out", out]
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        let seconds = (ContinuousClock.now - start).inSeconds
        guard process.terminationStatus == 0 else { throw BacktestError("\(python) \(script) exited with status \(process.terminationStatus)") }
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        var theirs: [(Int64, String, Int64, Double)] = []
        for line in lines {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let time = object["time"] as? NSNumber,
                let action = object["action"] as? String, let quantity = object["quantity"] as? NSNumber, let price = object["price"] as? NSNumber
            else { throw BacktestError("backtrader wrote a line that is not a fill: \(line)") }
            theirs.append((time.int64Value, action, quantity.int64Value, price.doubleValue))
        }
        let ours = realAlgoFills.map { ($0.timeNanos / 1_000_000_000 - 60, $0.action.rawValue, $0.quantity, $0.price) }
        var difference: String?
        for index in 0..<max(ours.count, theirs.count) {
            let mine = index < ours.count ? "\(ours[index])" : "nothing"
            let other = index < theirs.count ? "\(theirs[index])" : "nothing"
            let same =
                index < ours.count && index < theirs.count && ours[index].0 == theirs[index].0 && ours[index].1 == theirs[index].1
                && ours[index].2 == theirs[index].2 && abs(ours[index].3 - theirs[index].3) < 1e-9
            if !same {
                difference = "fill \(index + 1): RealAlgo \(mine), backtrader \(other)"
                break
            }
        }
        return Result(seconds: seconds, fills: theirs.count, identical: difference == nil, firstDifference: difference)
    }
}
