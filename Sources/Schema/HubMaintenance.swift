// SPDX-License-Identifier: Apache-2.0
public import Core

/// What a server or `realalgo migrate` does to a hub before using it.
public enum HubMaintenance {
    public struct Report: Sendable {
        /// Migrations applied by this call, in order.
        public let appliedMigrations: [String]
        /// Derivative contracts listed and retired for today.
        public let roll: InstrumentRepository.RollResult
    }

    /// Applies pending migrations, then rolls the derivative master to `today` (an IST date).
    /// - Throws: ``StoreError`` from the migration runner (a changed migration, a newer schema) or the roll.
    public static func prepare(_ store: Store, today: LocalDate, migrations: MigrationRunner = MigrationRunner()) async throws -> Report {
        let applied = try await migrations.migrate(store)
        let calendar = try await store.calendar.load()
        let roll = try await store.instruments.rollDerivatives(asOf: today, calendar: calendar)
        return Report(appliedMigrations: applied, roll: roll)
    }

    /// Today's date in India (exchange time), which decides listed expiries and trading days.
    public static func todayInIndia(now secondsSinceEpoch: Int64) -> LocalDate {
        LocalDate(secondsSinceEpoch: secondsSinceEpoch, utcOffsetSeconds: TradingCalendar.istOffsetSeconds)
    }
}
