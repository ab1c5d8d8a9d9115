import Foundation

/// What `fixlog ci` writes for CI systems: one SARIF file for every log's check, one JUnit file for
/// every verification step, GitHub workflow commands, and a Markdown job summary. Pure functions.
public enum CIOutputs {
    /// The default directory `fixlog ci` writes into (relative to the current directory).
    public static let defaultDirectory = "fixlog-results"
    /// The SARIF file's name inside the output directory.
    public static let sarifName = "fixlog.sarif"
    /// The JUnit file's name inside the output directory.
    public static let junitName = "junit.xml"
    /// The GitHub annotations file's name inside the output directory (the same lines go to standard
    /// output when running under GitHub Actions).
    public static let annotationsName = "github-annotations.txt"
    /// The Markdown summary's name inside the output directory (also appended to `$GITHUB_STEP_SUMMARY`).
    public static let summaryName = "summary.md"

    /// One SARIF 2.1.0 document holding one run per check report.
    public static func sarif(_ reports: [CheckReport]) -> String {
        var runs: [JSONValue] = []
        var head: [(String, JSONValue)] = []
        for report in reports {
            guard case .object(let pairs) = CheckSARIFRenderer.value(report) else { continue }
            for (key, value) in pairs {
                if key == "runs", case .array(let items) = value { runs += items } else if head.count < 2, !head.contains(where: { $0.0 == key }) {
                    head.append((key, value))
                }
            }
        }
        if head.isEmpty { head = [("version", .string("2.1.0"))] }
        return JSONValue.object(head + [("runs", .array(runs))]).rendered(newline: true)
    }

    /// GitHub workflow commands for verification steps that failed, errored or timed out.
    public static func githubAnnotations(_ steps: [StepResult]) -> String {
        var out = ""
        for step in steps where step.status.isFailure {
            var props: [String] = []
            if let log = step.log { props.append("file=\(escapeProperty(log))") }
            if let line = step.line { props.append("line=\(line)") }
            props.append("title=\(escapeProperty("fixlog verify \(step.identifier)"))")
            let message = "step \(step.identifier)\(step.label.map { " (\($0))" } ?? "") \(step.status.rawValue)" + (step.reason.map { ": \($0)" } ?? "")
            out += "::error \(props.joined(separator: ","))::\(escapeData(message))\n"
        }
        return out
    }

    /// One stage's outcome in the summary.
    public struct StageOutcome: Sendable, Hashable {
        /// `check`, `verify` or `regenerate`.
        public var stage: String
        /// The log it concerns.
        public var log: String
        /// `passed`, `failed`, `skipped` or `error`.
        public var status: String
        /// One line of detail.
        public var detail: String
        public init(stage: String, log: String, status: String, detail: String) {
            self.stage = stage
            self.log = log
            self.status = status
            self.detail = detail
        }
    }

    /// A Markdown table of the stages (for `$GITHUB_STEP_SUMMARY`).
    public static func summary(_ outcomes: [StageOutcome]) -> String {
        var out = "## fixlog ci\n\n| stage | log | result | detail |\n|---|---|---|---|\n"
        for o in outcomes {
            out += "| \(o.stage) | `\(o.log)` | \(o.status) | \(o.detail.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }

    static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
