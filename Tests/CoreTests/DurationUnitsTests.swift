// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@Suite("Duration in plain units")
struct DurationUnitsTests {
    @Test(
        "whole nanoseconds, whole microseconds and seconds",
        arguments: [
            (Duration.zero, 0, 0, 0.0),
            (.nanoseconds(999), 999, 0, 0.000_000_999),
            (.microseconds(1_500), 1_500_000, 1_500, 0.0015),
            (.milliseconds(50), 50_000_000, 50_000, 0.05),
            (.seconds(600), 600_000_000_000, 600_000_000, 600),
            (.seconds(-2), -2_000_000_000, -2_000_000, -2),
        ] as [(Duration, Int64, Int64, Double)])
    func units(duration: Duration, nanoseconds: Int64, microseconds: Int64, seconds: Double) {
        #expect(duration.totalNanoseconds == nanoseconds)
        #expect(duration.totalMicroseconds == microseconds)
        #expect(abs(duration.inSeconds - seconds) < 1e-15)
    }
}
