/// Renders verification results as JUnit XML for CI systems. A pure function of its inputs.
///
/// One `<testsuite>` per run, one `<testcase>` per step (`classname` = record, `name` = step). `failed`
/// steps get `<failure>`, `timedOut` and `error` steps get `<error>`, `skipped` steps get `<skipped>`;
/// `cached` steps pass with a `<system-out>` note. Times are in seconds.
public enum JUnitRenderer {
    /// The XML document. `timestamp` (ISO 8601) is passed in; the renderer reads no clock.
    public static func render(_ results: VerificationResults, suiteName: String = "fixlog verify",
                              timestamp: String, hostname: String = "localhost") -> String {
        let steps = results.steps
        let failures = steps.filter { $0.status == .failed }.count
        let errors = steps.filter { $0.status == .timedOut || $0.status == .error }.count
        let skipped = steps.filter { $0.status == .skipped }.count
        let total = steps.reduce(0) { $0 + $1.durationMs }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(escape(suiteName))\" tests=\"\(steps.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(seconds(total))\">\n"
        out += "  <testsuite name=\"\(escape(suiteName))\" tests=\"\(steps.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(seconds(total))\" timestamp=\"\(escape(timestamp))\" hostname=\"\(escape(hostname))\">\n"
        for step in steps {
            let classname = "record \(step.incident)" + (step.title.map { ": \($0)" } ?? "")
            let name = "step \(step.step)" + (step.label.map { ": \($0)" } ?? "")
            var attrs = "classname=\"\(escape(classname))\" name=\"\(escape(name))\" time=\"\(seconds(step.durationMs))\""
            if let log = step.log { attrs += " file=\"\(escape(log))\"" }
            if let line = step.line { attrs += " line=\"\(line)\"" }
            out += "    <testcase \(attrs)>\n"
            let message = escape(step.reason ?? step.status.rawValue)
            switch step.status {
            case .passed:
                break
            case .cached:
                out += "      <system-out>\(escape("cached: inputs unchanged (\(step.inputsHash.prefix(12)))"))</system-out>\n"
            case .skipped:
                out += "      <skipped message=\"\(message)\"/>\n"
            case .failed:
                out += "      <failure message=\"\(message)\" type=\"failed\">\(escape(detail(step)))</failure>\n"
            case .timedOut:
                out += "      <error message=\"\(message)\" type=\"timedOut\">\(escape(detail(step)))</error>\n"
            case .error:
                out += "      <error message=\"\(message)\" type=\"error\">\(escape(detail(step)))</error>\n"
            }
            if step.status != .passed, step.status != .cached, step.status != .skipped, !step.outputExcerpt.isEmpty {
                out += "      <system-out>\(escape(step.outputExcerpt))</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func detail(_ step: StepResult) -> String {
        var lines: [String] = []
        if let code = step.exitStatus { lines.append("exit status \(code)") }
        if let sig = step.signal { lines.append("signal \(sig)") }
        for l in step.expectation.missingLines { lines.append("missing expected line: \(l)") }
        for l in step.expectation.uncheckedLines { lines.append("unchecked (condition unknown): \(l)") }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ ms: Int) -> String {
        let s = ms / 1000, frac = ms % 1000
        let f = String(frac)
        return "\(s)." + String(repeating: "0", count: 3 - f.count) + f
    }

    /// XML-escapes text for attributes and element content; drops characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
