// SPDX-License-Identifier: Apache-2.0

/// Why an indicator refused its input. Every case names the parameter or series at fault and what
/// would have been accepted, so a strategy author can fix the call from the message alone.
///
/// Indicators never trap on input: a bad period, a NaN price or two series of different lengths
/// come from scripts and data files, and a strategy must never crash the process.
public enum IndicatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An integer parameter (a period) outside the range TA-Lib accepts for it.
    case badPeriod(name: String, value: Int, allowed: ClosedRange<Int>)
    /// A multiplier (Supertrend's band width, Bollinger's deviations) that is not finite and > 0.
    case badMultiplier(name: String, value: Double)
    /// A NaN or infinite value in an input series: TA-Lib would silently propagate it.
    case nonFiniteInput(series: String, index: Int)
    /// A negative volume, which would make VWAP meaningless.
    case negativeVolume(index: Int)
    /// Two series of one call that do not line up bar for bar.
    case lengthMismatch(series: String, count: Int, expected: Int)

    public var description: String {
        switch self {
        case .badPeriod(let name, let value, let allowed):
            "\(name) must be in \(allowed.lowerBound)...\(allowed.upperBound), got \(value)"
        case .badMultiplier(let name, let value):
            "\(name) must be a finite number greater than 0, got \(value)"
        case .nonFiniteInput(let series, let index):
            "\(series)[\(index)] is not a finite number (NaN or infinity); indicators need every bar's value"
        case .negativeVolume(let index):
            "volume[\(index)] is negative"
        case .lengthMismatch(let series, let count, let expected):
            "\(series) has \(count) values but the other series have \(expected); they must line up bar for bar"
        }
    }
}
