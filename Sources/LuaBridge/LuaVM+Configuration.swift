// SPDX-License-Identifier: Apache-2.0

extension LuaVM {
    /// Settings fixed when a ``LuaVM`` is created.
    public struct Configuration: Sendable {
        /// The cap on the state's memory. Lua code that would grow past it fails with
        /// ``LuaError/Code/memory``; the VM stays usable (see the error boundary doc).
        public var memoryLimitBytes: Int
        /// The initial ``LuaVM/budget`` of every call.
        public var budget: LuaBudget
        /// How often the hook checks the budget and cancellation, in VM instructions. Lower reacts
        /// sooner; higher costs less. The default reacts within microseconds.
        public var instructionsPerCheck: Int
        /// Seeds `math.random`, and removes `math.randomseed`, so replays draw the same numbers.
        /// `nil`: Lua's own random seed, and `math.randomseed` stays.
        public var randomSeed: Int64?
        /// Nesting limit when copying tables between Lua and Swift.
        public var maxConversionDepth: Int
        /// Limit on the values copied by one conversion (a table referenced twice is copied twice,
        /// so shared subtables could otherwise grow exponentially).
        public var maxConversionValues: Int

        public init(
            memoryLimitBytes: Int = 64 << 20, budget: LuaBudget = LuaBudget(), instructionsPerCheck: Int = 1000,
            randomSeed: Int64? = nil, maxConversionDepth: Int = 100, maxConversionValues: Int = 1_000_000
        ) {
            self.memoryLimitBytes = memoryLimitBytes
            self.budget = budget
            self.instructionsPerCheck = instructionsPerCheck
            self.randomSeed = randomSeed
            self.maxConversionDepth = maxConversionDepth
            self.maxConversionValues = maxConversionValues
        }
    }
}
