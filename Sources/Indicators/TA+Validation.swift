// SPDX-License-Identifier: Apache-2.0

extension TA {
    /// Throws unless `value` is in `allowed`.
    static func checkPeriod(_ name: String, _ value: Int, _ allowed: ClosedRange<Int>) throws {
        guard allowed.contains(value) else { throw IndicatorError.badPeriod(name: name, value: value, allowed: allowed) }
    }

    /// Throws unless `value` is finite and strictly positive.
    static func checkMultiplier(_ name: String, _ value: Double) throws {
        guard value.isFinite, value > 0 else { throw IndicatorError.badMultiplier(name: name, value: value) }
    }

    /// Throws at the first NaN or infinity: TA-Lib would carry it into every later value.
    static func checkFinite(_ name: String, _ values: [Double]) throws {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw IndicatorError.nonFiniteInput(series: name, index: index)
        }
    }

    /// Throws unless every series has as many values as the first, then checks each is finite.
    static func checkSeries(_ series: KeyValuePairs<String, [Double]>) throws {
        guard let expected = series.first?.value.count else { return }
        for (name, values) in series {
            guard values.count == expected else {
                throw IndicatorError.lengthMismatch(series: name, count: values.count, expected: expected)
            }
            try checkFinite(name, values)
        }
    }

    /// A full-length output of NaN, to be filled from the end of the warm-up on.
    static func warmUp(_ count: Int) -> [Double] {
        [Double](repeating: .nan, count: count)
    }
}
