// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import LuaBridge

/// The sandbox's replacements of `pairs` and `string.find` give what Lua's own give, over the
/// inputs a strategy typically has; what they cost next to Lua's own is printed for the record,
/// never asserted (timings belong to benchmarks, not tests).
@Suite("Lua sandbox replacement costs")
struct LuaCostTests {
    static let measure = """
        local original = _LUA_ORIGINAL
        local clock = os.clock
        local function per(repeats, body)
            local start = clock()
            body()
            return (clock() - start) / repeats * 1e9
        end

        local t = {}
        for i = 1, 1000 do t["sym" .. i] = i end
        local loops = 2000
        local function walk(iterate)
            return function()
                for _ = 1, loops do
                    local sum = 0
                    for _, v in iterate(t) do sum = sum + v end
                end
            end
        end
        walk(pairs)() walk(original.pairs)()  -- warm up
        local oursPairs = per(loops, walk(pairs))
        local luaPairs = per(loops, walk(original.pairs))

        local lines = {}
        for i = 1, 1000 do
            lines[i] = string.format("2024-01-%02d 09:%02d:00,NSE:SYM%d-EQ,%d.%02d,%d", i % 28 + 1, i % 60, i, 2400 + i % 100, i % 100, i)
        end
        local pattern = "^(%d+)-%d+-%d+ [%d:]+,([%w:%-]+),([%d%.]+)"
        local rounds = 100
        local function scan(find)
            return function()
                for _ = 1, rounds do
                    for i = 1, #lines do assert(find(lines[i], pattern)) end
                end
            end
        end
        scan(string.find)() scan(original.find)()
        local oursFind = per(rounds * #lines, scan(string.find))
        local luaFind = per(rounds * #lines, scan(original.find))

        -- The same answers: every key visited once, every capture equal.
        local function visited(iterate)
            local seen, count = {}, 0
            for k, v in iterate(t) do
                assert(not seen[k] and t[k] == v, "key " .. tostring(k))
                seen[k], count = true, count + 1
            end
            return count
        end
        assert(visited(pairs) == 1000 and visited(original.pairs) == 1000)
        for i = 1, #lines do
            local ours, theirs = table.pack(string.find(lines[i], pattern)), table.pack(original.find(lines[i], pattern))
            assert(ours.n == theirs.n, lines[i])
            for k = 1, theirs.n do assert(ours[k] == theirs[k], lines[i]) end
        end
        return oursPairs, luaPairs, oursFind, luaFind
        """

    @Test("pairs over 1,000 string keys and find with a typical pattern answer as Lua's own")
    func costs() throws {
        var configuration = LuaVM.Configuration(budget: LuaBudget(time: .seconds(120)))
        configuration.exposesOriginalFunctions = true
        let vm = try LuaVM(configuration: configuration)
        let results = try vm.execute(Self.measure, name: "cost").results.compactMap(\.doubleValue)
        try #require(results.count == 4)
        let (oursPairs, luaPairs, oursFind, luaFind) = (results[0], results[1], results[2], results[3])
        print(
            """
            LuaCostTests: pairs over 1,000 string keys, one full loop: sandbox \(Int(oursPairs / 1000)) µs, \
            Lua's own \(Int(luaPairs / 1000)) µs (x\((oursPairs / luaPairs * 10).rounded() / 10)); \
            find with a 3-capture anchored pattern: sandbox \(Int(oursFind)) ns, Lua's own \(Int(luaFind)) ns \
            (x\((oursFind / luaFind * 100).rounded() / 100))
            """)
    }
}
