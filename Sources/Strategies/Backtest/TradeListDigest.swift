// SPDX-License-Identifier: Apache-2.0
import Core
import Cryptography

/// The canonical text of a backtest's fill list and its SHA-256: two runs traded the same if and
/// only if their digests match.
///
/// The text has one line per fill, each ending in `\n` (an empty list is the empty string), with
/// eleven tab-separated fields in this fixed order:
///
///     sequence  timeNanos  exchange  symbol  action  quantity  price  positionAfter  realizedPnL  costs  tag
///
/// - Integers (`sequence`, `timeNanos`, `quantity`, `positionAfter`) are plain decimal, with `-`
///   for negatives and no grouping.
/// - `action` is `BUY` or `SELL`.
/// - Doubles (`price`, `realizedPnL`, `costs`) are Swift's `Double.description`: the shortest
///   decimal that parses back to the same bits (`812.5`, `0.1`, `1e-05`, `1e+16`). The algorithm is
///   part of the standard library, deterministic and independent of locale; `-0.0` is written `0.0`.
/// - Strings (`exchange`, `symbol`, `tag`) are UTF-8 with `\` written `\\`, tab `\t`, line feed
///   `\n` and carriage return `\r`, so no field can add a column or a line.
///
/// Same fills, same bytes, on every run and machine; the ledger-computed fields are plain IEEE-754
/// sums and products, so they are as reproducible as the inputs. Changing this format changes every
/// recorded digest (`backtest_runs.trades_sha256`), so it changes only with a migration note.
public enum TradeListDigest {
    /// The canonical text of `fills`, in the order given.
    public static func canonicalText(_ fills: [BacktestFill]) -> String {
        var text = ""
        text.reserveCapacity(fills.count * 96)
        for fill in fills { appendLine(fill, to: &text) }
        return text
    }

    /// The canonical line of one fill, with its trailing `\n`.
    public static func line(_ fill: BacktestFill) -> String {
        var text = ""
        appendLine(fill, to: &text)
        return text
    }

    /// Lowercase hex SHA-256 of ``canonicalText(_:)``.
    public static func sha256Hex(_ fills: [BacktestFill]) -> String {
        Digest.sha256(Array(canonicalText(fills).utf8)).hexString
    }

    /// A Double in the canonical form: shortest round-trip `description`, negative zero as `0.0`.
    public static func canonical(_ value: Double) -> String {
        value == 0 ? "0.0" : value.description
    }

    private static func appendLine(_ fill: BacktestFill, to text: inout String) {
        let fields = [
            String(fill.sequence), String(fill.timeNanos), escaped(fill.exchange), escaped(fill.symbol), fill.action.rawValue,
            String(fill.quantity), canonical(fill.price), String(fill.positionAfter), canonical(fill.realizedPnL), canonical(fill.costs),
            escaped(fill.tag),
        ]
        text += fields.joined(separator: "\t")
        text += "\n"
    }

    private static func escaped(_ field: String) -> String {
        // Backslash, tab, line feed, carriage return.
        guard field.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return field }
        var result = ""
        for scalar in field.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
