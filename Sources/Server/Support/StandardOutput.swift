// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to standard output or standard error without ever taking the process down.
///
/// `FileHandle.write(_:)` traps when the write fails, and a write to a closed pipe does fail once
/// SIGPIPE is ignored (SwiftNIO ignores it): a log reader that goes away (a journald restart) must
/// not kill the server. Lines that cannot be written are dropped.
public enum StandardOutput {
    public static func write(_ text: String, toStandardError: Bool = false) {
        var bytes = Array(text.utf8)
        write(&bytes, descriptor: toStandardError ? 2 : 1)
    }

    static func write(_ bytes: inout [UInt8], descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // EPIPE, EBADF, a full disk: drop the line rather than crash
                }
            }
        }
    }
}
