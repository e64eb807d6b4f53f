// SPDX-License-Identifier: Apache-2.0
public import Core

/// Converts wall-clock time to the year fractions the pricing formulas take.
///
/// Time is counted in calendar time on a 365-day year, as OpenAlgo does, so weekends and holidays
/// decay an option like any other day and ``OptionGreeks/theta`` (per calendar day) is exactly
/// 1/365 of the annual figure. A trading-day clock would make Monday's theta jump over the weekend.
public enum OptionClock {
    /// Days in the pricing year.
    public static let daysPerYear = 365.0
    /// Seconds in the pricing year: 365 × 86 400.
    public static let secondsPerYear = daysPerYear * 86_400

    /// When contracts settle on their expiry date: 15:30 IST, the NSE close.
    public static let settlementTime = TimeOfDay(minutes: 15 * 60 + 30)

    /// The expiry instant of a contract expiring on `date` at `time` IST, in epoch seconds.
    public static func expiryEpochSeconds(_ date: LocalDate, at time: TimeOfDay = settlementTime) -> Int64 {
        Int64(date.daysSinceEpoch) * 86_400 + Int64(time.minutes * 60) - Int64(TradingCalendar.istOffsetSeconds)
    }

    /// The time left until expiry, in years.
    ///
    /// - Parameters:
    ///   - nowEpochSeconds: The current time, in seconds since the Unix epoch.
    ///   - expiryEpochSeconds: The option's expiry instant (for NSE, 15:30 IST on expiry day).
    /// - Returns: `max(0, expiry − now) / secondsPerYear`; an expired option gives 0, which the
    ///   pricers treat as "settle at intrinsic value".
    public static func yearsToExpiry(nowEpochSeconds: Int64, expiryEpochSeconds: Int64) -> Double {
        // Subtracting as Double cannot overflow (Int64 subtraction could trap on extreme inputs),
        // and epoch seconds are far below 2^53, so the conversion is exact.
        max(0, Double(expiryEpochSeconds) - Double(nowEpochSeconds)) / secondsPerYear
    }
}
