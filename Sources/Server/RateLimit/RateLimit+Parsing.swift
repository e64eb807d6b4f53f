// SPDX-License-Identifier: Apache-2.0

extension RateLimit {
    /// Parses a limit the way Flask-Limiter (the `limits` library) reads OpenAlgo's `.env`:
    /// rules such as `10 per second`, `10/second`, `10 per 1 second`, `100 per 5 minutes` or
    /// `5 per hour`, joined by `;`, `,` or `|`. Case and spaces do not matter; units are second,
    /// minute, hour, day, month (30 days) and year (360 days), singular or plural.
    ///
    /// - Parameter text: the variable's value.
    /// - Returns: the limit, or nil for `off`, `none` or `unlimited`, which lift it.
    /// - Throws: ``RateLimitParseError`` naming the problem, so startup can refuse a typo instead
    ///   of silently running without the limit the operator meant.
    public static func parse(_ text: String) throws -> RateLimit? {
        let lowered = text.lowercased()
        if offWords.contains(String(trimmed(Substring(lowered)))) { return nil }
        var rules: [Rule] = []
        // Empty pieces ("10 per second;") are skipped: a stray separator is not worth a refusal.
        for piece in lowered.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "|" }) where !trimmed(piece).isEmpty {
            do {
                rules.append(try rule(trimmed(piece)))
            } catch let problem as Problem {
                throw RateLimitParseError(text: text, problem: problem.text)
            }
        }
        guard !rules.isEmpty else { throw RateLimitParseError(text: text, problem: "no rule in it") }
        return RateLimit(rules)
    }

    /// Why one rule did not parse; becomes a ``RateLimitParseError`` for the whole text.
    private struct Problem: Error {
        let text: String
    }

    /// `<amount> (per|/) [<multiple>] <unit>[s]`, already lowercased and trimmed.
    private static func rule(_ piece: Substring) throws -> Rule {
        var rest = piece
        guard let amount = try number(&rest) else { throw Problem(text: "\"\(piece)\" does not start with a number of requests") }
        rest = trimmed(rest)
        if rest.hasPrefix("/") {
            rest = rest.dropFirst()
        } else if rest.hasPrefix("per") {
            rest = rest.dropFirst(3)
        } else {
            throw Problem(text: "\"\(piece)\" needs \"per\" or \"/\" after the number")
        }
        rest = trimmed(rest)
        let multiple = try number(&rest) ?? 1
        let unitName = trimmed(rest)
        guard let unit = units.first(where: { unitName == $0.name || unitName == $0.name + "s" }) else {
            throw Problem(text: "\"\(unitName)\" is not a unit (use second, minute, hour, day, month or year)")
        }
        guard amount >= 1 else { throw Problem(text: "\"\(piece)\" allows no request at all (use off to lift a limit instead)") }
        guard amount <= maximumAmount else { throw Problem(text: "\"\(piece)\" allows more than \(maximumAmount) requests per window") }
        guard multiple >= 1, multiple <= 1_000_000 else { throw Problem(text: "\"\(piece)\" needs a window of 1 to 1000000 \(unit.name)s") }
        return Rule(amount, per: .seconds(Int64(multiple) * unit.seconds))
    }

    /// Reads leading digits off `text`; nil when there are none.
    private static func number(_ text: inout Substring) throws -> Int? {
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty else { return nil }
        text = text.dropFirst(digits.count)
        guard let value = Int(digits), value <= 1_000_000_000 else { throw Problem(text: "\(digits) is too large") }
        return value
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let start = text.drop(while: \.isWhitespace)
        return start.dropLast(start.reversed().prefix(while: \.isWhitespace).count)
    }
}

/// A rate limit setting that does not parse; the message says what was wrong and how to write it.
public struct RateLimitParseError: Error, Sendable, CustomStringConvertible {
    /// The text as given.
    public let text: String
    /// What is wrong with it.
    public let problem: String

    public var description: String {
        "\"\(text)\" is not a rate limit: \(problem). Write it like \"10 per second\", \"10/second\", \"100 per 5 minutes\" "
            + "or \"10 per second;40 per minute\", or \"off\" to lift it"
    }
}
