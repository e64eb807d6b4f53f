// SPDX-License-Identifier: Apache-2.0
import Broker
import Foundation
import MarketData
import Strategies

/// The optional parts of a server, chosen with `--modules` / `REALALGO_MODULES` (default: all).
/// A disabled module's routes and services are simply absent.
public enum AppModule: String, Sendable, CaseIterable, Comparable {
    case marketData
    case broker
    case strategies

    /// The name used on the command line and in `/health`.
    public var name: String {
        switch self {
        case .marketData: MarketDataModule.name
        case .broker: BrokerModule.name
        case .strategies: StrategiesModule.name
        }
    }

    /// Parses a comma-separated list such as `market-data,broker`; `all` selects every module and
    /// `none` runs the core server alone.
    /// - Throws: ``AppModuleError`` naming the first unknown module, or for an empty list.
    public static func parseList(_ text: String) throws -> Set<AppModule> {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names == ["all"] { return Set(allCases) }
        if names == ["none"] { return [] }
        guard !names.isEmpty else { throw AppModuleError(name: text) }
        return try Set(
            names.map { name in
                guard let module = allCases.first(where: { $0.name == name }) else { throw AppModuleError(name: name) }
                return module
            })
    }

    public static func < (lhs: AppModule, rhs: AppModule) -> Bool { lhs.name < rhs.name }
}

public struct AppModuleError: Error, CustomStringConvertible {
    public let name: String
    public var description: String {
        "unknown module '\(name)'; choose from \(AppModule.allCases.map(\.name).sorted().joined(separator: ", ")), all or none"
    }
}
