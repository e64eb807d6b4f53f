// SPDX-License-Identifier: Apache-2.0
import Core
import MarketData

/// Request fields several endpoints share, each with an example value a test can send. Values
/// the server upper-cases (exchanges, actions, price types, products) are listed upper-case.
enum APIField {
    /// Every body's `apikey` (1–256 characters).
    static let apikey = JSONValue.object([
        "type": .string("string"), "minLength": .integer(1), "maxLength": .integer(256),
        "description": .string("The API key (`realalgo apikey create`)."),
    ]).example("YOUR_API_KEY")

    /// A JSON request body: `apikey` plus `properties`.
    /// - Parameters:
    ///   - required: the fields besides `apikey` the endpoint refuses to go without.
    ///   - closed: the endpoint refuses fields it does not declare (400 naming the field).
    static func body(_ properties: [String: JSONValue], required: [String] = [], closed: Bool = true) -> JSONValue {
        var all = properties
        all["apikey"] = apikey
        return JSONSchema.object(all, required: ["apikey"] + required, closed: closed)
    }

    static func exchange(_ values: [String], example: String, _ description: String = "Matched upper-cased.") -> JSONValue {
        JSONSchema.string(description, enum: values, maxLength: 16).example(example)
    }

    /// OpenAlgo's `VALID_EXCHANGES`.
    static var allExchanges: [String] { MarketDataController.validExchanges.sorted() }

    /// Where options are listed (`expiry`, `optiongreeks`).
    static var derivativeExchanges: [String] { SymbolController.derivativeExchanges }

    /// Where an underlying may be named for its options (`ListedOptionChain.optionsExchange(for:)`).
    static let underlyingExchanges = ["NSE_INDEX", "NSE", "NFO", "BSE_INDEX", "BSE", "BFO", "MCX", "MCX_INDEX", "CDS", "BCD"]

    static func symbol(_ example: String = "RELIANCE", _ description: String = "The trading symbol (a number is read as its digits).")
        -> JSONValue
    {
        JSONSchema.text(description).example(example)
    }

    static let strategy = JSONSchema.text("The strategy tag the order carries.", maxLength: 255).example("openapi")

    static let orderID = JSONSchema.text("The 15-digit order id.").example("261121100000001")

    static let action = JSONSchema.string("Case-insensitive.", enum: OrderAction.allCases.map(\.rawValue)).example("BUY")

    static let priceType = JSONSchema.string("Default MARKET; case-insensitive.", enum: PriceType.allCases.map(\.rawValue)).example("MARKET")

    static let product = JSONSchema.string("Default MIS; case-insensitive.", enum: Product.allCases.map(\.rawValue)).example("MIS")

    static let quantity = JSONSchema.numeric("Greater than 0; whole (fractional only on CRYPTO), in whole lots on F&O.", minimum: 0).example(
        .integer(1))

    static func price(_ description: String) -> JSONValue {
        JSONSchema.numeric(description, minimum: 0).example(.integer(0))
    }

    static let disclosedQuantity = JSONSchema.numericInteger("Default 0.", minimum: 0).example(.integer(0))

    /// `placeorder`'s fields: the order every order endpoint describes.
    static let orderFields: [String: JSONValue] = [
        "strategy": strategy, "exchange": exchange(allExchanges, example: "NSE"), "symbol": symbol(), "action": action, "quantity": quantity,
        "pricetype": priceType, "product": product, "price": price("Default 0; required for LIMIT and SL."),
        "trigger_price": price("Default 0; required for SL and SL-M."), "disclosed_quantity": disclosedQuantity,
    ]

    static let orderRequired = ["strategy", "exchange", "symbol", "action", "quantity"]

    /// An order inside a `basketorder` or `margin` list: `placeorder`'s fields, `strategy` taken
    /// from the request (one given here is overwritten).
    static let orderItem = JSONSchema.object(orderFields, required: ["exchange", "symbol", "action", "quantity"], closed: true)
        .example(exampleOrder)

    static let exampleOrder: JSONValue = .object([
        "symbol": .string("RELIANCE"), "exchange": .string("NSE"), "action": .string("BUY"), "quantity": .integer(1),
    ])

    /// `DDMMMYY`.
    static let expiryDate = JSONSchema.string("`DDMMMYY`, e.g. `01DEC26`; case-insensitive.", pattern: "^[0-9]{2}[A-Za-z]{3}[0-9]{2}$", maxLength: 9)
        .example("01DEC26")

    static let underlying = JSONSchema.text("The underlying, e.g. `NIFTY`, or a future's symbol carrying the expiry, `NIFTY23NOV26FUT`.")
        .example("NIFTY")

    static let offset = JSONSchema.string(
        "`ATM`, `ITM1`…`ITM50` or `OTM1`…`OTM50`, counting listed strikes from the ATM strike; case-insensitive.",
        pattern: "^([Aa][Tt][Mm]|[IiOo][Tt][Mm]([1-9]|[1-4][0-9]|50))$", maxLength: 8
    ).example("ATM")

    static let optionType = JSONSchema.string("Case-insensitive.", enum: ["CE", "PE"], maxLength: 2).example("CE")

    static let interestRate = JSONSchema.numeric("Percent, continuously compounded (default 0).", minimum: 0, maximum: 100)

    /// An ISO date, `YYYY-MM-DD`.
    static func date(_ description: String, example: String = "2026-11-21") -> JSONValue {
        JSONSchema.string(description, format: "date", maxLength: 10).example(example)
    }
}
