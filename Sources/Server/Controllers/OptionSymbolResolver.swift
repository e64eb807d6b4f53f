// SPDX-License-Identifier: Apache-2.0
import Core
import HTTPTypes
import MarketData

/// Turns OpenAlgo's relative option names (`NIFTY`, expiry `28NOV24`, `ITM2`, `CE`) into the
/// listed contract, as `optionsymbol` answers and `optionsorder` / `optionsmultiorder` trade.
///
/// The ATM strike is the listed strike of the requested type nearest the underlying's last
/// price, and offsets step through the listed strikes (not a fixed interval), as OpenAlgo does
/// when `strike_int` is absent: uneven strike grids still land on real contracts.
///
/// ```swift
/// let resolution = try await resolver.resolve(underlying: "NIFTY", exchange: "NSE_INDEX", expiryDate: "23NOV26", offset: "OTM2", optionType: "CE")
/// resolution.option.symbol   // "NIFTY23NOV2626100CE" with NIFTY at 26020
/// ```
struct OptionSymbolResolver: Sendable {
    let hub: MarketDataHub
    /// Where the underlying's price comes from: an upstream feed streams it on demand.
    let quotes: OnDemandQuotes

    /// A resolved contract and the price it was chosen at.
    struct Resolution: Sendable, Equatable {
        let option: Instrument
        /// The underlying's last price the ATM strike was chosen from.
        let underlyingLTP: Double
        /// The underlying's own name (`NIFTY` for `NIFTY28NOV24FUT`).
        let underlying: String
        let atmStrike: Double
    }

    /// ATM, or N strikes in or out of the money (1…50, as OpenAlgo validates).
    enum Offset: Equatable, Sendable, CustomStringConvertible {
        case atMoney
        case inMoney(Int)
        case outOfMoney(Int)

        init?(_ text: String) {
            let text = text.uppercased()
            if text == "ATM" {
                self = .atMoney
                return
            }
            let digits = text.dropFirst(3)
            guard digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber }), let steps = Int(digits), (1...50).contains(steps) else {
                return nil
            }
            switch text.prefix(3) {
            case "ITM": self = .inMoney(steps)
            case "OTM": self = .outOfMoney(steps)
            default: return nil
            }
        }

        var description: String {
            switch self {
            case .atMoney: "ATM"
            case .inMoney(let steps): "ITM\(steps)"
            case .outOfMoney(let steps): "OTM\(steps)"
            }
        }

        /// How many listed strikes above (positive) or below the ATM strike the contract lies.
        func strikeSteps(for type: InstrumentType) -> Int {
            // A call is in the money below the underlying, a put above it.
            let upward = type == .call ? 1 : -1
            switch self {
            case .atMoney: return 0
            case .inMoney(let steps): return -steps * upward
            case .outOfMoney(let steps): return steps * upward
            }
        }
    }

    /// Resolves one option contract.
    /// - Parameters:
    ///   - underlying: `NIFTY`, or a future's symbol carrying the expiry (`NIFTY28NOV24FUT`).
    ///   - exchange: where the underlying was named: `NSE_INDEX`, `NSE`, `NFO`, `BSE_INDEX`, `BSE`, `BFO`, `MCX`, `CDS`, `BCD`.
    ///   - expiryDate: `DDMMMYY`; nil to use the expiry the underlying carries.
    ///   - offset: `ATM`, `ITM1`…`ITM50` or `OTM1`…`OTM50` (case-insensitive).
    ///   - optionType: `CE` or `PE` (case-insensitive).
    /// - Returns: the listed contract, with the underlying price it was chosen at.
    /// - Throws: ``APIError/validation(_:_:)`` naming `underlying`, `exchange`, `expiry_date`,
    ///   `offset` or `option_type`; 503 while the underlying has no price yet (an ATM is never
    ///   guessed from 0: OpenAlgo issue #2055).
    func resolve(underlying: String, exchange: String, expiryDate: String?, offset: String, optionType: String) async throws -> Resolution {
        guard let type = InstrumentType(rawValue: optionType.uppercased()), type == .call || type == .put else {
            throw APIError.validation("option_type", "Must be one of: CE, PE.")
        }
        guard let offset = Offset(offset) else {
            throw APIError.validation("offset", "Must be ATM, ITM1 to ITM50 or OTM1 to OTM50.")
        }
        let directory = hub.directory
        let chain = try ListedOptionChain(underlying: underlying, exchange: exchange, expiryDate: expiryDate, directory: directory)
        let contracts = chain.strikes.compactMap { type == .call ? $0.call : $0.put }
        guard !contracts.isEmpty else {
            throw APIError.validation("option_type", "No \(type.rawValue) options of \(chain.underlying) expire on \(chain.expiry.symbolForm).")
        }
        let price = try await underlyingPrice(chain, directory: directory)
        let atm = contracts.indices.min { abs((contracts[$0].strike ?? 0) - price) < abs((contracts[$1].strike ?? 0) - price) } ?? 0
        let target = atm + offset.strikeSteps(for: type)
        guard contracts.indices.contains(target) else {
            let side = target < atm ? "below" : "above"
            let available = target < atm ? atm : contracts.count - 1 - atm
            throw APIError.validation(
                "offset",
                "\(offset) is out of range: \(available) \(type.rawValue) strikes are listed \(side) the ATM strike \(Self.strikeText(contracts[atm].strike))."
            )
        }
        return Resolution(option: contracts[target], underlyingLTP: price, underlying: chain.underlying, atmStrike: contracts[atm].strike ?? 0)
    }

    private func underlyingPrice(_ chain: ListedOptionChain, directory: InstrumentDirectory) async throws -> Double {
        guard let source = chain.priceSource(in: directory) else {
            throw APIError(.serviceUnavailable, message: "No price source is listed for \(chain.underlying): the ATM strike cannot be found")
        }
        guard let price = await quotes.quotes(instrumentIDs: [source.id], mode: .ltp)[source.id]?.lastPrice, price > 0 else {
            throw APIError(.serviceUnavailable, message: "No price for \(source.symbol) yet: the feed has not sent a tick for it")
        }
        return price
    }

    private static func strikeText(_ strike: Double?) -> String {
        guard let strike else { return "?" }
        return strike == strike.rounded() ? String(Int64(strike)) : String(strike)
    }
}
