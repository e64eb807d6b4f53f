// SPDX-License-Identifier: Apache-2.0

/// Deterministic OHLCV bars for property tests (SplitMix64, so any platform gets the same bars).
struct RandomWalk {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    mutating func bars(_ count: Int) -> (high: [Double], low: [Double], close: [Double], volume: [Double]) {
        var high: [Double] = []
        var low: [Double] = []
        var close: [Double] = []
        var volume: [Double] = []
        var price = 100.0
        for _ in 0..<count {
            let open = price
            price = max(1, price + (next() - 0.5) * 2)
            high.append(max(open, price) + next())
            low.append(min(open, price) - next())
            close.append(price)
            volume.append((next() * 1000).rounded())
        }
        return (high, low, close, volume)
    }
}
