/// The text form of `fixlog parse`: a readable outline of the records. A pure function of the model.
public enum ParseOutline {
    public static func render(_ log: FixLog) -> String {
        var out = ""
        let n = log.incidents.count
        out += "\(log.source): \(n) record\(n == 1 ? "" : "s")"
        if let title = log.preamble.title { out += " — \(title)" }
        out += "\n"
        for incident in log.incidents {
            out += "\n"
            let number = incident.number.map { "#\($0)" } ?? "—"
            let date = incident.date ?? "no date"
            var head = "\(number)  \(date)  \(incident.title)"
            if let s = incident.status { head += "  [\(s)]" }
            out += head + "\n"
            var facts = ["shape \(incident.shape.rawValue)", "lines \(lines(incident.range))"]
            if let g = incident.group { facts.append("group '\(g)'") }
            if incident.dateSource == .group { facts.append("date from group") }
            out += "    " + facts.joined(separator: " · ") + "\n"
            if let s = incident.summary { out += "    summary: \(s)\n" }
            if !incident.sections.isEmpty {
                let secs = incident.sections.map { "\($0.heading) (\($0.kind.rawValue))" }
                out += "    sections: " + secs.joined(separator: ", ") + "\n"
            }
            let counts = [("problems", incident.problems.count), ("root causes", incident.rootCauses.count),
                          ("alternatives", incident.alternatives.count), ("impact", incident.impact.count),
                          ("results", incident.result.count), ("lessons", incident.lessons.count)]
                .filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }
            if !counts.isEmpty { out += "    " + counts.joined(separator: " · ") + "\n" }
            for (i, ch) in incident.changes.enumerated() {
                var parts = ["change \(i)", "'\(ch.label)'", ch.language ?? "no language"]
                if ch.role != .after { parts.append(ch.role.rawValue) }
                parts.append(ch.file ?? "(Dockerfile beside the log)")
                if let s = ch.stage { parts.append("stage '\(s)'") }
                if let r = ch.lineRef { parts.append("documents \(spanText(r.span))") } else { parts.append("no line reference") }
                if let r = ch.previousLineRef { parts.append("previously \(spanText(r.span))") }
                let present = ch.lines.filter { $0.role == .present }.count
                let absent = ch.lines.filter { $0.role == .absent }.count
                parts.append("\(present) present / \(absent) absent line\(absent == 1 ? "" : "s")")
                if let rep = ch.replacement { parts.append("replaces '\(rep.from)' → '\(rep.to)'") }
                out += "    " + parts.joined(separator: "  ") + "  (log \(lines(ch.range)))\n"
            }
            for (i, v) in incident.verifications.enumerated() {
                let commands = CodeAnnotationReader.splitLines(v.script).filter {
                    let t = $0.trimmingCharacters(in: .whitespaces)
                    return !t.isEmpty && !t.hasPrefix("#")
                }.count
                var line = "    verify \(i)  \(v.language ?? "sh")  \(commands) command\(commands == 1 ? "" : "s")"
                if !v.expectedOutput.isEmpty {
                    let exp = v.expectedOutput.map { e in
                        "'\(e.text)'" + (e.condition.map { " (\($0))" } ?? "")
                    }
                    line += "  expects " + exp.joined(separator: ", ")
                }
                if !v.options.isEmpty {
                    line += "  options " + v.options.keys.sorted().map { "\($0)=\(v.options[$0] ?? "")" }.joined(separator: " ")
                }
                out += line + "  (log \(lines(v.range)))\n"
            }
        }
        return out
    }

    static func spanText(_ s: LineSpan) -> String {
        s.isSingleLine ? "line \(s.first)" : "lines \(s.first)-\(s.last)"
    }

    static func lines(_ r: SourceRange) -> String {
        let last = r.end.column == 1 && r.end.line > r.start.line ? r.end.line - 1 : r.end.line
        return last == r.start.line ? "\(r.start.line)" : "\(r.start.line)-\(last)"
    }
}
