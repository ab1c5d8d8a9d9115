/// `fixlog check --format github`: GitHub Actions workflow commands, one per finding
/// (`::warning file=…,line=…,endLine=…,title=…::message`), then a `::notice` summary.
public enum CheckGitHubRenderer {
    public static func render(_ report: CheckReport) -> String {
        var out = ""
        let findings = CheckFinding.findings(in: report)
        out.reserveCapacity(findings.count * 256)
        let log = escapeProperty(report.log)
        for f in findings {
            let command = switch f.level {
            case .error: "error"
            case .warning: "warning"
            case .note: "notice"
            }
            var properties = "file=\(log),line=\(f.logLines.first)"
            if f.logLines.last != f.logLines.first { properties += ",endLine=\(f.logLines.last)" }
            if let c = f.logColumn { properties += ",col=\(c)" }
            properties += ",title=\(escapeProperty("fixlog check: " + f.rule))"
            var message = f.message
            if let file = f.file, let lines = f.fileLines { message += "\n\(file):\(lines)" }
            out += "::\(command) \(properties)::\(escapeData(message))\n"
        }
        out += "::notice title=fixlog check::\(escapeData(CheckTextRenderer.summary(report)))\n"
        return out
    }

    static func escapeData(_ s: String) -> String {
        // Nothing to escape (the usual message): the text as it is, without Foundation's searches.
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == 13 || $0 == 10 }) { return s }
        return s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        let data = escapeData(s)
        if !data.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ",") }) { return data }
        return data.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

import Foundation
