// SPDX-License-Identifier: Apache-2.0
import Core
import Strategies
import Testing

@Suite("Backtest trade-list digest")
struct BacktestDigestTests {
    /// A fixed trade list: a long, a flip to short with costs, a cover; odd prices and a tag that needs escaping.
    static func fixedFills() throws -> [BacktestFill] {
        var ledger = BacktestLedger(initialCapital: 1_000_000, costs: try #require(BacktestCosts(perOrder: 20, turnoverBasisPoints: 1)))
        let t0: Int64 = 1_733_297_100_000_000_000
        ledger.apply(fill(.buy, 75, at: 812.35, time: t0, symbol: "SBIN", tag: "ema cross"))
        ledger.apply(fill(.sell, 150, at: 0.1, time: t0 + 60_000_000_000, exchange: "NFO", symbol: "NIFTY24DEC24000CE", tag: "open"))
        ledger.apply(fill(.sell, 150, at: 815.9, time: t0 + 120_000_000_000, symbol: "SBIN", tag: "flip\tnow\n\\"))
        ledger.apply(fill(.buy, 75, at: 1e-5 + 800, time: t0 + 180_000_000_000, symbol: "SBIN", tag: "exit rule"))
        return ledger.fills
    }

    /// The hex was cross-checked with Python's `hashlib.sha256` over the same text; Python's float
    /// `repr` is the same shortest round-trip form and printed the same realized P&L and costs.
    @Test("a fixed trade list has a fixed text and SHA-256")
    func fixedDigest() throws {
        let fills = try Self.fixedFills()
        let expected = """
            1\t1733297100000000000\tNSE\tSBIN\tBUY\t75\t812.35\t75\t-26.092624999999998\t26.092624999999998\tema cross
            2\t1733297160000000000\tNFO\tNIFTY24DEC24000CE\tSELL\t150\t0.1\t-150\t-20.0015\t20.0015\topen
            3\t1733297220000000000\tNSE\tSBIN\tSELL\t150\t815.9\t-75\t234.0114999999966\t32.2385\tflip\\tnow\\n\\\\
            4\t1733297280000000000\tNSE\tSBIN\tBUY\t75\t800.00001\t0\t1166.4992499250004\t26.000000075\texit rule

            """
        #expect(TradeListDigest.canonicalText(fills) == expected)
        #expect(TradeListDigest.sha256Hex(fills) == "2c9cd503396899dabc2a8642a68bd483e27bddd511792384aaf7481fe0b504f4")
        #expect(
            TradeListDigest.line(fills[1]) + TradeListDigest.line(fills[2])
                == expected.split(separator: "\n").dropFirst().prefix(2).map { $0 + "\n" }.joined())
    }

    @Test("same inputs give byte-identical text from a second ledger")
    func repeatable() throws {
        #expect(TradeListDigest.canonicalText(try Self.fixedFills()) == TradeListDigest.canonicalText(try Self.fixedFills()))
    }

    @Test("any change to a fill changes the digest")
    func sensitive() throws {
        let fills = try Self.fixedFills()
        let digest = TradeListDigest.sha256Hex(fills)
        var changed = fills
        changed[3].price = changed[3].price.nextUp
        #expect(TradeListDigest.sha256Hex(changed) != digest)
        changed = fills
        changed[0].tag = "ema  cross"
        #expect(TradeListDigest.sha256Hex(changed) != digest)
        #expect(TradeListDigest.sha256Hex(Array(fills.reversed())) != digest)
    }

    @Test(
        "doubles are the shortest round-trip form, negative zero as zero",
        arguments: [
            (0.0, "0.0"), (-0.0, "0.0"), (812.5, "812.5"), (0.1, "0.1"), (1e-05, "1e-05"), (1e16, "1e+16"), (-26.092625, "-26.092625"),
            (100.0, "100.0"),
        ])
    func canonicalDoubles(value: Double, text: String) {
        #expect(TradeListDigest.canonical(value) == text)
        #expect(Double(text) == value)
    }

    @Test("an empty list is the empty text")
    func empty() {
        #expect(TradeListDigest.canonicalText([]).isEmpty)
        #expect(TradeListDigest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
