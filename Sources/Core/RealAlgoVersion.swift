// SPDX-License-Identifier: Apache-2.0

/// The version of this build, reported by `/health`, `realalgo --version` and recorded with every
/// migration it applies.
public enum RealAlgoVersion {
    public static let current = "0.1.0"
}
