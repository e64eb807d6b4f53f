// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData

/// One listed option chain located from what a client names: an underlying (`NIFTY`, or
/// `NIFTY28NOV24FUT` carrying its expiry), the exchange it was named on (`NSE_INDEX`, `NFO`…) and
/// an expiry. Shared by `optionchain`, `syntheticfuture` and ``OptionSymbolResolver``, so every
/// options endpoint answers a bad underlying, exchange or expiry the same way.
struct ListedOptionChain {
    /// The underlying's own name (`NIFTY` for `NIFTY28NOV24FUT`).
    let underlying: String
    let optionsExchange: ExchangeCode
    let expiry: LocalDate
    /// Ascending; a row may lack its call or its put.
    let strikes: [InstrumentDirectory.ChainStrike]

    /// The F&O segment whose options derive from a cash or index exchange.
    static func optionsExchange(for exchange: String) -> ExchangeCode? {
        switch exchange {
        case "NSE_INDEX", "NSE", "NFO": .nfo
        case "BSE_INDEX", "BSE", "BFO": .bfo
        case "MCX", "MCX_INDEX": .mcx
        case "CDS": .cds
        case "BCD": .bcd
        default: nil
        }
    }

    /// Locates the chain, validating each input.
    /// - Parameters:
    ///   - underlying: a listed underlying, or one followed by `DDMMMYY` and optionally `FUT`.
    ///   - exchange: where the client named it (case-insensitive).
    ///   - expiryDate: `DDMMMYY`; when nil, the expiry the underlying carries.
    /// - Throws: ``APIError/validation(_:_:)`` naming `exchange`, `underlying` or `expiry_date`.
    init(underlying: String, exchange: String, expiryDate: String?, directory: InstrumentDirectory) throws {
        let exchange = exchange.uppercased()
        guard let optionsExchange = Self.optionsExchange(for: exchange) else {
            throw APIError.validation("exchange", "Options are listed for NSE_INDEX, NSE, NFO, BSE_INDEX, BSE, BFO, MCX, CDS or BCD.")
        }
        var name = underlying.uppercased()
        var carriedExpiry: String?
        var listed = directory.optionExpiries(underlying: name, exchange: optionsExchange)
        if listed.isEmpty, let split = Self.splitCarriedExpiry(name) {
            // OpenAlgo accepts a future's symbol (NIFTY28NOV24FUT) as the underlying: its name
            // is the underlying and its date the expiry, unless expiry_date names another.
            let splitListed = directory.optionExpiries(underlying: split.name, exchange: optionsExchange)
            if !splitListed.isEmpty {
                (name, carriedExpiry, listed) = (split.name, split.expiry, splitListed)
            }
        }
        guard let firstListed = listed.first else {
            throw APIError.validation("underlying", "No options are listed for \(name) on \(optionsExchange).")
        }
        guard let expiryText = expiryDate ?? carriedExpiry else {
            throw APIError.validation(
                "expiry_date", "Missing data for required field: give DDMMMYY (e.g. \(firstListed.symbolForm)) or an underlying carrying it.")
        }
        guard let expiry = LocalDate(symbolForm: expiryText) else {
            throw APIError.validation("expiry_date", "Not a valid expiry: use DDMMMYY, e.g. \(firstListed.symbolForm).")
        }
        guard listed.contains(expiry) else {
            throw APIError.validation(
                "expiry_date",
                "No \(name) options expire on \(expiryText.uppercased()); listed: \(listed.map(\.symbolForm).joined(separator: ", ")).")
        }
        self.underlying = name
        self.optionsExchange = optionsExchange
        self.expiry = expiry
        strikes = directory.chain(underlying: name, exchange: optionsExchange, expiry: expiry)
    }

    /// What the options' prices derive from: the index or equity, else the nearest future.
    func priceSource(in directory: InstrumentDirectory) -> Instrument? {
        directory.spot(ofUnderlying: underlying, derivativeExchange: optionsExchange)
            ?? directory.futures(underlying: underlying, exchange: optionsExchange).first
    }

    /// `NIFTY28NOV24FUT` or `NIFTY28NOV24` → (`NIFTY`, `28NOV24`); nil when the text carries no date.
    static func splitCarriedExpiry(_ text: String) -> (name: String, expiry: String)? {
        let body = text.hasSuffix("FUT") ? String(text.dropLast(3)) : text
        guard body.count > 7 else { return nil }
        let date = String(body.suffix(7))
        guard LocalDate(symbolForm: date) != nil, date.first?.isNumber == true else { return nil }
        return (String(body.dropLast(7)), date)
    }
}
