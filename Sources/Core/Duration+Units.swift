// SPDX-License-Identifier: Apache-2.0

/// `Duration` in the units timestamps, timeouts and figures use. Swift's own `components`
/// (seconds and attoseconds) are exact but awkward to convert by hand, and hand conversions drift.
extension Duration {
    /// Whole nanoseconds (attoseconds below a nanosecond are dropped).
    public var totalNanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }

    /// Whole microseconds.
    public var totalMicroseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }

    /// Seconds as a floating-point number.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
