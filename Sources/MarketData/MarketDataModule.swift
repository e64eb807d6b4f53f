// SPDX-License-Identifier: Apache-2.0

/// The market-data module: feeds (simulator, replay, upstream), the quote cache, bar aggregation
/// and the tick store. Its name is the one `--modules` / `REALALGO_MODULES` enables it with.
public enum MarketDataModule {
    public static let name = "market-data"
}
