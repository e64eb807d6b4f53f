// SPDX-License-Identifier: Apache-2.0

/// One OHLCV bar of one instrument.
public struct Bar: Sendable, Equatable {
    public var instrumentID: Int64
    public var timeframe: Timeframe
    /// Bar open in epoch seconds; a daily bar carries 00:00 UTC of its trading date (the OpenAlgo
    /// contract's convention).
    public var start: Int64
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Int64
    public var openInterest: Int64

    public init(
        instrumentID: Int64, timeframe: Timeframe, start: Int64, open: Double, high: Double, low: Double, close: Double,
        volume: Int64 = 0, openInterest: Int64 = 0
    ) {
        self.instrumentID = instrumentID
        self.timeframe = timeframe
        self.start = start
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.openInterest = openInterest
    }
}
