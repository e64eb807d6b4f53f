// SPDX-License-Identifier: Apache-2.0
import Foundation

extension BacktestReport {
    /// The report as JSON, for `--json`: keys sorted, so the same report is the same bytes.
    ///
    /// Doubles are written by Foundation's `JSONEncoder` in their shortest round-trip form; nil
    /// ratios (``winRate``, ``profitFactor``, ``sharpe``) and times are left out.
    ///
    /// - Parameter prettyPrinted: indent for reading; the compact form is one line.
    /// - Throws: `EncodingError` for a non-finite number; the ledger produces none, so only a
    ///   `periodsPerYear` that is not finite can cause it.
    public func jsonText(prettyPrinted: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads a report written by ``jsonText(prettyPrinted:)``.
    ///
    /// - Throws: `DecodingError` when the text is not such a report.
    public init(jsonText: String) throws {
        self = try JSONDecoder().decode(BacktestReport.self, from: Data(jsonText.utf8))
    }
}
