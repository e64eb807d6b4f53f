// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@Suite("LocalDate")
struct LocalDateTests {
    @Test(
        "known dates convert both ways",
        arguments: [
            ("1970-01-01", 0, 4), ("2000-02-29", 11_016, 2), ("2025-10-21", 20_382, 2), ("2026-11-24", 20_781, 2),
            ("1969-12-31", -1, 3), ("2100-03-01", 47_541, 1), ("0001-01-01", -719_162, 1),
        ])
    func conversions(text: String, days: Int, weekday: Int) throws {
        let date = try #require(LocalDate(iso: text))
        #expect(date.daysSinceEpoch == days)
        #expect(date.description == text)
        #expect(date.isoWeekday == weekday)
        #expect(LocalDate(daysSinceEpoch: days) == date)
    }

    @Test("every day from 1900 to 2200 round-trips through its components")
    func roundTrip() throws {
        var previous: LocalDate?
        for days in -25_567...84_000 {
            let date = LocalDate(daysSinceEpoch: days)
            let (y, m, d) = date.components
            #expect(LocalDate(year: y, month: m, day: d) == date)
            if let previous { #expect(date.isoWeekday == previous.isoWeekday % 7 + 1) }
            previous = date
        }
    }

    @Test(
        "malformed and impossible dates are rejected",
        arguments: [
            "2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01", "2026/01/01", "2026-01-01T00:00", "", "abcd-ef-gh", "2026-04-31",
        ])
    func rejects(text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test("symbol and master forms use OpenAlgo's spelling")
    func forms() throws {
        let date = try #require(LocalDate(iso: "2026-11-03"))
        #expect(date.symbolForm == "03NOV26")
        #expect(date.masterForm == "03-NOV-26")
    }

    @Test(
        "last weekday of a month",
        arguments: [
            ("2026-11-05", 2, "2026-11-24"), ("2026-12-31", 2, "2026-12-29"), ("2026-02-01", 4, "2026-02-26"), ("2026-09-30", 3, "2026-09-30"),
        ])
    func lastWeekday(from: String, weekday: Int, expected: String) throws {
        #expect(try #require(LocalDate(iso: from)).lastWeekdayOfMonth(weekday).description == expected)
    }

    @Test("the date of an instant at IST, including just before and after midnight")
    func fromInstant() {
        // 2026-11-20 18:29:59 UTC is 23:59:59 IST; one second later it is the 21st in India.
        #expect(LocalDate(secondsSinceEpoch: 1_795_199_399, utcOffsetSeconds: 19_800).description == "2026-11-20")
        #expect(LocalDate(secondsSinceEpoch: 1_795_199_400, utcOffsetSeconds: 19_800).description == "2026-11-21")
        #expect(LocalDate(secondsSinceEpoch: -1, utcOffsetSeconds: 0).description == "1969-12-31")
    }

    @Test("times of day parse strictly")
    func timesOfDay() {
        #expect(TimeOfDay("09:15")?.minutes == 555)
        #expect(TimeOfDay("24:00")?.minutes == 1440)
        for bad in ["9:15", "24:01", "12:60", "ab:cd", "", "12:00:00"] { #expect(TimeOfDay(bad) == nil, "\(bad)") }
        #expect(TimeOfDay(minutes: 5).description == "00:05")
    }
}
