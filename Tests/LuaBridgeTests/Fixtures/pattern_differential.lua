-- Differential test of the sandbox's string.find, match, gmatch and gsub against Lua's own.
--
-- Run in a VM whose configuration exposes the original functions as `_LUA_ORIGINAL`. Every case is
-- run through both implementations, through the same local name (argument errors name the function
-- as it was called) and from the same line (errors carry it), and the results or error messages are
-- rendered to text and compared. Returns the number of comparisons, the number of mismatches and
-- the first ten of them, one per line.
--
-- Arguments: the seed of the random cases and how many to generate.
local seed, random_count = ...
local ours = { find = string.find, match = string.match, gmatch = string.gmatch, gsub = string.gsub }
local theirs = _LUA_ORIGINAL
assert(theirs and theirs.find and theirs.find ~= ours.find, "the original functions are not exposed")

local function render(...)
    local parts = {}
    for i = 1, select("#", ...) do
        local v = select(i, ...)
        if type(v) == "string" then
            parts[#parts + 1] = string.format("%q", v)
        else
            parts[#parts + 1] = (math.type(v) or type(v)) .. ":" .. tostring(v)
        end
    end
    return table.concat(parts, " ")
end

local function call(fn, ...)
    local f = fn
    local results = table.pack(pcall(function(...)
        local r = table.pack(f(...))
        return table.unpack(r, 1, r.n)
    end, ...))
    return render(table.unpack(results, 1, results.n))
end

local function iterate(gmatch, s, p, init)
    local g = gmatch
    return render(pcall(function()
        local out = {}
        local it = g(s, p, init)
        for _ = 1, 200 do
            local r = table.pack(it())
            if r[1] == nil then break end
            out[#out + 1] = render(table.unpack(r, 1, r.n))
        end
        return table.concat(out, " ; ")
    end))
end

local calls = 0
local replacements = {
    "%0", "<%1>", "[%2|%1]", "%%", "x", "%", "%a", "%9", "", 42, 1.5,
    { a = "A", b = false, ab = "AB", ["1"] = "one", [1] = "pos" },
    setmetatable({}, { __index = function(_, k) return type(k) == "string" and #k > 1 and k:upper() or nil end }),
    function(...) return select("#", ...) .. ":" .. table.concat({ ... }, ",") end,
    function(a) if a == "a" then return nil elseif a == "b" then return false end return a .. a end,
    function() return {} end,
    function(a) return #tostring(a) end,
}
local maxima = { nil, 0, 1, 2, -1, 2.0 }

local mismatches = {}
local function compare(what, subject, pattern, mine, original)
    calls = calls + 1
    if mine ~= original then
        mismatches[#mismatches + 1] = string.format("%s(%q, %q): ours %s, Lua %s", what, subject, pattern, mine, original)
    end
end

local function check(subject, pattern, init, plain, which)
    which = which or calls
    compare("find", subject, pattern, call(ours.find, subject, pattern, init, plain), call(theirs.find, subject, pattern, init, plain))
    compare("match", subject, pattern, call(ours.match, subject, pattern, init), call(theirs.match, subject, pattern, init))
    compare("gmatch", subject, pattern, iterate(ours.gmatch, subject, pattern, init), iterate(theirs.gmatch, subject, pattern, init))
    local repl = replacements[which % #replacements + 1]
    local max = maxima[which % 7 + 1]
    compare("gsub", subject, pattern, call(ours.gsub, subject, pattern, repl, max), call(theirs.gsub, subject, pattern, repl, max))
end

-- Hand-written cases: { subject, pattern, init, plain }.
local cases = {
    -- Manual examples and plain text.
    { "hello world", "o w" }, { "hello world", "o", 6 }, { "hello world", "l+" }, { "hello", "" }, { "", "" },
    { "", "a" }, { "hello", "", 10 }, { "hello", "", 6 }, { "hello", "", -1 }, { "hello", "l", -2 },
    { "hello", "l", -100 }, { "hello", "lo", 0 }, { "a.b", ".", 1, true }, { "a+b", "+", 1, true },
    { "a+b", "a+b", 1, true }, { "x", "x", 2 }, { "abc", "c", 3 }, { "abc", "c", 4 }, { "abc", "abcd", 1, true },
    { "aaab", "aab", 1, true }, { "a\0b", "\0" }, { "a\0b", "%z" }, { "a\0b", "[\0]" }, { "a\0b\0", "\0b", 1, true },
    { "key = value", "(%w+)%s*=%s*(%w+)" }, { "THE (quick) fox", "%f[%a]%a+" }, { "THE (quick) fox", "%((%a*)%)" },
    { "hello world from Lua", "(%w+) (%w+)" }, { "abc", "()a()" }, { "abc", "()" }, { "abc", "()", 4 },
    { "  trim me  ", "^%s*(.-)%s*$" }, { "2024-01-15", "(%d+)-(%d+)-(%d+)" }, { "x = 10, y = 20", "(%w+) = (%w+)" },
    { "$name is $value", "%$(%w+)" }, { "hello", "^h" }, { "hello", "^e" }, { "hello", "o$" }, { "hello", "l$" },
    { "a$b", "$b" }, { "a$b", "a$" }, { "a$", "a$" }, { "a^b", "a^b" }, { "^a", "^^a" }, { "^a", "%^a" },
    -- Classes.
    { "abc123_XYZ !?", "%a+" }, { "abc123_XYZ !?", "%d+" }, { "abc123_XYZ !?", "%w+" }, { "abc123_XYZ !?", "%p+" },
    { "abc123_XYZ !?", "%s" }, { "abc123_XYZ !?", "%u+" }, { "abc123_XYZ !?", "%l+" }, { "abc123_XYZ !?", "%x+" },
    { "a\tb\nc\rd\fe\vf", "%s+" }, { "a\1b\127c", "%c+" }, { "a b", "%g+" }, { "abc123", "%A+" }, { "abc 123", "%D+" },
    { "abc 123", "%S+" }, { "abc 123", "%W" }, { "ABC def", "%U+" }, { "ABC def", "%L+" }, { "xyz0f", "%X" },
    { "\200\201abc", "%a+" }, { "\200\255", "." }, { "\200\255", "[\200-\255]+" }, { "caf\195\169", "%w+" },
    { "a.b", "%." }, { "a%b", "%%" }, { "z", "%z" }, { "Z", "%Z" }, { "q", "%q" }, { "-", "%-" }, { "a]", "%]" },
    -- Sets.
    { "hello", "[aeiou]" }, { "hello", "[^aeiou]+" }, { "a-z", "[a-]" }, { "a-z", "[-a]+" }, { "]]]", "[]]+" },
    { "a]b", "[^]]+" }, { "abc", "[a-c]+" }, { "abc", "[c-a]" }, { "a%b", "[%%]" }, { "a1_", "[%w_]+" },
    { "a1_", "[%a%d]+" }, { "x^y", "[x^]+" }, { "^^", "[^^]" }, { "a-b", "[a%-b]+" }, { "[x]", "%[(.-)%]" },
    { "a]", "[]" }, { "a", "[a" }, { "a", "[^" }, { "a", "[%" }, { "a", "[a%]" }, { "a", "[]]" }, { "a", "[^]" },
    { "a-", "[%a-]+" }, { "ab-", "[a-%]]" }, { "b", "[a-%]" }, { "-", "[--z]" }, { "\0", "[%z]" },
    -- Quantifiers.
    { "aaa", "a*" }, { "aaa", "a+" }, { "aaa", "a-" }, { "aaa", "a-$" }, { "aaa", "a?" }, { "aaa", "a?a?a?a?" },
    { "bbb", "a*" }, { "bbb", "a+" }, { "bbb", "a-b" }, { "<a><b>", "<.->" }, { "<a><b>", "<.*>" }, { "ab", "a?b?c?" },
    { "xay", "x.?y" }, { "xy", "x.?y" }, { "aaa", "^a-a$" }, { "aaa", "a**" }, { "aaa", "a+?" }, { "a*", "a%*" },
    { "abab", "(ab)*" }, { "a", "*a" }, { "a", "+a" }, { "a", "-a" }, { "a", "?a" }, { "a", "a-?" },
    { "one two  three", "%s*(%S+)" }, { "x=1;y=2", "(%w+)=(%w+);?" }, { "aaaa", "a-()a" },
    -- Captures.
    { "hello", "(h)(e)(l)(l)(o)" }, { "hello", "((h)(e))" }, { "hello", "(h(e(l)))" }, { "abc", "(a)%1" },
    { "aa", "(a)%1" }, { "abab", "(ab)%1" }, { "abba", "(a)(b)%2%1" }, { "a", "()%1" }, { "a", "%1" }, { "a", "%0" },
    { "a", "(a)%2" }, { "a", "(a%1)" }, { "hello", "(l)(l)" }, { "a", "(" }, { "a", ")" }, { "a", "(()" },
    { "a", "a)" }, { "a", "(a" }, { "a", "(a))" }, { "abc", "(a)(b)(c)(.?)(.?)(.?)(.?)(.?)(.?)(.?)" },
    { ("x"):rep(40), ("(x)"):rep(32) }, { ("x"):rep(40), ("(x)"):rep(33) }, { "", "()" }, { "", "(.-)" },
    { "key=val", "(%w+)=()" }, { "aXb", "()X()" }, { "hello", "()ll()" },
    -- Balanced, frontier.
    { "f(a(b)c)d", "%b()" }, { "f(a(b)c", "%b()" }, { "((()))", "%b()" }, { "x", "%b" }, { "x", "%bx" },
    { "[a[b]]", "%b[]" }, { "aab", "%bab" }, { "aabb", "%bab" }, { "abab", "%baa" }, { "(())", "^%b()$" },
    { "THE (quick) fox", "%f[%w]%w+" }, { "THE (quick) fox", "%f[%W]" }, { "hello", "%f[%l]" }, { "hello", "%f[%z]" },
    { "hello", "%f[%Z]" }, { "ab", "%fa" }, { "ab", "%f" }, { "ab", "%f[a" }, { "a b", "%f[%s]" }, { "aa", "%f[a]a%f[^a]" },
    -- Errors.
    { "a", "%" }, { "a", "a%" }, { "a", "[a-" }, { "a", "%g%" }, { "a", ("a?"):rep(300) }, { ("a"):rep(300), ("a?"):rep(300) },
    { ("a"):rep(10), ("(a?)"):rep(10) }, { "a", ("("):rep(40) }, { "abc", ("a*"):rep(250) },
    -- Long-ish subjects.
    { ("ab"):rep(200), "(ab)+$" }, { ("a"):rep(100) .. "b", "a-b" }, { ("a"):rep(100), "a-b" }, { ("x"):rep(50), ".-$" },
    { ("a "):rep(30), "(%a+)" }, { ("1,2,"):rep(20), "(%d+),?" }, { ("a"):rep(60), "(a*)(a*)(a*)b" },
}
for i, c in ipairs(cases) do
    check(c[1], c[2], c[3], c[4], i)
end

-- Arguments of the wrong kind.
for _, args in ipairs({ { 12345, "3" }, { "a", 1 }, { "abc", "b", "2" }, { "abc", "b", 2.0 }, { "abc", "b", 1.5 } }) do
    compare("find", tostring(args[1]), tostring(args[2]), call(ours.find, table.unpack(args, 1, 3)), call(theirs.find, table.unpack(args, 1, 3)))
    compare("match", tostring(args[1]), tostring(args[2]), call(ours.match, table.unpack(args, 1, 3)), call(theirs.match, table.unpack(args, 1, 3)))
    compare("gmatch", tostring(args[1]), tostring(args[2]), iterate(ours.gmatch, table.unpack(args, 1, 3)), iterate(theirs.gmatch, table.unpack(args, 1, 3)))
end
for _, args in ipairs({ { "abc" }, { nil, "a" }, { "abc", "b" }, { "abc", "b", nil }, { "abc", "b", true }, { "abc", "b", "x", "y" },
    { "abc", "b", "x", 1.5 }, { "abc", "b", "x", "1" }, { {}, "a", "b" }, { "a b", "%w", next }, { "a b", "%w", "%1", math.maxinteger },
    { "a b", "%w", "%1", math.mininteger } }) do
    compare("gsub", tostring(args[1]), tostring(args[2]), call(ours.gsub, table.unpack(args, 1, 4)), call(theirs.gsub, table.unpack(args, 1, 4)))
end

-- Random cases from a seeded generator.
local rng_state = seed
local function rand(n)  -- 1..n, from a 48-bit linear congruential generator
    rng_state = (rng_state * 25214903917 + 11) % 281474976710656
    return (rng_state >> 17) % n + 1
end
local atoms = {
    "a", "b", "c", "1", " ", ".", "%a", "%d", "%s", "%w", "%p", "%l", "%u", "%x", "%c", "%g", "%A", "%D", "%S", "%W",
    "[ab]", "[^a]", "[a-c]", "[%d_]", "[]]", "[^]]", "[%]]", "[a-]", "[%a-]", "%.", "%%", "%(", "%)", "x", "-", "%z",
    "%Z", "^", "$", "]", "\0", "[\0-a]", "(", ")",
}
local quantifiers = { "", "", "", "", "*", "+", "-", "?" }
local specials = { "()", "%b()", "%bab", "%f[%w]", "%f[%W]", "%f[a]", "%f[^a]", "%1", "%2", "%0" }
local broken = { "%", "[", "[a", "(", ")", "%b", "%ba", "%f", "%fa", "[%", "(()", "%9", "[^" }
local letters = { "a", "b", "c", "1", "2", " ", "(", ")", ".", "-", "%", "A", "B", "_", "\0", "x", "]", "^", "$" }

local function random_items(depth)
    local out = {}
    for _ = 1, rand(5) - 1 do
        local r = rand(20)
        if r <= 13 then
            out[#out + 1] = atoms[rand(#atoms)] .. quantifiers[rand(#quantifiers)]
        elseif r <= 16 and depth < 2 then
            out[#out + 1] = "(" .. random_items(depth + 1) .. ")"
        elseif r <= 19 then
            out[#out + 1] = specials[rand(#specials)]
        else
            out[#out + 1] = broken[rand(#broken)]
        end
    end
    return table.concat(out)
end

for i = 1, random_count do
    local pattern = (rand(6) == 1 and "^" or "") .. random_items(0) .. (rand(8) == 1 and "$" or "")
    local subject = {}
    for _ = 1, rand(17) - 1 do subject[#subject + 1] = letters[rand(#letters)] end
    local init = rand(3) == 1 and rand(41) - 21 or nil
    check(table.concat(subject), pattern, init, rand(10) == 1, i)
end

return calls, #mismatches, table.concat(mismatches, "\n", 1, math.min(10, #mismatches))
