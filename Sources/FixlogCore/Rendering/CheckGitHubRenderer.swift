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
        if let fast = escapeBytes(s, property: false) { return fast }
        return s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        if let fast = escapeBytes(s, property: true) { return fast }
        return escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// The escapes in one pass over the bytes, when that is certainly what the replacements give: no CR (which
    /// may pair with a LF into one character), and no LF, `%` (or, for properties, `:` / `,`) followed by a
    /// non-ASCII byte (the replacements do not match a character followed by a combining mark). Otherwise nil.
    static func escapeBytes(_ s: String, property: Bool) -> String? {
        let result = s.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var out: [UInt8] = []
            var changed = false
            for i in bytes.indices {
                let b = bytes[i]
                let code: (UInt8, UInt8)?
                switch b {
                case 13: return nil
                case 10: code = (UInt8(ascii: "0"), UInt8(ascii: "A"))
                case UInt8(ascii: "%"): code = (UInt8(ascii: "2"), UInt8(ascii: "5"))
                case UInt8(ascii: ":") where property: code = (UInt8(ascii: "3"), UInt8(ascii: "A"))
                case UInt8(ascii: ",") where property: code = (UInt8(ascii: "2"), UInt8(ascii: "C"))
                default: code = nil
                }
                guard let code else {
                    if changed { out.append(b) }
                    continue
                }
                if i + 1 < bytes.count, bytes[i + 1] >= 0x80 { return nil }
                if !changed {
                    changed = true
                    out.reserveCapacity(bytes.count + 16)
                    out.append(contentsOf: bytes[..<i])
                }
                out.append(UInt8(ascii: "%"))
                out.append(code.0)
                out.append(code.1)
            }
            return changed ? String(decoding: out, as: UTF8.self) : s
        }
        return result ?? nil
    }
}
