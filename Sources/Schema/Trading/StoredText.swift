// SPDX-License-Identifier: Apache-2.0

/// Reads a text column the schema constrains to a fixed set (a CHECK … IN (…)) into its Swift
/// enum. A value outside the set means the hub and the code disagree — an error naming the table,
/// never a crash.
enum StoredText {
    static func decode<T: RawRepresentable<String>>(_ type: T.Type, _ text: String, in table: String) throws -> T {
        guard let value = T(rawValue: text) else { throw StoreError(.other, "\(table): unexpected \(T.self) '\(text)' in the hub") }
        return value
    }
}
