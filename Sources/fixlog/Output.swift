import FixlogCore
import Foundation

/// Writing to standard output and standard error.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Prints diagnostics to standard error, sorted, one per line (`path:line:col: severity: [id] message`).
    static func report(_ diagnostics: [Diagnostic]) {
        for d in diagnostics.sortedForOutput() { error(d.formatted) }
    }
}
