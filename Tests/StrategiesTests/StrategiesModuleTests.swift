// SPDX-License-Identifier: Apache-2.0
import Strategies
import Testing

@Suite struct StrategiesModuleTests {
    @Test func moduleNameIsTheOneModulesFlagUses() {
        #expect(StrategiesModule.name == "strategies")
    }
}
