// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation

/// `realalgo bench <name>`: measured figures for docs/BENCHMARKS.md. Run them on a release build.
/// Every benchmark prints readable figures, or with `--json` one JSON object of named figures.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures (use a release build).",
        subcommands: [StoreBenchmark.self, FeedBenchmark.self, OrdersBenchmark.self, LuaBenchmark.self])
}

/// Named figures, printed for people or as one JSON object for scripts.
struct BenchmarkReport {
    var title: String
    var notes: [String] = []
    var figures: [(key: String, label: String, value: Double, unit: String)] = []

    mutating func add(_ key: String, _ label: String, _ value: Double, unit: String) {
        figures.append((key, label, value, unit))
    }

    func print(json: Bool) {
        if json {
            let body = figures.map { "\"\($0.key)\": \(Self.number($0.value))" }.joined(separator: ", ")
            Swift.print("{\(body)}")
            return
        }
        Swift.print(title)
        for note in notes { Swift.print("  \(note)") }
        let width = figures.map(\.label.count).max() ?? 0
        for figure in figures {
            Swift.print("  \(figure.label.padding(toLength: width, withPad: " ", startingAt: 0))  \(Self.grouped(figure.value)) \(figure.unit)")
        }
    }

    static var buildKind: String {
        #if DEBUG
            "debug build: figures are not representative, use `swift build -c release`"
        #else
            "release build"
        #endif
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3f", value)
    }

    private static func grouped(_ value: Double) -> String {
        if abs(value) >= 100 {
            let formatter = NumberFormatter()
            formatter.numberStyle = .decimal
            formatter.maximumFractionDigits = 0
            return formatter.string(from: NSNumber(value: value.rounded())) ?? String(Int64(value))
        }
        return String(format: "%.2f", value)
    }
}
