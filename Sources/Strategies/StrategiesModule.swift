// SPDX-License-Identifier: Apache-2.0

/// The strategies module: the Lua strategy host, exit rules and the backtester. Its name is the one
/// `--modules` / `REALALGO_MODULES` enables it with.
public enum StrategiesModule {
    public static let name = "strategies"
}
