// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@Suite("Hub timestamps")
struct HubTimestampTests {
    @Test(
        "UTC with milliseconds, as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ') writes it",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"),
            (1_795_149_000_123_000_000, "2026-11-20T04:30:00.123Z"),
            (1_795_149_000_999_999_999, "2026-11-20T04:30:00.999Z"),  // truncated, never rounded into the next second
            (-1, "1969-12-31T23:59:59.999Z"),
        ])
    func utc(nanos: Int64, expected: String) {
        #expect(HubTimestamp.utc(nanos: nanos) == expected)
    }

    @Test func padding() {
        #expect(HubTimestamp.padded(7, 3) == "007")
        #expect(HubTimestamp.padded(1234, 2) == "1234")
    }
}
