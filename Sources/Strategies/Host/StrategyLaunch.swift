// SPDX-License-Identifier: Apache-2.0
public import Broker
public import Core
public import LuaBridge

/// Everything the host needs to run one strategy: the file, the run's row, its params and saved
/// state, the route its orders take, and the history that warms its indicators.
public struct StrategyLaunch: Sendable {
    public var strategyID: Int64
    public var runID: Int64
    public var userID: Int64
    /// The account the run trades (its route's), whose funds `ctx.funds()` reports.
    public var accountID: Int64
    /// `live` or `sandbox`.
    public var mode: String
    public var source: String
    public var chunkName: String
    public var parameters: [String: LuaValue]
    public var stateJSON: String
    public var route: any OrderRoute
    /// Accounts every new order is copied to after the route places it (a live run of a strategy
    /// that lists several `accounts`). Their fills do not enter the strategy's book.
    public var mirrorRoutes: [any OrderRoute]
    public var history: [StrategySymbol: [Bar]]
    public var budget: LuaBudget

    public init(
        strategyID: Int64, runID: Int64, userID: Int64, accountID: Int64, mode: String, source: String, chunkName: String,
        parameters: [String: LuaValue],
        stateJSON: String, route: any OrderRoute, mirrorRoutes: [any OrderRoute] = [], history: [StrategySymbol: [Bar]] = [:],
        budget: LuaBudget = LuaBudget(time: .milliseconds(500))
    ) {
        self.mirrorRoutes = mirrorRoutes
        self.strategyID = strategyID
        self.runID = runID
        self.userID = userID
        self.accountID = accountID
        self.mode = mode
        self.source = source
        self.chunkName = chunkName
        self.parameters = parameters
        self.stateJSON = stateJSON
        self.route = route
        self.history = history
        self.budget = budget
    }
}
