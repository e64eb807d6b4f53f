// SPDX-License-Identifier: Apache-2.0

/// How fast a ``ReplayFeed`` plays its data back.
public enum ReplaySpeed: Sendable, Equatable, CustomStringConvertible {
    /// No pacing: every tick is published as soon as the previous batch is, which is what a
    /// backtest or a quick check of a CSV wants.
    case asFastAsPossible
    /// `n` seconds of data per second of wall time (`1` is real time, `60` a minute a second).
    case times(Double)

    /// Parses the `--replay-speed` forms: `max` (or `0`) for ``asFastAsPossible``, else a
    /// multiple from 0.001 to 1,000,000 such as `1`, `10`, `0.5` or `10x`.
    /// - Returns: nil for anything else (negative, out of range, or not a number).
    public init?(parsing text: String) {
        var text = String(ReplayCSVLine.trimmed(Substring(text))).lowercased()
        if text == "max" || text == "fast" {
            self = .asFastAsPossible
            return
        }
        if text.hasSuffix("x") || text.hasSuffix("×") { text.removeLast() }
        guard let value = Double(text), value.isFinite else { return nil }
        if value == 0 {
            self = .asFastAsPossible
            return
        }
        guard value >= 0.001, value <= 1_000_000 else { return nil }
        self = .times(value)
    }

    public var description: String {
        switch self {
        case .asFastAsPossible: "max"
        case .times(let multiple): multiple == multiple.rounded() ? "×\(Int64(multiple))" : "×\(multiple)"
        }
    }
}
