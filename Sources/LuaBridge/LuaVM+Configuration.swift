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
        /// The work one call of `string.find`, `match` or `gsub` (or one step of a `gmatch` loop) may
        /// do, in matcher steps (about one per character tried), before the host call stops with
        /// ``LuaError/Code/budgetExceeded``, which `pcall` cannot catch. Backtracking patterns can
        /// otherwise run for polynomial time inside one call. The default, 10 million, takes 0.05 to
        /// 0.2 s and is far above what ordinary patterns on ordinary strings need. `nil`: no limit
        /// per call (the time and instruction budgets and cancellation still stop it). Values below
        /// 1 count as 1.
        public var patternStepLimit: Int?
        /// The time `os.time`, `os.date` and `os.clock` report; `nil` for the wall clock and CPU
        /// time. Set it when replaying on simulated time (see ``LuaClock``).
        public var clock: LuaClock?
        /// For differential tests only: chunks get a global `_LUA_ORIGINAL` holding Lua's own
        /// versions of the functions the sandbox replaces.
        var exposesOriginalFunctions = false

        public init(
            memoryLimitBytes: Int = 64 << 20, budget: LuaBudget = LuaBudget(), instructionsPerCheck: Int = 1000,
            randomSeed: Int64? = nil, maxConversionDepth: Int = 100, maxConversionValues: Int = 1_000_000,
            patternStepLimit: Int? = 10_000_000, clock: LuaClock? = nil
        ) {
            self.memoryLimitBytes = memoryLimitBytes
            self.budget = budget
            self.instructionsPerCheck = instructionsPerCheck
            self.randomSeed = randomSeed
            self.maxConversionDepth = maxConversionDepth
            self.maxConversionValues = maxConversionValues
            self.patternStepLimit = patternStepLimit
            self.clock = clock
        }
    }
}
