// SPDX-License-Identifier: Apache-2.0
import Strategies
import Testing

/// `ctx.crossover` / `ctx.crossunder` in each of their three forms, with warm-up `nil`s.
@Suite("Crossovers")
struct CrossoverTests {
    /// A Lua expression and what `tostring` of it gives.
    static let cases: [(String, String)] = [
        // Four values: a crossed above b between the previous bar and this one.
        ("ctx.crossover(11, 9, 10, 10)", "true"),
        ("ctx.crossover(10, 9, 10, 10)", "false"),  // touching is not crossing
        ("ctx.crossover(11, 10, 10, 10)", "true"),  // from equal to above counts
        ("ctx.crossover(12, 11, 10, 10)", "false"),  // already above
        ("ctx.crossunder(9, 11, 10, 10)", "true"),
        ("ctx.crossunder(11, 9, 10, 10)", "false"),
        // A level: b_prev left out.
        ("ctx.crossover(31, 29, 30)", "true"),
        ("ctx.crossunder(29, 31, 30)", "true"),
        // Warm-up: any missing value is no cross.
        ("ctx.crossover(11, nil, 10, 10)", "false"),
        ("ctx.crossover(nil, 9, 10, 10)", "false"),
        ("ctx.crossover(11, 9, nil)", "false"),
        // Two lists, oldest first: their last two entries.
        ("ctx.crossover({ 1, 9, 11 }, { 5, 10, 10 })", "true"),
        ("ctx.crossover({ 9, 11 }, { 10, 12 })", "false"),
        ("ctx.crossunder({ 11, 9 }, { 10, 10 })", "true"),
        ("ctx.crossover({ 9, 11 }, { 10, 10, 10 })", "true"),  // lists of different lengths
        // A list and a level.
        ("ctx.crossover({ 29, 31 }, 30)", "true"),
        ("ctx.crossunder({ 31, 29 }, 30)", "true"),
        ("ctx.crossunder({ 29, 31 }, 30)", "false"),
        // Lists too short to have a previous value.
        ("ctx.crossover({ 11 }, { 10, 10 })", "false"),
        ("ctx.crossover({ 9, 11 }, { 10 })", "false"),
        ("ctx.crossover({}, 30)", "false"),
    ]

    @Test("every form, as a strategy sees it")
    func forms() throws {
        let checks = Self.cases.map { "  ctx.log(tostring(\($0.0)))" }.joined(separator: "\n")
        let source = """
            strategy = { name = "crossovers", symbols = { "NSE:SBIN" } }
            function on_start(ctx)
            \(checks)
            end
            """
        let instance = try StrategyInstance(source: source, chunkName: "crossovers.lua", desk: StrategyFixtures.desk())
        try instance.start(info: StrategyInstance.RunInfo(mode: "test"))
        let results = instance.drainLogs().map(\.message)
        #expect(results.count == Self.cases.count)
        for (index, (expression, expected)) in Self.cases.enumerated() where index < results.count {
            #expect(results[index] == expected, "\(expression)")
        }
    }
}
