import FixlogCore
import Foundation

/// Writing to standard output and standard error.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes bytes to standard output without copying them first.
    static func write(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                                                 count: buffer.count, deallocator: .none))
        }
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Keeps a value alive until the process exits. A command ends the process right after its work; freeing
    /// a large model object by object (a 10,000-record log is millions of them) costs more than the system
    /// reclaiming the memory at exit, so the big values are never freed.
    static func keepUntilExit<T>(_ value: T) {
        FixLogIngester.Scratch.keepUntilExit.dispose(value)
    }

    /// Prints diagnostics to standard error, sorted, one per line (`path:line:col: severity: [id] message`).
    static func report(_ diagnostics: [Diagnostic]) {
        for d in diagnostics.sortedForOutput() { error(d.formatted) }
    }
}
